//! What a tool provides to run a job: a kind (a name and a run function), and what the run
//! function gets (the job, its owner, a progress reporter) and gives back (a file).

use crate::error::{AppError, AppResult};
use crate::ids::{JobId, PortalId, UserId};
use crate::jobs::types::{JobState, JobView};
use crate::ssr::caller::Caller;
use crate::ssr::state::AppState;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub type JobFuture = Pin<Box<dyn Future<Output = AppResult<JobOutput>> + Send + 'static>>;

/// A kind of job a tool registers in `registry::job_kinds()`.
#[derive(Clone, Copy)]
pub struct JobKind {
    /// Stored in `jobs.kind`: short and stable, e.g. `tasks.export`.
    pub name: &'static str,
    /// Does the work. It may be run again from the start after a node died, so it must only
    /// read and write its own temporary file until it returns.
    pub run: fn(Job) -> JobFuture,
}

impl std::fmt::Debug for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobKind").field("name", &self.name).finish()
    }
}

/// A claimed job, handed to its kind's `run`.
pub struct Job {
    pub state: AppState,
    pub id: JobId,
    pub portal: PortalId,
    pub owner: UserId,
    params: String,
    pub progress: Progress,
}

impl Job {
    pub(super) fn new(state: AppState, row: &super::repo::JobRow, progress: Progress) -> Self {
        Self {
            state,
            id: row.id,
            portal: row.portal_id,
            owner: row.owner_id,
            params: row.params.clone(),
            progress,
        }
    }

    /// The parameters the tool stored when it started the job.
    pub fn params<T: serde::de::DeserializeOwned>(&self) -> AppResult<T> {
        serde_json::from_str(&self.params).map_err(|e| {
            tracing::error!(job = %self.id, error = %e, "job parameters unreadable");
            AppError::Internal
        })
    }

    /// The person who started the job, with their rights as they are now: the work sees
    /// exactly what they may see.
    pub async fn owner(&self) -> AppResult<Caller> {
        crate::ssr::caller::caller_for_user(&self.state.db.reader, self.portal, self.owner)
            .await?
            .ok_or_else(|| {
                AppError::invalid("The account that started this export is no longer active.")
            })
    }
}

/// What a finished job leaves: a file, kept in the portal's storage for its owner.
pub struct JobOutput {
    pub file: TempFile,
    /// The name the download gets, e.g. `tasks-2026-12-05.xlsx`.
    pub file_name: String,
    pub content_type: &'static str,
}

/// A temporary file, removed when dropped (whatever happens to the job).
#[derive(Debug)]
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(prefix: &str) -> Self {
        Self(std::env::temp_dir().join(format!(
            "agora-{prefix}-{}",
            crate::ssr::tokens::new_token()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// At most one live progress event per this long…
const EVENT_EVERY: Duration = Duration::from_millis(500);
/// …and one database write (which also notices a cancelled job) per this long.
const STORE_EVERY: Duration = Duration::from_secs(1);

/// Reports a job's progress: live to its owner (throttled), and into the database, where a
/// cancelled job is noticed (`report` then fails and the work stops).
#[derive(Clone)]
pub struct Progress(Arc<ProgressInner>);

struct ProgressInner {
    state: AppState,
    node: String,
    portal: PortalId,
    owner: UserId,
    view: Mutex<(JobView, Instant, Instant)>,
}

impl Progress {
    pub(super) fn new(
        state: AppState,
        node: String,
        row: &super::repo::JobRow,
        view: JobView,
    ) -> Self {
        let long_ago = Instant::now()
            .checked_sub(Duration::from_secs(3600))
            .unwrap_or_else(Instant::now);
        Self(Arc::new(ProgressInner {
            state,
            node,
            portal: row.portal_id,
            owner: row.owner_id,
            view: Mutex::new((view, long_ago, long_ago)),
        }))
    }

    /// `done` of `total` items are done. Errs once the job was cancelled (or taken over).
    pub async fn report(&self, done: i64, total: i64) -> AppResult<()> {
        let now = Instant::now();
        let (publish, store, view) = {
            let mut guard = self.0.view.lock().map_err(|_| AppError::Internal)?;
            let (view, published, stored) = &mut *guard;
            let changed = view.done != done || view.total != total;
            view.done = done;
            view.total = total;
            view.state = JobState::Running;
            let finished = total > 0 && done >= total;
            let publish = changed && (finished || now.duration_since(*published) >= EVENT_EVERY);
            let store = changed && (finished || now.duration_since(*stored) >= STORE_EVERY);
            if publish {
                *published = now;
            }
            if store {
                *stored = now;
            }
            (publish, store, view.clone())
        };
        if store {
            let ours = super::repo::store_progress(
                &self.0.state.db.writer,
                self.0.portal,
                view.id,
                &self.0.node,
                done,
                total,
            )
            .await?;
            if !ours {
                return Err(AppError::invalid("The export was cancelled."));
            }
        }
        if publish {
            super::service::announce(&self.0.state, self.0.portal, self.0.owner, &view).await;
        }
        Ok(())
    }
}
