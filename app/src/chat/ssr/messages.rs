//! Reading messages: rows to wire messages (sender, quote, reactions, files), history pages by
//! sequence number, and what a reconnecting client missed.

use super::access::ChatAccess;
use crate::chat::types::{
    CatchUp, ChatMessage, HISTORY_PAGE, HistoryFrom, HistoryPage, MessageKind, Quote, ReactionCount,
};
use crate::error::AppResult;
use crate::files::types::Attachment;
use crate::ids::{ChatId, FileId, MessageId, PortalId, UserId};
use crate::social::{Author, Reaction};
use crate::ssr::caller::Caller;
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;

/// New messages one catch-up answers with; more means "load the latest page".
const CATCH_UP_LIMIT: i64 = 200;

#[derive(sqlx::FromRow)]
pub struct MessageRow {
    pub id: MessageId,
    pub chat_id: ChatId,
    pub seq: i64,
    pub sender_id: UserId,
    pub kind: String,
    pub body: String,
    pub reply_to_id: Option<MessageId>,
    pub client_key: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub sender_name: String,
    pub sender_photo: Option<crate::ids::FileId>,
}

pub const MESSAGE_SELECT: &str = "SELECT m.id, m.chat_id, m.seq, m.sender_id, m.kind, m.body, \
    m.reply_to_id, m.client_key, m.created_at, m.edited_at, m.deleted_at, \
    u.name AS sender_name, u.photo_file_id AS sender_photo \
    FROM chat_messages m JOIN users u ON u.id = m.sender_id";

/// One message by id, within the portal.
pub async fn one(
    conn: &mut AnyConnection,
    portal: PortalId,
    id: MessageId,
) -> AppResult<Option<ChatMessage>> {
    let row: Option<MessageRow> = sqlx::query_as(&format!(
        "{MESSAGE_SELECT} WHERE m.id = ? AND m.portal_id = ?"
    ))
    .bind(id)
    .bind(portal)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(hydrate(conn, portal, row.into_iter().collect())
        .await?
        .pop())
}

/// A page of a chat's history, oldest first.
#[tracing::instrument(skip_all)]
pub async fn page(
    conn: &mut AnyConnection,
    caller: &Caller,
    access: &ChatAccess,
    from: HistoryFrom,
) -> AppResult<HistoryPage> {
    let mut qb = QueryBuilder::<Any>::new(MESSAGE_SELECT);
    qb.push(" WHERE m.chat_id = ")
        .push_bind(access.chat.id)
        .push(" AND m.portal_id = ")
        .push_bind(caller.portal_id());
    // Sequence numbers have no gaps, so a page is a range bounded on both sides: MariaDB
    // otherwise walks the chat's index from its newest message down to the page (measured:
    // 560 ms for a page half-way up a chat of a million messages; docs/PERFORMANCE.md).
    let page = HISTORY_PAGE as i64;
    let ascending = matches!(from, HistoryFrom::After(_));
    match from {
        HistoryFrom::Latest => qb
            .push(" AND m.seq > ")
            .push_bind(access.chat.last_seq - page)
            .push(" ORDER BY m.seq DESC"),
        HistoryFrom::Before(seq) => qb
            .push(" AND m.seq < ")
            .push_bind(seq)
            .push(" AND m.seq >= ")
            .push_bind(seq - page)
            .push(" ORDER BY m.seq DESC"),
        HistoryFrom::After(seq) => qb
            .push(" AND m.seq > ")
            .push_bind(seq)
            .push(" AND m.seq <= ")
            .push_bind(seq + page)
            .push(" ORDER BY m.seq ASC"),
    };
    qb.push(" LIMIT ").push_bind(page);
    let mut rows: Vec<MessageRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if !ascending {
        rows.reverse();
    }
    let first = rows.first().map(|m| m.seq);
    let last = rows.last().map(|m| m.seq);
    let more_before = match from {
        HistoryFrom::Before(seq) | HistoryFrom::After(seq) if rows.is_empty() => seq > 1,
        _ => first.is_some_and(|s| s > 1),
    };
    let newest = access.chat.last_seq;
    let more_after = match from {
        HistoryFrom::Latest => false,
        _ => last.is_some_and(|s| s < newest),
    };
    Ok(HistoryPage {
        messages: hydrate(conn, caller.portal_id(), rows).await?,
        more_before,
        more_after,
    })
}

/// What a client missed: messages after `after_seq`, and older ones changed since `since`.
pub async fn catch_up(
    conn: &mut AnyConnection,
    caller: &Caller,
    access: &ChatAccess,
    after_seq: i64,
    since: i64,
) -> AppResult<CatchUp> {
    let mut rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "{MESSAGE_SELECT} WHERE m.chat_id = ? AND m.portal_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?"
    ))
    .bind(access.chat.id)
    .bind(caller.portal_id())
    .bind(after_seq)
    .bind(CATCH_UP_LIMIT + 1)
    .fetch_all(&mut *conn)
    .await?;
    let truncated = rows.len() as i64 > CATCH_UP_LIMIT;
    rows.truncate(CATCH_UP_LIMIT as usize);
    let changed: Vec<MessageRow> = sqlx::query_as(&format!(
        "{MESSAGE_SELECT} WHERE m.chat_id = ? AND m.portal_id = ? AND m.changed_at >= ? \
         AND m.seq <= ? ORDER BY m.changed_at LIMIT ?"
    ))
    .bind(access.chat.id)
    .bind(caller.portal_id())
    .bind(since)
    .bind(after_seq)
    .bind(CATCH_UP_LIMIT)
    .fetch_all(&mut *conn)
    .await?;
    Ok(CatchUp {
        messages: hydrate(conn, caller.portal_id(), rows).await?,
        truncated,
        changed: hydrate(conn, caller.portal_id(), changed).await?,
    })
}

/// Rows to wire messages: the quoted messages, reactions and files in one query each.
pub async fn hydrate(
    conn: &mut AnyConnection,
    portal: PortalId,
    rows: Vec<MessageRow>,
) -> AppResult<Vec<ChatMessage>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<MessageId> = rows.iter().map(|r| r.id).collect();
    let quoted: Vec<MessageId> = rows.iter().filter_map(|r| r.reply_to_id).collect();
    let quotes = quotes(conn, portal, &quoted).await?;
    let mut reactions = reactions(conn, portal, &ids).await?;
    let mut files = files(conn, portal, &ids).await?;
    let mut messages: Vec<ChatMessage> = rows
        .into_iter()
        .map(|row| {
            let deleted = row.deleted_at.is_some();
            let kind = if row.kind == "system" {
                MessageKind::System
            } else {
                MessageKind::Text
            };
            let body = if deleted || kind == MessageKind::System {
                Vec::new()
            } else {
                crate::rich::parse(&row.body)
            };
            ChatMessage {
                id: row.id,
                chat_id: row.chat_id,
                seq: row.seq,
                kind,
                sender: Author::new(row.sender_id, row.sender_name, row.sender_photo),
                body,
                reply_to: row.reply_to_id.and_then(|q| quotes.get(&q).cloned()),
                reactions: if deleted {
                    Vec::new()
                } else {
                    reactions.remove(&row.id).unwrap_or_default()
                },
                files: if deleted {
                    Vec::new()
                } else {
                    files.remove(&row.id).unwrap_or_default()
                },
                text: row.body,
                created_at: row.created_at,
                edited_at: row.edited_at,
                deleted,
                client_key: row.client_key,
            }
        })
        .collect();
    let bodies: Vec<_> = messages.iter_mut().map(|m| &mut m.body).collect();
    crate::rich::names::resolve(&mut *conn, portal, bodies).await?;
    Ok(messages)
}

fn push_ids<T: std::fmt::Display>(qb: &mut QueryBuilder<'_, Any>, ids: &[T]) {
    // Ids are numbers: written into the text, they keep the statement one round trip.
    qb.push("(");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        qb.push(id.to_string());
    }
    qb.push(")");
}

async fn quotes(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[MessageId],
) -> AppResult<HashMap<MessageId, Quote>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new(MESSAGE_SELECT);
    qb.push(" WHERE m.portal_id = ")
        .push_bind(portal)
        .push(" AND m.id IN ");
    push_ids(&mut qb, ids);
    let rows: Vec<MessageRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let deleted = r.deleted_at.is_some();
            let text = if deleted {
                String::new()
            } else {
                crate::rich::plain_text(&crate::rich::parse(&r.body), 140)
            };
            (
                r.id,
                Quote {
                    id: r.id,
                    seq: r.seq,
                    sender_name: r.sender_name,
                    text,
                    deleted,
                },
            )
        })
        .collect())
}

async fn reactions(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[MessageId],
) -> AppResult<HashMap<MessageId, Vec<ReactionCount>>> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT message_id, user_id, reaction FROM chat_reactions WHERE portal_id = ",
    );
    qb.push_bind(portal).push(" AND message_id IN ");
    push_ids(&mut qb, ids);
    qb.push(" ORDER BY created_at, user_id");
    let rows: Vec<(MessageId, UserId, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut out: HashMap<MessageId, Vec<ReactionCount>> = HashMap::new();
    for (message, user, reaction) in rows {
        let Some(reaction) = Reaction::parse(&reaction) else {
            continue;
        };
        let list = out.entry(message).or_default();
        match list.iter_mut().find(|r| r.reaction == reaction) {
            Some(count) => count.users.push(user),
            None => list.push(ReactionCount {
                reaction,
                users: vec![user],
            }),
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct FileRow {
    message_id: MessageId,
    file_id: FileId,
    file_name: String,
    size_bytes: i64,
    content_type: String,
    thumb_file_id: Option<crate::ids::FileId>,
    width: Option<i64>,
    height: Option<i64>,
}

async fn files(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[MessageId],
) -> AppResult<HashMap<MessageId, Vec<Attachment>>> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT cf.message_id, f.id AS file_id, f.file_name, f.size_bytes, f.content_type, \
         p.thumb_file_id, p.width, p.height FROM chat_files cf \
         JOIN files f ON f.id = cf.file_id AND f.portal_id = cf.portal_id \
         LEFT JOIN file_previews p ON p.file_id = f.id AND p.portal_id = f.portal_id \
         WHERE cf.portal_id = ",
    );
    qb.push_bind(portal).push(" AND cf.message_id IN ");
    push_ids(&mut qb, ids);
    qb.push(" ORDER BY cf.message_id, f.id");
    let rows: Vec<FileRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut out: HashMap<MessageId, Vec<Attachment>> = HashMap::new();
    for row in rows {
        out.entry(row.message_id).or_default().push(Attachment {
            file_id: row.file_id,
            name: row.file_name,
            size: row.size_bytes,
            content_type: row.content_type,
            thumb_url: row.thumb_file_id.map(crate::files::types::url),
            width: row.width.map(|w| w as u32),
            height: row.height.map(|h| h as u32),
        });
    }
    Ok(out)
}
