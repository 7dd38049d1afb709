//! Calls in a chat: who is in them, and the relay of their WebRTC handshakes.
//!
//! A tab joins and leaves over its realtime socket (`/ws`), so the node holding the socket
//! knows the tab is in a call, renews its lease while the socket lives and takes it out when
//! the socket closes. Sound and video go browser to browser; the server only passes each
//! offer, answer and network candidate to the one person it is for, after checking that both
//! are in the same call. A call ends when its last person leaves; the chat's history says when
//! it started and how long it lasted.

use super::access::{ChatAccess, member_ids, sync_members};
use super::chats::system;
use super::send::{announce_new, stored_with_audience};
use crate::chat::types::ChatEvent;
use crate::chat::types::{CallRing, CallSignal, CallSummary, ChatKind, MAX_CALL_PEOPLE};
use crate::error::{AppError, AppResult};
use crate::ids::{ChatId, MessageId, PortalId, UserId};
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::insert_id;
use crate::ssr::hub::Audience;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::AnyConnection;

/// How long a renewal of someone's place in a call counts; sockets renew it every 25 s.
const LEASE_MS: i64 = 90_000;
/// The longest offer or answer accepted (an audio and video offer is about 5 KB).
const MAX_SDP: usize = 12_000;
const MAX_CANDIDATE: usize = 1_000;

#[derive(sqlx::FromRow)]
struct OpenCall {
    id: i64,
    started_at: i64,
    started_by: UserId,
}

async fn open_call(
    conn: &mut AnyConnection,
    portal: PortalId,
    chat: ChatId,
) -> AppResult<Option<OpenCall>> {
    Ok(sqlx::query_as(
        "SELECT id, started_at, started_by FROM chat_calls WHERE open_chat_id = ? AND portal_id = ?",
    )
    .bind(chat)
    .bind(portal)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The people in a call, in the order they joined.
async fn people(conn: &mut AnyConnection, call: i64) -> AppResult<Vec<UserId>> {
    Ok(sqlx::query_scalar(
        "SELECT user_id FROM chat_call_people WHERE call_id = ? ORDER BY joined_at, user_id",
    )
    .bind(call)
    .fetch_all(&mut *conn)
    .await?)
}

/// The call going on in a chat, with its people's names and pictures.
pub async fn summary(
    conn: &mut AnyConnection,
    portal: PortalId,
    chat: ChatId,
) -> AppResult<Option<CallSummary>> {
    let Some(call) = open_call(conn, portal, chat).await? else {
        return Ok(None);
    };
    let rows: Vec<(UserId, String, Option<crate::ids::FileId>)> = sqlx::query_as(
        "SELECT u.id, u.name, u.photo_file_id FROM chat_call_people p \
         JOIN users u ON u.id = p.user_id AND u.portal_id = p.portal_id \
         WHERE p.call_id = ? AND p.portal_id = ? ORDER BY p.joined_at, p.user_id",
    )
    .bind(call.id)
    .bind(portal)
    .fetch_all(&mut *conn)
    .await?;
    let starter: Option<(UserId, String, Option<crate::ids::FileId>)> =
        sqlx::query_as("SELECT id, name, photo_file_id FROM users WHERE id = ? AND portal_id = ?")
            .bind(call.started_by)
            .bind(portal)
            .fetch_optional(&mut *conn)
            .await?;
    let started_by = starter
        .map(|(id, name, photo)| Author::new(id, name, photo))
        .unwrap_or_else(|| Author::new(call.started_by, String::new(), None));
    Ok(Some(CallSummary {
        started_at: call.started_at,
        started_by,
        people: rows
            .into_iter()
            .map(|(id, name, photo)| Author::new(id, name, photo))
            .collect(),
    }))
}

/// Puts the caller in the chat's call, starting one if none goes on. Answers with the people
/// already in it: the newcomer offers a connection to each.
#[tracing::instrument(skip_all)]
pub async fn join(state: &AppState, caller: &Caller, chat: ChatId) -> AppResult<Vec<UserId>> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = ChatAccess::load(&mut tx, caller, chat).await?;
    sync_members(&mut tx, portal, &access.chat, now).await?;
    // The chat row's lock makes two people joining at once take turns (MariaDB).
    sqlx::query("UPDATE chats SET activity_at = activity_at WHERE id = ? AND portal_id = ?")
        .bind(chat)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    let mut started = None;
    let mut ring = None;
    let call = match open_call(&mut tx, portal, chat).await? {
        Some(call) => {
            // Someone whose node died without taking them out.
            sqlx::query("DELETE FROM chat_call_people WHERE call_id = ? AND lease_until < ?")
                .bind(call.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            call.id
        }
        None => {
            let id = insert_id(
                &mut tx,
                sqlx::query(
                    "INSERT INTO chat_calls (portal_id, chat_id, started_by, started_at, open_chat_id) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(portal)
                .bind(chat)
                .bind(caller.user_id)
                .bind(now)
                .bind(chat),
            )
            .await?;
            let text = format!("{} started a call", caller.name);
            started = Some(system(&mut tx, state, caller, &access, &text, now).await?);
            ring = ring_for(caller, &access);
            id
        }
    };
    let peers = people(&mut tx, call).await?;
    if peers.contains(&caller.user_id) {
        return Err(AppError::Conflict(
            "You are in this call already, in another tab or window.".into(),
        ));
    }
    if peers.len() >= MAX_CALL_PEOPLE {
        return Err(AppError::LimitReached(format!(
            "This call is full: at most {MAX_CALL_PEOPLE} people can be in a call."
        )));
    }
    sqlx::query(
        "INSERT INTO chat_call_people (call_id, portal_id, user_id, joined_at, lease_until) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(call)
    .bind(portal)
    .bind(caller.user_id)
    .bind(now)
    .bind(now + LEASE_MS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tell(state, caller, chat, started, ring).await?;
    Ok(peers)
}

/// Who a new call rings, and with what words: the people of a direct or group chat; not those
/// of a workgroup's or task's chat, who may be many and see the call in the chat instead.
fn ring_for(caller: &Caller, access: &ChatAccess) -> Option<CallRing> {
    match access.chat.kind() {
        ChatKind::Direct => Some(CallRing {
            text: format!("{} is calling you", caller.name),
            title: caller.name.clone(),
        }),
        ChatKind::Group => Some(CallRing {
            text: format!(
                "{} started a call in \u{201c}{}\u{201d}",
                caller.name, access.chat.title
            ),
            title: access.chat.title.clone(),
        }),
        ChatKind::Workgroup | ChatKind::Task => None,
    }
}

/// Takes the caller out of the chat's call; the last one out ends it. Nothing happens if they
/// are not in it.
#[tracing::instrument(skip_all)]
pub async fn leave(state: &AppState, caller: &Caller, chat: ChatId) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let Some(call) = open_call(&mut tx, portal, chat).await? else {
        return Ok(());
    };
    let left = sqlx::query("DELETE FROM chat_call_people WHERE call_id = ? AND user_id = ?")
        .bind(call.id)
        .bind(caller.user_id)
        .execute(&mut *tx)
        .await?;
    if left.rows_affected() == 0 {
        return Ok(());
    }
    let mut ended = None;
    if people(&mut tx, call.id).await?.is_empty() {
        end(&mut tx, call.id, now).await?;
        // Someone taken out of the chat meanwhile still ends the call, without the line.
        if let Ok(access) = ChatAccess::load(&mut tx, caller, chat).await {
            let text = format!("Call ended · {}", duration_label(now - call.started_at));
            ended = Some(system(&mut tx, state, caller, &access, &text, now).await?);
        }
    }
    tx.commit().await?;
    tell(state, caller, chat, ended, None).await
}

async fn end(conn: &mut AnyConnection, call: i64, now: i64) -> AppResult<()> {
    sqlx::query("UPDATE chat_calls SET ended_at = ?, open_chat_id = NULL WHERE id = ?")
        .bind(now)
        .bind(call)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM chat_call_people WHERE call_id = ?")
        .bind(call)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// "12 s", "4 min", "1 h 05 min".
fn duration_label(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// Tells the chat's people how the call stands now, and pushes the history line written with
/// the change (a start or an end), once committed.
async fn tell(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    line: Option<MessageId>,
    ring: Option<CallRing>,
) -> AppResult<()> {
    let portal = caller.portal_id();
    if let Some(line) = line {
        let (message, members) = stored_with_audience(state, caller, chat, line).await?;
        announce_new(state, caller, &message, members).await;
    }
    let mut conn = state.db.reader.acquire().await?;
    let call = summary(&mut conn, portal, chat).await?;
    let members = member_ids(&mut conn, chat).await?;
    drop(conn);
    state
        .hub
        .publish(
            portal,
            Audience::Users(members),
            ChatEvent::ChatCall {
                chat_id: chat,
                call,
                ring,
            },
        )
        .await;
    Ok(())
}

/// Passes a handshake message to someone in the same call as the caller.
pub async fn signal(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    to: UserId,
    signal: CallSignal,
) -> AppResult<()> {
    let too_long = match &signal {
        CallSignal::Offer { sdp } | CallSignal::Answer { sdp } => sdp.len() > MAX_SDP,
        CallSignal::Candidate {
            candidate, sdp_mid, ..
        } => candidate.len() > MAX_CANDIDATE || sdp_mid.as_ref().is_some_and(|m| m.len() > 64),
    };
    if too_long {
        return Err(AppError::invalid("That call message is too long."));
    }
    if to == caller.user_id {
        return Err(AppError::NotFound);
    }
    let both: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM chat_call_people p JOIN chat_calls c ON c.id = p.call_id \
         WHERE c.open_chat_id = ? AND c.portal_id = ? AND p.user_id IN (?, ?)",
    )
    .bind(chat)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .bind(to)
    .fetch_one(&state.db.reader)
    .await?;
    if both != 2 {
        return Err(AppError::NotFound);
    }
    state
        .hub
        .publish(
            caller.portal_id(),
            Audience::Users(vec![to]),
            ChatEvent::CallSignal {
                chat_id: chat,
                from: caller.user_id,
                signal,
            },
        )
        .await;
    Ok(())
}

/// The caller's socket is still open: their place in the call stays theirs.
pub async fn renew(state: &AppState, caller: &Caller, chat: ChatId) -> AppResult<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE chat_call_people SET lease_until = ? WHERE portal_id = ? AND user_id = ? \
         AND call_id IN (SELECT id FROM chat_calls WHERE open_chat_id = ? AND portal_id = ?)",
    )
    .bind(now + LEASE_MS)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .bind(chat)
    .bind(caller.portal_id())
    .execute(&state.db.writer)
    .await?;
    Ok(())
}

/// Takes out of calls the people whose node died (their lease ran out), and ends calls left
/// empty. Run every 30 s on every node; a no-op while nobody's lease has run out.
pub async fn sweep(state: &AppState) -> AppResult<()> {
    let now = now_ms();
    let lapsed: Vec<(i64, PortalId, ChatId)> = sqlx::query_as(
        "SELECT DISTINCT c.id, c.portal_id, c.chat_id FROM chat_calls c \
         JOIN chat_call_people p ON p.call_id = c.id \
         WHERE c.open_chat_id IS NOT NULL AND p.lease_until < ?",
    )
    .bind(now)
    .fetch_all(&state.db.reader)
    .await?;
    for (call, portal, chat) in lapsed {
        let mut tx = state.db.begin().await?;
        sqlx::query("DELETE FROM chat_call_people WHERE call_id = ? AND lease_until < ?")
            .bind(call)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if people(&mut tx, call).await?.is_empty() {
            end(&mut tx, call, now).await?;
        }
        let summary = summary(&mut tx, portal, chat).await?;
        let members = member_ids(&mut tx, chat).await?;
        tx.commit().await?;
        state
            .hub
            .publish(
                portal,
                Audience::Users(members),
                ChatEvent::ChatCall {
                    chat_id: chat,
                    call: summary,
                    ring: None,
                },
            )
            .await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::duration_label;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_label(12_400), "12 s");
        assert_eq!(duration_label(4 * 60_000 + 5_000), "4 min");
        assert_eq!(duration_label(3_600_000 + 5 * 60_000), "1 h 05 min");
        assert_eq!(duration_label(-5), "0 s");
    }
}
