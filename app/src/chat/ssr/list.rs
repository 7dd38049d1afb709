//! The chat list: the caller's chats by last activity, with previews and unread counts.

use super::access::direct_peer;
use super::search::Titles;
use crate::auth::types::Role;
use crate::chat::types::{ChatCursor, ChatKind, ChatList, ChatSummary, Preview};
use crate::error::AppResult;
use crate::ids::{ChatId, GroupId, TaskId, UserId};
use crate::ssr::caller::Caller;
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;

/// Chats in one page of the list.
const LIST_PAGE: i64 = 40;

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: ChatId,
    kind: String,
    title: String,
    avatar_file_id: Option<crate::ids::FileId>,
    direct_key: Option<String>,
    group_id: Option<GroupId>,
    task_id: Option<TaskId>,
    last_seq: i64,
    activity_at: i64,
    last_read_seq: Option<i64>,
    group_name: Option<String>,
    task_title: Option<String>,
    last_sender_id: Option<UserId>,
    last_sender_name: Option<String>,
    last_body: Option<String>,
    last_kind: Option<String>,
    last_deleted_at: Option<i64>,
    last_at: Option<i64>,
    last_files: i64,
}

/// `join` is "JOIN" (only chats the caller is in) or "LEFT JOIN" (a chat already checked).
fn summary_query<'a>(caller: &Caller, join: &str) -> QueryBuilder<'a, Any> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT c.id, c.kind, c.title, c.avatar_file_id, c.direct_key, c.group_id, c.task_id, \
         c.last_seq, c.activity_at, m.last_read_seq, g.name AS group_name, t.title AS task_title, \
         lm.sender_id AS last_sender_id, lu.name AS last_sender_name, lm.body AS last_body, \
         lm.kind AS last_kind, lm.deleted_at AS last_deleted_at, lm.created_at AS last_at, \
         (SELECT COUNT(*) FROM chat_files f WHERE f.message_id = lm.id) AS last_files \
         FROM chats c ",
    );
    qb.push(join)
        .push(" chat_members m ON m.chat_id = c.id AND m.user_id = ")
        .push_bind(caller.user_id)
        .push(
            " LEFT JOIN workgroups g ON g.id = c.group_id LEFT JOIN tasks t ON t.id = c.task_id \
             LEFT JOIN chat_messages lm ON lm.id = c.last_message_id \
             LEFT JOIN users lu ON lu.id = lm.sender_id WHERE c.portal_id = ",
        )
        .push_bind(caller.portal_id());
    qb
}

/// A page of the caller's chats, most recently active first.
#[tracing::instrument(skip_all)]
pub async fn page(
    conn: &mut AnyConnection,
    caller: &Caller,
    after: Option<ChatCursor>,
) -> AppResult<ChatList> {
    let mut qb = summary_query(caller, "JOIN");
    if caller.role == Role::Extranet {
        qb.push(" AND c.kind IN ('workgroup', 'task')");
    }
    if let Some(cursor) = after {
        qb.push(" AND (c.activity_at < ")
            .push_bind(cursor.activity_at)
            .push(" OR (c.activity_at = ")
            .push_bind(cursor.activity_at)
            .push(" AND c.id < ")
            .push_bind(cursor.id)
            .push("))");
    }
    qb.push(" ORDER BY c.activity_at DESC, c.id DESC LIMIT ")
        .push_bind(LIST_PAGE + 1);
    let mut rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let more = rows.len() as i64 > LIST_PAGE;
    rows.truncate(LIST_PAGE as usize);
    let chats = finish(conn, caller, rows).await?;
    let next = more.then(|| chats.last()).flatten().map(|c| ChatCursor {
        activity_at: c.activity_at,
        id: c.id,
    });
    // A page's shell counted it already (`chat::ssr::COUNTER`).
    let unread = match crate::ssr::caller::page_cached::<UnreadTotal>() {
        Some(UnreadTotal(n)) => n,
        None => unread_total(conn, caller).await?,
    };
    Ok(ChatList {
        chats,
        next,
        unread_total: unread,
    })
}

/// The caller's unread total as the page's counters read it.
#[derive(Debug, Clone, Copy)]
pub struct UnreadTotal(pub i64);

/// One chat's summary (its access already checked).
pub async fn one(conn: &mut AnyConnection, caller: &Caller, id: ChatId) -> AppResult<ChatSummary> {
    let mut qb = summary_query(caller, "LEFT JOIN");
    qb.push(" AND c.id = ").push_bind(id);
    let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    finish(conn, caller, rows)
        .await?
        .pop()
        .ok_or(crate::error::AppError::NotFound)
}

/// The titles of chats the caller is in (search results name their chat).
pub async fn titles(
    conn: &mut AnyConnection,
    caller: &Caller,
    ids: &[ChatId],
) -> AppResult<Titles> {
    if ids.is_empty() {
        return Ok(Titles::new());
    }
    let mut qb = summary_query(caller, "JOIN");
    qb.push(" AND c.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(finish(conn, caller, rows)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect())
}

/// Unread messages in all of the caller's chats.
pub async fn unread_total(conn: &mut AnyConnection, caller: &Caller) -> AppResult<i64> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT c.last_seq - m.last_read_seq FROM chat_members m JOIN chats c ON c.id = m.chat_id \
         WHERE m.portal_id = ",
    );
    qb.push_bind(caller.portal_id())
        .push(" AND m.user_id = ")
        .push_bind(caller.user_id)
        .push(" AND c.last_seq > m.last_read_seq");
    if caller.role == Role::Extranet {
        qb.push(" AND c.kind IN ('workgroup', 'task')");
    }
    let unread: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
    Ok(unread.into_iter().sum())
}

async fn finish(
    conn: &mut AnyConnection,
    caller: &Caller,
    rows: Vec<SummaryRow>,
) -> AppResult<Vec<ChatSummary>> {
    let peer = |row: &SummaryRow| direct_peer(row.direct_key.as_deref(), caller.user_id);
    let peers: Vec<UserId> = rows.iter().filter_map(peer).collect();
    let people = people(conn, caller, &peers).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let kind = ChatKind::parse(&row.kind).unwrap_or(ChatKind::Group);
            let peer = peer(&row);
            let person = peer.and_then(|p| people.get(&p));
            let title = match kind {
                ChatKind::Direct => person.map(|p| p.0.clone()).unwrap_or_default(),
                ChatKind::Group => row.title.clone(),
                ChatKind::Workgroup => row.group_name.clone().unwrap_or_default(),
                ChatKind::Task => row.task_title.clone().unwrap_or_default(),
            };
            let avatar_url = match kind {
                ChatKind::Direct => person.and_then(|p| p.1).map(crate::files::types::url),
                _ => row.avatar_file_id.map(crate::files::types::url),
            };
            let preview = match (row.last_sender_id, row.last_at) {
                (Some(sender_id), Some(at)) => Some(Preview {
                    sender_id,
                    sender_name: row.last_sender_name.clone().unwrap_or_default(),
                    text: preview_text(&row),
                    at,
                }),
                _ => None,
            };
            ChatSummary {
                id: row.id,
                kind,
                title,
                avatar_url,
                peer,
                group_id: row.group_id,
                task_id: row.task_id,
                last_seq: row.last_seq,
                // A linked chat not joined yet: nothing is unread.
                last_read_seq: row.last_read_seq.unwrap_or(row.last_seq),
                preview,
                activity_at: row.activity_at,
            }
        })
        .collect())
}

fn preview_text(row: &SummaryRow) -> String {
    if row.last_deleted_at.is_some() {
        return "Message deleted".into();
    }
    let body = row.last_body.as_deref().unwrap_or_default();
    if row.last_kind.as_deref() == Some("system") {
        return body.to_owned();
    }
    let text = crate::rich::plain_text(&crate::rich::parse(body), 90);
    match (text.is_empty(), row.last_files) {
        (true, 1) => "Sent a file".into(),
        (true, n) if n > 1 => format!("Sent {n} files"),
        _ => text,
    }
}

/// Names and photo file ids of people, by id.
async fn people(
    conn: &mut AnyConnection,
    caller: &Caller,
    ids: &[UserId],
) -> AppResult<HashMap<UserId, (String, Option<crate::ids::FileId>)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb =
        QueryBuilder::<Any>::new("SELECT id, name, photo_file_id FROM users WHERE portal_id = ");
    qb.push_bind(caller.portal_id()).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<(UserId, String, Option<crate::ids::FileId>)> =
        qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, photo)| (id, (name, photo)))
        .collect())
}
