//! The HTTP side of files: uploads are plain multipart posts (forms work before the wasm
//! loads), downloads a GET with a safe type and disposition.

use super::ssr::readable;
use super::ssr::receive::{Purpose, receive};
use super::types::{Attachment, url};
use crate::error::{AppError, AppResult};
use crate::ids::FileId;
use crate::ssr::caller::caller_from_parts;
use crate::ssr::state::AppState;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

pub(crate) fn error_response(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(err)).into_response()
}

/// `POST /uploads/photo`: the caller's profile photo.
pub async fn upload_photo(
    State(state): State<AppState>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        let stored = receive(&state, &caller, multipart, Purpose::Picture).await?;
        crate::hr::ssr::set_photo(&state.db, &caller, stored.id).await?;
        Ok::<_, AppError>(format!("/people/{}", caller.user_id))
    }
    .await;
    respond(&parts, result)
}

/// `POST /uploads/logo`: the portal's logo (admins).
pub async fn upload_logo(
    State(state): State<AppState>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        caller.require_admin()?;
        let stored = receive(&state, &caller, multipart, Purpose::Picture).await?;
        crate::portal::ssr::set_logo(&state, &caller, stored.id).await?;
        Ok::<_, AppError>("/admin/settings".to_owned())
    }
    .await;
    respond(&parts, result)
}

/// `POST /uploads/attachment`: a file for something being written (a post, a comment, a
/// message, a task). Answers JSON (`Attachment`); the file stays private to its uploader until
/// a tool claims it.
pub async fn upload_attachment(
    State(state): State<AppState>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        caller.require_employee()?;
        let stored = receive(&state, &caller, multipart, Purpose::Attachment).await?;
        Ok::<_, AppError>(Attachment {
            file_id: stored.id,
            name: stored.file_name,
            size: stored.size,
            content_type: stored.content_type.to_owned(),
            thumb_url: stored.preview.map(|(t, _, _)| url(t)),
            width: stored.preview.map(|(_, w, _)| w),
            height: stored.preview.map(|(_, _, h)| h),
        })
    }
    .await;
    match result {
        Ok(attachment) => axum::Json(attachment).into_response(),
        Err(e) => error_response(e),
    }
}

/// Browsers posting a form get redirected back; API clients get JSON.
fn respond(parts: &Parts, result: AppResult<String>) -> Response {
    let wants_html = crate::ssr::caller::accepts_html(&parts.headers);
    match (result, wants_html) {
        (Ok(next), true) => Redirect::to(&next).into_response(),
        (Ok(next), false) => axum::Json(serde_json::json!({ "next": next })).into_response(),
        (Err(e), true) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            let page = format!(
                "<!doctype html><meta charset=utf-8><title>Upload failed</title>\
                 <body style=\"font-family:system-ui;max-width:32rem;margin:4rem auto\">\
                 <h1>Upload failed</h1><p>{}</p><p>Use your browser’s back button to try again, or <a href=\"/\">go to the start page</a>.</p>",
                html_escape(&e.to_string())
            );
            (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        }
        (Err(e), false) => error_response(e),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /files/{id}`: a file of the caller's portal, with a safe type and disposition.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<FileId>,
    parts: Parts,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        let file = readable(&state.db.reader, &caller, id).await?;
        let object = state
            .storage
            .get(caller.portal_id(), &file.storage_key)
            .await?;
        Ok::<_, AppError>((object, file.name, file.content_type))
    }
    .await;
    match result {
        Ok((object, name, content_type)) => {
            let inline = content_type.starts_with("image/");
            attachment_response(object, &name, &content_type, inline)
        }
        Err(e) => error_response(e),
    }
}

/// A stored file as a download: its type, length and a disposition naming it (ASCII and
/// UTF-8), sandboxed so nothing in it runs on the portal's origin.
pub(crate) fn attachment_response(
    object: crate::ssr::storage::StoredObject,
    name: &str,
    content_type: &str,
    inline: bool,
) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    );
    let mut response = Response::new(Body::from_stream(object.body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(object.size));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}
