//! The feed's server functions: the caller comes from the session, the rules from `ssr`.
//! Arguments travel as JSON (recipients are nested lists).

use super::types::{
    Author, CommentView, FeedQuery, MentionCandidate, NewAppreciation, NewPoll, PostKind, PostView,
    PostsPage, Reaction, ReactionEntry, ReadersView, ReceivedAppreciation, RecipientOptions,
    Recipients,
};
use crate::error::AppError;
use crate::ids::{CommentId, FileId, PollOptionId, PostId, UserId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
async fn viewer() -> Result<super::ssr::visibility::Viewer, AppError> {
    // While a page renders, the page session has loaded it already.
    if let Some(viewer) = crate::ssr::caller::page_cached::<super::ssr::visibility::Viewer>() {
        return Ok(viewer);
    }
    let caller = crate::ssr::caller::caller().await?;
    super::ssr::visibility::Viewer::load(&crate::ssr::caller::state()?.db.reader, caller).await
}

#[cfg(feature = "ssr")]
fn state() -> Result<crate::ssr::state::AppState, AppError> {
    crate::ssr::caller::state()
}

/// A page of the feed, newest first, before `before` (the last post of the previous page).
#[server(prefix = "/api", endpoint = "feed_page", input = Json)]
pub async fn feed_page(
    #[server(default)] filter: FeedQuery,
    #[server(default)] before: Option<PostId>,
) -> Result<PostsPage, AppError> {
    let viewer = viewer().await?;
    let state = state()?;
    let filter = super::ssr::read::Filter {
        author: filter.author,
        kind: filter.kind,
        mentions_me: filter.mentions_me,
        department: filter.department,
        group: filter.group,
        from: filter.from,
        to: filter.to,
        words: crate::search_terms::words(&filter.search),
    };
    super::ssr::read::page(&state.db.reader, state.db.backend, &viewer, &filter, before).await
}

/// One post with its latest `comments` comments (default and at most 50).
#[server(prefix = "/api", endpoint = "feed_post", input = Json)]
pub async fn feed_post(
    id: PostId,
    #[server(default)] comments: Option<u32>,
) -> Result<PostView, AppError> {
    let viewer = viewer().await?;
    let comments = comments.unwrap_or(50).min(50) as usize;
    super::ssr::read::post(&state()?.db.reader, &viewer, id, comments).await
}

#[server(prefix = "/api", endpoint = "earlier_comments", input = Json)]
pub async fn earlier_comments(
    post: PostId,
    before: CommentId,
) -> Result<Vec<CommentView>, AppError> {
    let viewer = viewer().await?;
    super::ssr::read::earlier_comments(&state()?.db.reader, &viewer, post, before).await
}

#[server(prefix = "/api", endpoint = "create_post", input = Json)]
pub async fn create_post(
    kind: PostKind,
    #[server(default)] body: String,
    recipients: Recipients,
    #[server(default)] poll: Option<NewPoll>,
    #[server(default)] appreciation: Option<NewAppreciation>,
    #[server(default)] attachments: Vec<FileId>,
) -> Result<PostId, AppError> {
    let viewer = viewer().await?;
    let new = super::ssr::write::NewPost {
        kind,
        body,
        recipients,
        poll,
        appreciation,
        attachments,
    };
    super::ssr::write::create_post(&state()?, &viewer, new).await
}

#[server(prefix = "/api", endpoint = "edit_post", input = Json)]
pub async fn edit_post(id: PostId, body: String) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::write::edit_post(&state()?, &viewer, id, &body).await
}

#[server(prefix = "/api", endpoint = "delete_post", input = Json)]
pub async fn delete_post(id: PostId) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::write::delete_post(&state()?, &viewer, id).await
}

#[server(prefix = "/api", endpoint = "pin_post", input = Json)]
pub async fn pin_post(id: PostId, pinned: bool) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::write::set_pinned(&state()?, &viewer, id, pinned).await
}

#[server(prefix = "/api", endpoint = "add_comment", input = Json)]
pub async fn add_comment(
    post: PostId,
    #[server(default)] body: String,
    #[server(default)] attachments: Vec<FileId>,
) -> Result<CommentId, AppError> {
    let viewer = viewer().await?;
    super::ssr::comments::add_comment(&state()?, &viewer, post, &body, &attachments).await
}

#[server(prefix = "/api", endpoint = "edit_comment", input = Json)]
pub async fn edit_comment(id: CommentId, body: String) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::comments::edit_comment(&state()?, &viewer, id, &body).await
}

#[server(prefix = "/api", endpoint = "delete_comment", input = Json)]
pub async fn delete_comment(id: CommentId) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::comments::delete_comment(&state()?, &viewer, id).await
}

/// Sets (or with `None`, removes) the caller's reaction to a post or comment.
#[server(prefix = "/api", endpoint = "react", input = Json)]
pub async fn react(
    post: PostId,
    #[server(default)] comment: Option<CommentId>,
    #[server(default)] reaction: Option<Reaction>,
) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::comments::react(&state()?, &viewer, post, comment, reaction).await
}

#[server(prefix = "/api", endpoint = "who_reacted", input = Json)]
pub async fn who_reacted(
    post: PostId,
    #[server(default)] comment: Option<CommentId>,
) -> Result<Vec<ReactionEntry>, AppError> {
    let viewer = viewer().await?;
    super::ssr::read::who_reacted(&state()?.db.reader, &viewer, post, comment).await
}

/// People whose name starts a word with `query`, for @mentions (at most 8).
#[server(prefix = "/api", endpoint = "mention_candidates", input = Json)]
pub async fn mention_candidates(query: String) -> Result<Vec<MentionCandidate>, AppError> {
    let caller = crate::ssr::caller::caller().await?;
    caller.require_employee()?;
    super::ssr::read::mention_candidates(&state()?.db.reader, &caller, &query).await
}

/// Departments, the caller's groups and people matching `query`, for the composer's "To:".
#[server(prefix = "/api", endpoint = "recipient_candidates", input = Json)]
pub async fn recipient_candidates(query: String) -> Result<RecipientOptions, AppError> {
    let caller = crate::ssr::caller::caller().await?;
    super::ssr::recipients::candidates(&state()?.db.reader, &caller, &query).await
}

/// The menu's unread count (capped at 100).
#[server(prefix = "/api", endpoint = "feed_unread", input = Json)]
pub async fn feed_unread() -> Result<i64, AppError> {
    let viewer = viewer().await?;
    super::ssr::unread::count(&state()?.db.reader, &viewer).await
}

/// The caller has seen the feed up to this post.
#[server(prefix = "/api", endpoint = "feed_mark_seen", input = Json)]
pub async fn feed_mark_seen(up_to: PostId) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::unread::mark_seen(&state()?.db.writer, &viewer, up_to).await
}

/// Votes in a poll, replacing the caller's earlier vote; no options takes the vote back.
#[server(prefix = "/api", endpoint = "vote", input = Json)]
pub async fn vote(post: PostId, options: Vec<PollOptionId>) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::extras::vote(&state()?, &viewer, post, options).await
}

/// Who chose a poll option (refused for anonymous polls).
#[server(prefix = "/api", endpoint = "poll_voters", input = Json)]
pub async fn poll_voters(post: PostId, option: PollOptionId) -> Result<Vec<Author>, AppError> {
    let viewer = viewer().await?;
    super::ssr::extras::voters(&state()?.db.reader, &viewer, post, option).await
}

/// "I've read it" on an announcement.
#[server(prefix = "/api", endpoint = "confirm_announcement", input = Json)]
pub async fn confirm_announcement(post: PostId) -> Result<(), AppError> {
    let viewer = viewer().await?;
    super::ssr::extras::confirm(&state()?, &viewer, post).await
}

/// Who has and hasn't confirmed an announcement (its author and admins).
#[server(prefix = "/api", endpoint = "announcement_readers", input = Json)]
pub async fn announcement_readers(post: PostId) -> Result<ReadersView, AppError> {
    let viewer = viewer().await?;
    super::ssr::extras::readers(&state()?.db.reader, &viewer, post).await
}

/// Appreciations a person received, for their profile.
#[server(prefix = "/api", endpoint = "appreciations_of", input = Json)]
pub async fn appreciations_of(user: UserId) -> Result<Vec<ReceivedAppreciation>, AppError> {
    let viewer = viewer().await?;
    super::ssr::extras::received(&state()?.db.reader, &viewer, user).await
}
