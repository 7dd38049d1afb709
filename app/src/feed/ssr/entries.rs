//! The feed-entry API: other tools (and the portal itself) publish what happened — a task
//! created, a file uploaded, a deal won, someone joined — as feed entries with their own
//! rendering. Entries use the same recipients and visibility as posts.
//!
//! To add an entry type: publish it with `publish` inside the tool's transaction, call
//! `announce` after the commit, and add its rendering to `render`.

use crate::error::AppResult;
use crate::feed::types::FeedEvent;
use crate::feed::types::{EntryView, Recipients};
use crate::ids::{PortalId, PostId, UserId};
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use serde_json::Value;
use sqlx::{Any, Transaction};

/// "X joined the portal": published when an invitation is accepted.
pub const USER_JOINED: &str = "user_joined";
/// "X created the task T": published with a new task, to its participants or its group.
pub const TASK_CREATED: &str = "task_created";
/// "X completed the task T".
pub const TASK_DONE: &str = "task_done";

/// Stores an entry inside the caller's transaction; `actor` is shown as its author.
pub async fn publish(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    actor: UserId,
    entry_type: &str,
    data: &Value,
    recipients: &Recipients,
) -> AppResult<PostId> {
    let id = PostId(
        insert_id(
            tx,
            sqlx::query(
                "INSERT INTO feed_posts (portal_id, author_id, kind, body, entry_type, entry_data, to_all, created_at) \
                 VALUES (?, ?, 'entry', '', ?, ?, ?, ?)",
            )
            .bind(portal)
            .bind(actor)
            .bind(entry_type)
            .bind(data.to_string())
            .bind(i64::from(recipients.everyone))
            .bind(now_ms()),
        )
        .await?,
    );
    for (kind, target) in recipients
        .departments
        .iter()
        .map(|d| ("department", d.0))
        .chain(recipients.people.iter().map(|p| ("user", p.0)))
        .chain(recipients.groups.iter().map(|g| ("group", g.0)))
    {
        sqlx::query(
            "INSERT INTO feed_audience (post_id, portal_id, kind, target_id) VALUES (?, ?, ?, ?)",
        )
        .bind(id)
        .bind(portal)
        .bind(kind)
        .bind(target)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// After the commit: the entry appears live in the feeds of those who may see it.
pub async fn announce(state: &AppState, portal: PortalId, post: PostId, actor: UserId) {
    match super::visibility::post_audience(&state.db.reader, portal, post).await {
        Ok(audience) => {
            state
                .hub
                .publish(
                    portal,
                    audience,
                    FeedEvent::FeedPosted {
                        post_id: post,
                        author_id: actor,
                    },
                )
                .await
        }
        Err(e) => tracing::warn!(error = %e, "feed entry stored but not announced live"),
    }
}

/// How an entry reads in the feed, after its author's name.
pub fn render(entry_type: &str, data: &str) -> EntryView {
    let data: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    match entry_type {
        USER_JOINED => EntryView {
            entry_type: entry_type.to_owned(),
            text: match data.get("position").and_then(Value::as_str) {
                Some(p) if !p.is_empty() => format!("joined the portal as {p}. Say hello!"),
                _ => "joined the portal. Say hello!".to_owned(),
            },
            link: data
                .get("user_id")
                .and_then(Value::as_i64)
                .map(|id| format!("/people/{id}")),
        },
        TASK_CREATED | TASK_DONE => {
            let title = data
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("a task");
            let verb = if entry_type == TASK_CREATED {
                "created the task"
            } else {
                "completed the task"
            };
            EntryView {
                entry_type: entry_type.to_owned(),
                text: format!("{verb} “{title}”."),
                link: data
                    .get("task_id")
                    .and_then(Value::as_i64)
                    .map(|id| format!("/tasks/{id}")),
            }
        }
        other => EntryView {
            entry_type: other.to_owned(),
            text: "posted an update.".to_owned(),
            link: None,
        },
    }
}
