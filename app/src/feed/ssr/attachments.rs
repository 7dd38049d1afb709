//! Files on posts and comments: attached when the post or comment is published, readable
//! only by those who can see it, deleted with it.

use super::read::push_ids;
use super::visibility::Viewer;
use crate::error::{AppError, AppResult};
use crate::feed::types::Attachment;
use crate::files::ssr::{FileKind, claim};
use crate::ids::{CommentId, FileId, PortalId, PostId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use futures::future::BoxFuture;
use sqlx::{Any, QueryBuilder, Transaction};
use std::collections::HashMap;

/// A post's files (and its comments') belong to the post: whoever can see the post may
/// download them.
pub const FILE_KIND: FileKind = FileKind {
    kind: "post",
    may_read,
};

fn may_read<'a>(pool: &'a Reader, caller: &'a Caller, post: i64) -> BoxFuture<'a, AppResult<bool>> {
    Box::pin(async move {
        Viewer::load(pool, caller.clone())
            .await?
            .can_see(pool, PostId(post))
            .await
    })
}

/// Attaches the viewer's freshly uploaded files, in the order given.
pub async fn attach(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    post: PostId,
    comment: Option<CommentId>,
    files: &[FileId],
    max: usize,
) -> AppResult<()> {
    if files.len() > max {
        return Err(AppError::invalid(format!("Attach at most {max} files.")));
    }
    for (position, file) in files.iter().enumerate() {
        let claimed = claim(&mut *tx, &viewer.caller, *file, FILE_KIND.owner(post.0)).await?;
        let preview = claimed.preview;
        let inserted = sqlx::query(
            "INSERT INTO feed_attachments (portal_id, post_id, comment_id, file_id, thumb_file_id, width, height, position) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(post)
        .bind(comment.map(|c| c.0).unwrap_or(0))
        .bind(*file)
        .bind(preview.map(|p| p.0))
        .bind(preview.map(|p| i64::from(p.1)))
        .bind(preview.map(|p| i64::from(p.2)))
        .bind(position as i64)
        .execute(&mut **tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if crate::ssr::db::Db::is_unique_violation(&e) => {
                return Err(AppError::invalid(
                    "That file is already attached elsewhere.",
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The attachments of a set of posts and their comments, keyed by (post, comment id or 0).
pub async fn load(
    pool: &Reader,
    viewer: &Viewer,
    ids: &[PostId],
) -> AppResult<HashMap<(PostId, i64), Vec<Attachment>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        post_id: PostId,
        comment_id: i64,
        file_id: FileId,
        thumb_file_id: Option<FileId>,
        width: Option<i64>,
        height: Option<i64>,
        file_name: String,
        content_type: String,
        size_bytes: i64,
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT a.post_id, a.comment_id, a.file_id, a.thumb_file_id, a.width, a.height, \
         f.file_name, f.content_type, f.size_bytes FROM feed_attachments a \
         JOIN files f ON f.id = a.file_id AND f.portal_id = a.portal_id WHERE a.portal_id = ",
    );
    qb.push_bind(viewer.portal()).push(" AND a.post_id IN ");
    push_ids(&mut qb, ids);
    qb.push(" ORDER BY a.post_id, a.comment_id, a.position");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    let mut out: HashMap<(PostId, i64), Vec<Attachment>> = HashMap::new();
    for r in rows {
        out.entry((r.post_id, r.comment_id))
            .or_default()
            .push(Attachment {
                file_id: r.file_id,
                name: r.file_name,
                size: r.size_bytes,
                content_type: r.content_type,
                thumb_url: r.thumb_file_id.map(crate::files::types::url),
                width: r.width.map(|w| w as u32),
                height: r.height.map(|h| h as u32),
            });
    }
    Ok(out)
}

/// The files (and thumbnails) of a post, or of one of its comments, to delete with it.
pub async fn files_of(
    pool: &Reader,
    portal: PortalId,
    post: PostId,
    comment: Option<CommentId>,
) -> AppResult<Vec<FileId>> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT file_id, thumb_file_id FROM feed_attachments WHERE portal_id = ",
    );
    qb.push_bind(portal).push(" AND post_id = ").push_bind(post);
    if let Some(comment) = comment {
        qb.push(" AND comment_id = ").push_bind(comment);
    }
    let rows: Vec<(FileId, Option<FileId>)> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .flat_map(|(file, thumb)| std::iter::once(file).chain(thumb))
        .collect())
}
