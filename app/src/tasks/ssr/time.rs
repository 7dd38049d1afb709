//! Time spent on tasks: a start/stop timer (one running per person: starting another stops
//! it) and entries by hand. The task row keeps the total for the list and the page.

use super::access::TaskAccess;
use super::members;
use crate::error::{AppError, AppResult};
use crate::ids::{PortalId, TaskId, TimeEntryId, UserId};
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::{MAX_MANUAL_MINUTES, TimeEntry};
use sqlx::{Any, Transaction};

const MAX_NOTE_CHARS: usize = 500;

/// Stops a running entry and adds its time to the task.
async fn finish(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    entry: TimeEntryId,
    task: TaskId,
    started_at: i64,
    now: i64,
) -> AppResult<()> {
    let seconds = ((now - started_at) / 1000).max(0);
    sqlx::query(
        "UPDATE task_time SET stopped_at = ?, seconds = ? WHERE id = ? AND portal_id = ? AND stopped_at IS NULL",
    )
    .bind(now)
    .bind(seconds)
    .bind(entry)
    .bind(portal)
    .execute(&mut **tx)
    .await?;
    add_to_total(tx, portal, task, seconds).await
}

async fn add_to_total(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    task: TaskId,
    seconds: i64,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE tasks SET spent_seconds = spent_seconds + ? WHERE id = ? AND portal_id = ?",
    )
    .bind(seconds)
    .bind(task)
    .bind(portal)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Starts the caller's timer on a task, stopping one running on another task.
#[tracing::instrument(skip_all)]
pub async fn start(state: &AppState, caller: &Caller, task: TaskId) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(access.rights().track_time)?;
    let running: Vec<(TimeEntryId, TaskId, i64)> = sqlx::query_as(
        "SELECT id, task_id, started_at FROM task_time WHERE portal_id = ? AND user_id = ? AND stopped_at IS NULL",
    )
    .bind(portal)
    .bind(caller.user_id)
    .fetch_all(&mut *tx)
    .await?;
    if running.iter().any(|(_, t, _)| *t == task) {
        return Err(AppError::invalid(
            "Your timer is already running on this task.",
        ));
    }
    let mut touched = vec![(task, access.group)];
    for (entry, other, started_at) in running {
        finish(&mut tx, portal, entry, other, started_at, now).await?;
        let group: Option<crate::ids::GroupId> =
            sqlx::query_scalar("SELECT group_id FROM tasks WHERE id = ? AND portal_id = ?")
                .bind(other)
                .bind(portal)
                .fetch_one(&mut *tx)
                .await?;
        touched.push((other, group));
    }
    insert_id(
        &mut tx,
        sqlx::query(
            "INSERT INTO task_time (portal_id, task_id, user_id, started_at) VALUES (?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(task)
        .bind(caller.user_id)
        .bind(now),
    )
    .await?;
    tx.commit().await?;
    members::announce_changed(state, caller, &touched).await;
    Ok(())
}

/// Stops the caller's timer on a task; its time is added to the task's total.
#[tracing::instrument(skip_all)]
pub async fn stop(state: &AppState, caller: &Caller, task: TaskId) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    let running: Option<(TimeEntryId, i64)> = sqlx::query_as(
        "SELECT id, started_at FROM task_time WHERE portal_id = ? AND user_id = ? AND task_id = ? AND stopped_at IS NULL",
    )
    .bind(portal)
    .bind(caller.user_id)
    .bind(task)
    .fetch_optional(&mut *tx)
    .await?;
    let (entry, started_at) =
        running.ok_or_else(|| AppError::invalid("Your timer is not running on this task."))?;
    finish(&mut tx, portal, entry, task, started_at, now).await?;
    tx.commit().await?;
    members::announce_changed(state, caller, &[(task, access.group)]).await;
    Ok(())
}

/// Time entered by hand: `minutes` spent, ending now, with an optional note.
#[tracing::instrument(skip_all)]
pub async fn add(
    state: &AppState,
    caller: &Caller,
    task: TaskId,
    minutes: i64,
    note: &str,
) -> AppResult<TimeEntryId> {
    if !(1..=MAX_MANUAL_MINUTES).contains(&minutes) {
        return Err(AppError::invalid(format!(
            "Enter between 1 minute and {} hours at once.",
            MAX_MANUAL_MINUTES / 60
        )));
    }
    let note = crate::validate::optional("note", note, MAX_NOTE_CHARS)?;
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(access.rights().track_time)?;
    let seconds = minutes * 60;
    let id = insert_id(
        &mut tx,
        sqlx::query(
            "INSERT INTO task_time (portal_id, task_id, user_id, started_at, stopped_at, seconds, note) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(task)
        .bind(caller.user_id)
        .bind(now - seconds * 1000)
        .bind(now)
        .bind(seconds)
        .bind(&note),
    )
    .await?;
    add_to_total(&mut tx, portal, task, seconds).await?;
    tx.commit().await?;
    members::announce_changed(state, caller, &[(task, access.group)]).await;
    Ok(TimeEntryId(id))
}

/// Deletes an entry: one's own, or any on a task one manages.
#[tracing::instrument(skip_all)]
pub async fn remove(state: &AppState, caller: &Caller, entry: TimeEntryId) -> AppResult<()> {
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    let row: Option<(TaskId, UserId, i64, Option<i64>)> = sqlx::query_as(
        "SELECT task_id, user_id, seconds, stopped_at FROM task_time WHERE id = ? AND portal_id = ?",
    )
    .bind(entry)
    .bind(portal)
    .fetch_optional(&mut *tx)
    .await?;
    let (task, owner, seconds, stopped_at) = row.ok_or(AppError::NotFound)?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(owner == caller.user_id || access.manages())?;
    sqlx::query("DELETE FROM task_time WHERE id = ? AND portal_id = ?")
        .bind(entry)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    if stopped_at.is_some() {
        add_to_total(&mut tx, portal, task, -seconds).await?;
    }
    tx.commit().await?;
    members::announce_changed(state, caller, &[(task, access.group)]).await;
    Ok(())
}

/// The task's time entries, newest first (at most 200), and the caller's running timer.
pub async fn load(
    pool: &Reader,
    caller: &Caller,
    access: &TaskAccess,
) -> AppResult<(Vec<TimeEntry>, Option<i64>)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: TimeEntryId,
        user_id: UserId,
        name: String,
        photo_file_id: Option<crate::ids::FileId>,
        started_at: i64,
        stopped_at: Option<i64>,
        seconds: i64,
        note: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.id, e.user_id, u.name, u.photo_file_id, e.started_at, e.stopped_at, e.seconds, e.note \
         FROM task_time e JOIN users u ON u.id = e.user_id AND u.portal_id = e.portal_id \
         WHERE e.portal_id = ? AND e.task_id = ? ORDER BY e.id DESC LIMIT 200",
    )
    .bind(caller.portal_id())
    .bind(access.id)
    .fetch_all(pool)
    .await?;
    let mine = rows
        .iter()
        .find(|r| r.user_id == caller.user_id && r.stopped_at.is_none())
        .map(|r| r.started_at);
    let entries = rows
        .into_iter()
        .map(|r| TimeEntry {
            id: r.id,
            removable: r.user_id == caller.user_id || access.manages(),
            who: Author::new(r.user_id, r.name, r.photo_file_id),
            started_at: r.started_at,
            stopped_at: r.stopped_at,
            seconds: r.seconds,
            note: r.note,
        })
        .collect();
    Ok((entries, mine))
}
