//! Outgoing mail through the outbox and a real SMTP server (aiosmtpd, started by this test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use app::ssr::config::SmtpConfig;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_mail_is_sent_once_over_smtp() {
    let (mut smtp_server, smtp) = smtp_server().await;
    let server =
        common::TestServer::start_with(common::Backend::Sqlite, |c| c.smtp = Some(smtp.clone()))
            .await;
    // No mailer is spawned here: with SMTP configured, the node's own start-up runs it.
    let admin = server.sign_up("acme", "ann@acme.test").await;
    let sent = admin
        .ok(
            "invite",
            &[("email", "eve@acme.test"), ("role", "employee")],
        )
        .await;
    // With a mail server configured, the link goes by mail, not on screen.
    assert!(sent["link"].is_null());

    let message = next_message(&mut smtp_server).await;
    assert!(message.contains("eve@acme.test"), "{message}");
    assert!(
        message.contains("Ada Admin invites you to acme Ltd"),
        "{message}"
    );
    assert!(message.contains("/invite/"), "{message}");
    // Marked sent, exactly once.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        server
            .scalar("SELECT COUNT(*) FROM outbox_emails WHERE sent_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        server
            .scalar("SELECT MAX(attempts) FROM outbox_emails")
            .await,
        1
    );
    // The invitation's token was mailed, and is no longer kept in the outbox.
    let token: String = message
        .split("/invite/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 8, "{message}");
    let kept = server.last_mail_to("eve@acme.test").await;
    assert!(!kept.contains(&token), "{kept}");
    assert!(kept.contains("/invite/[removed after sending]"), "{kept}");
}

/// A real SMTP server (Python's aiosmtpd, printing what it receives), and the settings to
/// reach it.
async fn smtp_server() -> (tokio::process::Child, SmtpConfig) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let smtp_server = tokio::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 -m aiosmtpd (pip install aiosmtpd; scripts/setup.sh does)");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let smtp = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        security: "none".into(),
        from: "Agora <agora@agora.test>".into(),
    };
    (smtp_server, smtp)
}

/// The next message the SMTP server received, as it printed it.
async fn next_message(smtp_server: &mut tokio::process::Child) -> String {
    let mut lines = BufReader::new(smtp_server.stdout.as_mut().unwrap()).lines();
    let mut message = String::new();
    let received = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            message.push_str(&line);
            message.push('\n');
            if line.contains("END MESSAGE") {
                break;
            }
        }
    })
    .await;
    assert!(received.is_ok(), "no mail arrived; got so far: {message}");
    message
}

/// Someone offline with unread chat messages gets one e-mail about them, over SMTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_digest_reaches_the_absent_over_smtp() {
    let (mut smtp_server, smtp) = smtp_server().await;
    let quiet = std::time::Duration::from_millis(500);
    let server = common::TestServer::start_with(common::Backend::Sqlite, |c| {
        c.chat_email_after = quiet;
        // The digest's pass is run by hand here.
        c.workers_off = vec!["chat-digest".into()];
    })
    .await;
    let ann = server.sign_up("acme", "ann@acme.test").await;
    let link = common::invite(&ann, "eve@acme.test", "employee").await;
    let eve = common::accept(&server, &link, "Eve").await;
    let chat = ann
        .ok_json(
            "open_direct_chat",
            serde_json::json!({ "with": eve.me_id().await }),
        )
        .await;
    for (n, text) in ["Are you there?", "The *contract* is signed"]
        .iter()
        .enumerate()
    {
        ann.ok_json(
            "send_message",
            serde_json::json!({ "chat": chat, "form": { "text": text, "client_key": format!("m{n}") } }),
        )
        .await;
    }
    // The invitation's mail is not this test's: only the digest goes out.
    server.sql("UPDATE outbox_emails SET sent_at = 1").await;
    tokio::spawn(app::ssr::mailer::run_worker(
        server.state.db.writer.clone(),
        smtp,
    ));
    tokio::time::sleep(quiet).await;
    let queued = app::chat::ssr::digest::send_due(&server.state, app::ssr::now_ms())
        .await
        .unwrap();
    assert_eq!(queued, 1);
    let message = next_message(&mut smtp_server).await;
    assert!(message.contains("eve@acme.test"), "{message}");
    assert!(
        message.contains("Subject: 2 unread messages in acme Ltd"),
        "{message}"
    );
    assert!(
        message.contains("Ada Admin: The contract is signed"),
        "{message}"
    );
    assert!(message.contains("/chat"), "{message}");
}
