-- Each file records what it belongs to: the owner kind (a tool's name for it: 'post', 'task',
-- 'chat', 'photo', 'logo' …) and the id of that thing. NULL while it is a fresh upload that
-- nothing has claimed yet (then only its uploader may read it). A download is allowed by the
-- owner kind's own rule; claiming is one conditional UPDATE, so a file is claimed once.
ALTER TABLE files ADD COLUMN owner_kind VARCHAR(16) NULL, ADD COLUMN owner_ref BIGINT NULL;

UPDATE files f JOIN (SELECT portal_id, file_id, MIN(post_id) AS owner FROM feed_attachments GROUP BY portal_id, file_id) a
    ON a.portal_id = f.portal_id AND a.file_id = f.id
SET f.owner_kind = 'post', f.owner_ref = a.owner;

UPDATE files f JOIN (SELECT portal_id, file_id, MIN(task_id) AS owner FROM task_files GROUP BY portal_id, file_id) t
    ON t.portal_id = f.portal_id AND t.file_id = f.id
SET f.owner_kind = 'task', f.owner_ref = t.owner;

UPDATE files f JOIN (SELECT cf.portal_id, cf.file_id, MIN(m.chat_id) AS owner FROM chat_files cf
                     JOIN chat_messages m ON m.id = cf.message_id GROUP BY cf.portal_id, cf.file_id) c
    ON c.portal_id = f.portal_id AND c.file_id = f.id
SET f.owner_kind = 'chat', f.owner_ref = c.owner;

UPDATE files f JOIN (SELECT portal_id, avatar_file_id AS file_id, MIN(id) AS owner FROM chats
                     WHERE avatar_file_id IS NOT NULL GROUP BY portal_id, avatar_file_id) c
    ON c.portal_id = f.portal_id AND c.file_id = f.id
SET f.owner_kind = 'chat', f.owner_ref = c.owner
WHERE f.owner_kind IS NULL;

UPDATE files f JOIN (SELECT portal_id, photo_file_id AS file_id, MIN(id) AS owner FROM users
                     WHERE photo_file_id IS NOT NULL GROUP BY portal_id, photo_file_id) u
    ON u.portal_id = f.portal_id AND u.file_id = f.id
SET f.owner_kind = 'photo', f.owner_ref = u.owner
WHERE f.owner_kind IS NULL;

UPDATE files f JOIN portals p ON p.id = f.portal_id AND p.logo_file_id = f.id
SET f.owner_kind = 'logo', f.owner_ref = f.portal_id
WHERE f.owner_kind IS NULL;

-- Thumbnails are made by the server and never attached alone.
UPDATE files f JOIN file_previews p ON p.thumb_file_id = f.id AND p.portal_id = f.portal_id
SET f.purpose = 'thumbnail';

-- A thumbnail belongs to what its picture belongs to.
UPDATE files t JOIN file_previews p ON p.thumb_file_id = t.id AND p.portal_id = t.portal_id
    JOIN files o ON o.id = p.file_id
SET t.owner_kind = o.owner_kind, t.owner_ref = o.owner_ref;

CREATE INDEX files_owner ON files(portal_id, owner_kind, owner_ref);
CREATE INDEX file_previews_thumb ON file_previews(portal_id, thumb_file_id);
