//! Wire types of the messenger.

use crate::files::types::Attachment;
use crate::ids::{ChatId, FileId, GroupId, MessageId, TaskId, UserId};
use crate::rich::Block;
use crate::social::{Author, Reaction};
use serde::{Deserialize, Serialize};

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 10_000;
/// Files on one message.
pub const MAX_MESSAGE_FILES: usize = 10;
/// People in one group chat.
pub const MAX_CHAT_MEMBERS: usize = 500;
/// Messages in one history page.
pub const HISTORY_PAGE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    /// Two people.
    Direct,
    /// A named chat with an owner, who adds and removes people.
    Group,
    /// The chat of a workgroup or project: its members.
    Workgroup,
    /// The chat of a task: the people on it.
    Task,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
            Self::Workgroup => "workgroup",
            Self::Task => "task",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "direct" => Self::Direct,
            "group" => Self::Group,
            "workgroup" => Self::Workgroup,
            "task" => Self::Task,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Online,
    Away,
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub status: PresenceStatus,
    /// When the person was last connected (unix ms); 0 when never.
    pub last_seen_at: i64,
}

impl Presence {
    pub const OFFLINE: Presence = Presence {
        status: PresenceStatus::Offline,
        last_seen_at: 0,
    };
}

/// The last message of a chat, for the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub sender_id: UserId,
    pub sender_name: String,
    pub text: String,
    pub at: i64,
}

/// A chat as the chat list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatSummary {
    pub id: ChatId,
    pub kind: ChatKind,
    /// The group chat's name, the other person's, the workgroup's or the task's.
    pub title: String,
    pub avatar_url: Option<String>,
    /// Direct chats: the other person.
    pub peer: Option<UserId>,
    pub group_id: Option<GroupId>,
    pub task_id: Option<TaskId>,
    pub last_seq: i64,
    pub last_read_seq: i64,
    pub preview: Option<Preview>,
    pub activity_at: i64,
}

impl ChatSummary {
    pub fn unread(&self) -> i64 {
        (self.last_seq - self.last_read_seq).max(0)
    }

    /// The page of the chat.
    pub fn href(&self) -> String {
        format!("/chat/{}", self.id)
    }
}

/// Where the next page of the chat list starts (the last chat of this one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatCursor {
    pub activity_at: i64,
    pub id: ChatId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatList {
    pub chats: Vec<ChatSummary>,
    pub next: Option<ChatCursor>,
    /// Unread messages in all the caller's chats (the menu's counter).
    pub unread_total: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMember {
    pub user: Author,
    pub is_owner: bool,
    /// How far they have read: a message with this seq or lower is "seen".
    pub last_read_seq: i64,
    pub presence: Presence,
}

/// An open chat: who is in it and what the caller may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatView {
    pub summary: ChatSummary,
    /// The first 200 members (owner first, then by name).
    pub members: Vec<ChatMember>,
    pub member_count: i64,
    /// Rename, change the picture, add and remove people (group chats: the owner).
    pub can_manage: bool,
    /// Leave (group chats; the others follow their workgroup or task).
    pub can_leave: bool,
    /// The call going on in the chat, if any.
    pub call: Option<CallSummary>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Text,
    /// Told by the system: someone joined, left, renamed the chat.
    System,
}

/// The message a reply quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub id: MessageId,
    pub seq: i64,
    pub sender_name: String,
    /// Plain text, shortened; empty when deleted.
    pub text: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReactionCount {
    pub reaction: Reaction,
    pub users: Vec<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: MessageId,
    pub chat_id: ChatId,
    /// 1, 2, 3… within the chat, in the order messages were stored.
    pub seq: i64,
    pub kind: MessageKind,
    pub sender: Author,
    /// The text as written (for editing); empty once deleted.
    pub text: String,
    pub body: Vec<Block>,
    pub reply_to: Option<Quote>,
    pub reactions: Vec<ReactionCount>,
    pub files: Vec<Attachment>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    /// The sender's idempotency key (their client matches its pending message by it).
    pub client_key: String,
}

/// Which page of history: the newest, or the one before or after a sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryFrom {
    #[default]
    Latest,
    Before(i64),
    After(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// Oldest first.
    pub messages: Vec<ChatMessage>,
    pub more_before: bool,
    pub more_after: bool,
}

/// A message to send. `client_key` is chosen by the client once per message and sent again
/// unchanged on a retry: the server stores the message once and answers the same.
/// Unknown fields are refused: a message cannot name its sender.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageForm {
    pub text: String,
    #[serde(default)]
    pub reply_to: Option<MessageId>,
    #[serde(default)]
    pub files: Vec<FileId>,
    pub client_key: String,
}

/// What a client missed while disconnected: messages after the last it has, and messages
/// changed (edited, deleted, reacted to) since it last heard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatchUp {
    pub messages: Vec<ChatMessage>,
    /// More new messages than one answer holds: load the latest page instead.
    pub truncated: bool,
    pub changed: Vec<ChatMessage>,
}

/// A message found by search, with its chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub chat_id: ChatId,
    pub chat_title: String,
    pub message: ChatMessage,
}

/// A new group chat.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewChat {
    pub title: String,
    pub members: Vec<UserId>,
    #[serde(default)]
    pub avatar: Option<FileId>,
}

/// People in one call: the media goes browser to browser, each to each.
pub const MAX_CALL_PEOPLE: usize = 4;

/// A call going on in a chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallSummary {
    pub started_at: i64,
    pub started_by: Author,
    /// Who is in it now, in the order they joined.
    pub people: Vec<Author>,
}

/// An incoming call, as the people it rings are told: direct and group chats ring, the chats
/// of workgroups and tasks (often many people) do not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRing {
    /// "Ada Lovelace is calling you", "Ada Lovelace started a call in “Design”".
    pub text: String,
    /// The call window's title: the chat's name, or the caller's in a direct chat.
    pub title: String,
}

/// One step of the WebRTC handshake between two people in a call, relayed by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallSignal {
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
}

/// How browsers find a way to each other: STUN/TURN servers, as `RTCIceServer` wants them.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

// The credential never reaches a log line.
impl std::fmt::Debug for IceServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IceServer")
            .field("urls", &self.urls)
            .field("username", &self.username)
            .field("credential", &self.credential.as_ref().map(|_| "…"))
            .finish()
    }
}

/// The messenger's live events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatEvent {
    /// A new message in one of the receiver's chats.
    ChatMessage { message: Box<ChatMessage> },
    /// A message was edited, deleted or reacted to.
    ChatMessageChanged { message: Box<ChatMessage> },
    /// Someone read a chat up to `seq` (read receipts; the reader's other tabs clear it).
    ChatRead {
        chat_id: ChatId,
        user_id: UserId,
        seq: i64,
    },
    /// Someone is typing in a chat.
    ChatTyping {
        chat_id: ChatId,
        user_id: UserId,
        name: String,
    },
    /// A chat's name, picture or people changed, or the receiver left it.
    ChatChanged { chat_id: ChatId },
    /// Someone came online, went away or offline.
    Presence { user_id: UserId, presence: Presence },
    /// A call in a chat started, someone joined or left it, or it ended (`call` is None).
    ChatCall {
        chat_id: ChatId,
        call: Option<CallSummary>,
        /// When the call has just started in a direct or group chat: the people to ring.
        ring: Option<CallRing>,
    },
    /// To the tab that asked to join: it is in the call; it connects to `peers`, who were
    /// there before it.
    CallJoined {
        chat_id: ChatId,
        peers: Vec<UserId>,
        ice_servers: Vec<IceServer>,
    },
    /// To the tab that asked: joining, or a handshake message, was refused.
    CallRefused {
        chat_id: ChatId,
        error: crate::error::AppError,
    },
    /// A handshake message from someone in the same call.
    CallSignal {
        chat_id: ChatId,
        from: UserId,
        signal: CallSignal,
    },
}

impl ChatEvent {
    /// The chat the event is about (presence is about a person, in every chat).
    pub fn chat_id(&self) -> Option<ChatId> {
        match self {
            Self::ChatMessage { message } | Self::ChatMessageChanged { message } => {
                Some(message.chat_id)
            }
            Self::ChatRead { chat_id, .. }
            | Self::ChatTyping { chat_id, .. }
            | Self::ChatChanged { chat_id }
            | Self::ChatCall { chat_id, .. }
            | Self::CallJoined { chat_id, .. }
            | Self::CallRefused { chat_id, .. }
            | Self::CallSignal { chat_id, .. } => Some(*chat_id),
            Self::Presence { .. } => None,
        }
    }
}

impl crate::realtime::LiveMessage for ChatEvent {
    const DOMAIN: &'static str = "chat";
}

/// What a tab sends the messenger on its socket (everything else goes through server
/// functions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatClientMessage {
    /// The tab's person is idle or looking elsewhere (`away`), or back.
    Presence { away: bool },
    /// This tab joins (or starts) the call in a chat; it leaves any other call it is in.
    CallJoin { chat_id: ChatId },
    /// This tab leaves the call.
    CallLeave { chat_id: ChatId },
    /// A handshake message for someone in the same call.
    CallSignal {
        chat_id: ChatId,
        to: UserId,
        signal: CallSignal,
    },
}

impl crate::realtime::LiveMessage for ChatClientMessage {
    const DOMAIN: &'static str = "chat";
}

/// The messenger's menu counter in the page (`crate::counters`): unread messages.
pub const COUNTER: &str = "chat";
