//! Publishing, editing, deleting and pinning posts (comments and reactions: `comments.rs`).
//! Each change commits first, then tells the people who may see the post.

use super::visibility::{Viewer, post_audience};
use crate::error::{AppError, AppResult};
use crate::feed::types::FeedEvent;
use crate::feed::types::{
    MAX_POST_ATTACHMENTS, MAX_POST_CHARS, NewAppreciation, NewPoll, PostKind, Recipients,
};
use crate::ids::{CommentId, DepartmentId, FileId, GroupId, PostId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::rich;
use crate::ssr::db::Reader;
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::{Any, QueryBuilder, Transaction};

/// At most this many departments or people can be named as a post's recipients.
const MAX_RECIPIENTS: usize = 200;

/// Checks a text against its limit and parses it; returns the trimmed source and its mentions.
pub(super) fn checked_text(text: &str, max: usize, what: &str) -> AppResult<(String, Vec<UserId>)> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(format!(
            "Write something in the {what} first."
        )));
    }
    let length = text.chars().count();
    if length > max {
        return Err(AppError::invalid(format!(
            "The {what} is too long: {length} characters, at most {max}."
        )));
    }
    let mentions = rich::mentions(&rich::parse(text));
    Ok((text.to_owned(), mentions))
}

/// Of `ids`, those that are active people of the viewer's portal.
pub(super) async fn members(
    pool: &Reader,
    viewer: &Viewer,
    ids: &[UserId],
) -> AppResult<Vec<UserId>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb =
        QueryBuilder::<Any>::new("SELECT id FROM users WHERE is_active = 1 AND portal_id = ");
    qb.push_bind(viewer.portal()).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    Ok(qb.build_query_scalar().fetch_all(pool).await?)
}

pub(super) async fn check_mentions(
    pool: &Reader,
    viewer: &Viewer,
    mentioned: &[UserId],
) -> AppResult<()> {
    if members(pool, viewer, mentioned).await?.len() != mentioned.len() {
        return Err(AppError::invalid(
            "Someone you mentioned is not a member of this portal.",
        ));
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub kind: PostKind,
    pub body: String,
    pub recipients: Recipients,
    pub poll: Option<NewPoll>,
    /// Required for (and only for) appreciations.
    pub appreciation: Option<NewAppreciation>,
    /// Files uploaded by the author (`/uploads/attachment`), in display order.
    pub attachments: Vec<FileId>,
}

/// At most this many people can be thanked in one appreciation.
const MAX_THANKED: usize = 20;

#[tracing::instrument(skip_all)]
pub async fn create_post(state: &AppState, viewer: &Viewer, new: NewPost) -> AppResult<PostId> {
    let pool = &state.db.reader;
    if viewer.is_extranet() {
        return Err(AppError::Forbidden);
    }
    let poll = new
        .poll
        .as_ref()
        .map(super::extras::checked_poll)
        .transpose()?;
    let appreciation = match (new.kind, new.appreciation) {
        (PostKind::Appreciation, Some(mut a)) => {
            a.people.sort();
            a.people.dedup();
            if a.people.is_empty() {
                return Err(AppError::invalid("Choose whom to thank."));
            }
            if a.people.len() > MAX_THANKED {
                return Err(AppError::invalid(format!(
                    "Thank at most {MAX_THANKED} people at once."
                )));
            }
            if a.people.contains(&viewer.user()) {
                return Err(AppError::invalid("You cannot thank yourself."));
            }
            if members(pool, viewer, &a.people).await?.len() != a.people.len() {
                return Err(AppError::invalid(
                    "Someone you thank is not a member of this portal.",
                ));
            }
            Some(a)
        }
        (PostKind::Appreciation, None) => {
            return Err(AppError::invalid("Choose a badge and whom to thank."));
        }
        (PostKind::Post | PostKind::Announcement, None) => None,
        (PostKind::Post | PostKind::Announcement, Some(_)) => {
            return Err(AppError::invalid(
                "Only appreciations thank people with a badge.",
            ));
        }
        (PostKind::Entry, _) => {
            return Err(AppError::invalid(
                "Choose a post, an announcement or an appreciation.",
            ));
        }
    };
    // A poll, an appreciation or files say something by themselves; otherwise text is needed.
    let speaks_for_itself = poll.is_some() || appreciation.is_some() || !new.attachments.is_empty();
    let (body, mentioned) = if new.body.trim().is_empty() && speaks_for_itself {
        (String::new(), Vec::new())
    } else {
        checked_text(&new.body, MAX_POST_CHARS, "post")?
    };
    let mut recipients = new.recipients;
    // The sizes first: nothing below runs on a list longer than any form sends.
    if recipients.groups.len() > MAX_RECIPIENTS
        || recipients.departments.len() > MAX_RECIPIENTS
        || recipients.people.len() > MAX_RECIPIENTS
    {
        return Err(AppError::invalid(format!(
            "A post can name at most {MAX_RECIPIENTS} groups, {MAX_RECIPIENTS} departments and \
             {MAX_RECIPIENTS} people."
        )));
    }
    recipients.departments.sort();
    recipients.departments.dedup();
    recipients.people.sort();
    recipients.people.dedup();
    recipients.groups.sort();
    recipients.groups.dedup();
    if !recipients.everyone
        && recipients.departments.is_empty()
        && recipients.people.is_empty()
        && recipients.groups.is_empty()
    {
        return Err(AppError::invalid("Choose who the post is for."));
    }
    if recipients.groups.len() > MAX_RECIPIENTS {
        return Err(AppError::invalid(format!(
            "A post can name at most {MAX_RECIPIENTS} groups."
        )));
    }
    // One posts to the groups one belongs to (administrators to any group of the portal).
    for group in &recipients.groups {
        let allowed = viewer.groups.contains(group)
            || (viewer.is_admin() && group_exists(pool, viewer, *group).await?);
        if !allowed {
            return Err(AppError::invalid(
                "You can post only to groups you are a member of.",
            ));
        }
    }
    if recipients.departments.len() > MAX_RECIPIENTS || recipients.people.len() > MAX_RECIPIENTS {
        return Err(AppError::invalid(format!(
            "A post can name at most {MAX_RECIPIENTS} departments and {MAX_RECIPIENTS} people."
        )));
    }
    if members(pool, viewer, &recipients.people).await?.len() != recipients.people.len() {
        return Err(AppError::invalid(
            "A recipient is not a member of this portal.",
        ));
    }
    let known: Vec<DepartmentId> = {
        let tree = super::visibility::DepartmentTree::load(pool, viewer.portal()).await?;
        tree.subtrees(&recipients.departments)
    };
    if recipients.departments.iter().any(|d| !known.contains(d)) {
        return Err(AppError::invalid("A department you chose does not exist."));
    }
    check_mentions(pool, viewer, &mentioned).await?;
    // Whoever is mentioned or thanked can read the post, even outside the chosen recipients.
    if !recipients.everyone {
        let thanked = appreciation.iter().flat_map(|a| a.people.iter());
        for user in mentioned.iter().chain(thanked) {
            if !recipients.people.contains(user) {
                recipients.people.push(*user);
            }
        }
    }

    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = PostId(
        insert_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO feed_posts (portal_id, author_id, kind, body, to_all, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(viewer.portal())
            .bind(viewer.user())
            .bind(new.kind.as_str())
            .bind(&body)
            .bind(i64::from(recipients.everyone))
            .bind(now),
        )
        .await?,
    );
    for department in &recipients.departments {
        add_audience(&mut tx, viewer, id, "department", department.0).await?;
    }
    for person in &recipients.people {
        add_audience(&mut tx, viewer, id, "user", person.0).await?;
    }
    for group in &recipients.groups {
        add_audience(&mut tx, viewer, id, "group", group.0).await?;
    }
    if let Some(poll) = &poll {
        super::extras::store_poll(&mut tx, viewer, id, poll).await?;
    }
    super::attachments::attach(
        &mut tx,
        viewer,
        id,
        None,
        &new.attachments,
        MAX_POST_ATTACHMENTS,
    )
    .await?;
    let mut outgoing = Outgoing::new(viewer.portal());
    if let Some(appreciation) = &appreciation {
        super::extras::store_thanks(&mut tx, viewer, id, appreciation).await?;
        let title = format!(
            "{} thanked you: {} {}",
            viewer.caller.name,
            appreciation.badge.emoji(),
            appreciation.badge.label()
        );
        for person in &appreciation.people {
            outgoing
                .add(
                    &mut tx,
                    *person,
                    "appreciation",
                    &title,
                    &format!("/feed/{id}"),
                )
                .await?;
        }
    }
    record_mentions(
        &mut tx,
        viewer,
        id,
        None,
        &mentioned,
        &mut outgoing,
        "a post",
    )
    .await?;
    crate::feed::ssr::search::index(&mut tx, state.db.backend, viewer.portal(), id, None, &body)
        .await?;
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    let audience = post_audience(pool, viewer.portal(), id).await?;
    state
        .hub
        .publish(
            viewer.portal(),
            audience,
            FeedEvent::FeedPosted {
                post_id: id,
                author_id: viewer.user(),
            },
        )
        .await;
    Ok(id)
}

async fn group_exists(pool: &Reader, viewer: &Viewer, group: GroupId) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM workgroups WHERE id = ? AND portal_id = ? AND archived_at IS NULL",
    )
    .bind(group)
    .bind(viewer.portal())
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

async fn add_audience(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    post: PostId,
    kind: &str,
    target: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO feed_audience (post_id, portal_id, kind, target_id) VALUES (?, ?, ?, ?)",
    )
    .bind(post)
    .bind(viewer.portal())
    .bind(kind)
    .bind(target)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores who is mentioned and notifies those newly mentioned (never the writer).
pub(super) async fn record_mentions(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    post: PostId,
    comment: Option<CommentId>,
    mentioned: &[UserId],
    outgoing: &mut Outgoing,
    place: &str,
) -> AppResult<()> {
    let comment_id = comment.map(|c| c.0).unwrap_or(0);
    let before: Vec<UserId> = sqlx::query_scalar(
        "SELECT user_id FROM feed_mentions WHERE post_id = ? AND comment_id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(comment_id)
    .bind(viewer.portal())
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM feed_mentions WHERE post_id = ? AND comment_id = ? AND portal_id = ?")
        .bind(post)
        .bind(comment_id)
        .bind(viewer.portal())
        .execute(&mut **tx)
        .await?;
    let link = match comment {
        Some(c) => format!("/feed/{post}#comment-{c}"),
        None => format!("/feed/{post}"),
    };
    let title = format!("{} mentioned you in {place}", viewer.caller.name);
    for user in mentioned {
        sqlx::query(
            "INSERT INTO feed_mentions (portal_id, post_id, comment_id, user_id) VALUES (?, ?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(post)
        .bind(comment_id)
        .bind(*user)
        .execute(&mut **tx)
        .await?;
        if *user != viewer.user() && !before.contains(user) {
            outgoing.add(tx, *user, "mention", &title, &link).await?;
        }
    }
    Ok(())
}

/// The post's author and whether the viewer may see it; NotFound when they may not.
pub(super) async fn visible_post(
    pool: &Reader,
    viewer: &Viewer,
    post: PostId,
) -> AppResult<(UserId, PostKind)> {
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let (author, kind): (UserId, String) =
        sqlx::query_as("SELECT author_id, kind FROM feed_posts WHERE id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_one(pool)
            .await?;
    Ok((author, PostKind::parse(&kind).unwrap_or(PostKind::Post)))
}

pub(super) async fn announce_change(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
) -> AppResult<()> {
    let audience = post_audience(&state.db.reader, viewer.portal(), post).await?;
    state
        .hub
        .publish(
            viewer.portal(),
            audience,
            FeedEvent::FeedChanged { post_id: post },
        )
        .await;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn edit_post(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    body: &str,
) -> AppResult<()> {
    let pool = &state.db.reader;
    let (author, kind) = visible_post(pool, viewer, post).await?;
    if author != viewer.user() || kind == PostKind::Entry {
        return Err(AppError::Forbidden);
    }
    let (body, mentioned) = checked_text(body, MAX_POST_CHARS, "post")?;
    check_mentions(pool, viewer, &mentioned).await?;
    let to_all: i64 =
        sqlx::query_scalar("SELECT to_all FROM feed_posts WHERE id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_one(pool)
            .await?;
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE feed_posts SET body = ?, edited_at = ? WHERE id = ? AND portal_id = ?")
        .bind(&body)
        .bind(now_ms())
        .bind(post)
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    if to_all == 0 {
        // Newly mentioned people join the recipients, as when posting.
        for user in &mentioned {
            sqlx::query(
                "DELETE FROM feed_audience WHERE post_id = ? AND kind = 'user' AND target_id = ? AND portal_id = ?",
            )
            .bind(post)
            .bind(*user)
            .bind(viewer.portal())
            .execute(&mut *tx)
            .await?;
            add_audience(&mut tx, viewer, post, "user", user.0).await?;
        }
    }
    let mut outgoing = Outgoing::new(viewer.portal());
    record_mentions(
        &mut tx,
        viewer,
        post,
        None,
        &mentioned,
        &mut outgoing,
        "a post",
    )
    .await?;
    crate::feed::ssr::search::index(
        &mut tx,
        state.db.backend,
        viewer.portal(),
        post,
        None,
        &body,
    )
    .await?;
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    announce_change(state, viewer, post).await
}

#[tracing::instrument(skip_all)]
pub async fn delete_post(state: &AppState, viewer: &Viewer, post: PostId) -> AppResult<()> {
    let pool = &state.db.reader;
    let (author, _) = visible_post(pool, viewer, post).await?;
    if author != viewer.user() && !viewer.is_admin() {
        return Err(AppError::Forbidden);
    }
    // Those who could see it learn that it is gone; work out who before the rows go.
    let audience = post_audience(pool, viewer.portal(), post).await?;
    let files = super::attachments::files_of(pool, viewer.portal(), post, None).await?;
    let mut tx = state.db.begin().await?;
    crate::feed::ssr::search::unindex(&mut tx, state.db.backend, viewer.portal(), post, None)
        .await?;
    for table in [
        "feed_reactions",
        "feed_mentions",
        "feed_comments",
        "feed_audience",
        "feed_poll_votes",
        "feed_poll_options",
        "feed_polls",
        "feed_confirmations",
        "feed_thanks",
        "feed_attachments",
    ] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE post_id = ? AND portal_id = ?"
        ))
        .bind(post)
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM feed_posts WHERE id = ? AND portal_id = ?")
        .bind(post)
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    crate::files::ssr::delete_files(state, viewer.portal(), &files).await?;
    state
        .hub
        .publish(
            viewer.portal(),
            audience,
            FeedEvent::FeedRemoved { post_id: post },
        )
        .await;
    Ok(())
}

/// Pins a post above everyone's feed (admins), or unpins it.
#[tracing::instrument(skip_all)]
pub async fn set_pinned(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    pinned: bool,
) -> AppResult<()> {
    if !viewer.is_admin() {
        return Err(AppError::Forbidden);
    }
    visible_post(&state.db.reader, viewer, post).await?;
    sqlx::query("UPDATE feed_posts SET pinned_at = ? WHERE id = ? AND portal_id = ?")
        .bind(pinned.then(now_ms))
        .bind(post)
        .bind(viewer.portal())
        .execute(&state.db.writer)
        .await?;
    announce_change(state, viewer, post).await
}
