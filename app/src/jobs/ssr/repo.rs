//! The SQL of jobs. The owner's reads and writes are scoped by portal and owner; the worker's
//! claim is the one query across portals (a job is claimed before anyone knows its portal).

use crate::error::{AppError, AppResult};
use crate::ids::{JobId, PortalId, UserId};
use crate::jobs::types::{JobState, JobView, RECENT_JOBS};
use crate::ssr::caller::Caller;
use crate::ssr::db::{Db, Reader, Writer};

/// A job's row as the worker needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: JobId,
    pub portal_id: PortalId,
    pub owner_id: UserId,
    pub kind: String,
    pub title: String,
    pub params: String,
    pub attempts: i64,
    pub created_at: i64,
}

const ROW_COLUMNS: &str = "id, portal_id, owner_id, kind, title, params, attempts, created_at";

#[derive(sqlx::FromRow)]
struct ViewRow {
    id: JobId,
    title: String,
    state: String,
    progress_done: i64,
    progress_total: i64,
    error: Option<String>,
    result_name: Option<String>,
    result_size: Option<i64>,
    created_at: i64,
    finished_at: Option<i64>,
}

const VIEW_COLUMNS: &str = "id, title, state, progress_done, progress_total, error, \
     result_name, result_size, created_at, finished_at";

impl From<ViewRow> for JobView {
    fn from(r: ViewRow) -> Self {
        JobView {
            id: r.id,
            title: r.title,
            state: JobState::parse(&r.state).unwrap_or(JobState::Failed),
            done: r.progress_done,
            total: r.progress_total,
            error: r.error,
            file_name: r.result_name,
            file_size: r.result_size,
            created_at: r.created_at,
            finished_at: r.finished_at,
        }
    }
}

/// One of the caller's jobs; anyone else's is NotFound.
pub async fn get(pool: &Reader, caller: &Caller, id: JobId) -> AppResult<JobView> {
    view_of(pool, caller.portal_id(), caller.user_id, id).await
}

/// A job as its owner sees it (also for the worker, which knows portal and owner).
pub async fn view_of(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    portal: PortalId,
    owner: UserId,
    id: JobId,
) -> AppResult<JobView> {
    let row: Option<ViewRow> = sqlx::query_as(&format!(
        "SELECT {VIEW_COLUMNS} FROM jobs WHERE id = ? AND portal_id = ? AND owner_id = ?"
    ))
    .bind(id)
    .bind(portal)
    .bind(owner)
    .fetch_optional(executor)
    .await?;
    row.map(JobView::from).ok_or(AppError::NotFound)
}

pub async fn recent(pool: &Reader, caller: &Caller) -> AppResult<Vec<JobView>> {
    let rows: Vec<ViewRow> = sqlx::query_as(&format!(
        "SELECT {VIEW_COLUMNS} FROM jobs WHERE portal_id = ? AND owner_id = ? ORDER BY id DESC LIMIT ?"
    ))
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .bind(RECENT_JOBS)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(JobView::from).collect())
}

/// Queues a job for the caller unless they already have `limit` waiting or running; None
/// then. The count and the insert are one transaction that the caller's other requests wait
/// for (SQLite lets one writer in at a time; on MariaDB the caller's row is locked first), so
/// requests sent at once cannot all slip under the limit.
#[allow(clippy::too_many_arguments)]
pub async fn insert_within_limit(
    db: &Db,
    caller: &Caller,
    kind: &str,
    title: &str,
    params: &str,
    now: i64,
    limit: i64,
) -> AppResult<Option<JobId>> {
    let mut tx = db.begin().await?;
    let lock = format!(
        "SELECT id FROM users WHERE id = ? AND portal_id = ?{}",
        Db::for_update(&tx)
    );
    sqlx::query(&lock)
        .bind(caller.user_id)
        .bind(caller.portal_id())
        .fetch_optional(&mut *tx)
        .await?;
    let active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE portal_id = ? AND owner_id = ? AND state IN ('queued', 'running')",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_one(&mut *tx)
    .await?;
    if active >= limit {
        tx.rollback().await?;
        return Ok(None);
    }
    let id = crate::ssr::db::insert_id(
        &mut tx,
        sqlx::query(
            "INSERT INTO jobs (portal_id, owner_id, owner_role, kind, title, params, state, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
        )
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .bind(caller.role.as_str())
        .bind(kind)
        .bind(title)
        .bind(params)
        .bind(now),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(JobId(id)))
}

/// Claims the oldest job that is waiting, or whose node stopped renewing its lease. The
/// UPDATE only succeeds while the job is still claimable, so of two nodes racing for a job
/// exactly one gets it; the other tries the next candidate.
pub async fn claim(db: &Db, node: &str, now: i64, lease_ms: i64) -> AppResult<Option<JobRow>> {
    // Only kinds this node knows: during a rolling upgrade an older node leaves a newer
    // kind to the nodes that can run it, instead of failing it.
    let mut qb = sqlx::QueryBuilder::<sqlx::Any>::new(
        "SELECT id, portal_id FROM jobs WHERE (state = 'queued' OR (state = 'running' AND lease_until < ",
    );
    qb.push_bind(now).push(")) AND kind IN (");
    let mut kinds = qb.separated(", ");
    for kind in crate::registry::job_kinds() {
        kinds.push_bind(kind.name);
    }
    qb.push(") ORDER BY id LIMIT 8");
    let candidates: Vec<(JobId, PortalId)> = qb.build_query_as().fetch_all(&db.reader).await?;
    for (id, portal) in candidates {
        let claimed = sqlx::query(
            "UPDATE jobs SET state = 'running', claimed_by = ?, lease_until = ?, \
             attempts = attempts + 1, started_at = COALESCE(started_at, ?), progress_done = 0 \
             WHERE id = ? AND portal_id = ? \
             AND (state = 'queued' OR (state = 'running' AND lease_until < ?))",
        )
        .bind(node)
        .bind(now + lease_ms)
        .bind(now)
        .bind(id)
        .bind(portal)
        .bind(now)
        .execute(&db.writer)
        .await?
        .rows_affected();
        if claimed == 1 {
            let row: JobRow = sqlx::query_as(&format!(
                "SELECT {ROW_COLUMNS} FROM jobs WHERE id = ? AND portal_id = ?"
            ))
            .bind(id)
            .bind(portal)
            .fetch_one(&db.writer)
            .await?;
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// Extends the lease of a job this node runs; false when it is no longer ours (cancelled).
pub async fn renew(writer: &Writer, row: &JobRow, node: &str, lease_until: i64) -> AppResult<bool> {
    let updated = sqlx::query(
        "UPDATE jobs SET lease_until = ? WHERE id = ? AND portal_id = ? AND claimed_by = ? \
         AND state = 'running'",
    )
    .bind(lease_until)
    .bind(row.id)
    .bind(row.portal_id)
    .bind(node)
    .execute(writer)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Stores progress; false when the job is no longer ours (cancelled, or taken over).
pub async fn store_progress(
    writer: &Writer,
    portal: PortalId,
    id: JobId,
    node: &str,
    done: i64,
    total: i64,
) -> AppResult<bool> {
    let updated = sqlx::query(
        "UPDATE jobs SET progress_done = ?, progress_total = ? \
         WHERE id = ? AND portal_id = ? AND claimed_by = ? AND state = 'running'",
    )
    .bind(done)
    .bind(total)
    .bind(id)
    .bind(portal)
    .bind(node)
    .execute(writer)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// The stored result of a finished job.
pub struct StoredResult<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
}

/// Marks a job this node ran as done; false when it was cancelled meanwhile.
pub async fn finish(
    conn: &mut sqlx::AnyConnection,
    row: &JobRow,
    node: &str,
    result: &StoredResult<'_>,
    now: i64,
) -> AppResult<bool> {
    let updated = sqlx::query(
        "UPDATE jobs SET state = 'done', result_key = ?, result_name = ?, result_type = ?, \
         result_size = ?, finished_at = ?, lease_until = NULL, progress_done = progress_total \
         WHERE id = ? AND portal_id = ? AND claimed_by = ? AND state = 'running'",
    )
    .bind(result.key)
    .bind(result.name)
    .bind(result.content_type)
    .bind(result.size)
    .bind(now)
    .bind(row.id)
    .bind(row.portal_id)
    .bind(node)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Marks a job this node ran as failed; false when it was cancelled meanwhile.
pub async fn fail(
    conn: &mut sqlx::AnyConnection,
    row: &JobRow,
    node: &str,
    error: &str,
    now: i64,
) -> AppResult<bool> {
    let error: String = error.chars().take(900).collect();
    let updated = sqlx::query(
        "UPDATE jobs SET state = 'failed', error = ?, finished_at = ?, lease_until = NULL \
         WHERE id = ? AND portal_id = ? AND claimed_by = ? AND state = 'running'",
    )
    .bind(error)
    .bind(now)
    .bind(row.id)
    .bind(row.portal_id)
    .bind(node)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Cancels one of the caller's jobs while it waits or runs; false when it had ended.
pub async fn cancel(writer: &Writer, caller: &Caller, id: JobId, now: i64) -> AppResult<bool> {
    let updated = sqlx::query(
        "UPDATE jobs SET state = 'cancelled', finished_at = ?, lease_until = NULL \
         WHERE id = ? AND portal_id = ? AND owner_id = ? AND state IN ('queued', 'running')",
    )
    .bind(now)
    .bind(id)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .execute(writer)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// The stored file of one of the caller's finished jobs: (key, name, content type).
pub async fn result_of(
    pool: &Reader,
    caller: &Caller,
    id: JobId,
) -> AppResult<(String, String, String)> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT result_key, result_name, result_type FROM jobs \
         WHERE id = ? AND portal_id = ? AND owner_id = ? AND owner_role = ? AND state = 'done'",
    )
    .bind(id)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .bind(caller.role.as_str())
    .fetch_optional(pool)
    .await?;
    match row {
        Some((Some(key), Some(name), Some(content_type))) => Ok((key, name, content_type)),
        _ => Err(AppError::NotFound),
    }
}

/// Ended jobs that finished before `before`, in pages by id after `after` (a file that
/// cannot be deleted now does not hold up the rest).
pub async fn expired(
    pool: &Reader,
    before: i64,
    after: JobId,
) -> AppResult<Vec<(JobId, PortalId)>> {
    Ok(sqlx::query_as(
        "SELECT id, portal_id FROM jobs \
         WHERE state IN ('done', 'failed', 'cancelled') AND finished_at < ? AND id > ? \
         ORDER BY id LIMIT 100",
    )
    .bind(before)
    .bind(after)
    .fetch_all(pool)
    .await?)
}

pub async fn delete(writer: &Writer, portal: PortalId, id: JobId) -> AppResult<()> {
    sqlx::query("DELETE FROM jobs WHERE id = ? AND portal_id = ?")
        .bind(id)
        .bind(portal)
        .execute(writer)
        .await?;
    Ok(())
}
