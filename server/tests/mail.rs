//! Outgoing mail through the outbox and a real SMTP server (aiosmtpd, started by this test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use app::ssr::config::SmtpConfig;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_mail_is_sent_once_over_smtp() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut smtp_server = tokio::process::Command::new("python3")
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
    let server =
        common::TestServer::start_with(common::Backend::Sqlite, |c| c.smtp = Some(smtp.clone()))
            .await;
    tokio::spawn(app::ssr::mailer::run_worker(
        server.state.db.pool.clone(),
        smtp,
    ));
    let admin = server.sign_up("acme", "ann@acme.test").await;
    let sent = admin
        .ok(
            "invite",
            &[("email", "eve@acme.test"), ("role", "employee")],
        )
        .await;
    // With a mail server configured, the link goes by mail, not on screen.
    assert!(sent["link"].is_null());

    let mut lines = BufReader::new(smtp_server.stdout.take().unwrap()).lines();
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
}
