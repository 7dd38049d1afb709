//! Files attached to a task. They are uploaded through the files domain (the storage, the
//! portal's quota, safe names and types), then claimed here; whoever sees the task may
//! download them, nobody else.

use super::access::TaskAccess;
use super::members;
use crate::error::{AppError, AppResult};
use crate::files::ssr::{FileKind, claim, release};
use crate::files::types::Attachment;
use crate::ids::{FileId, TaskId, UserId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Db;
use crate::ssr::db::Reader;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::TaskFile;
use futures::future::BoxFuture;

/// Files on one task, all attachings together.
pub const MAX_TASK_FILES: i64 = 30;

/// Attaches the caller's fresh uploads to a task: those who work on it may (not observers).
#[tracing::instrument(skip_all)]
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    task: TaskId,
    files: &[FileId],
) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(access.rights().checklist)?;
    if files.is_empty() {
        return Ok(());
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM task_files WHERE task_id = ? AND portal_id = ?")
            .bind(task)
            .bind(portal)
            .fetch_one(&mut *tx)
            .await?;
    if count + files.len() as i64 > MAX_TASK_FILES {
        return Err(AppError::invalid(format!(
            "A task can have at most {MAX_TASK_FILES} files."
        )));
    }
    let mut names = Vec::new();
    for file in files {
        // Only the caller's own upload, not attached anywhere yet.
        let claimed = claim(&mut tx, caller, *file, FILE_KIND.owner(task.0)).await?;
        let inserted = sqlx::query(
            "INSERT INTO task_files (task_id, portal_id, file_id, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(task)
        .bind(portal)
        .bind(*file)
        .bind(caller.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if Db::is_unique_violation(&e) => {
                return Err(AppError::invalid("That file is already attached."));
            }
            Err(e) => return Err(e.into()),
        }
        names.push(claimed.name);
    }
    let added = names.join(", ");
    members::finish_change(state, caller, tx, &access, now, "file", "", &added).await
}

/// Takes a file off a task: whoever attached it, or whoever manages the task.
#[tracing::instrument(skip_all)]
pub async fn remove(
    state: &AppState,
    caller: &Caller,
    task: TaskId,
    file: FileId,
) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    let row: Option<(UserId, String)> = sqlx::query_as(
        "SELECT t.added_by, f.file_name FROM task_files t \
         JOIN files f ON f.id = t.file_id AND f.portal_id = t.portal_id \
         WHERE t.task_id = ? AND t.portal_id = ? AND t.file_id = ?",
    )
    .bind(task)
    .bind(portal)
    .bind(file)
    .fetch_optional(&mut *tx)
    .await?;
    let (added_by, name) = row.ok_or(AppError::NotFound)?;
    access.require(added_by == caller.user_id || access.manages())?;
    sqlx::query("DELETE FROM task_files WHERE task_id = ? AND portal_id = ? AND file_id = ?")
        .bind(task)
        .bind(portal)
        .bind(file)
        .execute(&mut *tx)
        .await?;
    // Its uploader's again, as before it was attached.
    release(&mut tx, portal, file, FILE_KIND.owner(task.0)).await?;
    members::finish_change(state, caller, tx, &access, now, "file", &name, "").await
}

/// The task's files, oldest first.
pub async fn load(pool: &Reader, caller: &Caller, access: &TaskAccess) -> AppResult<Vec<TaskFile>> {
    let rows: Vec<(FileId, String, String, i64, UserId)> = sqlx::query_as(
        "SELECT f.id, f.file_name, f.content_type, f.size_bytes, t.added_by FROM task_files t \
         JOIN files f ON f.id = t.file_id AND f.portal_id = t.portal_id \
         WHERE t.task_id = ? AND t.portal_id = ? ORDER BY t.added_at, t.file_id",
    )
    .bind(access.id)
    .bind(caller.portal_id())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(file_id, name, content_type, size, added_by)| TaskFile {
            file: Attachment {
                file_id,
                name,
                size,
                content_type,
                thumb_url: None,
                width: None,
                height: None,
            },
            removable: added_by == caller.user_id || access.manages(),
        })
        .collect())
}

/// A task's files belong to the task: whoever sees the task may download them.
pub const FILE_KIND: FileKind = FileKind {
    kind: "task",
    may_read,
};

fn may_read<'a>(pool: &'a Reader, caller: &'a Caller, task: i64) -> BoxFuture<'a, AppResult<bool>> {
    Box::pin(async move {
        let mut conn = pool.acquire().await?;
        match TaskAccess::load(&mut conn, caller, TaskId(task)).await {
            Ok(_) => Ok(true),
            Err(AppError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    })
}
