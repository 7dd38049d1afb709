//! Outgoing e-mail: written to the `outbox_emails` table in the caller's transaction, sent by a
//! background worker over SMTP (lettre) when SMTP is configured. Several nodes may run the worker;
//! a row is claimed before sending so each message goes out once.

use crate::ids::PortalId;
use crate::ssr::config::SmtpConfig;
use crate::ssr::db::Writer;
use crate::ssr::now_ms;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{Any, Executor};
use std::time::Duration;

/// Queues one message; pass a transaction to make it part of the change that caused it.
pub async fn enqueue<'e, E: Executor<'e, Database = Any>>(
    executor: E,
    portal: PortalId,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox_emails (portal_id, to_addr, subject, body_text, created_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(portal.0)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now_ms())
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: i64,
    to_addr: String,
    subject: String,
    body_text: String,
}

/// Sends queued mail every few seconds until the process stops.
pub async fn run_worker(pool: Writer, smtp: SmtpConfig) {
    let transport = match build_transport(&smtp) {
        Ok(t) => t,
        Err(e) => return tracing::error!(error = %e, "SMTP is misconfigured; mail stays queued"),
    };
    let from: Mailbox = match smtp.from.parse() {
        Ok(f) => f,
        Err(e) => return tracing::error!(error = %e, "SMTP from address is invalid"),
    };
    loop {
        if let Err(e) = send_pending(&pool, &transport, &from).await {
            tracing::warn!(error = %e, "outbox pass failed");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

fn build_transport(
    smtp: &SmtpConfig,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let mut builder = match smtp.security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    }
    .port(smtp.port)
    .timeout(Some(Duration::from_secs(20)));
    if let (Some(user), Some(pass)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
    }
    Ok(builder.build())
}

async fn send_pending(
    pool: &Writer,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let batch: Vec<Pending> = sqlx::query_as(
        "SELECT id, to_addr, subject, body_text FROM outbox_emails \
         WHERE sent_at IS NULL AND claimed_until < ? AND attempts < 10 ORDER BY id LIMIT 20",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    for mail in batch {
        let claimed = sqlx::query(
            "UPDATE outbox_emails SET claimed_until = ?, attempts = attempts + 1 \
             WHERE id = ? AND sent_at IS NULL AND claimed_until < ?",
        )
        .bind(now + 60_000)
        .bind(mail.id)
        .bind(now)
        .execute(pool)
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another node took it
        }
        match deliver(transport, from, &mail).await {
            Ok(()) => {
                // A sent reset or invitation link is nobody's business in the database.
                sqlx::query("UPDATE outbox_emails SET sent_at = ?, body_text = ? WHERE id = ?")
                    .bind(now_ms())
                    .bind(redact_links(&mail.body_text))
                    .bind(mail.id)
                    .execute(pool)
                    .await?;
            }
            Err(e) => {
                tracing::warn!(id = mail.id, error = %e, "sending mail failed; will retry");
                sqlx::query(
                    "UPDATE outbox_emails SET last_error = ?, claimed_until = ? WHERE id = ?",
                )
                .bind(e)
                .bind(now_ms() + 30_000)
                .bind(mail.id)
                .execute(pool)
                .await?;
            }
        }
    }
    Ok(())
}

/// The path markers of one-time links whose token follows.
const SECRET_LINKS: &[&str] = &["/reset/", "/invite/", "token="];

/// The body with the tokens of one-time links cut out (kept after sending, for the record).
pub fn redact_links(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some((at, marker)) = SECRET_LINKS
        .iter()
        .filter_map(|m| rest.find(m).map(|at| (at, *m)))
        .min_by_key(|(at, _)| *at)
    {
        let after = at + marker.len();
        out.push_str(&rest[..after]);
        let token_end = rest[after..]
            .find(|c: char| c.is_whitespace() || c == '&')
            .map_or(rest.len(), |end| after + end);
        if token_end > after {
            out.push_str("[removed after sending]");
        }
        rest = &rest[token_end..];
    }
    out.push_str(rest);
    out
}

async fn deliver(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    mail: &Pending,
) -> Result<(), String> {
    let to: Mailbox = mail
        .to_addr
        .parse()
        .map_err(|e| format!("bad address: {e}"))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .body(mail.body_text.clone())
        .map_err(|e| e.to_string())?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::redact_links;

    #[test]
    fn one_time_tokens_are_cut_out_after_sending() {
        let body = "Hello,\n\nhttps://acme.example/reset/AbC123xyz\n\nor https://acme.example/invite/t0k3n\nBye";
        let redacted = redact_links(body);
        assert!(!redacted.contains("AbC123xyz"), "{redacted}");
        assert!(!redacted.contains("t0k3n"), "{redacted}");
        assert!(redacted.contains("https://acme.example/reset/[removed after sending]"));
        assert!(redacted.ends_with("\nBye"));
        assert_eq!(redact_links("no links here"), "no links here");
        assert_eq!(
            redact_links("https://a.example/reset"),
            "https://a.example/reset"
        );
    }
}
