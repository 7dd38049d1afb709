//! A person's saved list filters: a name and the list query as JSON.

use crate::error::{AppError, AppResult};
use crate::ids::TaskFilterId;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::db::{Writer, insert_id};
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::{SavedFilter, TaskQuery};

const MAX_FILTERS: i64 = 30;
const MAX_NAME_CHARS: usize = 60;

pub async fn list(pool: &Reader, caller: &Caller) -> AppResult<Vec<SavedFilter>> {
    let rows: Vec<(TaskFilterId, String, String)> = sqlx::query_as(
        "SELECT id, name, query FROM task_filters WHERE portal_id = ? AND user_id = ? ORDER BY name, id",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, query)| {
            Some(SavedFilter {
                id,
                name,
                query: serde_json::from_str(&query).ok()?,
            })
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    caller: &Caller,
    name: &str,
    query: &TaskQuery,
) -> AppResult<TaskFilterId> {
    let name = crate::validate::required("filter name", name, MAX_NAME_CHARS)?;
    let json = serde_json::to_string(query).map_err(|_| AppError::Internal)?;
    let mut tx = state.db.begin().await?;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM task_filters WHERE portal_id = ? AND user_id = ?")
            .bind(caller.portal_id())
            .bind(caller.user_id)
            .fetch_one(&mut *tx)
            .await?;
    if count >= MAX_FILTERS {
        return Err(AppError::invalid(format!(
            "You can keep at most {MAX_FILTERS} saved filters; delete one first."
        )));
    }
    let id = insert_id(
        &mut tx,
        sqlx::query(
            "INSERT INTO task_filters (portal_id, user_id, name, query, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .bind(&name)
        .bind(json)
        .bind(now_ms()),
    )
    .await?;
    tx.commit().await?;
    Ok(TaskFilterId(id))
}

pub async fn delete(writer: &Writer, caller: &Caller, id: TaskFilterId) -> AppResult<()> {
    let done =
        sqlx::query("DELETE FROM task_filters WHERE id = ? AND portal_id = ? AND user_id = ?")
            .bind(id)
            .bind(caller.portal_id())
            .bind(caller.user_id)
            .execute(writer)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
