//! Receiving an upload: it streams to a spool file with a size limit, the quota is reserved
//! before the file is kept, pictures get a thumbnail, and user file names are only ever
//! metadata. The file is nobody's until a tool claims it (`super::claim`).

use super::thumbnail::thumbnail;
use crate::error::{AppError, AppResult};
use crate::files::types::{MAX_ATTACHMENT_BYTES, MAX_IMAGE_BYTES};
use crate::ids::FileId;
use crate::ssr::caller::Caller;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::ssr::storage::new_key;
use axum::extract::Multipart;
use tokio::io::AsyncWriteExt;

/// What an upload is for, which decides its limits and who may download it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Purpose {
    /// A profile photo or portal logo: pictures only, visible to every member.
    Picture,
    /// A file for a post or comment: any type; readable by those who can see what it is
    /// attached to (its owner until then). Pictures get a thumbnail.
    Attachment,
    /// A picture's thumbnail, made here: it follows its picture and is never claimed alone.
    Thumbnail,
}

impl Purpose {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Purpose::Picture => "public",
            Purpose::Attachment => "attachment",
            Purpose::Thumbnail => "thumbnail",
        }
    }

    fn limit(self) -> u64 {
        match self {
            Purpose::Picture => MAX_IMAGE_BYTES,
            Purpose::Attachment | Purpose::Thumbnail => MAX_ATTACHMENT_BYTES,
        }
    }
}

pub struct Stored {
    pub id: FileId,
    pub size: i64,
    pub file_name: String,
    pub content_type: &'static str,
    /// For pictures uploaded as attachments: (thumbnail file id, width, height).
    pub preview: Option<(FileId, u32, u32)>,
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
) -> AppResult<FileId> {
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
    Ok(FileId(id))
}

/// Stores a picture's thumbnail (it counts against the quota like any file) and links it to
/// the picture: (thumbnail file id, width, height).
async fn store_preview(
    state: &AppState,
    caller: &Caller,
    made: (Vec<u8>, &'static str, u32, u32),
    file_name: &str,
    original: FileId,
) -> AppResult<(FileId, u32, u32)> {
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
        Purpose::Thumbnail,
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

pub(super) fn tempfile_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("agora-upload-{}", crate::ssr::tokens::new_token()))
}
