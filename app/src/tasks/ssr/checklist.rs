//! A task's checklist: items in named sections, ticked by someone at some time. The task row
//! keeps the totals so the list shows progress without counting.

use super::access::TaskAccess;
use super::members;
use super::write::checked_items;
use crate::error::{AppError, AppResult};
use crate::ids::{ChecklistItemId, PortalId, TaskId, UserId};
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::{ChecklistItem, MAX_CHECKLIST_ITEM_CHARS};
use sqlx::{Any, QueryBuilder, Transaction};

/// Longest section name.
const MAX_SECTION_CHARS: usize = 100;

/// Appends items to a section (in the caller's transaction) and updates the totals.
pub async fn insert_items(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    task: TaskId,
    section: &str,
    items: &[String],
) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(position) FROM task_checklist WHERE portal_id = ? AND task_id = ?",
    )
    .bind(portal)
    .bind(task)
    .fetch_one(&mut **tx)
    .await?;
    let first = last.map(|p| p + 1).unwrap_or(0);
    let mut qb = QueryBuilder::<Any>::new(
        "INSERT INTO task_checklist (portal_id, task_id, section, position, text) ",
    );
    qb.push_values(items.iter().enumerate(), |mut row, (i, text)| {
        row.push_bind(portal)
            .push_bind(task)
            .push_bind(section.to_owned())
            .push_bind(first + i as i64)
            .push_bind(text.clone());
    });
    qb.build().execute(&mut **tx).await?;
    recount(tx, portal, task).await
}

async fn recount(tx: &mut Transaction<'_, Any>, portal: PortalId, task: TaskId) -> AppResult<()> {
    let (total, done): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(done_at) FROM task_checklist WHERE portal_id = ? AND task_id = ?",
    )
    .bind(portal)
    .bind(task)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE tasks SET checklist_total = ?, checklist_done = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(total)
    .bind(done)
    .bind(task)
    .bind(portal)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn load(pool: &Reader, portal: PortalId, task: TaskId) -> AppResult<Vec<ChecklistItem>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: ChecklistItemId,
        section: String,
        text: String,
        done_by: Option<UserId>,
        done_at: Option<i64>,
        name: Option<String>,
        photo_file_id: Option<crate::ids::FileId>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.id, c.section, c.text, c.done_by, c.done_at, u.name, u.photo_file_id \
         FROM task_checklist c LEFT JOIN users u ON u.id = c.done_by AND u.portal_id = c.portal_id \
         WHERE c.portal_id = ? AND c.task_id = ? ORDER BY c.position, c.id",
    )
    .bind(portal)
    .bind(task)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ChecklistItem {
            id: r.id,
            section: r.section,
            text: r.text,
            done: match (r.done_by, r.done_at) {
                (Some(by), Some(at)) => Some((
                    Author::new(by, r.name.unwrap_or_default(), r.photo_file_id),
                    at,
                )),
                _ => None,
            },
        })
        .collect())
}

/// Adds items (one per line of `text`) to a section of the checklist.
#[tracing::instrument(skip_all)]
pub async fn add(
    state: &AppState,
    caller: &Caller,
    task: TaskId,
    section: &str,
    items: &[String],
) -> AppResult<()> {
    let section = section.trim();
    if section.chars().count() > MAX_SECTION_CHARS {
        return Err(AppError::invalid(format!(
            "A checklist section name can be at most {MAX_SECTION_CHARS} characters long."
        )));
    }
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(access.rights().checklist)?;
    let existing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM task_checklist WHERE portal_id = ? AND task_id = ?",
    )
    .bind(portal)
    .bind(task)
    .fetch_one(&mut *tx)
    .await?;
    let items = checked_items(items, existing as usize)?;
    if items.is_empty() {
        return Err(AppError::invalid("Write the item first."));
    }
    insert_items(&mut tx, portal, task, section, &items).await?;
    let now = now_ms();
    members::finish_change(
        state,
        caller,
        tx,
        &access,
        now,
        "checklist",
        "",
        &format!("added {}", items.join("; ")),
    )
    .await
}

/// The item, if it belongs to a task the caller may work the checklist of.
async fn item_task(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    item: ChecklistItemId,
) -> AppResult<(TaskAccess, String, bool)> {
    let row: Option<(TaskId, String, Option<i64>)> = sqlx::query_as(
        "SELECT task_id, text, done_at FROM task_checklist WHERE id = ? AND portal_id = ?",
    )
    .bind(item)
    .bind(caller.portal_id())
    .fetch_optional(&mut **tx)
    .await?;
    let (task, text, done_at) = row.ok_or(AppError::NotFound)?;
    let access = TaskAccess::load(tx, caller, task).await?;
    access.require(access.rights().checklist)?;
    Ok((access, text, done_at.is_some()))
}

/// Ticks or unticks an item; who did it and when is kept.
#[tracing::instrument(skip_all)]
pub async fn tick(
    state: &AppState,
    caller: &Caller,
    item: ChecklistItemId,
    done: bool,
) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let (access, text, was_done) = item_task(&mut tx, caller, item).await?;
    if was_done == done {
        return Ok(());
    }
    sqlx::query(
        "UPDATE task_checklist SET done_by = ?, done_at = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(done.then_some(caller.user_id))
    .bind(done.then_some(now))
    .bind(item)
    .bind(portal)
    .execute(&mut *tx)
    .await?;
    recount(&mut tx, portal, access.id).await?;
    members::finish_change(
        state,
        caller,
        tx,
        &access,
        now,
        "checklist",
        "",
        &format!("{} {text}", if done { "ticked" } else { "unticked" }),
    )
    .await
}

/// Rewords an item.
#[tracing::instrument(skip_all)]
pub async fn edit(
    state: &AppState,
    caller: &Caller,
    item: ChecklistItemId,
    text: &str,
) -> AppResult<()> {
    let text = crate::validate::required("checklist item", text, MAX_CHECKLIST_ITEM_CHARS)?;
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let (access, old, _) = item_task(&mut tx, caller, item).await?;
    sqlx::query("UPDATE task_checklist SET text = ? WHERE id = ? AND portal_id = ?")
        .bind(&text)
        .bind(item)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    members::finish_change(state, caller, tx, &access, now, "checklist", &old, &text).await
}

#[tracing::instrument(skip_all)]
pub async fn remove(state: &AppState, caller: &Caller, item: ChecklistItemId) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let (access, text, _) = item_task(&mut tx, caller, item).await?;
    sqlx::query("DELETE FROM task_checklist WHERE id = ? AND portal_id = ?")
        .bind(item)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    recount(&mut tx, portal, access.id).await?;
    members::finish_change(
        state,
        caller,
        tx,
        &access,
        now,
        "checklist",
        &text,
        "removed",
    )
    .await
}
