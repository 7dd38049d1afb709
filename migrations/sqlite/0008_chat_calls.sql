-- Calls in a chat: at most one going on per chat, with up to four people. The sound and video
-- go browser to browser (WebRTC); the server only relays their handshakes over `/ws`.

CREATE TABLE chat_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    chat_id BIGINT NOT NULL,
    started_by BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    -- The chat while the call goes on, NULL once it ended: one call going on per chat.
    open_chat_id BIGINT
);
CREATE UNIQUE INDEX chat_calls_open ON chat_calls(open_chat_id);
CREATE INDEX chat_calls_chat ON chat_calls(portal_id, chat_id);

-- Who is in a call now. The node holding the person's socket renews `lease_until`; a lease
-- that ran out is someone whose node died.
CREATE TABLE chat_call_people (
    call_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    joined_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,
    PRIMARY KEY (call_id, user_id)
);
