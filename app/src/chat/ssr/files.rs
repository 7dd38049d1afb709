//! Files sent in chats: whoever is in the chat may download them (and the chat's picture).

use super::access::ChatAccess;
use crate::error::AppResult;
use crate::ids::ChatId;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;

/// Whether the caller may download a file of a chat: None when it belongs to no chat.
pub async fn may_download(pool: &Reader, caller: &Caller, file: i64) -> AppResult<Option<bool>> {
    let chats: Vec<ChatId> = sqlx::query_scalar(
        "SELECT m.chat_id FROM chat_files cf JOIN chat_messages m ON m.id = cf.message_id \
         LEFT JOIN file_previews p ON p.file_id = cf.file_id AND p.portal_id = cf.portal_id \
         WHERE cf.portal_id = ? AND (cf.file_id = ? OR p.thumb_file_id = ?) \
         UNION SELECT id FROM chats WHERE portal_id = ? AND avatar_file_id = ?",
    )
    .bind(caller.portal_id())
    .bind(file)
    .bind(file)
    .bind(caller.portal_id())
    .bind(file)
    .fetch_all(pool)
    .await?;
    if chats.is_empty() {
        return Ok(None);
    }
    let mut conn = pool.acquire().await?;
    for chat in chats {
        if ChatAccess::load(&mut conn, caller, chat).await.is_ok() {
            return Ok(Some(true));
        }
    }
    Ok(Some(false))
}
