//! Events pushed to browsers over `/ws`, and (in the browser) the connection that receives them.

use serde::{Deserialize, Serialize};

/// One typed event, serialised as JSON with a `type` tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RealtimeEvent {
    /// A new notification for the receiving user; `unread` is their new bell count.
    Notification {
        unread: i64,
        title: String,
        link: String,
    },
    /// The directory changed (someone joined or left).
    DirectoryChanged,
    /// A post the receiver may see was published (fetch it to show it).
    FeedPosted {
        post_id: crate::ids::PostId,
        author_id: crate::ids::UserId,
    },
    /// A post changed: edited, commented, reacted to, pinned (fetch it again).
    FeedChanged { post_id: crate::ids::PostId },
    /// A post was deleted.
    FeedRemoved { post_id: crate::ids::PostId },
    /// A task the receiver is on, or one of their groups' tasks, changed (fetch it again;
    /// counters too).
    TaskChanged { task_id: crate::ids::TaskId },
    /// A task was deleted.
    TaskRemoved { task_id: crate::ids::TaskId },
    /// A new message in one of the receiver's chats.
    ChatMessage {
        message: Box<crate::chat::types::ChatMessage>,
    },
    /// A message was edited, deleted or reacted to.
    ChatMessageChanged {
        message: Box<crate::chat::types::ChatMessage>,
    },
    /// Someone read a chat up to `seq` (read receipts; the reader's other tabs clear it).
    ChatRead {
        chat_id: crate::ids::ChatId,
        user_id: crate::ids::UserId,
        seq: i64,
    },
    /// Someone is typing in a chat.
    ChatTyping {
        chat_id: crate::ids::ChatId,
        user_id: crate::ids::UserId,
        name: String,
    },
    /// A chat's name, picture or people changed, or the receiver left it.
    ChatChanged { chat_id: crate::ids::ChatId },
    /// Someone came online, went away or offline.
    Presence {
        user_id: crate::ids::UserId,
        presence: crate::chat::types::Presence,
    },
    /// A call in a chat started, someone joined or left it, or it ended (`call` is None).
    ChatCall {
        chat_id: crate::ids::ChatId,
        call: Option<crate::chat::types::CallSummary>,
        /// When the call has just started in a direct or group chat: the people to ring.
        ring: Option<crate::chat::types::CallRing>,
    },
    /// To the tab that asked to join: it is in the call; it connects to `peers`, who were
    /// there before it.
    CallJoined {
        chat_id: crate::ids::ChatId,
        peers: Vec<crate::ids::UserId>,
        ice_servers: Vec<crate::chat::types::IceServer>,
    },
    /// To the tab that asked: joining, or a handshake message, was refused.
    CallRefused {
        chat_id: crate::ids::ChatId,
        error: crate::error::AppError,
    },
    /// A handshake message from someone in the same call.
    CallSignal {
        chat_id: crate::ids::ChatId,
        from: crate::ids::UserId,
        signal: crate::chat::types::CallSignal,
    },
}

/// What a tab sends on its socket (everything else goes through server functions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// The tab's person is idle or looking elsewhere (`away`), or back.
    Presence { away: bool },
    /// This tab joins (or starts) the call in a chat; it leaves any other call it is in.
    CallJoin { chat_id: crate::ids::ChatId },
    /// This tab leaves the call.
    CallLeave { chat_id: crate::ids::ChatId },
    /// A handshake message for someone in the same call.
    CallSignal {
        chat_id: crate::ids::ChatId,
        to: crate::ids::UserId,
        signal: crate::chat::types::CallSignal,
    },
}

#[cfg(feature = "hydrate")]
pub mod client;
