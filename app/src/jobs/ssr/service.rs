//! Starting, cancelling and announcing jobs.

use super::repo;
use crate::error::{AppError, AppResult};
use crate::ids::{JobId, PortalId, UserId};
use crate::jobs::types::{JobView, MAX_ACTIVE_JOBS};
use crate::ssr::caller::Caller;
use crate::ssr::hub::Audience;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;

/// The largest parameters a job may carry (a task list's filters are far smaller).
const MAX_PARAMS_BYTES: usize = 8 * 1024;

/// Queues a job of `kind` for the caller and wakes this node's worker. The tool has checked
/// that the caller may start it; the work runs later with the caller's rights as they are then.
#[tracing::instrument(skip_all, fields(kind = kind))]
pub async fn enqueue(
    state: &AppState,
    caller: &Caller,
    kind: &'static str,
    title: &str,
    params: &impl serde::Serialize,
) -> AppResult<JobView> {
    let params = serde_json::to_string(params).map_err(|_| AppError::Internal)?;
    if params.len() > MAX_PARAMS_BYTES {
        return Err(AppError::invalid("These filters are too long to export."));
    }
    let Some(id) = repo::insert_within_limit(
        &state.db,
        caller,
        kind,
        title,
        &params,
        now_ms(),
        MAX_ACTIVE_JOBS,
    )
    .await?
    else {
        return Err(AppError::LimitReached(format!(
            "You already have {MAX_ACTIVE_JOBS} exports waiting or running. Please wait for one to finish."
        )));
    };
    state.jobs_wake.notify_one();
    view_after_write(state, caller.portal_id(), caller.user_id, id).await
}

pub async fn cancel(state: &AppState, caller: &Caller, id: JobId) -> AppResult<JobView> {
    // NotFound first for a job that is not the caller's.
    repo::get(&state.db.reader, caller, id).await?;
    let cancelled = repo::cancel(&state.db.writer, caller, id, now_ms()).await?;
    let view = view_after_write(state, caller.portal_id(), caller.user_id, id).await?;
    if !cancelled && view.state != crate::jobs::types::JobState::Cancelled {
        return Err(AppError::invalid("This export has already finished."));
    }
    if cancelled {
        announce(state, caller.portal_id(), caller.user_id, &view).await;
    }
    Ok(view)
}

/// Read through the writer: on MariaDB a read right after a write must see it.
async fn view_after_write(
    state: &AppState,
    portal: PortalId,
    owner: UserId,
    id: JobId,
) -> AppResult<JobView> {
    repo::view_of(&state.db.writer, portal, owner, id).await
}

/// Tells the owner's open pages how the job stands.
pub async fn announce(state: &AppState, portal: PortalId, owner: UserId, view: &JobView) {
    state
        .hub
        .publish(
            portal,
            Audience::Users(vec![owner]),
            crate::jobs::types::JobEvent::Job { job: view.clone() },
        )
        .await;
}
