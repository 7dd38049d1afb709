//! Reading: history pages, catching up after a reconnect, read positions (receipts, unread
//! counters in every tab), typing, and search.

use super::access::{ChatAccess, member_ids, sync_members};
use super::messages;
use crate::chat::types::ChatEvent;
use crate::chat::types::{CatchUp, HistoryFrom, HistoryPage, SearchHit};
use crate::error::{AppError, AppResult};
use crate::ids::ChatId;
use crate::ssr::caller::Caller;
use crate::ssr::hub::Audience;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;

pub async fn history(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    from: HistoryFrom,
) -> AppResult<HistoryPage> {
    let mut conn = state.db.reader.acquire().await?;
    let access = ChatAccess::load(&mut conn, caller, chat).await?;
    messages::page(&mut conn, caller, &access, from).await
}

pub async fn catch_up(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    after_seq: i64,
    since: i64,
) -> AppResult<CatchUp> {
    let mut conn = state.db.reader.acquire().await?;
    let access = ChatAccess::load(&mut conn, caller, chat).await?;
    messages::catch_up(&mut conn, caller, &access, after_seq.max(0), since).await
}

/// Marks the chat read up to `seq` (never backwards); everyone in it hears, so the reader's
/// other tabs clear their counters and the others' "seen by" moves.
#[tracing::instrument(skip_all)]
pub async fn mark_read(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    seq: i64,
) -> AppResult<i64> {
    {
        // Most calls come from tabs that have read this far already: answer them without
        // queueing for the write lock.
        let mut conn = state.db.reader.acquire().await?;
        let access = ChatAccess::load(&mut conn, caller, chat).await?;
        if seq >= 0 && seq <= access.chat.last_seq && access.last_read_seq >= Some(seq) {
            return super::list::unread_total(&mut conn, caller).await;
        }
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = ChatAccess::load(&mut tx, caller, chat).await?;
    if seq < 0 || seq > access.chat.last_seq {
        return Err(AppError::invalid("There is no such message in this chat."));
    }
    if access.last_read_seq.is_none() {
        sync_members(&mut tx, caller.portal_id(), &access.chat, now).await?;
    }
    let moved = sqlx::query(
        "UPDATE chat_members SET last_read_seq = ?, mailed_seq = CASE WHEN mailed_seq < ? THEN ? ELSE mailed_seq END \
         WHERE chat_id = ? AND user_id = ? AND portal_id = ? AND last_read_seq < ?",
    )
    .bind(seq)
    .bind(seq)
    .bind(seq)
    .bind(chat)
    .bind(caller.user_id)
    .bind(caller.portal_id())
    .bind(seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut conn = state.db.reader.acquire().await?;
    if moved.rows_affected() > 0 {
        let members = member_ids(&mut conn, chat).await?;
        state
            .hub
            .publish(
                caller.portal_id(),
                Audience::Users(members),
                ChatEvent::ChatRead {
                    chat_id: chat,
                    user_id: caller.user_id,
                    seq,
                },
            )
            .await;
    }
    super::list::unread_total(&mut conn, caller).await
}

/// Tells the others in the chat that the caller is typing (clients send this at most every
/// few seconds while typing, and show it for a few seconds).
pub async fn typing(state: &AppState, caller: &Caller, chat: ChatId) -> AppResult<()> {
    let mut conn = state.db.reader.acquire().await?;
    ChatAccess::load(&mut conn, caller, chat).await?;
    let mut others = member_ids(&mut conn, chat).await?;
    others.retain(|u| *u != caller.user_id);
    drop(conn);
    state
        .hub
        .publish(
            caller.portal_id(),
            Audience::Users(others),
            ChatEvent::ChatTyping {
                chat_id: chat,
                user_id: caller.user_id,
                name: caller.name.clone(),
            },
        )
        .await;
    Ok(())
}

pub async fn search(state: &AppState, caller: &Caller, query: &str) -> AppResult<Vec<SearchHit>> {
    if query.chars().count() > 200 {
        return Err(AppError::invalid("Search for at most 200 characters."));
    }
    let mut conn = state.db.reader.acquire().await?;
    super::search::search(&mut conn, state.db.backend, caller, query).await
}
