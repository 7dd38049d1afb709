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
    let node_b =
        common::TestServer::start_at(common::Backend::MySql, &url, common::temp_dir(), with_redis)
            .await;
    (node_a, node_b)
}
