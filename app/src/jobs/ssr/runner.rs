//! The worker: claims one job at a time, runs it under a lease it keeps renewing, stores the
//! result, and tells the owner. A node that dies stops renewing; once the lease has run out,
//! another node (or this one, restarted) claims the job and runs it again from the start.

use super::kind::{Job, JobOutput, Progress};
use super::repo::{self, JobRow, StoredResult};
use crate::error::{AppError, AppResult};
use crate::notifications::ssr::Outgoing;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use std::time::{Duration, Instant};

/// A running job's lease: how long after a node's last sign of life another node takes over.
pub const LEASE: Duration = Duration::from_secs(60);
/// How often a running job's lease is renewed (well within `LEASE`).
const RENEW_EVERY: Duration = Duration::from_secs(15);
/// How often an idle worker looks for jobs enqueued on other nodes (this node's wake it).
const POLL: Duration = Duration::from_secs(2);
/// A job claimed this often has taken its node down each time: it fails instead.
const MAX_ATTEMPTS: i64 = 3;
/// Ended jobs and their files are deleted after this long.
pub const KEEP_FOR: Duration = Duration::from_secs(7 * 24 * 3600);
const CLEAN_EVERY: Duration = Duration::from_secs(600);
/// Where the notification of a finished job leads.
pub const EXPORTS_PAGE: &str = "/exports";

pub async fn run(state: AppState) {
    let node = node_name();
    let mut cleaned: Option<Instant> = None;
    loop {
        if cleaned.is_none_or(|at| at.elapsed() >= CLEAN_EVERY) {
            if let Err(e) = clean_up(&state).await {
                tracing::warn!(error = %e, "cleaning up old jobs failed");
            }
            cleaned = Some(Instant::now());
        }
        match run_next(&state, &node).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "claiming a job failed"),
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Claims and runs one job; false when there was none.
pub async fn run_next(state: &AppState, node: &str) -> AppResult<bool> {
    let Some(row) = repo::claim(&state.db, node, now_ms(), LEASE.as_millis() as i64).await? else {
        return Ok(false);
    };
    tracing::info!(job = %row.id, kind = row.kind, attempt = row.attempts, "job claimed");
    let outcome = if row.attempts > MAX_ATTEMPTS {
        Err(AppError::invalid(
            "This export stopped unexpectedly several times. Please try a smaller one, or ask your administrator.",
        ))
    } else {
        work(state, node, &row).await
    };
    let result = match outcome {
        // Storing a big file on slow storage may outlast the lease: keep renewing it.
        Ok(output) => tokio::select! {
            done = finish(state, node, &row, output) => done,
            lost = keep_lease(state, node, &row) => Err(lost),
        },
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        if matches!(e, AppError::Internal) {
            tracing::error!(job = %row.id, "job failed");
        }
        record_failure(state, node, &row, &e.to_string()).await;
    }
    Ok(true)
}

/// Runs the job's kind while renewing its lease; stops when the job is cancelled.
async fn work(state: &AppState, node: &str, row: &JobRow) -> AppResult<JobOutput> {
    let kind = crate::registry::job_kinds()
        .iter()
        .find(|k| k.name == row.kind)
        .ok_or_else(|| {
            tracing::error!(kind = row.kind, "no such job kind");
            AppError::Internal
        })?;
    let view = repo::view_of(&state.db.writer, row.portal_id, row.owner_id, row.id).await?;
    super::service::announce(state, row.portal_id, row.owner_id, &view).await;
    let progress = Progress::new(state.clone(), node.to_owned(), row, view);
    let job = Job::new(state.clone(), row, progress);
    tokio::select! {
        outcome = (kind.run)(job) => outcome,
        lost = keep_lease(state, node, row) => Err(lost),
    }
}

/// Renews the lease until the job is no longer this node's; then says why.
async fn keep_lease(state: &AppState, node: &str, row: &JobRow) -> AppError {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let until = now_ms() + LEASE.as_millis() as i64;
        match repo::renew(&state.db.writer, row, node, until).await {
            Ok(true) => {}
            Ok(false) => return AppError::invalid("The export was cancelled."),
            Err(e) => tracing::warn!(job = %row.id, error = %e, "renewing a job's lease failed"),
        }
    }
}

/// Puts the file into the portal's storage, then marks the job done and notifies the owner
/// in one short transaction.
async fn finish(state: &AppState, node: &str, row: &JobRow, output: JobOutput) -> AppResult<()> {
    let size = tokio::fs::metadata(output.file.path())
        .await
        .map_err(|_| AppError::Internal)?
        .len() as i64;
    // One key per job: a run after a crash overwrites the file of the run before, and the
    // clean-up finds it by the job even when no row ever recorded it.
    let key = result_key(row.id);
    state
        .storage
        .put_file(row.portal_id, &key, output.file.path())
        .await?;
    drop(output.file);
    let recorded = record_done(
        state,
        node,
        row,
        &key,
        &output.file_name,
        output.content_type,
        size,
    )
    .await;
    if !matches!(recorded, Ok(true)) {
        // Cancelled while the file was being stored, or the database refused: nobody will
        // download it.
        if let Err(e) = state.storage.delete(row.portal_id, &key).await {
            tracing::warn!(job = %row.id, error = %e, "an unused export file was not deleted");
        }
    }
    recorded?;
    Ok(())
}

/// The job's file in the portal's storage.
pub fn result_key(id: crate::ids::JobId) -> String {
    format!("job-{id}")
}

/// Marks the job done and notifies its owner in one short transaction; false when the job
/// was no longer this node's (cancelled).
async fn record_done(
    state: &AppState,
    node: &str,
    row: &JobRow,
    key: &str,
    name: &str,
    content_type: &str,
    size: i64,
) -> AppResult<bool> {
    let result = StoredResult {
        key,
        name,
        content_type,
        size,
    };
    let mut tx = state.db.begin().await?;
    if !repo::finish(&mut tx, row, node, &result, now_ms()).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    let mut notices = Outgoing::new(row.portal_id);
    let title = format!("Your export is ready: {}", row.title);
    notices
        .add(&mut tx, row.owner_id, "export", &title, EXPORTS_PAGE)
        .await?;
    tx.commit().await?;
    notices.publish(&state.hub).await;
    announce_current(state, row).await;
    tracing::info!(job = %row.id, bytes = size, "job done");
    Ok(true)
}

async fn record_failure(state: &AppState, node: &str, row: &JobRow, error: &str) {
    let recorded = async {
        let mut tx = state.db.begin().await?;
        if !repo::fail(&mut tx, row, node, error, now_ms()).await? {
            // Cancelled (the error is the cancellation noticed): nothing to tell.
            tx.rollback().await?;
            return Ok::<_, AppError>(false);
        }
        let mut notices = Outgoing::new(row.portal_id);
        let title = format!("Your export failed: {}", row.title);
        notices
            .add(&mut tx, row.owner_id, "export", &title, EXPORTS_PAGE)
            .await?;
        tx.commit().await?;
        notices.publish(&state.hub).await;
        Ok(true)
    }
    .await;
    match recorded {
        Ok(true) => announce_current(state, row).await,
        Ok(false) => {}
        Err(e) => tracing::warn!(job = %row.id, error = %e, "recording a job's failure failed"),
    }
}

async fn announce_current(state: &AppState, row: &JobRow) {
    if let Ok(view) = repo::view_of(&state.db.writer, row.portal_id, row.owner_id, row.id).await {
        super::service::announce(state, row.portal_id, row.owner_id, &view).await;
    }
}

/// Deletes ended jobs older than `KEEP_FOR` and their files.
pub async fn clean_up(state: &AppState) -> AppResult<()> {
    let before = now_ms() - KEEP_FOR.as_millis() as i64;
    let mut after = crate::ids::JobId(0);
    loop {
        let expired = repo::expired(&state.db.reader, before, after).await?;
        let Some(&(last, _)) = expired.last() else {
            return Ok(());
        };
        for (id, portal) in expired {
            // By the job's key, not the row's: a run that stored its file and then failed
            // to record it left one too (deleting a missing file is not an error).
            if let Err(e) = state.storage.delete(portal, &result_key(id)).await {
                tracing::warn!(job = %id, error = %e, "an old export's file was not deleted");
                continue;
            }
            repo::delete(&state.db.writer, portal, id).await?;
        }
        after = last;
    }
}

/// This node's name in `claimed_by`: the host and a random part (two processes on one host,
/// or a restarted one, are different claimants).
fn node_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    let host: String = host.chars().take(30).collect();
    let token = crate::ssr::tokens::new_token();
    format!("{host}-{}", &token[..16])
}
