//! Server functions of the messenger: the caller from the session, then the rules in `ssr`.

use super::types::{
    CatchUp, ChatCursor, ChatList, ChatMessage, ChatView, HistoryFrom, HistoryPage, MessageForm,
    NewChat, SearchHit,
};
use crate::error::AppError;
use crate::ids::{ChatId, FileId, GroupId, MessageId, TaskId, UserId};
use crate::social::Reaction;
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;
use server_fn::codec::Json;

/// The caller's chats, most recently active first; `after` is the previous page's `next`.
#[server(prefix = "/api", endpoint = "chats", input = Json)]
pub async fn chats(#[server(default)] after: Option<ChatCursor>) -> Result<ChatList, AppError> {
    let caller = caller().await?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::ssr::list::page(&mut conn, &caller, after).await
}

/// Unread messages in all of the caller's chats (the menu's counter).
#[server(prefix = "/api", endpoint = "chat_unread", input = Json)]
pub async fn chat_unread() -> Result<i64, AppError> {
    let caller = caller().await?;
    let mut conn = state()?.db.reader.acquire().await?;
    super::ssr::list::unread_total(&mut conn, &caller).await
}

#[server(prefix = "/api", endpoint = "chat", input = Json)]
pub async fn chat(id: ChatId) -> Result<ChatView, AppError> {
    let caller = caller().await?;
    super::ssr::chats::view(&state()?, &caller, id).await
}

/// A page of history: the latest, or before or after a sequence number.
#[server(prefix = "/api", endpoint = "chat_history", input = Json)]
pub async fn chat_history(
    chat: ChatId,
    #[server(default)] from: HistoryFrom,
) -> Result<HistoryPage, AppError> {
    let caller = caller().await?;
    super::ssr::read::history(&state()?, &caller, chat, from).await
}

/// What a reconnecting client missed: messages after `after_seq`, changes since `since`.
#[server(prefix = "/api", endpoint = "chat_catch_up", input = Json)]
pub async fn chat_catch_up(chat: ChatId, after_seq: i64, since: i64) -> Result<CatchUp, AppError> {
    let caller = caller().await?;
    super::ssr::read::catch_up(&state()?, &caller, chat, after_seq, since).await
}

/// Sends a message; a retry with the same `client_key` answers with the stored message.
#[server(prefix = "/api", endpoint = "send_message", input = Json)]
pub async fn send_message(chat: ChatId, form: MessageForm) -> Result<ChatMessage, AppError> {
    let caller = caller().await?;
    super::ssr::send::send(&state()?, &caller, chat, &form).await
}

#[server(prefix = "/api", endpoint = "edit_message", input = Json)]
pub async fn edit_message(id: MessageId, text: String) -> Result<ChatMessage, AppError> {
    let caller = caller().await?;
    super::ssr::send::edit(&state()?, &caller, id, &text).await
}

#[server(prefix = "/api", endpoint = "delete_message", input = Json)]
pub async fn delete_message(id: MessageId) -> Result<ChatMessage, AppError> {
    let caller = caller().await?;
    super::ssr::send::delete(&state()?, &caller, id).await
}

/// Adds the caller's reaction to a message, or takes it back.
#[server(prefix = "/api", endpoint = "react_to_message", input = Json)]
pub async fn react_to_message(id: MessageId, reaction: Reaction) -> Result<ChatMessage, AppError> {
    let caller = caller().await?;
    super::ssr::send::react(&state()?, &caller, id, reaction).await
}

/// Marks a chat read up to `seq`; answers with the caller's unread total.
#[server(prefix = "/api", endpoint = "mark_chat_read", input = Json)]
pub async fn mark_chat_read(chat: ChatId, seq: i64) -> Result<i64, AppError> {
    let caller = caller().await?;
    super::ssr::read::mark_read(&state()?, &caller, chat, seq).await
}

#[server(prefix = "/api", endpoint = "chat_typing", input = Json)]
pub async fn chat_typing(chat: ChatId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::read::typing(&state()?, &caller, chat).await
}

/// Messages in all of the caller's chats containing every word.
#[server(prefix = "/api", endpoint = "search_messages", input = Json)]
pub async fn search_messages(query: String) -> Result<Vec<SearchHit>, AppError> {
    let caller = caller().await?;
    super::ssr::read::search(&state()?, &caller, &query).await
}

/// The one-to-one chat with a colleague (made on first use).
#[server(prefix = "/api", endpoint = "open_direct_chat", input = Json)]
pub async fn open_direct_chat(with: UserId) -> Result<ChatId, AppError> {
    let caller = caller().await?;
    super::ssr::chats::open_direct(&state()?, &caller, with).await
}

#[server(prefix = "/api", endpoint = "create_chat", input = Json)]
pub async fn create_chat(new: NewChat) -> Result<ChatId, AppError> {
    let caller = caller().await?;
    super::ssr::chats::create_group(&state()?, &caller, &new).await
}

/// Renames a group chat and sets its picture (None takes it away).
#[server(prefix = "/api", endpoint = "update_chat", input = Json)]
pub async fn update_chat(
    id: ChatId,
    title: String,
    #[server(default)] avatar: Option<FileId>,
) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::chats::update(&state()?, &caller, id, &title, avatar).await
}

#[server(prefix = "/api", endpoint = "add_chat_members", input = Json)]
pub async fn add_chat_members(id: ChatId, people: Vec<UserId>) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::chats::add_members(&state()?, &caller, id, &people).await
}

#[server(prefix = "/api", endpoint = "remove_chat_member", input = Json)]
pub async fn remove_chat_member(id: ChatId, user: UserId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::chats::remove_member(&state()?, &caller, id, user).await
}

#[server(prefix = "/api", endpoint = "leave_chat", input = Json)]
pub async fn leave_chat(id: ChatId) -> Result<(), AppError> {
    let caller = caller().await?;
    let me = caller.user_id;
    super::ssr::chats::remove_member(&state()?, &caller, id, me).await
}

/// The chat of a workgroup (made on first use).
#[server(prefix = "/api", endpoint = "workgroup_chat", input = Json)]
pub async fn workgroup_chat(group: GroupId) -> Result<ChatId, AppError> {
    let caller = caller().await?;
    super::ssr::chats::open_for_group(&state()?, &caller, group).await
}

/// The chat of a task (made on first use).
#[server(prefix = "/api", endpoint = "task_chat", input = Json)]
pub async fn task_chat(task: TaskId) -> Result<ChatId, AppError> {
    let caller = caller().await?;
    super::ssr::chats::open_for_task(&state()?, &caller, task).await
}
