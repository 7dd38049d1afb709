//! A project's stages: the columns of its board ("Backlog", "Design", "Testing"…), in order.
//!
//! Whoever may see the project sees its stages; its owner and moderators (and administrators)
//! add, rename and delete them. Deleting a stage leaves its tasks in no stage. A task moves
//! between its own project's stages by whoever works on it (as for the checklist).

use super::access::TaskAccess;
use super::members;
use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::groups::types::GroupRole;
use crate::ids::{GroupId, StageId, TaskId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::{MAX_STAGE_NAME_CHARS, MAX_STAGES, Stage};

/// The project's stages, in board order; NotFound unless the caller may see the project.
pub async fn list(pool: &Reader, caller: &Caller, group: GroupId) -> AppResult<Vec<Stage>> {
    crate::groups::ssr::visible(pool, caller, group).await?;
    let rows: Vec<(StageId, String)> = sqlx::query_as(
        "SELECT id, name FROM task_stages WHERE portal_id = ? AND group_id = ? ORDER BY position, id",
    )
    .bind(caller.portal_id())
    .bind(group)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Stage { id, name })
        .collect())
}

/// NotFound unless the caller sees the group; Forbidden unless they manage it.
async fn require_manager(pool: &Reader, caller: &Caller, group: GroupId) -> AppResult<()> {
    let summary = crate::groups::ssr::visible(pool, caller, group).await?;
    if caller.role == Role::Admin
        || matches!(
            summary.my_role,
            Some(GroupRole::Owner | GroupRole::Moderator)
        )
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Adds a stage at the end, or (with `id`) renames one.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    caller: &Caller,
    group: GroupId,
    id: Option<StageId>,
    name: &str,
) -> AppResult<StageId> {
    let pool = &state.db.reader;
    require_manager(pool, caller, group).await?;
    let name = crate::validate::required("name", name, MAX_STAGE_NAME_CHARS)?;
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    if let Some(id) = id {
        let changed = sqlx::query(
            "UPDATE task_stages SET name = ? WHERE id = ? AND portal_id = ? AND group_id = ?",
        )
        .bind(&name)
        .bind(id)
        .bind(portal)
        .bind(group)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        return Ok(id);
    }
    let (count, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(position) FROM task_stages WHERE portal_id = ? AND group_id = ?",
    )
    .bind(portal)
    .bind(group)
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_STAGES {
        return Err(AppError::invalid(format!(
            "A project can have at most {MAX_STAGES} stages."
        )));
    }
    let id = insert_id(
        &mut tx,
        sqlx::query(
            "INSERT INTO task_stages (portal_id, group_id, name, position) VALUES (?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(group)
        .bind(&name)
        .bind(last.unwrap_or(0) + 1),
    )
    .await?;
    tx.commit().await?;
    Ok(StageId(id))
}

/// Deletes a stage; its tasks are then in no stage.
#[tracing::instrument(skip_all)]
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    group: GroupId,
    id: StageId,
) -> AppResult<()> {
    require_manager(&state.db.reader, caller, group).await?;
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    let deleted =
        sqlx::query("DELETE FROM task_stages WHERE id = ? AND portal_id = ? AND group_id = ?")
            .bind(id)
            .bind(portal)
            .bind(group)
            .execute(&mut *tx)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query("UPDATE tasks SET stage_id = NULL WHERE stage_id = ? AND portal_id = ?")
        .bind(id)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a task to one of its project's stages (or to none).
#[tracing::instrument(skip_all)]
pub async fn set_task_stage(
    state: &AppState,
    caller: &Caller,
    task: TaskId,
    stage: Option<StageId>,
) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(access.rights().checklist)?;
    let name_of = async |conn: &mut sqlx::AnyConnection, stage: Option<StageId>| match stage {
        None => Ok::<_, AppError>(Some("no stage".to_owned())),
        Some(stage) => Ok(sqlx::query_scalar(
            "SELECT name FROM task_stages WHERE id = ? AND portal_id = ? AND group_id = ?",
        )
        .bind(stage)
        .bind(portal)
        .bind(access.group)
        .fetch_optional(conn)
        .await?),
    };
    let new_name = name_of(&mut *tx, stage)
        .await?
        .ok_or_else(|| AppError::invalid("That stage is not one of this task's project."))?;
    let current: Option<StageId> =
        sqlx::query_scalar("SELECT stage_id FROM tasks WHERE id = ? AND portal_id = ?")
            .bind(task)
            .bind(portal)
            .fetch_one(&mut *tx)
            .await?;
    if current == stage {
        return Ok(());
    }
    let old_name = name_of(&mut *tx, current).await?.unwrap_or_default();
    sqlx::query("UPDATE tasks SET stage_id = ? WHERE id = ? AND portal_id = ?")
        .bind(stage)
        .bind(task)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    members::finish_change(
        state, caller, tx, &access, now, "stage", &old_name, &new_name,
    )
    .await
}
