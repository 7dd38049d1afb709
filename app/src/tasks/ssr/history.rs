//! The history of a task: every change, who made it and when, as people read it.

use crate::error::AppResult;
use crate::ids::{PortalId, TaskId, UserId};
use crate::social::Author;
use crate::ssr::db::Reader;
use crate::tasks::types::HistoryEntry;
use sqlx::{Any, Transaction};

/// At most this many characters of a value are kept (a long description is summarised).
const MAX_VALUE_CHARS: usize = 300;

fn cut(value: &str) -> String {
    if value.chars().count() > MAX_VALUE_CHARS {
        let mut out: String = value.chars().take(MAX_VALUE_CHARS - 1).collect();
        out.push('…');
        out
    } else {
        value.to_owned()
    }
}

/// One change, written in the transaction that makes it.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    task: TaskId,
    user: UserId,
    at: i64,
    field: &str,
    old_value: &str,
    new_value: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO task_history (portal_id, task_id, user_id, at, field, old_value, new_value) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(portal)
    .bind(task)
    .bind(user)
    .bind(at)
    .bind(field)
    .bind(cut(old_value))
    .bind(cut(new_value))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The newest 200 changes, oldest first.
pub async fn load(pool: &Reader, portal: PortalId, task: TaskId) -> AppResult<Vec<HistoryEntry>> {
    type Row = (
        UserId,
        String,
        Option<crate::ids::FileId>,
        i64,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT h.user_id, u.name, u.photo_file_id, h.at, h.field, h.old_value, h.new_value \
         FROM task_history h JOIN users u ON u.id = h.user_id AND u.portal_id = h.portal_id \
         WHERE h.portal_id = ? AND h.task_id = ? ORDER BY h.id DESC LIMIT 200",
    )
    .bind(portal)
    .bind(task)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .rev()
        .map(
            |(id, name, photo, at, field, old_value, new_value)| HistoryEntry {
                who: Author::new(id, name, photo),
                at,
                field,
                old_value,
                new_value,
            },
        )
        .collect())
}
