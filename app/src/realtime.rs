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
}

/// What a tab sends on its socket (everything else goes through server functions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// The tab's person is idle or looking elsewhere (`away`), or back.
    Presence { away: bool },
}

#[cfg(feature = "hydrate")]
pub mod client;
