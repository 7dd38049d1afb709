//! The unread count in the menu: visible posts by others newer than the last one seen.

use super::visibility::Viewer;
use crate::error::AppResult;
use crate::ids::PostId;
use crate::ssr::db::{Reader, Writer};
use sqlx::{Any, QueryBuilder};

/// Counted up to this; the menu shows "99+" beyond.
pub const UNREAD_CAP: i64 = 100;

#[tracing::instrument(skip_all)]
pub async fn count(pool: &Reader, viewer: &Viewer) -> AppResult<i64> {
    // Members who joined by invitation start at the newest post of that moment
    // (`start_at_now`); a portal's founder has seen nothing, and nothing came before them.
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT COUNT(*) FROM (SELECT p.id FROM feed_posts p WHERE p.portal_id = ",
    );
    qb.push_bind(viewer.portal())
        .push(" AND p.author_id <> ")
        .push_bind(viewer.user())
        .push(" AND p.id > COALESCE((SELECT last_post_id FROM feed_seen WHERE portal_id = ")
        .push_bind(viewer.portal())
        .push(" AND user_id = ")
        .push_bind(viewer.user())
        .push("), 0)");
    qb.push(" AND ");
    viewer.push_visible(&mut qb);
    qb.push(" LIMIT ").push_bind(UNREAD_CAP).push(") unread");
    Ok(qb.build_query_scalar().fetch_one(pool).await?)
}

/// A new member starts with everything posted so far marked as seen (one indexed MAX).
pub async fn start_at_now(
    tx: &mut sqlx::Transaction<'_, Any>,
    portal: crate::ids::PortalId,
    user: crate::ids::UserId,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO feed_seen (portal_id, user_id, last_post_id) \
         SELECT ?, ?, COALESCE(MAX(id), 0) FROM feed_posts WHERE portal_id = ?",
    )
    .bind(portal)
    .bind(user)
    .bind(portal)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records that the viewer has seen everything up to `post`.
#[tracing::instrument(skip_all)]
pub async fn mark_seen(writer: &Writer, viewer: &Viewer, post: PostId) -> AppResult<()> {
    let updated = sqlx::query(
        "UPDATE feed_seen SET last_post_id = ? WHERE portal_id = ? AND user_id = ? AND last_post_id < ?",
    )
    .bind(post)
    .bind(viewer.portal())
    .bind(viewer.user())
    .bind(post)
    .execute(writer)
    .await?;
    if updated.rows_affected() == 0 {
        let inserted = sqlx::query(
            "INSERT INTO feed_seen (portal_id, user_id, last_post_id) VALUES (?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(viewer.user())
        .bind(post)
        .execute(writer)
        .await;
        match inserted {
            // Already seen further (another tab got there first).
            Err(e) if crate::ssr::db::Db::is_unique_violation(&e) => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}
