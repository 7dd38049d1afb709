//! Files on the server, for every tool: receiving uploads, thumbnails, claiming a fresh upload
//! for the thing it is attached to, deciding who may download, deleting.
//!
//! A file row records its owner: a kind (a tool's name for what owns files: "post", "task",
//! "chat" …) and the id of that thing. A fresh upload has none, and only its uploader may read
//! it. `claim` gives it an owner, once. A download asks the owner kind's own `may_read`, which
//! each tool registers in `registry::file_kinds`.

pub mod receive;
pub mod thumbnail;

use crate::error::{AppError, AppResult};
use crate::ids::{FileId, PortalId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::state::AppState;
use futures::future::BoxFuture;
use sqlx::AnyConnection;

/// What a file belongs to: a kind registered by a tool, and the id of the thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub kind: &'static str,
    pub id: i64,
}

/// A tool's kind of file owner, and who may read its files.
#[derive(Clone, Copy)]
pub struct FileKind {
    /// Short and stable: it is stored in each file row (at most 16 characters).
    pub kind: &'static str,
    /// Whether the caller may read a file owned by the thing with this id. Anything the
    /// caller may not see answers false (the download is then NotFound).
    pub may_read: for<'a> fn(&'a Reader, &'a Caller, i64) -> BoxFuture<'a, AppResult<bool>>,
}

impl FileKind {
    /// The owner of this kind with this id.
    pub const fn owner(&self, id: i64) -> Owner {
        Owner {
            kind: self.kind,
            id,
        }
    }
}

/// A file just claimed: its name, and its picture's thumbnail if it has one.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: FileId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// (thumbnail file, width, height).
    pub preview: Option<(FileId, u32, u32)>,
}

/// Gives the caller's fresh upload (an attachment nothing owns yet) its owner, with its
/// thumbnail. One conditional update: two attempts to attach the same upload cannot both
/// succeed, and nobody attaches someone else's upload.
pub async fn claim(
    conn: &mut AnyConnection,
    caller: &Caller,
    file: FileId,
    owner: Owner,
) -> AppResult<Claimed> {
    let portal = caller.portal_id();
    let claimed = sqlx::query(
        "UPDATE files SET owner_kind = ?, owner_ref = ? WHERE id = ? AND portal_id = ? \
         AND owner_id = ? AND purpose = 'attachment' AND owner_kind IS NULL",
    )
    .bind(owner.kind)
    .bind(owner.id)
    .bind(file)
    .bind(portal)
    .bind(caller.user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(AppError::invalid(
            "A file was not found, or is attached elsewhere already. Upload it again.",
        ));
    }
    let (name, content_type, size): (String, String, i64) = sqlx::query_as(
        "SELECT file_name, content_type, size_bytes FROM files WHERE id = ? AND portal_id = ?",
    )
    .bind(file)
    .bind(portal)
    .fetch_one(&mut *conn)
    .await?;
    let preview: Option<(FileId, i64, i64)> = sqlx::query_as(
        "SELECT thumb_file_id, width, height FROM file_previews WHERE file_id = ? AND portal_id = ?",
    )
    .bind(file)
    .bind(portal)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((thumb, _, _)) = preview {
        sqlx::query(
            "UPDATE files SET owner_kind = ?, owner_ref = ? WHERE id = ? AND portal_id = ? \
             AND purpose = 'thumbnail' AND owner_kind IS NULL",
        )
        .bind(owner.kind)
        .bind(owner.id)
        .bind(thumb)
        .bind(portal)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Claimed {
        id: file,
        name,
        content_type,
        size,
        preview: preview.map(|(t, w, h)| (t, w as u32, h as u32)),
    })
}

/// Gives a picture the caller just uploaded (a photo, a logo) its owner.
pub async fn claim_picture(
    conn: &mut AnyConnection,
    caller: &Caller,
    file: FileId,
    owner: Owner,
) -> AppResult<()> {
    let claimed = sqlx::query(
        "UPDATE files SET owner_kind = ?, owner_ref = ? WHERE id = ? AND portal_id = ? \
         AND owner_id = ? AND purpose = 'public' AND owner_kind IS NULL",
    )
    .bind(owner.kind)
    .bind(owner.id)
    .bind(file)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 1 {
        Ok(())
    } else {
        Err(AppError::invalid(
            "The picture was not found. Upload it again.",
        ))
    }
}

/// Takes a file (and its thumbnail) back from `owner`: it is its uploader's fresh upload
/// again, readable by them alone, and may be attached elsewhere. A file that belongs to
/// something else is left alone.
pub async fn release(
    conn: &mut AnyConnection,
    portal: PortalId,
    file: FileId,
    owner: Owner,
) -> AppResult<()> {
    let thumb: Option<FileId> = sqlx::query_scalar(
        "SELECT thumb_file_id FROM file_previews WHERE file_id = ? AND portal_id = ?",
    )
    .bind(file)
    .bind(portal)
    .fetch_optional(&mut *conn)
    .await?;
    for id in std::iter::once(file).chain(thumb) {
        sqlx::query(
            "UPDATE files SET owner_kind = NULL, owner_ref = NULL \
             WHERE id = ? AND portal_id = ? AND owner_kind = ? AND owner_ref = ?",
        )
        .bind(id)
        .bind(portal)
        .bind(owner.kind)
        .bind(owner.id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// What a download needs to know about a file the caller may read.
pub struct Readable {
    pub storage_key: String,
    pub name: String,
    pub content_type: String,
}

/// The file, if the caller may read it: its uploader while nobody owns it, afterwards whoever
/// its owner kind's rule lets in. Anything else is NotFound.
pub async fn readable(pool: &Reader, caller: &Caller, file: FileId) -> AppResult<Readable> {
    type Row = (
        String,
        String,
        String,
        crate::ids::UserId,
        Option<String>,
        Option<i64>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT storage_key, file_name, content_type, owner_id, owner_kind, owner_ref \
         FROM files WHERE id = ? AND portal_id = ?",
    )
    .bind(file)
    .bind(caller.portal_id())
    .fetch_optional(pool)
    .await?;
    let (storage_key, name, content_type, uploader, kind, owner) = row.ok_or(AppError::NotFound)?;
    let allowed = match (kind, owner) {
        (Some(kind), Some(owner)) => {
            match crate::registry::file_kinds()
                .iter()
                .find(|k| k.kind == kind)
            {
                Some(registered) => (registered.may_read)(pool, caller, owner).await?,
                None => {
                    tracing::error!(%kind, "file owned by a kind no tool registers");
                    false
                }
            }
        }
        _ => uploader == caller.user_id,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    Ok(Readable {
        storage_key,
        name,
        content_type,
    })
}

/// Deletes files (and their thumbnails' records) of a portal and gives their space back.
pub async fn delete_files(state: &AppState, portal: PortalId, ids: &[FileId]) -> AppResult<()> {
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
