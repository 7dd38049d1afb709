-- Live feed: posts with their audience, comments, reactions, and what each reader has seen.
-- Polls, confirmations of announcements and appreciations; attachments and search come later.

CREATE TABLE feed_posts (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    -- post | announcement | appreciation | entry (published by another tool: entry_type)
    kind VARCHAR(32) NOT NULL,
    -- Case-insensitive, so full-text search ignores case.
    body VARCHAR(10000) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
    entry_type VARCHAR(64),
    entry_data VARCHAR(4000),
    -- Addressed to every employee (the common case, kept on the row for a fast feed query).
    to_all BIGINT NOT NULL DEFAULT 0,
    pinned_at BIGINT,
    comment_count BIGINT NOT NULL DEFAULT 0,
    reaction_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    edited_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_posts_portal ON feed_posts(portal_id, id);
CREATE INDEX feed_posts_author ON feed_posts(portal_id, author_id, id);
CREATE INDEX feed_posts_pinned ON feed_posts(portal_id, pinned_at);

-- Who a post is addressed to besides (or instead of) everyone: departments (with their
-- sub-departments), named people, workgroups.
CREATE TABLE feed_audience (
    post_id BIGINT NOT NULL,
    portal_id BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    target_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, kind, target_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_audience_target ON feed_audience(portal_id, kind, target_id, post_id);

CREATE TABLE feed_comments (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    body VARCHAR(5000) COLLATE utf8mb4_unicode_ci NOT NULL,
    reaction_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    edited_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_comments_post ON feed_comments(portal_id, post_id, id);

-- One reaction per person per post or comment (comment_id 0 = the post itself).
CREATE TABLE feed_reactions (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    comment_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    reaction VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, comment_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- People mentioned in a post or comment (comment_id 0 = the post), for "mentions of me".
CREATE TABLE feed_mentions (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    comment_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, comment_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_mentions_user ON feed_mentions(portal_id, user_id, post_id);

-- The newest post each reader has seen: everything visible above it is unread.
CREATE TABLE feed_seen (
    portal_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    last_post_id BIGINT NOT NULL,
    PRIMARY KEY (portal_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A poll inside a post; options keep their vote count for the feed.
CREATE TABLE feed_polls (
    post_id BIGINT NOT NULL PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    question VARCHAR(500) NOT NULL,
    multiple BIGINT NOT NULL DEFAULT 0,
    anonymous BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE feed_poll_options (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    label VARCHAR(200) NOT NULL,
    votes BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_poll_options_post ON feed_poll_options(portal_id, post_id, position);

CREATE TABLE feed_poll_votes (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    option_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (option_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_poll_votes_user ON feed_poll_votes(portal_id, post_id, user_id);

-- "I've read it" on announcements.
CREATE TABLE feed_confirmations (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_confirmations_user ON feed_confirmations(portal_id, user_id, post_id);

-- Who an appreciation thanks, with its badge; shown on their profile.
CREATE TABLE feed_thanks (
    portal_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    badge VARCHAR(32) NOT NULL,
    PRIMARY KEY (post_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_thanks_user ON feed_thanks(portal_id, user_id, post_id);

-- What a file is for: 'public' (photos, logos: any member may fetch them) or 'attachment'
-- (readable only by those who can see the post it is attached to; before that, its owner).
ALTER TABLE files ADD COLUMN purpose VARCHAR(16) NOT NULL DEFAULT 'public';

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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX feed_attachments_post ON feed_attachments(portal_id, post_id, comment_id, position);
CREATE INDEX feed_attachments_thumb ON feed_attachments(thumb_file_id);

-- Pictures uploaded for a post that is not published yet: their thumbnail and size.
CREATE TABLE file_previews (
    file_id BIGINT NOT NULL PRIMARY KEY,
    portal_id BIGINT NOT NULL,
    thumb_file_id BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Full-text search over posts and comments (SQLite: the FTS5 table feed_search).
CREATE FULLTEXT INDEX feed_posts_text ON feed_posts(body);
CREATE FULLTEXT INDEX feed_comments_text ON feed_comments(body);
