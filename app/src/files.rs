//! Uploads and downloads over plain HTTP (multipart forms work before the wasm loads).
//! Uploads stream to a spool file with a size limit, the quota is reserved before the file is
//! kept, and user file names are only ever metadata.

use crate::error::{AppError, AppResult};
use crate::ssr::caller::{Caller, caller_from_parts};
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::ssr::storage::new_key;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tokio::io::AsyncWriteExt;

/// The largest single upload for pictures (photos, logos).
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

pub struct Stored {
    pub id: i64,
    pub size: i64,
}

/// Content types we serve inline; everything else downloads as an attachment.
fn sniff_image(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Reads the multipart field `file` into a spool file, refusing more than `limit` bytes
/// (or more than the portal has left), then stores it and records it.
pub async fn receive(
    state: &AppState,
    caller: &Caller,
    mut multipart: Multipart,
    limit: u64,
    images_only: bool,
) -> AppResult<Stored> {
    let portal = caller.portal_id();
    let left = crate::portal::ssr::storage_left(&state.db.pool, portal).await? as u64;
    if left == 0 {
        return Err(crate::portal::ssr::storage_full(&state.db.pool, portal).await);
    }
    let mut field = loop {
        match multipart
            .next_field()
            .await
            .map_err(|e| AppError::invalid(format!("Upload failed: {e}")))?
        {
            Some(f) if f.name() == Some("file") => break f,
            Some(_) => continue,
            None => return Err(AppError::invalid("Please choose a file.")),
        }
    };
    let file_name: String = field
        .file_name()
        .unwrap_or("file")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let spool = tempfile_path();
    let mut out = tokio::fs::File::create(&spool)
        .await
        .map_err(|_| AppError::Internal)?;
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(16);
    let result: AppResult<()> = async {
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| AppError::invalid(format!("Upload failed: {e}")))?
        {
            size += chunk.len() as u64;
            if size > limit {
                return Err(AppError::TooLarge(crate::portal::ssr::human_bytes(
                    limit as i64,
                )));
            }
            if size > left {
                return Err(crate::portal::ssr::storage_full(&state.db.pool, portal).await);
            }
            if head.len() < 16 {
                head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
            }
            out.write_all(&chunk)
                .await
                .map_err(|_| AppError::Internal)?;
        }
        out.flush().await.map_err(|_| AppError::Internal)?;
        Ok(())
    }
    .await;
    drop(out);
    let outcome = async {
        result?;
        if size == 0 {
            return Err(AppError::invalid("The file is empty."));
        }
        let content_type = match sniff_image(&head) {
            Some(t) => t,
            None if images_only => {
                return Err(AppError::invalid("Please choose a PNG, JPEG, GIF or WebP image."));
            }
            None => "application/octet-stream",
        };
        crate::portal::ssr::reserve_storage(&state.db.pool, portal, size as i64).await?;
        let key = new_key("f");
        if let Err(e) = state.storage.put_file(portal, &key, &spool).await {
            crate::portal::ssr::release_storage(&state.db.pool, portal, size as i64).await?;
            return Err(e.into());
        }
        let mut conn = state.db.pool.acquire().await?;
        let id = crate::ssr::db::insert_id(&mut conn, sqlx::query(
            "INSERT INTO files (portal_id, owner_id, storage_key, file_name, content_type, size_bytes, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(caller.user_id)
        .bind(&key)
        .bind(&file_name)
        .bind(content_type)
        .bind(size as i64)
        .bind(now_ms()))
        .await?;
        Ok(Stored { id, size: size as i64 })
    }
    .await;
    let _ = tokio::fs::remove_file(&spool).await;
    outcome
}

fn tempfile_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("agora-upload-{}", crate::ssr::tokens::new_token()))
}

fn error_response(err: AppError) -> Response {
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
        let stored = receive(&state, &caller, multipart, MAX_IMAGE_BYTES, true).await?;
        crate::hr::ssr::set_photo(&state.db.pool, &caller, stored.id).await?;
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
        let stored = receive(&state, &caller, multipart, MAX_IMAGE_BYTES, true).await?;
        crate::portal::ssr::set_logo(&state, &caller, stored.id).await?;
        Ok::<_, AppError>("/admin/settings".to_owned())
    }
    .await;
    respond(&parts, result)
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
                 <h1>Upload failed</h1><p>{}</p><p><a href=\"javascript:history.back()\">Go back</a></p>",
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
    Path(id): Path<i64>,
    parts: Parts,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT storage_key, file_name, content_type FROM files WHERE id = ? AND portal_id = ?",
        )
        .bind(id)
        .bind(caller.portal_id())
        .fetch_optional(&state.db.pool)
        .await?;
        let (key, name, content_type) = row.ok_or(AppError::NotFound)?;
        let object = state.storage.get(caller.portal_id(), &key).await?;
        Ok::<_, AppError>((object, name, content_type))
    }
    .await;
    match result {
        Ok((object, name, content_type)) => {
            let inline = content_type.starts_with("image/");
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
                HeaderValue::from_str(&content_type)
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
        Err(e) => error_response(e),
    }
}
