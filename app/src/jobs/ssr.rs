//! Jobs on the server: the queue in the database, the worker that claims and runs them, the
//! table writer exports share, and the download of a finished job's file.

pub mod download;
pub mod kind;
pub mod repo;
pub mod runner;
pub mod service;
pub mod table;

pub use kind::{Job, JobFuture, JobKind, JobOutput, Progress};
pub use service::enqueue;

use crate::ssr::state::AppState;
use crate::ssr::workers::{Worker, WorkerFuture};

/// One worker per node runs jobs one at a time (exports are heavy; a small server has two
/// cores). Started by `server` with the platform's own workers.
pub const WORKERS: &[Worker] = &[Worker {
    name: "jobs",
    run: jobs_worker,
}];

fn jobs_worker(state: AppState) -> WorkerFuture {
    Box::pin(runner::run(state))
}
