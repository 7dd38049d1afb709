//! Dependencies between tasks: finish-to-start, start-to-start, finish-to-finish.
//!
//! A dependency that would close a loop is refused. Moving a task so that it breaks a
//! dependency (a successor starting before its predecessor finishes, say) is refused too,
//! with a message naming the other task: nothing moves behind the user's back.

use super::access::TaskAccess;
use super::members;
use super::write::Dates;
use crate::error::{AppError, AppResult};
use crate::ids::{PortalId, TaskId};
use crate::ssr::caller::Caller;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::LinkKind;
use sqlx::{Any, AnyConnection, Transaction};
use std::collections::HashSet;

/// Links one task may have, in and out together.
const MAX_LINKS: i64 = 100;

fn start_of(d: &Dates) -> Option<i64> {
    d.start_at
}

/// When a task finishes: its end date, or else its deadline.
fn finish_of(d: &Dates) -> Option<i64> {
    d.end_at.or(d.deadline)
}

/// Whether `successor` may have these dates given `predecessor`'s, under `kind`.
fn holds(kind: LinkKind, predecessor: &Dates, successor: &Dates) -> bool {
    let (a, b) = match kind {
        LinkKind::FinishToStart => (finish_of(predecessor), start_of(successor)),
        LinkKind::StartToStart => (start_of(predecessor), start_of(successor)),
        LinkKind::FinishToFinish => (finish_of(predecessor), finish_of(successor)),
    };
    match (a, b) {
        (Some(a), Some(b)) => b >= a,
        _ => true,
    }
}

async fn dates_of(
    conn: &mut AnyConnection,
    portal: PortalId,
    id: TaskId,
) -> AppResult<(String, Dates)> {
    let row: (String, Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT title, start_at, end_at, deadline FROM tasks WHERE id = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(portal)
    .fetch_one(conn)
    .await?;
    Ok((
        row.0,
        Dates {
            start_at: row.1,
            end_at: row.2,
            deadline: row.3,
        },
    ))
}

/// How a task the caller cannot see is named wherever its title would appear.
pub const HIDDEN_TASK: &str = "a task you can't see";

/// A task's name for the caller: its title in quotes, or `HIDDEN_TASK` when the caller may
/// not see it (its title never leaks through a link, a parent or an error).
pub async fn name_for(
    conn: &mut AnyConnection,
    caller: &Caller,
    task: TaskId,
    title: &str,
) -> String {
    if TaskAccess::load(conn, caller, task).await.is_ok() {
        format!("“{title}”")
    } else {
        HIDDEN_TASK.to_owned()
    }
}

/// Refuses new dates for `task` that would break one of its dependencies.
pub async fn check_dates(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    task: TaskId,
    dates: Dates,
) -> AppResult<()> {
    let portal = caller.portal_id();
    let links: Vec<(TaskId, TaskId, String)> = sqlx::query_as(
        "SELECT predecessor_id, successor_id, kind FROM task_links \
         WHERE portal_id = ? AND (predecessor_id = ? OR successor_id = ?)",
    )
    .bind(portal)
    .bind(task)
    .bind(task)
    .fetch_all(&mut **tx)
    .await?;
    for (predecessor, successor, kind) in links {
        let Some(kind) = LinkKind::parse(&kind) else {
            continue;
        };
        let (other, other_dates) = if predecessor == task {
            dates_of(tx, portal, successor).await?
        } else {
            dates_of(tx, portal, predecessor).await?
        };
        let ok = if predecessor == task {
            holds(kind, &dates, &other_dates)
        } else {
            holds(kind, &other_dates, &dates)
        };
        if !ok {
            let other_id = if predecessor == task {
                successor
            } else {
                predecessor
            };
            let other = name_for(tx, caller, other_id, &other).await;
            return Err(AppError::invalid(if predecessor == task {
                format!(
                    "{} depends on this task ({}); move it first.",
                    capitalised(&other),
                    kind.label().to_lowercase()
                )
            } else {
                format!(
                    "This task depends on {other} ({}); it cannot be moved before it.",
                    kind.label().to_lowercase()
                )
            }));
        }
    }
    Ok(())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether `to` can be reached from `from` along existing links (successor direction).
async fn reaches(
    conn: &mut AnyConnection,
    portal: PortalId,
    from: TaskId,
    to: TaskId,
) -> AppResult<bool> {
    let mut seen: HashSet<TaskId> = HashSet::from([from]);
    let mut frontier = vec![from];
    while let Some(current) = frontier.pop() {
        let next: Vec<TaskId> = sqlx::query_scalar(
            "SELECT successor_id FROM task_links WHERE portal_id = ? AND predecessor_id = ?",
        )
        .bind(portal)
        .bind(current)
        .fetch_all(&mut *conn)
        .await?;
        for id in next {
            if id == to {
                return Ok(true);
            }
            if seen.insert(id) {
                if seen.len() > 10_000 {
                    return Err(AppError::invalid("The dependency chain is too long."));
                }
                frontier.push(id);
            }
        }
    }
    Ok(false)
}

/// `successor` waits on `predecessor`. Both must be visible to the caller, who must be able
/// to change the successor's dates.
#[tracing::instrument(skip_all)]
pub async fn add(
    state: &AppState,
    caller: &Caller,
    predecessor: TaskId,
    successor: TaskId,
    kind: LinkKind,
) -> AppResult<()> {
    if predecessor == successor {
        return Err(AppError::invalid("A task cannot depend on itself."));
    }
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    let before = TaskAccess::load(&mut tx, caller, predecessor).await?;
    let after = TaskAccess::load(&mut tx, caller, successor).await?;
    after.require(after.rights().change_dates)?;
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM task_links WHERE portal_id = ? AND (predecessor_id = ? OR successor_id = ?)",
    )
    .bind(portal)
    .bind(successor)
    .bind(successor)
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_LINKS {
        return Err(AppError::invalid(format!(
            "A task can have at most {MAX_LINKS} dependencies."
        )));
    }
    if reaches(&mut tx, portal, successor, predecessor).await? {
        return Err(AppError::invalid(format!(
            "“{}” already depends on “{}”: this dependency would make a loop.",
            before.title, after.title
        )));
    }
    let (_, pred_dates) = dates_of(&mut tx, portal, predecessor).await?;
    let (_, succ_dates) = dates_of(&mut tx, portal, successor).await?;
    if !holds(kind, &pred_dates, &succ_dates) {
        return Err(AppError::invalid(format!(
            "“{}” is scheduled before “{}” can let it ({}); move it first.",
            after.title,
            before.title,
            kind.label().to_lowercase()
        )));
    }
    let inserted = sqlx::query(
        "INSERT INTO task_links (portal_id, predecessor_id, successor_id, kind, created_by) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(portal)
    .bind(predecessor)
    .bind(successor)
    .bind(kind.as_str())
    .bind(caller.user_id)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if crate::ssr::db::Db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(
                "These tasks are already linked.".to_owned(),
            ));
        }
        other => other?,
    };
    let now = now_ms();
    members::finish_change(
        state,
        caller,
        tx,
        &after,
        now,
        "dependency",
        "",
        // By number: the history is read by everyone on this task, who may not see the other.
        &format!("{}: task #{predecessor}", kind.label()),
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn remove(
    state: &AppState,
    caller: &Caller,
    predecessor: TaskId,
    successor: TaskId,
) -> AppResult<()> {
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    // The caller must see both tasks.
    TaskAccess::load(&mut tx, caller, predecessor).await?;
    let after = TaskAccess::load(&mut tx, caller, successor).await?;
    after.require(after.rights().change_dates)?;
    let removed = sqlx::query(
        "DELETE FROM task_links WHERE portal_id = ? AND predecessor_id = ? AND successor_id = ?",
    )
    .bind(portal)
    .bind(predecessor)
    .bind(successor)
    .execute(&mut *tx)
    .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let now = now_ms();
    members::finish_change(
        state,
        caller,
        tx,
        &after,
        now,
        "dependency",
        &format!("task #{predecessor}"),
        "",
    )
    .await
}
