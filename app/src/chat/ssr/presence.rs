//! Presence: online while a tab has its realtime socket open, away when every open tab says
//! its person is idle or looking elsewhere, offline otherwise — with the time last seen.
//!
//! Sockets are counted in `user_presence` across all nodes. Each node refreshes
//! `online_until` for its sockets every 30 s; if a node dies, its count goes stale and
//! `online_until` passing makes its people offline.

use crate::chat::types::ChatEvent;
use crate::chat::types::{Presence, PresenceStatus};
use crate::error::AppResult;
use crate::ids::{PortalId, UserId};
use crate::ssr::db::Db;
use crate::ssr::hub::Audience;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;
use std::time::Duration;

/// How often a node says its sockets are still open.
const REFRESH: Duration = Duration::from_secs(30);
/// How long a refresh counts: three missed refreshes make a person offline.
const LEASE_MS: i64 = 90_000;

#[derive(sqlx::FromRow)]
struct Row {
    user_id: UserId,
    connections: i64,
    away: i64,
    online_until: i64,
    last_seen_at: i64,
}

impl Row {
    fn presence(&self, now: i64) -> Presence {
        let status = if self.connections > 0 && self.online_until > now {
            if self.away != 0 {
                PresenceStatus::Away
            } else {
                PresenceStatus::Online
            }
        } else {
            PresenceStatus::Offline
        };
        Presence {
            status,
            last_seen_at: self.last_seen_at,
        }
    }
}

/// The presence of people, by id (offline, never seen, when unknown).
pub async fn lookup(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[UserId],
) -> AppResult<HashMap<UserId, Presence>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT user_id, connections, away, online_until, last_seen_at FROM user_presence WHERE portal_id = ",
    );
    qb.push_bind(portal).push(" AND user_id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let now = now_ms();
    Ok(rows.iter().map(|r| (r.user_id, r.presence(now))).collect())
}

async fn current(
    conn: &mut AnyConnection,
    portal: PortalId,
    user: UserId,
) -> AppResult<Option<Row>> {
    Ok(sqlx::query_as(
        "SELECT user_id, connections, away, online_until, last_seen_at FROM user_presence \
         WHERE portal_id = ? AND user_id = ?",
    )
    .bind(portal)
    .bind(user)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A socket opened.
pub async fn connected(state: &AppState, portal: PortalId, user: UserId) -> AppResult<()> {
    let now = now_ms();
    let mut conn = state.db.write().await?;
    let before = current(&mut conn, portal, user)
        .await?
        .map(|r| r.presence(now))
        .unwrap_or(Presence::OFFLINE);
    // A count whose lease ran out is left over from a dead node: start again from one.
    let updated = sqlx::query(
        "UPDATE user_presence SET connections = CASE WHEN online_until < ? THEN 1 ELSE connections + 1 END, \
         away = CASE WHEN online_until < ? THEN 0 ELSE away END, online_until = ?, last_seen_at = ? \
         WHERE portal_id = ? AND user_id = ?",
    )
    .bind(now)
    .bind(now)
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(portal)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        let inserted = sqlx::query(
            "INSERT INTO user_presence (portal_id, user_id, connections, away, online_until, last_seen_at) \
             VALUES (?, ?, 1, 0, ?, ?)",
        )
        .bind(portal)
        .bind(user)
        .bind(now + LEASE_MS)
        .bind(now)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => {}
            // Another tab's socket made the row a moment ago.
            Err(e) if Db::is_unique_violation(&e) => {
                sqlx::query(
                    "UPDATE user_presence SET connections = connections + 1, online_until = ?, last_seen_at = ? \
                     WHERE portal_id = ? AND user_id = ?",
                )
                .bind(now + LEASE_MS)
                .bind(now)
                .bind(portal)
                .bind(user)
                .execute(&mut *conn)
                .await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if before.status == PresenceStatus::Offline {
        let after = current(&mut conn, portal, user).await?;
        // The writer connection goes back before the event goes out.
        drop(conn);
        if let Some(row) = after {
            announce(state, portal, user, row.presence(now)).await;
        }
    }
    Ok(())
}

/// A socket closed.
pub async fn disconnected(state: &AppState, portal: PortalId, user: UserId) -> AppResult<()> {
    let now = now_ms();
    let mut conn = state.db.write().await?;
    sqlx::query(
        "UPDATE user_presence SET connections = CASE WHEN connections > 0 THEN connections - 1 ELSE 0 END, \
         last_seen_at = ? WHERE portal_id = ? AND user_id = ?",
    )
    .bind(now)
    .bind(portal)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    let after = current(&mut conn, portal, user).await?;
    drop(conn);
    if let Some(row) = after
        && row.connections == 0
    {
        announce(state, portal, user, row.presence(now)).await;
    }
    Ok(())
}

/// A tab says its person is idle or back.
pub async fn set_away(
    state: &AppState,
    portal: PortalId,
    user: UserId,
    away: bool,
) -> AppResult<()> {
    let now = now_ms();
    let mut conn = state.db.write().await?;
    let changed = sqlx::query(
        "UPDATE user_presence SET away = ?, last_seen_at = ? WHERE portal_id = ? AND user_id = ? AND away <> ?",
    )
    .bind(away as i64)
    .bind(now)
    .bind(portal)
    .bind(user)
    .bind(away as i64)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Ok(());
    }
    let after = current(&mut conn, portal, user).await?;
    drop(conn);
    if let Some(row) = after {
        announce(state, portal, user, row.presence(now)).await;
    }
    Ok(())
}

/// Tells the people who share a chat with `user` (presence shows only in chats): everyone in
/// the portal would make each sign-in cost as many events as the portal has people online.
async fn announce(state: &AppState, portal: PortalId, user: UserId, presence: Presence) {
    let contacts: Result<Vec<UserId>, sqlx::Error> = sqlx::query_scalar(
        "SELECT DISTINCT o.user_id FROM chat_members m \
         JOIN chat_members o ON o.chat_id = m.chat_id \
         WHERE m.portal_id = ? AND m.user_id = ? AND o.user_id <> ?",
    )
    .bind(portal)
    .bind(user)
    .bind(user)
    .fetch_all(&state.db.reader)
    .await;
    let contacts = match contacts {
        Ok(c) if c.is_empty() => return,
        Ok(c) => c,
        Err(e) => return tracing::warn!(error = %e, "presence audience unknown"),
    };
    state
        .hub
        .publish(
            portal,
            Audience::Users(contacts),
            ChatEvent::Presence {
                user_id: user,
                presence,
            },
        )
        .await;
}

/// Renews the lease of every socket open on this node, every 30 s, until the process stops;
/// and takes people whose node died out of calls.
pub async fn keep_alive(state: AppState) {
    loop {
        tokio::time::sleep(REFRESH).await;
        if let Err(e) = super::calls::sweep(&state).await {
            tracing::warn!(error = ?e, "calls not swept");
        }
        let now = now_ms();
        for (portal, users) in state.hub.connected_users() {
            for chunk in users.chunks(500) {
                let mut qb = QueryBuilder::<Any>::new("UPDATE user_presence SET online_until = ");
                qb.push_bind(now + LEASE_MS)
                    .push(", last_seen_at = ")
                    .push_bind(now)
                    .push(" WHERE portal_id = ")
                    .push_bind(portal)
                    .push(" AND user_id IN (");
                let mut list = qb.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                qb.push(")");
                if let Err(e) = qb.build().execute(&state.db.writer).await {
                    tracing::warn!(error = %e, "presence refresh failed");
                }
            }
        }
    }
}
