//! `GET /jobs/{id}/file`: a finished job's file, for its owner only.

use crate::error::AppError;
use crate::ids::JobId;
use crate::ssr::caller::caller_from_parts;
use crate::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::Response;

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    parts: Parts,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        let (key, name, content_type) =
            super::repo::result_of(&state.db.reader, &caller, JobId(id)).await?;
        let object = state.storage.get(caller.portal_id(), &key).await?;
        Ok::<_, AppError>((object, name, content_type))
    }
    .await;
    match result {
        Ok((object, name, content_type)) => {
            crate::files::api::attachment_response(object, &name, &content_type, false)
        }
        Err(e) => crate::files::api::error_response(e),
    }
}
