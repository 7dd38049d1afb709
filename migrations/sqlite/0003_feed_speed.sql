-- Reaction counts by kind on each post and comment ("like:12 love:3"), kept by `react` so a feed
-- page reads them with the rows instead of counting thousands of reactions per busy post.
ALTER TABLE feed_posts ADD COLUMN reaction_summary TEXT NOT NULL DEFAULT '';
ALTER TABLE feed_comments ADD COLUMN reaction_summary TEXT NOT NULL DEFAULT '';

UPDATE feed_posts SET reaction_summary = COALESCE((
    SELECT group_concat(reaction || ':' || n, ' ') FROM (
        SELECT r.reaction, COUNT(*) AS n FROM feed_reactions r
        WHERE r.post_id = feed_posts.id AND r.comment_id = 0 GROUP BY r.reaction
    )
), '');
UPDATE feed_comments SET reaction_summary = COALESCE((
    SELECT group_concat(reaction || ':' || n, ' ') FROM (
        SELECT r.reaction, COUNT(*) AS n FROM feed_reactions r
        WHERE r.post_id = feed_comments.post_id AND r.comment_id = feed_comments.id GROUP BY r.reaction
    )
), '');

-- Posts of one kind, newest first: the "Announcements" tab, and the announcements a reader has
-- yet to confirm (walked newest first until five are found).
CREATE INDEX feed_posts_kind ON feed_posts(portal_id, kind, id);
