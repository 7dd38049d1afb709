//! Who is in a chat, and what they may do in it.
//!
//! Direct and group chats are reached by their members only; workgroup chats by the
//! workgroup's members, task chats by the people on the task (extranet users included: those
//! are chats of their groups). Extranet users never reach direct or group chats. Everyone else
//! gets NotFound, so a chat cannot even be confirmed to exist.

use crate::auth::types::Role;
use crate::chat::types::ChatKind;
use crate::error::{AppError, AppResult};
use crate::ids::{ChatId, GroupId, PortalId, TaskId, UserId};
use crate::ssr::caller::Caller;
use sqlx::AnyConnection;

/// A chat's row, as the rules need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChatRow {
    pub id: ChatId,
    pub kind: String,
    pub title: String,
    pub avatar_file_id: Option<crate::ids::FileId>,
    pub owner_id: Option<UserId>,
    pub direct_key: Option<String>,
    pub group_id: Option<GroupId>,
    pub task_id: Option<TaskId>,
    pub last_seq: i64,
    pub activity_at: i64,
}

pub const CHAT_COLUMNS: &str = "c.id, c.kind, c.title, c.avatar_file_id, c.owner_id, \
    c.direct_key, c.group_id, c.task_id, c.last_seq, c.activity_at";

impl ChatRow {
    pub fn kind(&self) -> ChatKind {
        ChatKind::parse(&self.kind).unwrap_or(ChatKind::Group)
    }

    /// Workgroup and task chats take their people from the workgroup or task.
    pub fn is_linked(&self) -> bool {
        matches!(self.kind(), ChatKind::Workgroup | ChatKind::Task)
    }

    /// Direct chats: the person who is not `me`.
    pub fn peer(&self, me: UserId) -> Option<UserId> {
        direct_peer(self.direct_key.as_deref(), me)
    }
}

/// The person in a direct chat who is not `me`, from its `direct_key`.
pub fn direct_peer(key: Option<&str>, me: UserId) -> Option<UserId> {
    let (a, b) = key?.split_once(':')?;
    let (a, b) = (UserId(a.parse().ok()?), UserId(b.parse().ok()?));
    Some(if a == me { b } else { a })
}

/// The key that makes two people share one direct chat.
pub fn direct_key(a: UserId, b: UserId) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("{low}:{high}")
}

/// A chat the caller may read, with their read position.
#[derive(Debug, Clone)]
pub struct ChatAccess {
    pub chat: ChatRow,
    /// None for a workgroup or task chat whose member row is not made yet (it is made when
    /// someone writes, or the caller reads).
    pub last_read_seq: Option<i64>,
    caller: UserId,
    admin: bool,
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    #[sqlx(flatten)]
    chat: ChatRow,
    last_read_seq: Option<i64>,
    in_source: i64,
}

impl ChatAccess {
    /// The chat if the caller is in it; NotFound otherwise (also for other portals' chats).
    pub async fn load(conn: &mut AnyConnection, caller: &Caller, id: ChatId) -> AppResult<Self> {
        let row: Option<AccessRow> = sqlx::query_as(&format!(
            "SELECT {CHAT_COLUMNS}, m.last_read_seq, \
             CASE WHEN c.kind = 'workgroup' THEN (SELECT COUNT(*) FROM workgroup_members w \
                   WHERE w.group_id = c.group_id AND w.portal_id = c.portal_id AND w.user_id = ?) \
                  WHEN c.kind = 'task' THEN (SELECT COUNT(*) FROM task_members t \
                   WHERE t.task_id = c.task_id AND t.portal_id = c.portal_id AND t.user_id = ?) \
                  ELSE 0 END AS in_source \
             FROM chats c LEFT JOIN chat_members m ON m.chat_id = c.id AND m.user_id = ? \
             WHERE c.id = ? AND c.portal_id = ?"
        ))
        .bind(caller.user_id)
        .bind(caller.user_id)
        .bind(caller.user_id)
        .bind(id)
        .bind(caller.portal_id())
        .fetch_optional(&mut *conn)
        .await?;
        let row = row.ok_or(AppError::NotFound)?;
        let allowed = match row.chat.kind() {
            ChatKind::Direct | ChatKind::Group => {
                caller.role != Role::Extranet && row.last_read_seq.is_some()
            }
            ChatKind::Workgroup | ChatKind::Task => row.in_source > 0,
        };
        if !allowed {
            return Err(AppError::NotFound);
        }
        Ok(Self {
            chat: row.chat,
            last_read_seq: row.last_read_seq,
            caller: caller.user_id,
            admin: caller.role == Role::Admin,
        })
    }

    /// The caller's read position: a linked chat not joined yet counts as read.
    pub fn read_seq(&self) -> i64 {
        self.last_read_seq.unwrap_or(self.chat.last_seq)
    }

    /// Renaming, the picture, adding and removing people: a group chat's owner (or an
    /// administrator who is in it).
    pub fn can_manage(&self) -> bool {
        self.chat.kind() == ChatKind::Group
            && (self.chat.owner_id == Some(self.caller) || self.admin)
    }

    pub fn require_manage(&self) -> AppResult<()> {
        if self.can_manage() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Brings a workgroup or task chat's members in step with the workgroup or task: newcomers
/// start with everything so far read; those who left are taken out. Run inside the
/// transaction that writes to the chat, before its people are told.
pub async fn sync_members(
    conn: &mut AnyConnection,
    portal: PortalId,
    chat: &ChatRow,
    now: i64,
) -> AppResult<()> {
    let (table, column, link) = match (chat.kind(), chat.group_id, chat.task_id) {
        (ChatKind::Workgroup, Some(group), _) => ("workgroup_members", "group_id", group.0),
        (ChatKind::Task, _, Some(task)) => ("task_members", "task_id", task.0),
        _ => return Ok(()),
    };
    sqlx::query(&format!(
        "INSERT INTO chat_members (chat_id, portal_id, user_id, last_read_seq, mailed_seq, joined_at) \
         SELECT DISTINCT ?, ?, s.user_id, ?, ?, ? FROM {table} s \
         WHERE s.{column} = ? AND s.portal_id = ? AND NOT EXISTS \
           (SELECT 1 FROM chat_members m WHERE m.chat_id = ? AND m.user_id = s.user_id)"
    ))
    .bind(chat.id)
    .bind(portal)
    .bind(chat.last_seq)
    .bind(chat.last_seq)
    .bind(now)
    .bind(link)
    .bind(portal)
    .bind(chat.id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "DELETE FROM chat_members WHERE chat_id = ? AND NOT EXISTS \
         (SELECT 1 FROM {table} s WHERE s.{column} = ? AND s.portal_id = ? \
          AND s.user_id = chat_members.user_id)"
    ))
    .bind(chat.id)
    .bind(link)
    .bind(portal)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Everyone in a chat (after `sync_members` for linked chats).
pub async fn member_ids(conn: &mut AnyConnection, chat: ChatId) -> AppResult<Vec<UserId>> {
    Ok(
        sqlx::query_scalar("SELECT user_id FROM chat_members WHERE chat_id = ?")
            .bind(chat)
            .fetch_all(&mut *conn)
            .await?,
    )
}
