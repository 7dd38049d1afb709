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
/// The largest file attached to a post or comment.
pub const MAX_ATTACHMENT_BYTES: u64 = 100 * 1024 * 1024;
/// Longest side of a picture's thumbnail, in pixels.
const THUMB_SIDE: u32 = 640;
/// Pictures larger than this (either side) are kept as files, without a preview.
const MAX_PREVIEW_SIDE: u32 = 12_000;

/// What an upload is for, which decides its limits and who may download it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Purpose {
    /// A profile photo or portal logo: pictures only, visible to every member.
    Picture,
    /// A file for a post or comment: any type; readable by those who can see what it is
    /// attached to (its owner until then). Pictures get a thumbnail.
    Attachment,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Picture => "public",
            Purpose::Attachment => "attachment",
        }
    }

    fn limit(self) -> u64 {
        match self {
            Purpose::Picture => MAX_IMAGE_BYTES,
            Purpose::Attachment => MAX_ATTACHMENT_BYTES,
        }
    }
}

pub struct Stored {
    pub id: i64,
    pub size: i64,
    pub file_name: String,
    pub content_type: &'static str,
    /// For pictures uploaded as attachments: (thumbnail file id, width, height).
    pub preview: Option<(i64, u32, u32)>,
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
    purpose: Purpose,
) -> AppResult<Stored> {
    let limit = purpose.limit();
    let images_only = purpose == Purpose::Picture;
    let portal = caller.portal_id();
    let left = crate::portal::ssr::storage_left(&state.db.reader, portal).await? as u64;
    if left == 0 {
        return Err(crate::portal::ssr::storage_full(&state.db.reader, portal).await);
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
                return Err(crate::portal::ssr::storage_full(&state.db.reader, portal).await);
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
                return Err(AppError::invalid(
                    "Please choose a PNG, JPEG, GIF or WebP image.",
                ));
            }
            None => "application/octet-stream",
        };
        // The thumbnail is made first: storing may move the spool file away.
        let thumb = if purpose == Purpose::Attachment && content_type.starts_with("image/") {
            let source = spool.clone();
            // On top of the pixel limit, only a few pictures are decoded at once.
            let _permit = state
                .decoders
                .acquire()
                .await
                .map_err(|_| AppError::Internal)?;
            tokio::task::spawn_blocking(move || thumbnail(&source))
                .await
                .map_err(|_| AppError::Internal)?
        } else {
            None
        };
        let id = store(
            state,
            caller,
            &spool,
            size,
            &file_name,
            content_type,
            purpose,
        )
        .await?;
        let preview = match thumb {
            Some(made) => Some(store_preview(state, caller, made, &file_name, id).await?),
            None => None,
        };
        Ok(Stored {
            id,
            size: size as i64,
            file_name: file_name.clone(),
            content_type,
            preview,
        })
    }
    .await;
    let _ = tokio::fs::remove_file(&spool).await;
    outcome
}

/// Reserves quota, puts the file into the portal's storage and records it.
async fn store(
    state: &AppState,
    caller: &Caller,
    path: &std::path::Path,
    size: u64,
    file_name: &str,
    content_type: &str,
    purpose: Purpose,
) -> AppResult<i64> {
    let portal = caller.portal_id();
    crate::portal::ssr::reserve_storage(&state.db, portal, size as i64).await?;
    let key = new_key("f");
    if let Err(e) = state.storage.put_file(portal, &key, path).await {
        crate::portal::ssr::release_storage(&state.db.writer, portal, size as i64).await?;
        return Err(e.into());
    }
    let mut conn = state.db.write().await?;
    let id = crate::ssr::db::insert_id(&mut conn, sqlx::query(
        "INSERT INTO files (portal_id, owner_id, storage_key, file_name, content_type, size_bytes, purpose, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(portal)
    .bind(caller.user_id)
    .bind(&key)
    .bind(file_name)
    .bind(content_type)
    .bind(size as i64)
    .bind(purpose.as_str())
    .bind(now_ms()))
    .await?;
    Ok(id)
}

/// Stores a picture's thumbnail (it counts against the quota like any file) and links it to
/// the picture: (thumbnail file id, width, height).
async fn store_preview(
    state: &AppState,
    caller: &Caller,
    made: (Vec<u8>, &'static str, u32, u32),
    file_name: &str,
    original: i64,
) -> AppResult<(i64, u32, u32)> {
    let (bytes, content_type, width, height) = made;
    let spool = tempfile_path();
    tokio::fs::write(&spool, &bytes)
        .await
        .map_err(|_| AppError::Internal)?;
    let name = format!("thumbnail of {file_name}");
    let stored = store(
        state,
        caller,
        &spool,
        bytes.len() as u64,
        &name,
        content_type,
        Purpose::Attachment,
    )
    .await;
    let _ = tokio::fs::remove_file(&spool).await;
    let thumb = stored?;
    sqlx::query(
        "INSERT INTO file_previews (file_id, portal_id, thumb_file_id, width, height) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(original)
    .bind(caller.portal_id())
    .bind(thumb)
    .bind(i64::from(width))
    .bind(i64::from(height))
    .execute(&state.db.writer)
    .await?;
    Ok((thumb, width, height))
}

/// Decodes a picture within bounded dimensions and memory and scales it to fit the thumbnail
/// box: (encoded bytes, content type, original width, original height).
fn thumbnail(path: &std::path::Path) -> Option<(Vec<u8>, &'static str, u32, u32)> {
    use image::{DynamicImage, ImageFormat, ImageReader, Limits};
    let mut reader = ImageReader::open(path).ok()?.with_guessed_format().ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PREVIEW_SIDE);
    limits.max_image_height = Some(MAX_PREVIEW_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    let (width, height) = (picture.width(), picture.height());
    let small = picture.thumbnail(THUMB_SIDE, THUMB_SIDE);
    let mut out = std::io::Cursor::new(Vec::new());
    let content_type = if small.color().has_alpha() {
        small.write_to(&mut out, ImageFormat::Png).ok()?;
        "image/png"
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
        DynamicImage::ImageRgb8(small.to_rgb8())
            .write_with_encoder(encoder)
            .ok()?;
        "image/jpeg"
    };
    Some((out.into_inner(), content_type, width, height))
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
        let stored = receive(&state, &caller, multipart, Purpose::Picture).await?;
        crate::hr::ssr::set_photo(&state.db.writer, &caller, stored.id).await?;
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

/// `POST /uploads/attachment`: a file for a post or comment being written. Answers JSON
/// (`crate::feed::types::Attachment`); the file stays private to its owner until attached.
pub async fn upload_attachment(
    State(state): State<AppState>,
    parts: Parts,
    multipart: Multipart,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        caller.require_employee()?;
        let stored = receive(&state, &caller, multipart, Purpose::Attachment).await?;
        Ok::<_, AppError>(crate::feed::types::Attachment {
            file_id: crate::ids::FileId(stored.id),
            name: stored.file_name,
            size: stored.size,
            content_type: stored.content_type.to_owned(),
            thumb_url: stored.preview.map(|(t, _, _)| format!("/files/{t}")),
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

/// Deletes files (and their thumbnails' records) of a portal and gives their space back.
pub async fn delete_files(
    state: &AppState,
    portal: crate::ids::PortalId,
    ids: &[i64],
) -> AppResult<()> {
    for id in ids {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT storage_key, size_bytes FROM files WHERE id = ? AND portal_id = ?",
        )
        .bind(id)
        .bind(portal)
        .fetch_optional(&state.db.reader)
        .await?;
        let Some((key, size)) = row else { continue };
        sqlx::query("DELETE FROM files WHERE id = ? AND portal_id = ?")
            .bind(id)
            .bind(portal)
            .execute(&state.db.writer)
            .await?;
        sqlx::query("DELETE FROM file_previews WHERE file_id = ? AND portal_id = ?")
            .bind(id)
            .bind(portal)
            .execute(&state.db.writer)
            .await?;
        crate::portal::ssr::release_storage(&state.db.writer, portal, size).await?;
        if let Err(e) = state.storage.delete(portal, &key).await {
            tracing::warn!(error = %e, "stored object not deleted; its record is gone");
        }
    }
    Ok(())
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

/// An outside partner sees the portal's logo, their own photo and the photos of people who
/// share a workgroup with them; other pictures are NotFound (no walking the ids for faces).
async fn picture_visible_to_guest(
    pool: &crate::ssr::db::Reader,
    caller: &crate::ssr::caller::Caller,
    file: i64,
) -> AppResult<()> {
    if caller.portal.logo_file_id == Some(file) {
        return Ok(());
    }
    let visible: Option<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u WHERE u.portal_id = ? AND u.photo_file_id = ? AND (u.id = ? \
         OR EXISTS (SELECT 1 FROM workgroup_members a JOIN workgroup_members b \
         ON b.group_id = a.group_id AND b.portal_id = a.portal_id \
         WHERE a.portal_id = u.portal_id AND a.user_id = ? AND b.user_id = u.id)) LIMIT 1",
    )
    .bind(caller.portal_id())
    .bind(file)
    .bind(caller.user_id)
    .bind(caller.user_id)
    .fetch_optional(pool)
    .await?;
    visible.map(|_| ()).ok_or(AppError::NotFound)
}

/// `GET /files/{id}`: a file of the caller's portal, with a safe type and disposition.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    parts: Parts,
) -> Response {
    let result = async {
        let caller = caller_from_parts(&state, &parts).await?;
        let row: Option<(String, String, String, String, crate::ids::UserId)> = sqlx::query_as(
            "SELECT storage_key, file_name, content_type, purpose, owner_id FROM files WHERE id = ? AND portal_id = ?",
        )
        .bind(id)
        .bind(caller.portal_id())
        .fetch_optional(&state.db.reader)
        .await?;
        let (key, name, content_type, purpose, owner) = row.ok_or(AppError::NotFound)?;
        if purpose == Purpose::Picture.as_str() && caller.role == crate::auth::types::Role::Extranet
        {
            picture_visible_to_guest(&state.db.reader, &caller, id).await?;
        } else if purpose == Purpose::Attachment.as_str() {
            // A task's file goes to whoever sees the task; a post's to whoever sees the post;
            // A chat's file to whoever is in the chat.
            let pool = &state.db.reader;
            let task = crate::tasks::ssr::files::may_download(pool, &caller, id).await?;
            let chat = match task {
                Some(_) => task,
                None => crate::chat::ssr::files::may_download(pool, &caller, id).await?,
            };
            match chat {
                Some(true) => {}
                Some(false) => return Err(AppError::NotFound),
                None => {
                    crate::feed::ssr::attachments::check_download(pool, &caller, id, owner).await?
                }
            }
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn pictures_get_bounded_thumbnails() {
        let dir = std::env::temp_dir().join(format!("agora-thumb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wide.png");
        image::RgbImage::from_pixel(1600, 400, image::Rgb([10, 120, 200]))
            .save(&path)
            .unwrap();
        let (bytes, content_type, width, height) = super::thumbnail(&path).unwrap();
        assert_eq!((content_type, width, height), ("image/jpeg", 1600, 400));
        let small = image::load_from_memory(&bytes).unwrap();
        assert_eq!((small.width(), small.height()), (640, 160));
        // Not a picture at all: no thumbnail, no panic.
        std::fs::write(&path, b"\x89PNG\r\n\x1a\nnot really").unwrap();
        assert!(super::thumbnail(&path).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
