//! Files sent in chats, and a group chat's picture: whoever is in the chat may download them.

use super::access::ChatAccess;
use crate::error::AppResult;
use crate::files::ssr::FileKind;
use crate::ids::ChatId;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use futures::future::BoxFuture;

/// A chat's files (its messages' attachments and its picture) belong to the chat.
pub const FILE_KIND: FileKind = FileKind {
    kind: "chat",
    may_read,
};

fn may_read<'a>(pool: &'a Reader, caller: &'a Caller, chat: i64) -> BoxFuture<'a, AppResult<bool>> {
    Box::pin(async move {
        let mut conn = pool.acquire().await?;
        Ok(ChatAccess::load(&mut conn, caller, ChatId(chat))
            .await
            .is_ok())
    })
}
