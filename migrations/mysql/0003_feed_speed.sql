-- Reaction counts by kind on each post and comment ("like:12 love:3"), kept by `react` so a feed
-- page reads them with the rows instead of counting thousands of reactions per busy post.
ALTER TABLE feed_posts ADD COLUMN reaction_summary VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE feed_comments ADD COLUMN reaction_summary VARCHAR(200) NOT NULL DEFAULT '';

UPDATE feed_posts p JOIN (
    SELECT post_id, GROUP_CONCAT(CONCAT(reaction, ':', n) SEPARATOR ' ') AS summary FROM (
        SELECT post_id, reaction, COUNT(*) AS n FROM feed_reactions
        WHERE comment_id = 0 GROUP BY post_id, reaction
    ) counts GROUP BY post_id
) s ON s.post_id = p.id
SET p.reaction_summary = s.summary;
UPDATE feed_comments c JOIN (
    SELECT comment_id, GROUP_CONCAT(CONCAT(reaction, ':', n) SEPARATOR ' ') AS summary FROM (
        SELECT comment_id, reaction, COUNT(*) AS n FROM feed_reactions
        WHERE comment_id <> 0 GROUP BY comment_id, reaction
    ) counts GROUP BY comment_id
) s ON s.comment_id = c.id
SET c.reaction_summary = s.summary;

-- Posts of one kind, newest first: the "Announcements" tab, and the announcements a reader has
-- yet to confirm (walked newest first until five are found).
CREATE INDEX feed_posts_kind ON feed_posts(portal_id, kind, id);
