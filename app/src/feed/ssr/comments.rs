//! Comments and reactions: written by those who can see the post, announced to its readers.

use super::visibility::Viewer;
use super::write::{announce_change, check_mentions, checked_text, record_mentions, visible_post};
use crate::error::{AppError, AppResult};
use crate::feed::types::{MAX_COMMENT_ATTACHMENTS, MAX_COMMENT_CHARS, Reaction};
use crate::ids::{CommentId, FileId, PostId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::ssr::db::Reader;
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;

#[tracing::instrument(skip_all)]
pub async fn add_comment(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    body: &str,
    attachments: &[FileId],
) -> AppResult<CommentId> {
    let pool = &state.db.reader;
    let (author, _) = visible_post(pool, viewer, post).await?;
    let (body, mentioned) = if body.trim().is_empty() && !attachments.is_empty() {
        (String::new(), Vec::new())
    } else {
        checked_text(body, MAX_COMMENT_CHARS, "comment")?
    };
    check_comment_mentions(state, viewer, post, &mentioned).await?;
    let mut tx = state.db.begin().await?;
    let id = CommentId(
        insert_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO feed_comments (portal_id, post_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(viewer.portal())
            .bind(post)
            .bind(viewer.user())
            .bind(&body)
            .bind(now_ms()),
        )
        .await?,
    );
    super::attachments::attach(
        &mut tx,
        viewer,
        post,
        Some(id),
        attachments,
        MAX_COMMENT_ATTACHMENTS,
    )
    .await?;
    sqlx::query(
        "UPDATE feed_posts SET comment_count = comment_count + 1 WHERE id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(viewer.portal())
    .execute(&mut *tx)
    .await?;
    let mut outgoing = Outgoing::new(viewer.portal());
    record_mentions(
        &mut tx,
        viewer,
        post,
        Some(id),
        &mentioned,
        &mut outgoing,
        "a comment",
    )
    .await?;
    if author != viewer.user() && !mentioned.contains(&author) {
        let title = format!("{} commented on your post", viewer.caller.name);
        let link = format!("/feed/{post}#comment-{id}");
        outgoing
            .add(&mut tx, author, "comment", &title, &link)
            .await?;
    }
    crate::feed::ssr::search::index(
        &mut tx,
        state.db.backend,
        viewer.portal(),
        post,
        Some(id),
        &body,
    )
    .await?;
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    announce_change(state, viewer, post).await?;
    Ok(id)
}

/// Everyone mentioned in a comment must be a member who can already read the post: a comment
/// cannot reveal a post to someone new.
async fn check_comment_mentions(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    mentioned: &[UserId],
) -> AppResult<()> {
    check_mentions(&state.db.reader, viewer, mentioned).await?;
    for user in mentioned {
        if !mentioned_can_see(state, viewer, post, *user).await? {
            return Err(AppError::invalid(
                "Someone you mentioned cannot see this post. Mention them in a new post instead.",
            ));
        }
    }
    Ok(())
}

async fn mentioned_can_see(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    user: UserId,
) -> AppResult<bool> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT role, name, is_active FROM users WHERE id = ? AND portal_id = ?")
            .bind(user)
            .bind(viewer.portal())
            .fetch_optional(&state.db.reader)
            .await?;
    let Some((role, name, _)) = row else {
        return Ok(false);
    };
    let caller = crate::ssr::caller::Caller {
        portal: viewer.caller.portal.clone(),
        user_id: user,
        role: crate::auth::types::Role::parse(&role).ok_or(AppError::Internal)?,
        name,
        email: String::new(),
        photo_file_id: None,
        time_zone: None,
    };
    let other = Viewer::load(&state.db.reader, caller).await?;
    other.can_see(&state.db.reader, post).await
}

/// The comment's post and author; NotFound when the viewer cannot see it.
async fn visible_comment(
    pool: &Reader,
    viewer: &Viewer,
    comment: CommentId,
) -> AppResult<(PostId, UserId)> {
    let row: Option<(PostId, UserId)> = sqlx::query_as(
        "SELECT post_id, author_id FROM feed_comments WHERE id = ? AND portal_id = ?",
    )
    .bind(comment)
    .bind(viewer.portal())
    .fetch_optional(pool)
    .await?;
    let (post, author) = row.ok_or(AppError::NotFound)?;
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    Ok((post, author))
}

#[tracing::instrument(skip_all)]
pub async fn edit_comment(
    state: &AppState,
    viewer: &Viewer,
    comment: CommentId,
    body: &str,
) -> AppResult<()> {
    let pool = &state.db.reader;
    let (post, author) = visible_comment(pool, viewer, comment).await?;
    if author != viewer.user() {
        return Err(AppError::Forbidden);
    }
    let (body, mentioned) = checked_text(body, MAX_COMMENT_CHARS, "comment")?;
    check_comment_mentions(state, viewer, post, &mentioned).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE feed_comments SET body = ?, edited_at = ? WHERE id = ? AND portal_id = ?")
        .bind(&body)
        .bind(now_ms())
        .bind(comment)
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    let mut outgoing = Outgoing::new(viewer.portal());
    record_mentions(
        &mut tx,
        viewer,
        post,
        Some(comment),
        &mentioned,
        &mut outgoing,
        "a comment",
    )
    .await?;
    crate::feed::ssr::search::index(
        &mut tx,
        state.db.backend,
        viewer.portal(),
        post,
        Some(comment),
        &body,
    )
    .await?;
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    announce_change(state, viewer, post).await
}

#[tracing::instrument(skip_all)]
pub async fn delete_comment(
    state: &AppState,
    viewer: &Viewer,
    comment: CommentId,
) -> AppResult<()> {
    let pool = &state.db.reader;
    let (post, author) = visible_comment(pool, viewer, comment).await?;
    if author != viewer.user() && !viewer.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    crate::feed::ssr::search::unindex(
        &mut tx,
        state.db.backend,
        viewer.portal(),
        post,
        Some(comment),
    )
    .await?;
    let files = super::attachments::files_of(pool, viewer.portal(), post, Some(comment)).await?;
    for table in ["feed_reactions", "feed_mentions", "feed_attachments"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE post_id = ? AND comment_id = ? AND portal_id = ?"
        ))
        .bind(post)
        .bind(comment)
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM feed_comments WHERE id = ? AND portal_id = ?")
        .bind(comment)
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE feed_posts SET comment_count = comment_count - 1 WHERE id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(viewer.portal())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    crate::files::ssr::delete_files(state, viewer.portal(), &files).await?;
    announce_change(state, viewer, post).await
}

/// Sets the viewer's reaction on a post or one of its comments; `None` takes it back.
#[tracing::instrument(skip_all)]
pub async fn react(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    comment: Option<CommentId>,
    reaction: Option<Reaction>,
) -> AppResult<()> {
    let pool = &state.db.reader;
    match comment {
        Some(c) => {
            let (comment_post, _) = visible_comment(pool, viewer, c).await?;
            if comment_post != post {
                return Err(AppError::NotFound);
            }
        }
        None => {
            visible_post(pool, viewer, post).await?;
        }
    }
    let comment_id = comment.map(|c| c.0).unwrap_or(0);
    let (table, id) = match comment {
        Some(c) => ("feed_comments", c.0),
        None => ("feed_posts", post.0),
    };
    let mut tx = state.db.begin().await?;
    // Lock the reacted row first, so concurrent reactions recount one after another.
    sqlx::query(&format!(
        "UPDATE {table} SET reaction_count = reaction_count WHERE id = ? AND portal_id = ?"
    ))
    .bind(id)
    .bind(viewer.portal())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM feed_reactions WHERE post_id = ? AND comment_id = ? AND user_id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(comment_id)
    .bind(viewer.user())
    .bind(viewer.portal())
    .execute(&mut *tx)
    .await?;
    if let Some(reaction) = reaction {
        sqlx::query(
            "INSERT INTO feed_reactions (portal_id, post_id, comment_id, user_id, reaction, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(post)
        .bind(comment_id)
        .bind(viewer.user())
        .bind(reaction.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT reaction, COUNT(*) FROM feed_reactions \
         WHERE post_id = ? AND comment_id = ? AND portal_id = ? GROUP BY reaction",
    )
    .bind(post)
    .bind(comment_id)
    .bind(viewer.portal())
    .fetch_all(&mut *tx)
    .await?;
    let counts: Vec<(Reaction, i64)> = counts
        .into_iter()
        .filter_map(|(r, n)| Some((Reaction::parse(&r)?, n)))
        .collect();
    sqlx::query(&format!(
        "UPDATE {table} SET reaction_count = ?, reaction_summary = ? WHERE id = ? AND portal_id = ?"
    ))
    .bind(counts.iter().map(|(_, n)| n).sum::<i64>())
    .bind(super::read::summary_text(&counts))
    .bind(id)
    .bind(viewer.portal())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    announce_change(state, viewer, post).await
}
