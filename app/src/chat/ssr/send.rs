//! Writing messages: send (once per idempotency key), edit, delete, react. Each change is
//! committed first and then pushed to the chat's people over the realtime socket.

use super::access::{ChatAccess, member_ids, sync_members};
use super::{messages, search};
use crate::chat::types::ChatEvent;
use crate::chat::types::{
    ChatKind, ChatMessage, MAX_MESSAGE_CHARS, MAX_MESSAGE_FILES, MessageForm,
};
use crate::error::{AppError, AppResult};
use crate::files::ssr::claim;
use crate::ids::{ChatId, FileId, MessageId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::rich;
use crate::social::Reaction;
use crate::ssr::caller::Caller;
use crate::ssr::db::Db;
use crate::ssr::hub::Audience;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::AnyConnection;

/// The longest idempotency key a client may choose.
const MAX_KEY: usize = 64;

fn check_key(key: &str) -> AppResult<()> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "The message key must be 1 to 64 letters, digits, '-' or '_'.",
        ))
    }
}

fn check_text(text: &str, files: usize) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() && files == 0 {
        return Err(AppError::invalid("Write a message or attach a file."));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::invalid(format!(
            "A message can be at most {MAX_MESSAGE_CHARS} characters."
        )));
    }
    if files > MAX_MESSAGE_FILES {
        return Err(AppError::invalid(format!(
            "A message can carry at most {MAX_MESSAGE_FILES} files."
        )));
    }
    Ok(text.to_owned())
}

/// Sends a message. A retry with the same key answers with the message already stored; the
/// same key with different content is refused.
#[tracing::instrument(skip_all)]
pub async fn send(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    form: &MessageForm,
) -> AppResult<ChatMessage> {
    check_key(&form.client_key)?;
    let text = check_text(&form.text, form.files.len())?;
    let portal = caller.portal_id();
    if let Some(done) = replayed(state, caller, chat, form, &text).await? {
        return Ok(done);
    }
    if let Some(reply) = form.reply_to {
        // Messages never move between chats, so this needs no lock.
        let same_chat: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM chat_messages WHERE id = ? AND chat_id = ? AND portal_id = ?",
        )
        .bind(reply)
        .bind(chat)
        .bind(portal)
        .fetch_optional(&state.db.reader)
        .await?;
        if same_chat.is_none() {
            return Err(AppError::invalid(
                "The message you reply to is not in this chat.",
            ));
        }
    }
    let now = now_ms();
    // Only what must be atomic happens in the transaction: on SQLite every writer of the
    // portal waits for it. Reading the stored message and its audience comes after.
    let mut tx = state.db.begin().await?;
    let access = ChatAccess::load(&mut tx, caller, chat).await?;
    sync_members(&mut tx, portal, &access.chat, now).await?;
    let stored = insert(
        &mut tx,
        state,
        caller,
        &access,
        Insert {
            kind: "text",
            body: &text,
            reply_to: form.reply_to,
            client_key: &form.client_key,
            now,
        },
    )
    .await;
    let (id, seq) = match stored {
        Ok(stored) => stored,
        Err(Failure::Duplicate) => {
            // The same send raced itself: the first one stored it.
            drop(tx);
            return replayed(state, caller, chat, form, &text)
                .await?
                .ok_or(AppError::Internal);
        }
        Err(Failure::App(e)) => return Err(e),
    };
    attach(&mut tx, caller, chat, id, &form.files).await?;
    let bell = ring_mentioned(&mut tx, caller, &access, &text, seq).await?;
    tx.commit().await?;
    bell.publish(&state.hub).await;
    let (message, members) = stored_with_audience(state, caller, chat, id).await?;
    announce_new(state, caller, &message, members).await;
    Ok(message)
}

/// Rings the bell of the chat's people mentioned in message `seq` (the others could not open
/// it), linking to the message.
async fn ring_mentioned(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    caller: &Caller,
    access: &ChatAccess,
    text: &str,
    seq: i64,
) -> AppResult<Outgoing> {
    let mut bell = Outgoing::new(caller.portal_id());
    let blocks = rich::parse(text);
    let mut mentioned = rich::mentions(&blocks);
    mentioned.retain(|person| *person != caller.user_id);
    if mentioned.is_empty() {
        return Ok(bell);
    }
    let members = member_ids(tx, access.chat.id).await?;
    let preview = rich::plain_text(&blocks, 80);
    let title = if access.chat.kind() == ChatKind::Direct || access.chat.title.is_empty() {
        format!("{} mentioned you in a message: {preview}", caller.name)
    } else {
        format!(
            "{} mentioned you in “{}”: {preview}",
            caller.name, access.chat.title
        )
    };
    let link = format!("/chat/{}?at={seq}", access.chat.id);
    for person in mentioned.iter().filter(|p| members.contains(p)) {
        bell.add(tx, *person, "chat", &title, &link).await?;
    }
    Ok(bell)
}

/// A message as committed, and the chat's people to push it to.
pub(super) async fn stored_with_audience(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    id: MessageId,
) -> AppResult<(ChatMessage, Vec<UserId>)> {
    let mut conn = state.db.reader.acquire().await?;
    let message = messages::one(&mut conn, caller.portal_id(), id)
        .await?
        .ok_or(AppError::Internal)?;
    let members = member_ids(&mut conn, chat).await?;
    Ok((message, members))
}

/// The stored message of an earlier send with this key, if there was one; a key used for
/// another message is refused.
async fn replayed(
    state: &AppState,
    caller: &Caller,
    chat: ChatId,
    form: &MessageForm,
    text: &str,
) -> AppResult<Option<ChatMessage>> {
    let earlier: Option<(MessageId, ChatId, String, Option<MessageId>)> = sqlx::query_as(
        "SELECT id, chat_id, body, reply_to_id FROM chat_messages \
         WHERE portal_id = ? AND sender_id = ? AND client_key = ?",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .bind(&form.client_key)
    .fetch_optional(&state.db.reader)
    .await?;
    let Some((id, earlier_chat, body, reply_to)) = earlier else {
        return Ok(None);
    };
    if earlier_chat != chat || body != text || reply_to != form.reply_to {
        return Err(AppError::Conflict(
            "This message key was already used for a different message.".into(),
        ));
    }
    let mut conn = state.db.reader.acquire().await?;
    // Still a member? A retry after leaving must not reveal the chat.
    ChatAccess::load(&mut conn, caller, chat).await?;
    messages::one(&mut conn, caller.portal_id(), id).await
}

pub struct Insert<'a> {
    pub kind: &'a str,
    pub body: &'a str,
    pub reply_to: Option<MessageId>,
    pub client_key: &'a str,
    pub now: i64,
}

pub enum Failure {
    /// The sender's key is taken (a concurrent retry stored it).
    Duplicate,
    App(AppError),
}

impl<E: Into<AppError>> From<E> for Failure {
    fn from(e: E) -> Self {
        Self::App(e.into())
    }
}

/// Stores a message as the chat's next in sequence: the UPDATE takes the chat row's lock
/// until commit, so sequence numbers are given in commit order, without gaps. Returns the
/// message's id and its number in the chat.
pub async fn insert(
    conn: &mut AnyConnection,
    state: &AppState,
    caller: &Caller,
    access: &ChatAccess,
    new: Insert<'_>,
) -> Result<(MessageId, i64), Failure> {
    let portal = caller.portal_id();
    let chat = access.chat.id;
    sqlx::query(
        "UPDATE chats SET last_seq = last_seq + 1, activity_at = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(new.now)
    .bind(chat)
    .bind(portal)
    .execute(&mut *conn)
    .await?;
    let seq: i64 = sqlx::query_scalar("SELECT last_seq FROM chats WHERE id = ?")
        .bind(chat)
        .fetch_one(&mut *conn)
        .await?;
    let inserted = crate::ssr::db::insert_id(
        conn,
        sqlx::query(
            "INSERT INTO chat_messages (portal_id, chat_id, seq, sender_id, kind, body, reply_to_id, \
             client_key, created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(chat)
        .bind(seq)
        .bind(caller.user_id)
        .bind(new.kind)
        .bind(new.body)
        .bind(new.reply_to)
        .bind(new.client_key)
        .bind(new.now)
        .bind(new.now),
    )
    .await;
    let id = match inserted {
        Ok(id) => MessageId(id),
        Err(e) if Db::is_unique_violation(&e) => return Err(Failure::Duplicate),
        Err(e) => return Err(e.into()),
    };
    sqlx::query("UPDATE chats SET last_message_id = ? WHERE id = ?")
        .bind(id)
        .bind(chat)
        .execute(&mut *conn)
        .await?;
    // What one writes, one has read.
    sqlx::query(
        "UPDATE chat_members SET last_read_seq = ?, mailed_seq = ? WHERE chat_id = ? AND user_id = ?",
    )
    .bind(seq)
    .bind(seq)
    .bind(chat)
    .bind(caller.user_id)
    .execute(&mut *conn)
    .await?;
    if new.kind == "text" {
        search::add(conn, state.db.backend, portal, id, new.body).await?;
    }
    Ok((id, seq))
}

/// Attaches the sender's fresh uploads (not on any post, task or message yet).
async fn attach(
    conn: &mut AnyConnection,
    caller: &Caller,
    chat: ChatId,
    message: MessageId,
    files: &[FileId],
) -> AppResult<()> {
    let portal = caller.portal_id();
    for file in files {
        claim(
            &mut *conn,
            caller,
            *file,
            super::files::FILE_KIND.owner(chat.0),
        )
        .await?;
        sqlx::query("INSERT INTO chat_files (message_id, portal_id, file_id) VALUES (?, ?, ?)")
            .bind(message)
            .bind(portal)
            .bind(*file)
            .execute(&mut *conn)
            .await
            .map_err(|e| {
                if Db::is_unique_violation(&e) {
                    AppError::invalid("That file is attached twice.")
                } else {
                    e.into()
                }
            })?;
    }
    Ok(())
}

/// Pushes a new message to everyone in the chat (the sender's other tabs too).
pub async fn announce_new(
    state: &AppState,
    caller: &Caller,
    message: &ChatMessage,
    members: Vec<UserId>,
) {
    state
        .hub
        .publish(
            caller.portal_id(),
            Audience::Users(members),
            ChatEvent::ChatMessage {
                message: Box::new(message.clone()),
            },
        )
        .await;
}

/// A message the caller wrote, for changing it.
async fn own_message(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: MessageId,
) -> AppResult<(ChatAccess, Option<i64>)> {
    let row: Option<(ChatId, UserId, String, Option<i64>)> = sqlx::query_as(
        "SELECT chat_id, sender_id, kind, deleted_at FROM chat_messages WHERE id = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(caller.portal_id())
    .fetch_optional(&mut *conn)
    .await?;
    let (chat, sender, kind, deleted) = row.ok_or(AppError::NotFound)?;
    let access = ChatAccess::load(conn, caller, chat).await?;
    if sender != caller.user_id || kind != "text" {
        return Err(AppError::Forbidden);
    }
    Ok((access, deleted))
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    state: &AppState,
    caller: &Caller,
    id: MessageId,
    text: &str,
) -> AppResult<ChatMessage> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let (access, deleted) = own_message(&mut tx, caller, id).await?;
    if deleted.is_some() {
        return Err(AppError::invalid("A deleted message cannot be edited."));
    }
    let files: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM chat_files WHERE message_id = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(caller.portal_id())
    .fetch_one(&mut *tx)
    .await?;
    let text = check_text(text, files as usize)?;
    sqlx::query(
        "UPDATE chat_messages SET body = ?, edited_at = ?, changed_at = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(&text)
    .bind(now)
    .bind(now)
    .bind(id)
    .bind(caller.portal_id())
    .execute(&mut *tx)
    .await?;
    search::index(&mut tx, state.db.backend, caller.portal_id(), id, &text).await?;
    finish_change(state, caller, tx, access.chat.id, id).await
}

/// Deletes a message: it stays in the history as "deleted", without text, files or reactions.
/// Its files (and their thumbnails) are gone too: no longer downloadable, their space freed.
#[tracing::instrument(skip_all)]
pub async fn delete(state: &AppState, caller: &Caller, id: MessageId) -> AppResult<ChatMessage> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let (access, deleted) = own_message(&mut tx, caller, id).await?;
    let mut files: Vec<FileId> = Vec::new();
    if deleted.is_none() {
        let rows: Vec<(FileId, Option<FileId>)> = sqlx::query_as(
            "SELECT cf.file_id, p.thumb_file_id FROM chat_files cf \
             LEFT JOIN file_previews p ON p.file_id = cf.file_id AND p.portal_id = cf.portal_id \
             WHERE cf.message_id = ? AND cf.portal_id = ?",
        )
        .bind(id)
        .bind(caller.portal_id())
        .fetch_all(&mut *tx)
        .await?;
        files = rows
            .into_iter()
            .flat_map(|(file, thumb)| std::iter::once(file).chain(thumb))
            .collect();
        sqlx::query("DELETE FROM chat_files WHERE message_id = ? AND portal_id = ?")
            .bind(id)
            .bind(caller.portal_id())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE chat_messages SET body = '', deleted_at = ?, changed_at = ? WHERE id = ? AND portal_id = ?",
        )
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(caller.portal_id())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM chat_reactions WHERE message_id = ? AND portal_id = ?")
            .bind(id)
            .bind(caller.portal_id())
            .execute(&mut *tx)
            .await?;
        search::index(&mut tx, state.db.backend, caller.portal_id(), id, "").await?;
    }
    let message = finish_change(state, caller, tx, access.chat.id, id).await?;
    // After the commit: the rows that let anyone reach the files are already gone.
    crate::files::ssr::delete_files(state, caller.portal_id(), &files).await?;
    Ok(message)
}

/// Adds the caller's reaction, or takes it back if it was there.
#[tracing::instrument(skip_all)]
pub async fn react(
    state: &AppState,
    caller: &Caller,
    id: MessageId,
    reaction: Reaction,
) -> AppResult<ChatMessage> {
    let now = now_ms();
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    let row: Option<(ChatId, String, Option<i64>)> = sqlx::query_as(
        "SELECT chat_id, kind, deleted_at FROM chat_messages WHERE id = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(portal)
    .fetch_optional(&mut *tx)
    .await?;
    let (chat, kind, deleted) = row.ok_or(AppError::NotFound)?;
    ChatAccess::load(&mut tx, caller, chat).await?;
    if deleted.is_some() || kind != "text" {
        return Err(AppError::invalid(
            "Only messages people wrote can get reactions.",
        ));
    }
    let removed = sqlx::query(
        "DELETE FROM chat_reactions WHERE message_id = ? AND user_id = ? AND reaction = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(caller.user_id)
    .bind(reaction.as_str())
    .bind(portal)
    .execute(&mut *tx)
    .await?;
    if removed.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO chat_reactions (message_id, portal_id, user_id, reaction, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(portal)
        .bind(caller.user_id)
        .bind(reaction.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE chat_messages SET changed_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    finish_change(state, caller, tx, chat, id).await
}

/// Commits a change to a message and pushes the changed message to the chat's people.
async fn finish_change(
    state: &AppState,
    caller: &Caller,
    tx: sqlx::Transaction<'static, sqlx::Any>,
    chat: ChatId,
    id: MessageId,
) -> AppResult<ChatMessage> {
    tx.commit().await?;
    let (message, members) = stored_with_audience(state, caller, chat, id).await?;
    state
        .hub
        .publish(
            caller.portal_id(),
            Audience::Users(members),
            ChatEvent::ChatMessageChanged {
                message: Box::new(message.clone()),
            },
        )
        .await;
    Ok(message)
}
