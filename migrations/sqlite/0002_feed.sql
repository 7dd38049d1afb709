-- Live feed: posts with their audience, comments, reactions, and what each reader has seen.
-- Polls, confirmations of announcements and appreciations; attachments and search come later.

CREATE TABLE feed_posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    -- post | announcement | appreciation | entry (published by another tool: entry_type)
    kind TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    entry_type TEXT,
    entry_data TEXT,
    -- Addressed to every employee (the common case, kept on the row for a fast feed query).
    to_all BIGINT NOT NULL DEFAULT 0,
    pinned_at BIGINT,
    comment_count BIGINT NOT NULL DEFAULT 0,
    reaction_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    edited_at BIGINT
);
CREATE INDEX feed_posts_portal ON feed_posts(portal_id, id);
CREATE INDEX feed_posts_author ON feed_posts(portal_id, author_id, id);
CREATE INDEX feed_posts_pinned ON feed_posts(portal_id, pinned_at);

-- Who a post is addressed to besides (or instead of) everyone: departments (with their
-- sub-departments), named people, workgroups.
CREATE TABLE feed_audience (
    post_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, kind, target_id)
);
CREATE INDEX feed_audience_target ON feed_audience(portal_id, kind, target_id, post_id);

CREATE TABLE feed_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    reaction_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    edited_at BIGINT
);
CREATE INDEX feed_comments_post ON feed_comments(portal_id, post_id, id);

-- One reaction per person per post or comment (comment_id 0 = the post itself).
CREATE TABLE feed_reactions (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    comment_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    reaction TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, comment_id, user_id)
);

-- People mentioned in a post or comment (comment_id 0 = the post), for "mentions of me".
CREATE TABLE feed_mentions (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    comment_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, comment_id, user_id)
);
CREATE INDEX feed_mentions_user ON feed_mentions(portal_id, user_id, post_id);

-- The newest post each reader has seen: everything visible above it is unread.
CREATE TABLE feed_seen (
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    last_post_id BIGINT NOT NULL,
    PRIMARY KEY (portal_id, user_id)
);

-- A poll inside a post; options keep their vote count for the feed.
CREATE TABLE feed_polls (
    post_id BIGINT NOT NULL PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    multiple BIGINT NOT NULL DEFAULT 0,
    anonymous BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE feed_poll_options (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    votes BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX feed_poll_options_post ON feed_poll_options(portal_id, post_id, position);

CREATE TABLE feed_poll_votes (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    option_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (option_id, user_id)
);
CREATE INDEX feed_poll_votes_user ON feed_poll_votes(portal_id, post_id, user_id);

-- "I've read it" on announcements.
CREATE TABLE feed_confirmations (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX feed_confirmations_user ON feed_confirmations(portal_id, user_id, post_id);

-- Who an appreciation thanks, with its badge; shown on their profile.
CREATE TABLE feed_thanks (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    badge TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX feed_thanks_user ON feed_thanks(portal_id, user_id, post_id);

-- What a file is for: 'public' (photos, logos: any member may fetch them) or 'attachment'
-- (readable only by those who can see the post it is attached to; before that, its owner).
ALTER TABLE files ADD COLUMN purpose TEXT NOT NULL DEFAULT 'public';

-- Files attached to a post or comment (comment_id 0 = the post), in order; pictures carry a
-- server-made thumbnail and their size.
CREATE TABLE feed_attachments (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    comment_id BIGINT NOT NULL,
    file_id BIGINT NOT NULL PRIMARY KEY,
    thumb_file_id BIGINT,
    width BIGINT,
    height BIGINT,
    position BIGINT NOT NULL
);
CREATE INDEX feed_attachments_post ON feed_attachments(portal_id, post_id, comment_id, position);
CREATE INDEX feed_attachments_thumb ON feed_attachments(thumb_file_id);

-- Pictures uploaded for a post that is not published yet: their thumbnail and size.
CREATE TABLE file_previews (
    file_id BIGINT NOT NULL PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    thumb_file_id BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL
);

-- Full-text search over posts and comments (MySQL: FULLTEXT indexes). Kept in step by the
-- application (app/src/ssr/search.rs), one row per post text and per comment.
-- `portal` holds the token "p<portal id>", so a search matches within one portal's rows only.
CREATE VIRTUAL TABLE feed_search USING fts5(
    body,
    portal,
    post_id UNINDEXED,
    comment_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
