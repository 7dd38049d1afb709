//! The realtime channel: authenticated sockets, live bell, fan-out across nodes through Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

both_backends!(
    bell_goes_up_live_when_an_invitation_is_accepted,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let mut socket = common::websocket(&admin).await.expect("admin connects");
        // Another portal's admin connected at the same time hears nothing of it.
        let other = server.sign_up("beta", "bob@beta.test").await;
        let mut other_socket = common::websocket(&other).await.expect("other connects");
        let link = common::invite(&admin, "eve@acme.test", "employee").await;
        common::accept(&server, &link, "Eve").await;
        let event = common::next_event_of(&mut socket, "notification", 5).await;
        assert_eq!(event["type"], "notification", "{event}");
        assert_eq!(event["domain"], "notifications", "{event}");
        assert_eq!(event["unread"], 1);
        assert!(event["title"].as_str().unwrap().contains("Eve accepted"));
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(500), async {
            use futures::StreamExt;
            other_socket.next().await
        })
        .await;
        assert!(
            quiet.is_err(),
            "another portal received an event: {quiet:?}"
        );
    }
);

both_backends!(
    sockets_require_a_session_of_the_portal,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let beta = server.sign_up("beta", "bob@beta.test").await;
        assert!(
            common::websocket(&server.client("localhost"))
                .await
                .is_err(),
            "anonymous socket accepted"
        );
        // Beta's session cookie replayed on acme's host is refused.
        let forged = server.client_with_cookie(&admin.host(), &beta.session_token());
        assert!(
            common::websocket(&forged).await.is_err(),
            "foreign session accepted"
        );
        let open = server.scalar("SELECT COUNT(*) FROM sessions").await;
        assert!(open >= 2);
    }
);

fn ping_every_second(config: &mut app::ssr::config::Config) {
    config.ws_ping = std::time::Duration::from_secs(1);
}

both_backends!(
    sockets_close_when_their_session_ends,
    ping_every_second,
    |server: common::TestServer| async move {
        use std::time::Duration;
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let link = common::invite(&admin, "eve@acme.test", "employee").await;
        let eve = common::accept(&server, &link, "Eve").await;
        // Ann on a second device.
        let laptop = server.client("localhost");
        laptop
            .ok(
                "login",
                &[("email", "ann@acme.test"), ("password", "correct-horse-1")],
            )
            .await;
        let mut phone_socket = common::websocket(&admin).await.unwrap();
        let mut laptop_socket = common::websocket(&laptop).await.unwrap();
        let mut eve_socket = common::websocket(&eve).await.unwrap();
        for socket in [&mut phone_socket, &mut laptop_socket, &mut eve_socket] {
            common::drain(socket, 300).await;
        }

        // Signing out closes that session's socket at once (well before a ping), and only it.
        admin.ok("logout", &[]).await;
        common::assert_closed_for_ended_session(&mut phone_socket, Duration::from_millis(500))
            .await;
        let post = serde_json::json!({
            "kind": "post",
            "body": "Still here?",
            "recipients": { "everyone": true, "departments": [], "people": [] },
        });
        eve.ok_json("create_post", post).await;
        common::next_event_of(&mut laptop_socket, "feed_posted", 5).await;
        common::next_event_of(&mut eve_socket, "feed_posted", 5).await;

        // A password reset ends every session of the account, live.
        let visitor = server.client("localhost");
        visitor
            .ok("request_password_reset", &[("email", "ann@acme.test")])
            .await;
        let mail = server.last_mail_to("ann@acme.test").await;
        let token = mail
            .split_whitespace()
            .find(|w| w.contains("/reset/"))
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        common::drain(&mut laptop_socket, 200).await;
        visitor
            .ok(
                "reset_password",
                &[("token", &token), ("password", "brand-new-pass-9")],
            )
            .await;
        common::assert_closed_for_ended_session(&mut laptop_socket, Duration::from_millis(500))
            .await;

        // A deactivated user's socket closes within one ping interval.
        server
            .sql(&format!(
                "UPDATE users SET is_active = 0 WHERE email = 'eve@acme.test' AND id = {}",
                eve.me_id().await
            ))
            .await;
        common::assert_closed_for_ended_session(&mut eve_socket, Duration::from_millis(2500)).await;

        // So does one whose session expired.
        let mut fresh = common::websocket(&visitor).await.unwrap();
        common::drain(&mut fresh, 200).await;
        server
            .sql(&format!(
                "UPDATE sessions SET expires_at = {} WHERE user_id = {}",
                app::ssr::now_ms() - 1,
                visitor.me_id().await
            ))
            .await;
        common::assert_closed_for_ended_session(&mut fresh, Duration::from_millis(2500)).await;
        // And the ended sessions cannot open a new socket.
        assert!(common::websocket(&admin).await.is_err());
        assert!(common::websocket(&eve).await.is_err());
    }
);

/// Signing out on node A closes the session's socket on node B at once, through Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_on_node_a_closes_the_socket_on_node_b() {
    let (node_a, node_b) = two_nodes().await;
    let admin_on_a = node_a.sign_up("acme", "ann@acme.test").await;
    let admin_on_b = node_b.client_with_cookie(&admin_on_a.host(), &admin_on_a.session_token());
    let mut socket_on_b = common::websocket(&admin_on_b).await.unwrap();
    common::drain(&mut socket_on_b, 300).await;
    admin_on_a.ok("logout", &[]).await;
    common::assert_closed_for_ended_session(
        &mut socket_on_b,
        std::time::Duration::from_millis(1000),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_on_node_a_reaches_a_user_on_node_b_through_redis() {
    let (node_a, node_b) = two_nodes().await;
    let admin_on_a = node_a.sign_up("acme", "ann@acme.test").await;
    // The same browser session works on either node: nodes keep no session state.
    let admin_on_b = node_b.client_with_cookie(&admin_on_a.host(), &admin_on_a.session_token());
    assert_eq!(
        admin_on_b.ok("session", &[]).await["me"]["email"],
        "ann@acme.test"
    );
    let mut socket_on_b = common::websocket(&admin_on_b)
        .await
        .expect("connects to node B");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let link = common::invite(&admin_on_a, "eve@acme.test", "employee").await;
    common::accept(&node_a, &link, "Eve").await;
    let event = common::next_event_of(&mut socket_on_b, "notification", 5).await;
    assert_eq!(event["type"], "notification", "{event}");
    assert_eq!(event["unread"], 1);
}

/// Two `agora` nodes sharing MariaDB and Redis: a post made through node A reaches a reader
/// connected to node B, live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_on_node_a_appears_live_on_node_b() {
    let (node_a, node_b) = two_nodes().await;
    let admin = node_a.sign_up("acme", "ann@acme.test").await;
    let eve = common::accept(
        &node_a,
        &common::invite(&admin, "eve@acme.test", "employee").await,
        "Eve",
    )
    .await;
    let eve_on_b = node_b.client_with_cookie(&eve.host(), &eve.session_token());
    let mut socket_on_b = common::websocket(&eve_on_b)
        .await
        .expect("connects to node B");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let post = admin
        .ok_json(
            "create_post",
            serde_json::json!({
                "kind": "post",
                "body": "Hello from node A",
                "recipients": { "everyone": true, "departments": [], "people": [] }
            }),
        )
        .await;
    let event = common::next_event_of(&mut socket_on_b, "feed_posted", 5).await;
    assert_eq!(event["post_id"], post);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // Node B serves the post itself to Eve.
    let seen = eve_on_b
        .ok_json("feed_post", serde_json::json!({ "id": post }))
        .await;
    assert_eq!(seen["author"]["name"], "Ada Admin");
}

/// A chat message sent through node A reaches its recipient on node B live, with presence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_message_on_node_a_reaches_node_b() {
    let (node_a, node_b) = two_nodes().await;
    let admin = node_a.sign_up("acme", "ann@acme.test").await;
    let eve = common::accept(
        &node_a,
        &common::invite(&admin, "eve@acme.test", "employee").await,
        "Eve",
    )
    .await;
    let eve_id = eve.me_id().await;
    let chat = admin
        .ok_json("open_direct_chat", serde_json::json!({ "with": eve_id }))
        .await;
    let mut admin_socket = common::websocket(&admin).await.expect("connects to node A");
    let eve_on_b = node_b.client_with_cookie(&eve.host(), &eve.session_token());
    let mut socket_on_b = common::websocket(&eve_on_b)
        .await
        .expect("connects to node B");
    // Eve came online on node B: Ann on node A hears it.
    loop {
        let event = common::next_event_of(&mut admin_socket, "presence", 5).await;
        if event["user_id"] == eve_id {
            assert_eq!(event["presence"]["status"], "online");
            break;
        }
    }
    let sent = admin
        .ok_json(
            "send_message",
            serde_json::json!({ "chat": chat, "form": { "text": "Across nodes", "client_key": "x-1" } }),
        )
        .await;
    let event = common::next_event_of(&mut socket_on_b, "chat_message", 5).await;
    assert_eq!(event["message"]["id"], sent["id"]);
    assert_eq!(event["message"]["text"], "Across nodes");
}

/// Two servers of one deployment: the same fresh MariaDB database and the same Redis.
async fn two_nodes() -> (common::TestServer, common::TestServer) {
    let redis =
        std::env::var("AGORA_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let url = common::fresh_mysql_url();
    // Tests share one Redis: each deployment under test gets its own channels.
    let prefix = format!("agora-test-{}", url.rsplit('/').next().unwrap());
    let with_redis = |c: &mut app::ssr::config::Config| {
        c.redis_url = Some(redis.clone());
        c.redis_channel_prefix = prefix.clone();
    };
    let node_a =
        common::TestServer::start_at(common::Backend::MySql, &url, common::temp_dir(), with_redis)
            .await;
    let mut node_b =
        common::TestServer::start_at(common::Backend::MySql, &url, common::temp_dir(), with_redis)
            .await;
    // The tuple drops node_a first: node_b, stopping last, drops the database.
    node_b.drop_database_afterwards(&url);
    (node_a, node_b)
}

both_backends!(
    a_socket_that_floods_messages_is_closed,
    |server: common::TestServer| async move {
        use futures::SinkExt;
        use tokio_tungstenite::tungstenite::Message;
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let mut socket = common::websocket(&admin).await.unwrap();
        // A tab's ordinary chatter passes.
        for away in [true, false, true, false] {
            let toggle = serde_json::json!({ "domain": "chat", "type": "presence", "away": away })
                .to_string();
            socket.send(Message::Text(toggle.into())).await.unwrap();
        }
        common::drain(&mut socket, 300).await;
        // A flood of presence toggles closes the socket with "policy violation".
        for i in 0..400 {
            let toggle =
                serde_json::json!({ "domain": "chat", "type": "presence", "away": i % 2 == 0 })
                    .to_string();
            if socket.send(Message::Text(toggle.into())).await.is_err() {
                break;
            }
        }
        let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            use futures::StreamExt;
            while let Some(Ok(frame)) = socket.next().await {
                if let Message::Close(Some(close)) = frame {
                    return Some(u16::from(close.code));
                }
            }
            None
        })
        .await
        .unwrap();
        assert_eq!(closed, Some(1008));
    }
);
