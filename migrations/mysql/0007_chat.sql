-- The messenger: one-to-one chats, named group chats, and the chat of each workgroup and task.
-- Every message has a sequence number within its chat, given under the chat row's lock, so a
-- chat's messages are numbered 1, 2, 3… in commit order: unread counts are `last_seq -
-- last_read_seq`, and a client that missed events asks for "everything after n".

CREATE TABLE chats (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    -- direct | group | workgroup | task
    kind VARCHAR(16) NOT NULL,
    -- Group chats only; the others take their name from the person, workgroup or task.
    title VARCHAR(120) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
    avatar_file_id BIGINT,
    -- Group chats: who may rename it and add or remove people.
    owner_id BIGINT,
    -- Direct chats: "<lower user id>:<higher user id>", so two people share one chat.
    direct_key VARCHAR(48),
    group_id BIGINT,
    task_id BIGINT,
    last_seq BIGINT NOT NULL DEFAULT 0,
    last_message_id BIGINT,
    -- The last message, or the creation: the chat list's order.
    activity_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX chats_direct ON chats(portal_id, direct_key);
CREATE UNIQUE INDEX chats_group ON chats(portal_id, group_id);
CREATE UNIQUE INDEX chats_task ON chats(portal_id, task_id);
CREATE INDEX chats_activity ON chats(activity_at);

-- Who is in a chat, and how far they have read. Workgroup and task chats keep this in step
-- with their workgroup's or task's people.
CREATE TABLE chat_members (
    chat_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    last_read_seq BIGINT NOT NULL DEFAULT 0,
    -- The last message told about in an e-mail digest (each message at most once).
    mailed_seq BIGINT NOT NULL DEFAULT 0,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX chat_members_user ON chat_members(portal_id, user_id, chat_id);

CREATE TABLE chat_messages (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    chat_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    sender_id BIGINT NOT NULL,
    -- text | system (someone joined, left, renamed the chat)
    kind VARCHAR(16) NOT NULL,
    -- Rich text source, the same markup as posts; empty once deleted.
    body VARCHAR(10000) COLLATE utf8mb4_unicode_ci NOT NULL,
    reply_to_id BIGINT,
    -- Chosen by the sender's client: a retried send with the same key is the same message.
    client_key VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT,
    -- Any change (edit, deletion, reaction): clients catching up ask for changes since.
    changed_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX chat_messages_seq ON chat_messages(chat_id, seq);
CREATE UNIQUE INDEX chat_messages_key ON chat_messages(portal_id, sender_id, client_key);
CREATE INDEX chat_messages_changed ON chat_messages(chat_id, changed_at);
-- Search in one's chats (SQLite: the FTS5 table chat_search).
CREATE FULLTEXT INDEX chat_messages_text ON chat_messages(body);

CREATE TABLE chat_reactions (
    message_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    reaction VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id, reaction)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE chat_files (
    message_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    file_id BIGINT NOT NULL,
    PRIMARY KEY (message_id, file_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE UNIQUE INDEX chat_files_file ON chat_files(portal_id, file_id);

-- Presence: open sockets across all nodes. A node refreshes `online_until` for its sockets;
-- a crashed node's count goes stale, and `online_until` passing makes its users offline.
CREATE TABLE user_presence (
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    connections BIGINT NOT NULL DEFAULT 0,
    away BIGINT NOT NULL DEFAULT 0,
    online_until BIGINT NOT NULL DEFAULT 0,
    last_seen_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (portal_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
