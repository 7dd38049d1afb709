-- Each file records what it belongs to: the owner kind (a tool's name for it: 'post', 'task',
-- 'chat', 'photo', 'logo' …) and the id of that thing. NULL while it is a fresh upload that
-- nothing has claimed yet (then only its uploader may read it). A download is allowed by the
-- owner kind's own rule; claiming is one conditional UPDATE, so a file is claimed once.
ALTER TABLE files ADD COLUMN owner_kind TEXT;
ALTER TABLE files ADD COLUMN owner_ref BIGINT;

UPDATE files SET owner_kind = 'post', owner_ref = (
    SELECT MIN(a.post_id) FROM feed_attachments a WHERE a.portal_id = files.portal_id AND a.file_id = files.id)
WHERE EXISTS (SELECT 1 FROM feed_attachments a WHERE a.portal_id = files.portal_id AND a.file_id = files.id);

UPDATE files SET owner_kind = 'task', owner_ref = (
    SELECT MIN(t.task_id) FROM task_files t WHERE t.portal_id = files.portal_id AND t.file_id = files.id)
WHERE EXISTS (SELECT 1 FROM task_files t WHERE t.portal_id = files.portal_id AND t.file_id = files.id);

UPDATE files SET owner_kind = 'chat', owner_ref = (
    SELECT MIN(m.chat_id) FROM chat_files cf JOIN chat_messages m ON m.id = cf.message_id
    WHERE cf.portal_id = files.portal_id AND cf.file_id = files.id)
WHERE EXISTS (SELECT 1 FROM chat_files cf JOIN chat_messages m ON m.id = cf.message_id
              WHERE cf.portal_id = files.portal_id AND cf.file_id = files.id);

UPDATE files SET owner_kind = 'chat', owner_ref = (
    SELECT MIN(c.id) FROM chats c WHERE c.portal_id = files.portal_id AND c.avatar_file_id = files.id)
WHERE owner_kind IS NULL
  AND EXISTS (SELECT 1 FROM chats c WHERE c.portal_id = files.portal_id AND c.avatar_file_id = files.id);

UPDATE files SET owner_kind = 'photo', owner_ref = (
    SELECT MIN(u.id) FROM users u WHERE u.portal_id = files.portal_id AND u.photo_file_id = files.id)
WHERE owner_kind IS NULL
  AND EXISTS (SELECT 1 FROM users u WHERE u.portal_id = files.portal_id AND u.photo_file_id = files.id);

UPDATE files SET owner_kind = 'logo', owner_ref = portal_id
WHERE owner_kind IS NULL
  AND EXISTS (SELECT 1 FROM portals p WHERE p.id = files.portal_id AND p.logo_file_id = files.id);

-- Thumbnails are made by the server and never attached alone.
UPDATE files SET purpose = 'thumbnail'
WHERE EXISTS (SELECT 1 FROM file_previews p WHERE p.thumb_file_id = files.id AND p.portal_id = files.portal_id);

-- A thumbnail belongs to what its picture belongs to.
UPDATE files SET
    owner_kind = (SELECT o.owner_kind FROM file_previews p JOIN files o ON o.id = p.file_id
                  WHERE p.thumb_file_id = files.id AND p.portal_id = files.portal_id),
    owner_ref = (SELECT o.owner_ref FROM file_previews p JOIN files o ON o.id = p.file_id
                 WHERE p.thumb_file_id = files.id AND p.portal_id = files.portal_id)
WHERE EXISTS (SELECT 1 FROM file_previews p WHERE p.thumb_file_id = files.id AND p.portal_id = files.portal_id);

CREATE INDEX files_owner ON files(portal_id, owner_kind, owner_ref);
CREATE INDEX file_previews_thumb ON file_previews(portal_id, thumb_file_id);
