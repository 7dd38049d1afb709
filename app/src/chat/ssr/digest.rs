//! E-mail for the absent: someone offline for `chat_email_after` with unread messages gets one
//! e-mail summarising them — per chat, how many and the latest lines — through the outbox.
//! Each message is told about at most once (`chat_members.mailed_seq`); reading a chat also
//! moves it, so what was read in the browser is never mailed.

use crate::error::AppResult;
use crate::ids::{ChatId, PortalId, UserId};
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use std::time::Duration;

/// How often the worker looks.
const TICK: Duration = Duration::from_secs(30);
/// Only chats active this recently are looked at (keeps each pass small).
const LOOK_BACK_MS: i64 = 7 * 24 * 3600 * 1000;
/// People mailed per pass.
const BATCH: i64 = 200;
/// Chats named in one e-mail, and lines quoted per chat.
const MAX_CHATS: usize = 10;
const MAX_LINES: i64 = 3;

/// The chat's first message neither read nor mailed was written before `?` (quiet_since):
/// messages arriving in a burst go out together, and a chat is mailed at most once per period.
const FIRST_PENDING_IS_OLD: &str = "EXISTS (SELECT 1 FROM chat_messages x WHERE x.chat_id = c.id \
     AND x.seq = 1 + CASE WHEN m.last_read_seq > m.mailed_seq THEN m.last_read_seq ELSE m.mailed_seq END \
     AND x.created_at <= ?)";

/// Sends digests until the process stops (every node may run it: each one is claimed).
pub async fn run(state: AppState) {
    loop {
        tokio::time::sleep(TICK).await;
        if let Err(e) = send_due(&state, now_ms()).await {
            tracing::warn!(error = ?e, "chat e-mail pass failed");
        }
    }
}

#[derive(sqlx::FromRow)]
struct Pending {
    chat_id: ChatId,
    kind: String,
    title: String,
    direct_key: Option<String>,
    group_name: Option<String>,
    task_title: Option<String>,
    last_seq: i64,
    last_read_seq: i64,
    mailed_seq: i64,
}

/// Queues the digests due at `now`; answers how many were queued.
#[tracing::instrument(skip_all)]
pub async fn send_due(state: &AppState, now: i64) -> AppResult<usize> {
    let quiet_since = now - state.config.chat_email_after.as_millis() as i64;
    // People with messages not read nor mailed, offline since before `quiet_since`.
    let people: Vec<(PortalId, UserId)> = sqlx::query_as(&format!(
        "SELECT DISTINCT m.portal_id, m.user_id FROM chats c \
         JOIN chat_members m ON m.chat_id = c.id \
         LEFT JOIN user_presence p ON p.portal_id = m.portal_id AND p.user_id = m.user_id \
         WHERE c.activity_at > ? AND c.last_seq > m.last_read_seq AND c.last_seq > m.mailed_seq \
           AND (p.user_id IS NULL OR ((p.connections = 0 OR p.online_until < ?) AND p.last_seen_at <= ?)) \
           AND {FIRST_PENDING_IS_OLD} LIMIT ?",
    ))
    .bind(now - LOOK_BACK_MS)
    .bind(now)
    .bind(quiet_since)
    .bind(quiet_since)
    .bind(BATCH)
    .fetch_all(&state.db.reader)
    .await?;
    let mut sent = 0;
    for (portal, user) in people {
        if mail_one(state, portal, user, now, quiet_since).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn mail_one(
    state: &AppState,
    portal: PortalId,
    user: UserId,
    now: i64,
    quiet_since: i64,
) -> AppResult<bool> {
    let mut tx = state.db.begin().await?;
    let person: Option<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT u.name, u.email, p.slug, p.is_default, p.name FROM users u \
         JOIN portals p ON p.id = u.portal_id WHERE u.id = ? AND u.portal_id = ? AND u.is_active = 1",
    )
    .bind(user)
    .bind(portal)
    .fetch_optional(&mut *tx)
    .await?;
    let pending: Vec<Pending> = sqlx::query_as(&format!(
        "SELECT c.id AS chat_id, c.kind, c.title, c.direct_key, g.name AS group_name, \
         t.title AS task_title, c.last_seq, m.last_read_seq, m.mailed_seq \
         FROM chat_members m JOIN chats c ON c.id = m.chat_id \
         LEFT JOIN workgroups g ON g.id = c.group_id LEFT JOIN tasks t ON t.id = c.task_id \
         WHERE m.portal_id = ? AND m.user_id = ? AND c.activity_at > ? \
           AND c.last_seq > m.last_read_seq AND c.last_seq > m.mailed_seq AND {FIRST_PENDING_IS_OLD} \
         ORDER BY c.activity_at DESC",
    ))
    .bind(portal)
    .bind(user)
    .bind(now - LOOK_BACK_MS)
    .bind(quiet_since)
    .fetch_all(&mut *tx)
    .await?;
    // Claim: a second node finds `mailed_seq` moved and backs off.
    for chat in &pending {
        let claimed = sqlx::query(
            "UPDATE chat_members SET mailed_seq = ? WHERE chat_id = ? AND user_id = ? AND mailed_seq = ?",
        )
        .bind(chat.last_seq)
        .bind(chat.chat_id)
        .bind(user)
        .bind(chat.mailed_seq)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            return Ok(false);
        }
    }
    let Some((name, email, slug, is_default, portal_name)) = person else {
        // Deactivated: nothing to tell, but the claim stands.
        tx.commit().await?;
        return Ok(false);
    };
    if pending.is_empty() {
        return Ok(false);
    }
    let mut total = 0;
    let mut sections = Vec::new();
    for chat in pending.iter().take(MAX_CHATS) {
        let from = chat.last_read_seq.max(chat.mailed_seq);
        let count = chat.last_seq - from;
        total += count;
        let lines: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT u.name, m.body, m.kind FROM chat_messages m JOIN users u ON u.id = m.sender_id \
             WHERE m.chat_id = ? AND m.seq > ? AND m.deleted_at IS NULL AND m.sender_id <> ? \
             ORDER BY m.seq DESC LIMIT ?",
        )
        .bind(chat.chat_id)
        .bind(from)
        .bind(user)
        .bind(MAX_LINES)
        .fetch_all(&mut *tx)
        .await?;
        let title = chat_title(&mut tx, chat, user).await?;
        let mut section = format!(
            "{title} — {count} new message{}\n",
            if count == 1 { "" } else { "s" }
        );
        for (sender, body, kind) in lines.iter().rev() {
            let line = if kind == "system" {
                body.clone()
            } else {
                let text = crate::rich::plain_text(&crate::rich::parse(body), 200);
                format!("{sender}: {text}")
            };
            section.push_str(&format!("  {line}\n"));
        }
        sections.push(section);
    }
    total += pending
        .iter()
        .skip(MAX_CHATS)
        .map(|c| c.last_seq - c.last_read_seq.max(c.mailed_seq))
        .sum::<i64>();
    let url = format!("{}/chat", state.config.portal_url(&slug, is_default != 0));
    let more = pending.len().saturating_sub(MAX_CHATS);
    let subject = format!(
        "{total} unread message{} in {portal_name}",
        if total == 1 { "" } else { "s" }
    );
    let mut body = format!(
        "Hello {name},\n\nWhile you were away:\n\n{}",
        sections.join("\n")
    );
    if more > 0 {
        body.push_str(&format!("\n…and {more} more chats.\n"));
    }
    body.push_str(&format!(
        "\nRead and answer them in Agora: {url}\n\nYou get one e-mail like this when you have been offline for a while.\n"
    ));
    crate::ssr::mailer::enqueue(&mut *tx, portal, &email, &subject, &body).await?;
    tx.commit().await?;
    Ok(true)
}

async fn chat_title(
    conn: &mut sqlx::AnyConnection,
    chat: &Pending,
    me: UserId,
) -> AppResult<String> {
    Ok(match chat.kind.as_str() {
        "direct" => {
            let peer = super::access::direct_peer(chat.direct_key.as_deref(), me);
            let name: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
                .bind(peer.map(|p| p.0).unwrap_or_default())
                .fetch_optional(&mut *conn)
                .await?;
            name.unwrap_or_else(|| "A colleague".into())
        }
        "workgroup" => chat.group_name.clone().unwrap_or_default(),
        "task" => format!("Task: {}", chat.task_title.clone().unwrap_or_default()),
        _ => chat.title.clone(),
    })
}
