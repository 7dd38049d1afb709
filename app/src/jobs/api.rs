//! Server functions of jobs: the caller's own jobs only. Starting a job is the tool's server
//! function (`export_tasks`, `export_directory`), which checks what the caller may export.

use super::types::JobView;
use crate::error::AppError;
use crate::ids::JobId;
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;
use server_fn::codec::Json;

/// The caller's recent jobs, newest first.
#[server(prefix = "/api", endpoint = "my_jobs", input = Json)]
pub async fn my_jobs() -> Result<Vec<JobView>, AppError> {
    let caller = caller().await?;
    super::ssr::repo::recent(&state()?.db.reader, &caller).await
}

/// One of the caller's jobs; someone else's is NotFound.
#[server(prefix = "/api", endpoint = "job", input = Json)]
pub async fn job(id: JobId) -> Result<JobView, AppError> {
    let caller = caller().await?;
    super::ssr::repo::get(&state()?.db.reader, &caller, id).await
}

/// Stops one of the caller's jobs that is waiting or running.
#[server(prefix = "/api", endpoint = "cancel_job", input = Json)]
pub async fn cancel_job(id: JobId) -> Result<JobView, AppError> {
    let caller = caller().await?;
    super::ssr::service::cancel(&state()?, &caller, id).await
}
