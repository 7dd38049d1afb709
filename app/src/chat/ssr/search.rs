//! Search in all of a person's chats: SQLite FTS5 (`chat_search`, kept in step here) or the
//! MySQL/MariaDB FULLTEXT index on `chat_messages.body` (kept by the database).

use super::messages::{self, MESSAGE_SELECT, MessageRow};
use crate::chat::types::SearchHit;
use crate::error::AppResult;
use crate::ids::{ChatId, MessageId, PortalId};
use crate::search_terms::words;
use crate::ssr::caller::Caller;
use crate::ssr::db::Backend;
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;

/// Results one search answers with, newest first.
const MAX_HITS: i64 = 40;

/// Indexes a changed message's text (empty text takes it out). On MySQL the index keeps
/// itself.
pub async fn index(
    conn: &mut AnyConnection,
    backend: Backend,
    portal: PortalId,
    id: MessageId,
    text: &str,
) -> AppResult<()> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    sqlx::query("DELETE FROM chat_search WHERE rowid = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    add(conn, backend, portal, id, text).await
}

/// Indexes a new message's text.
pub async fn add(
    conn: &mut AnyConnection,
    backend: Backend,
    portal: PortalId,
    id: MessageId,
    text: &str,
) -> AppResult<()> {
    if backend != Backend::Sqlite || text.trim().is_empty() {
        return Ok(());
    }
    sqlx::query("INSERT INTO chat_search (rowid, body, portal) VALUES (?, ?, ?)")
        .bind(id)
        .bind(text)
        .bind(format!("p{portal}"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Messages in the caller's chats containing every word of `query` (as prefixes).
#[tracing::instrument(skip_all)]
pub async fn search(
    conn: &mut AnyConnection,
    backend: Backend,
    caller: &Caller,
    query: &str,
) -> AppResult<Vec<SearchHit>> {
    let words = words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let portal = caller.portal_id();
    let mut qb = QueryBuilder::<Any>::new(MESSAGE_SELECT);
    qb.push(" JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ")
        .push_bind(caller.user_id)
        .push(" WHERE m.portal_id = ")
        .push_bind(portal)
        .push(" AND m.deleted_at IS NULL AND m.kind = 'text' AND ");
    match backend {
        Backend::Sqlite => {
            qb.push("m.id IN (SELECT rowid FROM chat_search WHERE chat_search MATCH ")
                .push_bind(crate::search_terms::fts5_match(
                    "portal",
                    &format!("p{portal}"),
                    &words,
                ))
                .push(")");
        }
        Backend::MySql => {
            qb.push("MATCH(m.body) AGAINST(")
                .push_bind(crate::search_terms::boolean_match(&words))
                .push(" IN BOOLEAN MODE)");
        }
    }
    qb.push(" ORDER BY m.id DESC LIMIT ").push_bind(MAX_HITS);
    let rows: Vec<MessageRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let chats: Vec<ChatId> = rows.iter().map(|r| r.chat_id).collect();
    let titles = super::list::titles(conn, caller, &chats).await?;
    let found = messages::hydrate(conn, portal, rows).await?;
    Ok(found
        .into_iter()
        .map(|message| SearchHit {
            chat_id: message.chat_id,
            chat_title: titles.get(&message.chat_id).cloned().unwrap_or_default(),
            message,
        })
        .collect())
}

/// Titles by chat, for search results.
pub type Titles = HashMap<ChatId, String>;
