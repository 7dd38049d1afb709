//! Calls in chats: joining and leaving over the realtime socket, the relay of the WebRTC
//! handshake between the people in a call, the limit of four, and who is refused — on SQLite
//! and MariaDB.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Client, TestServer};
use futures::SinkExt;
use serde_json::{Value, json};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn say(socket: &mut Socket, message: Value) {
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            message.to_string().into(),
        ))
        .await
        .unwrap();
}

async fn join(socket: &mut Socket, chat: i64) {
    say(
        socket,
        json!({ "domain": "chat", "type": "call_join", "chat_id": chat }),
    )
    .await;
}

/// The first `chat_call` event about `chat` whose people are `expected` (none: it ended),
/// skipping the earlier ones still queued.
async fn call_event(socket: &mut Socket, chat: i64, expected: &[i64]) -> Value {
    loop {
        let event = common::next_event_of(socket, "chat_call", 5).await;
        let now: Vec<i64> = if event["call"].is_null() {
            Vec::new()
        } else {
            people(&event)
        };
        if event["chat_id"] == chat && now == expected {
            return event;
        }
    }
}

fn people(event: &Value) -> Vec<i64> {
    event["call"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn colleague(server: &TestServer, admin: &Client, name: &str) -> Client {
    let email = format!("{}@acme.test", name.to_lowercase());
    common::accept(
        server,
        &common::invite(admin, &email, "employee").await,
        name,
    )
    .await
}

/// The body of the chat's last history line.
async fn last_line(client: &Client, chat: i64) -> String {
    let page = client
        .ok_json("chat_history", json!({ "chat": chat, "from": "latest" }))
        .await;
    let messages = page["messages"].as_array().unwrap();
    let last = messages.last().unwrap();
    last["text"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| last.to_string())
}

both_backends!(
    a_call_rings_connects_two_people_relays_their_handshake_and_ends,
    |server: TestServer| async move {
        let ann = server.sign_up("acme", "ann@acme.test").await;
        let eve = colleague(&server, &ann, "Eve").await;
        let bob = colleague(&server, &ann, "Bob").await;
        let (ann_id, eve_id) = (ann.me_id().await, eve.me_id().await);
        let chat = ann
            .ok_json("open_direct_chat", json!({ "with": eve_id }))
            .await
            .as_i64()
            .unwrap();
        let mut ann_ws = common::websocket(&ann).await.unwrap();
        let mut eve_ws = common::websocket(&eve).await.unwrap();
        let mut bob_ws = common::websocket(&bob).await.unwrap();

        // Ann calls: she is in, with nobody to connect to yet; Eve's phone rings.
        join(&mut ann_ws, chat).await;
        let joined = common::next_event_of(&mut ann_ws, "call_joined", 5).await;
        assert_eq!(joined["chat_id"], chat);
        assert_eq!(joined["peers"], json!([]));
        assert_eq!(joined["ice_servers"], json!([]));
        let ringing = call_event(&mut eve_ws, chat, &[ann_id]).await;
        assert_eq!(people(&ringing), vec![ann_id]);
        assert!(
            ringing["ring"]["text"]
                .as_str()
                .unwrap()
                .ends_with("is calling you"),
            "{ringing}"
        );
        assert!(last_line(&eve, chat).await.ends_with("started a call"));
        let view = eve.ok_json("chat", json!({ "id": chat })).await;
        assert_eq!(view["call"]["people"][0]["id"], ann_id);

        // Eve answers: she connects to Ann, who sees her come in (no ring this time).
        join(&mut eve_ws, chat).await;
        let joined = common::next_event_of(&mut eve_ws, "call_joined", 5).await;
        assert_eq!(joined["peers"], json!([ann_id]));
        let both = call_event(&mut ann_ws, chat, &[ann_id, eve_id]).await;
        assert!(both["ring"].is_null());

        // The handshake goes to the one person it is for, from whom it says.
        let offer = json!({ "kind": "offer", "sdp": "v=0 offer from eve" });
        say(
            &mut eve_ws,
            json!({ "domain": "chat", "type": "call_signal", "chat_id": chat, "to": ann_id, "signal": offer }),
        )
        .await;
        let got = common::next_event_of(&mut ann_ws, "call_signal", 5).await;
        assert_eq!(got["from"], eve_id);
        assert_eq!(got["signal"], offer);
        let candidate = json!({ "kind": "candidate", "candidate": "candidate:1 1 udp 2122 10.0.0.2 50000 typ host", "sdp_mid": "0", "sdp_m_line_index": 0 });
        say(
            &mut ann_ws,
            json!({ "domain": "chat", "type": "call_signal", "chat_id": chat, "to": eve_id, "signal": candidate }),
        )
        .await;
        let got = common::next_event_of(&mut eve_ws, "call_signal", 5).await;
        assert_eq!(
            (got["from"].clone(), got["signal"].clone()),
            (json!(ann_id), candidate)
        );

        // Bob is not in the chat: he can neither join nor signal, and hears nothing of it.
        join(&mut bob_ws, chat).await;
        let refused = common::next_event_of(&mut bob_ws, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "NotFound");
        say(
            &mut bob_ws,
            json!({ "domain": "chat", "type": "call_signal", "chat_id": chat, "to": ann_id, "signal": offer }),
        )
        .await;
        let refused = common::next_event_of(&mut bob_ws, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "NotFound");
        common::assert_no_event(&mut ann_ws, "call_signal").await;
        // Nor can Eve reach him through the call.
        say(
            &mut eve_ws,
            json!({ "domain": "chat", "type": "call_signal", "chat_id": chat, "to": bob.me_id().await, "signal": offer }),
        )
        .await;
        let refused = common::next_event_of(&mut eve_ws, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "NotFound");
        common::assert_no_event(&mut bob_ws, "call_signal").await;
        // Nor can anyone of another portal, with the same chat id.
        let other = server.sign_up("globex", "gus@globex.test").await;
        let mut other_ws = common::websocket(&other).await.unwrap();
        join(&mut other_ws, chat).await;
        let refused = common::next_event_of(&mut other_ws, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "NotFound");
        // A handshake too long for any real offer is refused.
        say(
            &mut eve_ws,
            json!({ "domain": "chat", "type": "call_signal", "chat_id": chat, "to": ann_id, "signal": { "kind": "answer", "sdp": "x".repeat(12_001) } }),
        )
        .await;
        let refused = common::next_event_of(&mut eve_ws, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "Invalid");

        // Eve's socket drops: she is out of the call.
        drop(eve_ws);
        call_event(&mut ann_ws, chat, &[ann_id]).await;
        // Ann hangs up: the call ends, and the history says for how long.
        say(
            &mut ann_ws,
            json!({ "domain": "chat", "type": "call_leave", "chat_id": chat }),
        )
        .await;
        let ended = call_event(&mut ann_ws, chat, &[]).await;
        assert!(ended["call"].is_null(), "{ended}");
        assert!(last_line(&ann, chat).await.starts_with("Call ended · "));
        let view = ann.ok_json("chat", json!({ "id": chat })).await;
        assert!(view["call"].is_null());
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM chat_calls WHERE ended_at IS NOT NULL AND open_chat_id IS NULL")
                .await,
            1
        );
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM chat_call_people").await,
            0
        );
    }
);

both_backends!(
    four_people_at_most_one_tab_each_and_a_dead_node_is_swept,
    |server: TestServer| async move {
        let ann = server.sign_up("acme", "ann@acme.test").await;
        let mut others = Vec::new();
        for name in ["Eve", "Bob", "Cat", "Dan"] {
            others.push(colleague(&server, &ann, name).await);
        }
        let mut ids = Vec::new();
        for other in &others {
            ids.push(other.me_id().await);
        }
        let chat = ann
            .ok_json(
                "create_chat",
                json!({ "new": { "title": "Design", "members": ids } }),
            )
            .await
            .as_i64()
            .unwrap();
        let ann_id = ann.me_id().await;
        let mut ann_ws = common::websocket(&ann).await.unwrap();
        let mut eve_ws = common::websocket(&others[0]).await.unwrap();
        join(&mut ann_ws, chat).await;
        common::next_event_of(&mut ann_ws, "call_joined", 5).await;
        // The group's people are rung with the chat's name.
        let ringing = call_event(&mut eve_ws, chat, &[ann_id]).await;
        assert_eq!(ringing["ring"]["title"], "Design");
        assert!(
            ringing["ring"]["text"]
                .as_str()
                .unwrap()
                .ends_with("started a call in \u{201c}Design\u{201d}"),
            "{ringing}"
        );
        let mut sockets = Vec::new();
        for other in &others[1..3] {
            let mut ws = common::websocket(other).await.unwrap();
            join(&mut ws, chat).await;
            common::next_event_of(&mut ws, "call_joined", 5).await;
            sockets.push(ws);
        }
        join(&mut eve_ws, chat).await;
        let joined = common::next_event_of(&mut eve_ws, "call_joined", 5).await;
        assert_eq!(joined["peers"].as_array().unwrap().len(), 3);

        // A fifth is refused, and so is a second tab of someone already in.
        let mut dan_ws = common::websocket(&others[3]).await.unwrap();
        join(&mut dan_ws, chat).await;
        let refused = common::next_event_of(&mut dan_ws, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "LimitReached");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("at most 4")
        );
        let mut ann_second_tab = common::websocket(&ann).await.unwrap();
        join(&mut ann_second_tab, chat).await;
        let refused = common::next_event_of(&mut ann_second_tab, "call_refused", 5).await;
        assert_eq!(refused["error"]["error"], "Conflict");
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM chat_call_people").await,
            4
        );

        // Eve's node dies: nobody takes her out, but her lease runs out and the sweep does.
        server
            .sql(&format!(
                "UPDATE chat_call_people SET lease_until = 0 WHERE user_id = {}",
                ids[0]
            ))
            .await;
        app::chat::ssr::calls::sweep(&server.state).await.unwrap();
        call_event(&mut ann_ws, chat, &[ann_id, ids[1], ids[2]]).await;
        // Now Dan fits.
        join(&mut dan_ws, chat).await;
        let joined = common::next_event_of(&mut dan_ws, "call_joined", 5).await;
        assert_eq!(joined["peers"].as_array().unwrap().len(), 3);
        drop(eve_ws);
    }
);
