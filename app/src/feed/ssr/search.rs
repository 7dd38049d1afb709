//! The feed's full-text search behind one interface: SQLite FTS5 (the `feed_search` table, kept in step
//! here) or MySQL/MariaDB FULLTEXT indexes (kept by the database). Words match as prefixes and
//! all must occur; punctuation is ignored.

use crate::error::AppResult;
use crate::ids::{CommentId, PortalId, PostId};
use crate::ssr::db::Backend;
use sqlx::{Any, QueryBuilder, Transaction};

use crate::search_terms::{boolean_match, fts5_match};

fn portal_token(portal: PortalId) -> String {
    format!("p{portal}")
}

/// Indexes the text of a post (`comment` None) or comment. On MySQL the index keeps itself.
pub async fn index(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    portal: PortalId,
    post: PostId,
    comment: Option<CommentId>,
    text: &str,
) -> AppResult<()> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    sqlx::query("DELETE FROM feed_search WHERE rowid = ?")
        .bind(rowid(post, comment))
        .execute(&mut **tx)
        .await?;
    if text.trim().is_empty() {
        return Ok(());
    }
    // Rows are found again by rowid: the post id for a post, minus the comment id for a comment.
    sqlx::query(
        "INSERT INTO feed_search (rowid, body, portal, post_id, comment_id) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(rowid(post, comment))
    .bind(text)
    .bind(portal_token(portal))
    .bind(post)
    .bind(comment.map(|c| c.0).unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn rowid(post: PostId, comment: Option<CommentId>) -> i64 {
    comment.map(|c| -c.0).unwrap_or(post.0)
}

/// Removes a comment's text from the index, or (`comment` None) a post's text and all its
/// comments'.
pub async fn unindex(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    portal: PortalId,
    post: PostId,
    comment: Option<CommentId>,
) -> AppResult<()> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    sqlx::query("DELETE FROM feed_search WHERE rowid = ?")
        .bind(rowid(post, comment))
        .execute(&mut **tx)
        .await?;
    if comment.is_none() {
        // Call before the comments themselves are deleted.
        sqlx::query(
            "DELETE FROM feed_search WHERE rowid IN \
             (SELECT -id FROM feed_comments WHERE post_id = ? AND portal_id = ?)",
        )
        .bind(post)
        .bind(portal)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Appends `p.id IN (…)`: posts of `portal` whose text or comments contain every word.
/// `words` must not be empty.
pub fn push_matching_posts(
    qb: &mut QueryBuilder<'_, Any>,
    backend: Backend,
    portal: PortalId,
    words: &[String],
) {
    match backend {
        Backend::Sqlite => {
            // Each word quoted (no FTS5 syntax gets through), as a prefix, within the portal.
            let query = fts5_match("portal", &portal_token(portal), words);
            qb.push("p.id IN (SELECT CAST(post_id AS INTEGER) FROM feed_search WHERE feed_search MATCH ")
                .push_bind(query)
                .push(")");
        }
        Backend::MySql => {
            let query = boolean_match(words);
            qb.push("p.id IN (SELECT f.id FROM feed_posts f WHERE f.portal_id = ")
                .push_bind(portal)
                .push(" AND MATCH(f.body) AGAINST(")
                .push_bind(query.clone())
                .push(" IN BOOLEAN MODE) UNION SELECT c.post_id FROM feed_comments c WHERE c.portal_id = ")
                .push_bind(portal)
                .push(" AND MATCH(c.body) AGAINST(")
                .push_bind(query)
                .push(" IN BOOLEAN MODE))");
        }
    }
}
