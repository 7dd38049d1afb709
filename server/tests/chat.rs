//! The messenger: chats, messages, live events, unread counters, history, search, files,
//! presence and the e-mail digest, on SQLite and MariaDB.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Client, TestServer};
use serde_json::{Value, json};

/// A 3×2 picture.
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x38\x21\x27\x07\x41\x0c\x70\x16\x00\x41\x00\x06\x19\x3c\x45\x41\x96\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Ann (admin), and employees Eve and Bob.
async fn company(server: &TestServer) -> (Client, Client, Client) {
    let ann = server.sign_up("acme", "ann@acme.test").await;
    let eve = common::accept(
        server,
        &common::invite(&ann, "eve@acme.test", "employee").await,
        "Eve",
    )
    .await;
    let bob = common::accept(
        server,
        &common::invite(&ann, "bob@acme.test", "employee").await,
        "Bob",
    )
    .await;
    (ann, eve, bob)
}

async fn send(client: &Client, chat: i64, text: &str, key: &str) -> Value {
    client
        .ok_json(
            "send_message",
            json!({ "chat": chat, "form": { "text": text, "client_key": key } }),
        )
        .await
}

/// The next presence event about `user`.
async fn presence_of(socket: &mut Socket, user: i64) -> Value {
    loop {
        let event = common::next_event_of(socket, "presence", 5).await;
        if event["user_id"] == user {
            return event;
        }
    }
}

both_backends!(
    one_to_one_chat_live_with_receipts_unread_and_idempotent_sends,
    |server: TestServer| async move {
        let (ann, eve, bob) = company(&server).await;
        let eve_id = eve.me_id().await;
        let ann_id = ann.me_id().await;
        let chat = ann
            .ok_json("open_direct_chat", json!({ "with": eve_id }))
            .await
            .as_i64()
            .unwrap();
        // The same pair has one chat, whoever opens it.
        assert_eq!(
            eve.ok_json("open_direct_chat", json!({ "with": ann_id }))
                .await,
            chat
        );
        let mut eve_socket = common::websocket(&eve).await.unwrap();
        let mut ann_socket = common::websocket(&ann).await.unwrap();
        let mut bob_socket = common::websocket(&bob).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;

        let sent = send(&ann, chat, "Hello **Eve**, see https://example.com", "k-1").await;
        assert_eq!(sent["seq"], 1);
        let event = common::next_event_of(&mut eve_socket, "chat_message", 5).await;
        assert_eq!(event["message"]["id"], sent["id"]);
        assert_eq!(event["message"]["sender"]["name"], "Ada Admin");
        let body = event["message"]["body"].to_string();
        assert!(body.contains("\"Strong\""), "{body}");
        assert!(body.contains("https://example.com"), "{body}");

        // Unread: per chat, in total, with a preview.
        let list = eve.ok_json("chats", json!({})).await;
        assert_eq!(list["unread_total"], 1);
        assert_eq!(list["chats"][0]["id"], chat);
        assert_eq!(list["chats"][0]["title"], "Ada Admin");
        assert_eq!(list["chats"][0]["last_seq"], 1);
        assert_eq!(list["chats"][0]["last_read_seq"], 0);
        assert_eq!(
            list["chats"][0]["preview"]["text"],
            "Hello Eve, see https://example.com"
        );
        assert_eq!(eve.ok_json("chat_unread", json!({})).await, 1);
        assert_eq!(ann.ok_json("chat_unread", json!({})).await, 0);

        // A retried send stores nothing new and answers the same message…
        let again = send(&ann, chat, "Hello **Eve**, see https://example.com", "k-1").await;
        assert_eq!(again["id"], sent["id"]);
        // …and the same key for different content is refused.
        ann.refused_json(
            "send_message",
            json!({ "chat": chat, "form": { "text": "Something else", "client_key": "k-1" } }),
            "Conflict",
        )
        .await;
        // Two sends of one message racing each other store it once.
        let (a, b) = tokio::join!(
            send(&ann, chat, "Twice?", "k-race"),
            send(&ann, chat, "Twice?", "k-race")
        );
        assert_eq!(a["id"], b["id"]);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM chat_messages WHERE kind = 'text'")
                .await,
            2
        );

        // Typing reaches the other person only.
        eve.ok_json("chat_typing", json!({ "chat": chat })).await;
        let typing = common::next_event_of(&mut ann_socket, "chat_typing", 5).await;
        assert_eq!(typing["name"], "Eve");
        assert_eq!(typing["chat_id"], chat);

        // Reading: Ann sees "seen", Eve's counters clear (in every tab: the event is hers too).
        let total = eve
            .ok_json("mark_chat_read", json!({ "chat": chat, "seq": 2 }))
            .await;
        assert_eq!(total, 0);
        let read = common::next_event_of(&mut ann_socket, "chat_read", 5).await;
        assert_eq!(read["user_id"], eve_id);
        assert_eq!(read["seq"], 2);
        common::next_event_of(&mut eve_socket, "chat_read", 5).await;
        let view = ann.ok_json("chat", json!({ "id": chat })).await;
        let eve_member = view["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user"]["id"] == eve_id)
            .unwrap()
            .clone();
        assert_eq!(eve_member["last_read_seq"], 2);
        eve.refused_json(
            "mark_chat_read",
            json!({ "chat": chat, "seq": 99 }),
            "Invalid",
        )
        .await;

        // Reply, react, edit, delete.
        let reply = eve
            .ok_json(
                "send_message",
                json!({ "chat": chat, "form": { "text": "Hi!", "reply_to": sent["id"], "client_key": "e-1" } }),
            )
            .await;
        assert_eq!(reply["reply_to"]["seq"], 1);
        assert_eq!(reply["reply_to"]["sender_name"], "Ada Admin");
        let reacted = eve
            .ok_json(
                "react_to_message",
                json!({ "id": sent["id"], "reaction": "like" }),
            )
            .await;
        assert_eq!(reacted["reactions"][0]["users"], json!([eve_id]));
        let changed = common::next_event_of(&mut ann_socket, "chat_message_changed", 5).await;
        assert_eq!(changed["message"]["reactions"][0]["reaction"], "like");
        let unreacted = eve
            .ok_json(
                "react_to_message",
                json!({ "id": sent["id"], "reaction": "like" }),
            )
            .await;
        assert_eq!(unreacted["reactions"], json!([]));
        eve.refused_json(
            "edit_message",
            json!({ "id": sent["id"], "text": "Forged" }),
            "Forbidden",
        )
        .await;
        let edited = ann
            .ok_json(
                "edit_message",
                json!({ "id": sent["id"], "text": "Hello Eve" }),
            )
            .await;
        assert!(edited["edited_at"].is_i64());
        let deleted = ann
            .ok_json("delete_message", json!({ "id": sent["id"] }))
            .await;
        assert_eq!(deleted["deleted"], true);
        assert_eq!(deleted["text"], "");
        let history = eve.ok_json("chat_history", json!({ "chat": chat })).await;
        let first = &history["messages"][0];
        assert_eq!(first["deleted"], true);
        assert_eq!(first["body"], json!([]));
        assert_eq!(history["messages"][2]["reply_to"]["deleted"], true);

        // Bad input changes nothing.
        let before = server.scalar("SELECT COUNT(*) FROM chat_messages").await;
        for (form, error) in [
            (json!({ "text": "   ", "client_key": "b-1" }), "Invalid"),
            (
                json!({ "text": "x".repeat(10_001), "client_key": "b-2" }),
                "Invalid",
            ),
            (
                json!({ "text": "Forged", "client_key": "b-3", "sender_id": eve_id }),
                "Invalid",
            ),
            (json!({ "text": "No key", "client_key": "" }), "Invalid"),
            (json!({ "text": "Bad key", "client_key": "a/b" }), "Invalid"),
        ] {
            ann.refused_json("send_message", json!({ "chat": chat, "form": form }), error)
                .await;
        }
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM chat_messages").await,
            before
        );

        // Bob is not in the chat: he cannot read it, write to it, or hear it.
        for (endpoint, args) in [
            ("chat", json!({ "id": chat })),
            ("chat_history", json!({ "chat": chat })),
            (
                "chat_catch_up",
                json!({ "chat": chat, "after_seq": 0, "since": 0 }),
            ),
            (
                "send_message",
                json!({ "chat": chat, "form": { "text": "Hi", "client_key": "bob-1" } }),
            ),
            ("mark_chat_read", json!({ "chat": chat, "seq": 1 })),
            ("chat_typing", json!({ "chat": chat })),
            (
                "react_to_message",
                json!({ "id": reply["id"], "reaction": "like" }),
            ),
        ] {
            bob.refused_json(endpoint, args, "NotFound").await;
        }
        assert_eq!(bob.ok_json("chats", json!({})).await["chats"], json!([]));
        common::assert_no_event(&mut bob_socket, "chat_message").await;
    }
);

both_backends!(
    group_chats_with_an_owner_members_and_leaving,
    |server: TestServer| async move {
        let (ann, eve, bob) = company(&server).await;
        let (eve_id, bob_id) = (eve.me_id().await, bob.me_id().await);
        let guest = common::accept(
            &server,
            &common::invite(&ann, "guest@partner.test", "extranet").await,
            "Guest",
        )
        .await;
        let guest_id = guest.me_id().await;
        ann.refused_json(
            "create_chat",
            json!({ "new": { "title": "Launch", "members": [eve_id, guest_id] } }),
            "Invalid",
        )
        .await;
        ann.refused_json(
            "create_chat",
            json!({ "new": { "title": "  ", "members": [eve_id] } }),
            "Invalid",
        )
        .await;
        let chat = ann
            .ok_json(
                "create_chat",
                json!({ "new": { "title": "Launch", "members": [eve_id, bob_id] } }),
            )
            .await
            .as_i64()
            .unwrap();
        let view = eve.ok_json("chat", json!({ "id": chat })).await;
        assert_eq!(view["summary"]["title"], "Launch");
        assert_eq!(view["member_count"], 3);
        assert_eq!(view["members"][0]["is_owner"], true);
        assert_eq!(view["can_manage"], false);
        assert_eq!(view["can_leave"], true);
        let history = eve.ok_json("chat_history", json!({ "chat": chat })).await;
        assert_eq!(history["messages"][0]["kind"], "system");
        assert_eq!(history["messages"][0]["text"], "Ada Admin created the chat");

        // Only the owner renames and takes people out; guests never join.
        eve.refused_json(
            "update_chat",
            json!({ "id": chat, "title": "Mine" }),
            "Forbidden",
        )
        .await;
        eve.refused_json(
            "remove_chat_member",
            json!({ "id": chat, "user": bob_id }),
            "Forbidden",
        )
        .await;
        ann.refused_json(
            "add_chat_members",
            json!({ "id": chat, "people": [guest_id] }),
            "Invalid",
        )
        .await;
        guest
            .refused_json("chat", json!({ "id": chat }), "NotFound")
            .await;
        ann.ok_json("update_chat", json!({ "id": chat, "title": "Launch v2" }))
            .await;
        let mut bob_socket = common::websocket(&bob).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        ann.ok_json("remove_chat_member", json!({ "id": chat, "user": bob_id }))
            .await;
        common::next_event_of(&mut bob_socket, "chat_changed", 5).await;
        bob.refused_json("chat_history", json!({ "chat": chat }), "NotFound")
            .await;
        // A message to a chat one has left: refused, nothing stored.
        let before = server.scalar("SELECT COUNT(*) FROM chat_messages").await;
        bob.refused_json(
            "send_message",
            json!({ "chat": chat, "form": { "text": "Still here?", "client_key": "bob-2" } }),
            "NotFound",
        )
        .await;
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM chat_messages").await,
            before
        );
        send(&ann, chat, "Bob is gone", "a-1").await;
        common::assert_no_event(&mut bob_socket, "chat_message").await;

        // The owner leaves: Eve, the longest-standing member, takes over.
        ann.ok_json("leave_chat", json!({ "id": chat })).await;
        let view = eve.ok_json("chat", json!({ "id": chat })).await;
        assert_eq!(view["can_manage"], true);
        assert_eq!(view["member_count"], 1);
        let history = eve.ok_json("chat_history", json!({ "chat": chat })).await;
        let lines: Vec<&str> = history["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            lines,
            vec![
                "Ada Admin created the chat",
                "Ada Admin renamed the chat to \u{201c}Launch v2\u{201d}",
                "Ada Admin removed Bob",
                "Bob is gone",
                "Ada Admin left the chat",
            ]
        );
        // Someone added later reads along from there: older messages are not unread.
        eve.ok_json(
            "add_chat_members",
            json!({ "id": chat, "people": [bob_id] }),
        )
        .await;
        let list = bob.ok_json("chats", json!({})).await;
        assert_eq!(list["chats"][0]["id"], chat);
        assert_eq!(list["unread_total"], 1, "{list}");
        // A mention rings the bell of a person in the chat, linking to the message; a
        // mentioned outsider hears nothing (they could not open it).
        let guest_bell = guest.ok("notifications", &[]).await;
        let message = send(
            &eve,
            chat,
            &format!("@[Bob](user:{bob_id}) and @[Guest](user:{guest_id}), see the plan"),
            "e-mention",
        )
        .await;
        let bell = bob.ok("notifications", &[]).await;
        assert_eq!(
            bell[0]["title"],
            "Eve mentioned you in \u{201c}Launch v2\u{201d}: @Bob and @Guest, see the plan",
            "{bell}"
        );
        assert_eq!(
            bell[0]["link"],
            format!("/chat/{chat}?at={}", message["seq"])
        );
        assert_eq!(guest.ok("notifications", &[]).await, guest_bell);
        // Guests cannot open one-to-one chats.
        guest
            .refused_json("open_direct_chat", json!({ "with": eve_id }), "Forbidden")
            .await;
    }
);

both_backends!(
    history_pages_by_sequence_and_catching_up,
    |server: TestServer| async move {
        let (ann, eve, _bob) = company(&server).await;
        let chat = ann
            .ok_json("open_direct_chat", json!({ "with": eve.me_id().await }))
            .await
            .as_i64()
            .unwrap();
        let mut ids = Vec::new();
        for n in 1..=120 {
            let m = send(&ann, chat, &format!("Message {n}"), &format!("h-{n}")).await;
            ids.push(m["id"].clone());
        }
        let seqs = |page: &Value| -> Vec<i64> {
            page["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["seq"].as_i64().unwrap())
                .collect()
        };
        let latest = eve.ok_json("chat_history", json!({ "chat": chat })).await;
        assert_eq!(seqs(&latest), (71..=120).collect::<Vec<_>>());
        assert_eq!(latest["more_before"], true);
        assert_eq!(latest["more_after"], false);
        let before = eve
            .ok_json(
                "chat_history",
                json!({ "chat": chat, "from": { "before": 71 } }),
            )
            .await;
        assert_eq!(seqs(&before), (21..=70).collect::<Vec<_>>());
        let oldest = eve
            .ok_json(
                "chat_history",
                json!({ "chat": chat, "from": { "before": 21 } }),
            )
            .await;
        assert_eq!(seqs(&oldest), (1..=20).collect::<Vec<_>>());
        assert_eq!(oldest["more_before"], false);
        // Jump to the first unread: Eve read up to 100.
        eve.ok_json("mark_chat_read", json!({ "chat": chat, "seq": 100 }))
            .await;
        let unread = eve
            .ok_json(
                "chat_history",
                json!({ "chat": chat, "from": { "after": 100 } }),
            )
            .await;
        assert_eq!(seqs(&unread), (101..=120).collect::<Vec<_>>());
        assert_eq!(unread["more_before"], true);
        assert_eq!(unread["more_after"], false);

        // A client that last had seq 110 catches up: ten new, and the edit of an older one.
        let since = app::ssr::now_ms();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        ann.ok_json(
            "edit_message",
            json!({ "id": ids[4], "text": "Message five" }),
        )
        .await;
        let caught = eve
            .ok_json(
                "chat_catch_up",
                json!({ "chat": chat, "after_seq": 110, "since": since }),
            )
            .await;
        let new: Vec<i64> = caught["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(new, (111..=120).collect::<Vec<_>>());
        assert_eq!(caught["changed"][0]["text"], "Message five");
        assert_eq!(caught["changed"].as_array().unwrap().len(), 1);
        assert_eq!(caught["truncated"], false);
    }
);

both_backends!(
    workgroup_and_task_chats_follow_their_people,
    |server: TestServer| async move {
        let (ann, eve, bob) = company(&server).await;
        let (eve_id, bob_id) = (eve.me_id().await, bob.me_id().await);
        let guest = common::accept(
            &server,
            &common::invite(&ann, "guest@partner.test", "extranet").await,
            "Guest",
        )
        .await;
        let guest_id = guest.me_id().await;
        let group = ann
            .ok_json(
                "create_group",
                json!({ "form": { "name": "Board", "visibility": "closed" } }),
            )
            .await
            .as_i64()
            .unwrap();
        ann.ok_json(
            "add_group_members",
            json!({ "id": group, "people": [eve_id, guest_id], "role": "member" }),
        )
        .await;
        let chat = eve
            .ok_json("workgroup_chat", json!({ "group": group }))
            .await
            .as_i64()
            .unwrap();
        assert_eq!(
            ann.ok_json("workgroup_chat", json!({ "group": group }))
                .await,
            chat
        );
        bob.refused_json("workgroup_chat", json!({ "group": group }), "NotFound")
            .await;
        bob.refused_json("chat", json!({ "id": chat }), "NotFound")
            .await;
        // The guest is in the workgroup: its chat is theirs too.
        send(&guest, chat, "Hello from the partner", "g-1").await;
        let list = ann.ok_json("chats", json!({})).await;
        assert_eq!(list["chats"][0]["title"], "Board");
        assert_eq!(list["chats"][0]["kind"], "workgroup");
        assert_eq!(list["unread_total"], 1);
        // Bob joins the workgroup: the chat is his from the next message on.
        ann.ok_json(
            "add_group_members",
            json!({ "id": group, "people": [bob_id], "role": "member" }),
        )
        .await;
        let mut bob_socket = common::websocket(&bob).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        send(&ann, chat, "Welcome Bob", "a-1").await;
        let event = common::next_event_of(&mut bob_socket, "chat_message", 5).await;
        assert_eq!(event["message"]["text"], "Welcome Bob");
        assert_eq!(bob.ok_json("chat_unread", json!({})).await, 1);
        // Eve leaves the workgroup: the chat is closed to her.
        eve.ok_json("leave_group", json!({ "id": group })).await;
        eve.refused_json("chat_history", json!({ "chat": chat }), "NotFound")
            .await;

        // A task's chat: the people on the task.
        let task = ann
            .ok_json(
                "create_task",
                json!({ "form": { "title": "Quarterly report", "responsible": eve_id } }),
            )
            .await
            .as_i64()
            .unwrap();
        let task_chat = eve
            .ok_json("task_chat", json!({ "task": task }))
            .await
            .as_i64()
            .unwrap();
        bob.refused_json("task_chat", json!({ "task": task }), "NotFound")
            .await;
        send(&eve, task_chat, "Started on it", "e-1").await;
        let list = ann.ok_json("chats", json!({})).await;
        assert_eq!(list["chats"][0]["title"], "Quarterly report");
        assert_eq!(list["chats"][0]["task_id"], task);
        bob.refused_json("chat", json!({ "id": task_chat }), "NotFound")
            .await;
        // Guests never see direct or group chats, even when listed as members somehow.
        let guest_list = guest.ok_json("chats", json!({})).await;
        assert_eq!(guest_list["chats"].as_array().unwrap().len(), 1);
    }
);

both_backends!(search_files_and_presence, |server: TestServer| async move {
    let (ann, eve, bob) = company(&server).await;
    let (eve_id, bob_id) = (eve.me_id().await, bob.me_id().await);
    let with_eve = ann
        .ok_json("open_direct_chat", json!({ "with": eve_id }))
        .await
        .as_i64()
        .unwrap();
    let with_bob = ann
        .ok_json("open_direct_chat", json!({ "with": bob_id }))
        .await
        .as_i64()
        .unwrap();
    send(&ann, with_eve, "The budget for Q3 is ready", "s-1").await;
    send(&ann, with_bob, "Budget meeting moved", "s-2").await;
    send(&ann, with_eve, "Lunch?", "s-3").await;
    let hits = eve
        .ok_json("search_messages", json!({ "query": "budg" }))
        .await;
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["chat_id"], with_eve);
    assert_eq!(hits[0]["chat_title"], "Ada Admin");
    let ann_hits = ann
        .ok_json("search_messages", json!({ "query": "budget" }))
        .await;
    assert_eq!(ann_hits.as_array().unwrap().len(), 2);
    assert_eq!(
        eve.ok_json("search_messages", json!({ "query": "\"*)" }))
            .await,
        json!([])
    );

    // Files: shown to the chat's people, nobody else; a file goes on one message only.
    let file = ann.upload_attachment("plan.png", PNG.to_vec()).await["file_id"]
        .as_i64()
        .unwrap();
    let message = ann
            .ok_json(
                "send_message",
                json!({ "chat": with_eve, "form": { "text": "", "files": [file], "client_key": "f-1" } }),
            )
            .await;
    assert_eq!(message["files"][0]["name"], "plan.png");
    assert_eq!(message["files"][0]["content_type"], "image/png");
    assert!(message["files"][0]["thumb_url"].is_string(), "{message}");
    assert_eq!(eve.get(&format!("/files/{file}")).await.status(), 200);
    assert_eq!(bob.get(&format!("/files/{file}")).await.status(), 404);
    let thumb = message["files"][0]["thumb_url"].as_str().unwrap();
    assert_eq!(eve.get(thumb).await.status(), 200);
    ann.refused_json(
            "send_message",
            json!({ "chat": with_bob, "form": { "text": "Again", "files": [file], "client_key": "f-2" } }),
            "Invalid",
        )
        .await;
    let list = eve.ok_json("chats", json!({})).await;
    assert_eq!(list["chats"][0]["preview"]["text"], "Sent a file");
    // Deleting the message deletes its file and thumbnail: gone for everyone, space freed.
    let used = |server: &TestServer| {
        let server = server.state.db.reader.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT storage_used FROM portals WHERE slug = 'acme'")
                .fetch_one(&server)
                .await
                .unwrap()
        }
    };
    let before = used(&server).await;
    ann.ok_json("delete_message", json!({ "id": message["id"] }))
        .await;
    assert_eq!(eve.get(&format!("/files/{file}")).await.status(), 404);
    assert_eq!(ann.get(&format!("/files/{file}")).await.status(), 404);
    assert_eq!(eve.get(thumb).await.status(), 404);
    assert!(used(&server).await < before);
    assert_eq!(
        server
            .scalar(&format!("SELECT COUNT(*) FROM files WHERE id = {file}"))
            .await,
        0
    );

    // Presence: online with a socket open, away when the tab says so, then offline.
    let mut ann_socket = common::websocket(&ann).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let view = ann.ok_json("chat", json!({ "id": with_eve })).await;
    let eve_presence = |view: &Value| {
        view["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user"]["id"] == eve_id)
            .unwrap()["presence"]
            .clone()
    };
    assert_eq!(eve_presence(&view)["status"], "offline");
    // Bob shares no chat with Eve: her comings and goings are none of his screens' business.
    let mut bob_socket = common::websocket(&bob).await.unwrap();
    let mut eve_socket = common::websocket(&eve).await.unwrap();
    let online = presence_of(&mut ann_socket, eve_id).await;
    assert_eq!(online["presence"]["status"], "online");
    {
        use futures::SinkExt;
        eve_socket
            .send(tokio_tungstenite::tungstenite::Message::Text(
                r#"{"domain":"chat","type":"presence","away":true}"#.into(),
            ))
            .await
            .unwrap();
    }
    let away = presence_of(&mut ann_socket, eve_id).await;
    assert_eq!(away["presence"]["status"], "away");
    let view = ann.ok_json("chat", json!({ "id": with_eve })).await;
    assert_eq!(eve_presence(&view)["status"], "away");
    drop(eve_socket);
    let offline = presence_of(&mut ann_socket, eve_id).await;
    assert_eq!(offline["presence"]["status"], "offline");
    assert!(offline["presence"]["last_seen_at"].as_i64().unwrap() > 0);
    let bob_heard = drain(&mut bob_socket, std::time::Duration::from_millis(500)).await;
    assert!(
        !bob_heard
            .iter()
            .any(|e| e["type"] == "presence" && e["user_id"] == eve_id),
        "{bob_heard:?}"
    );
});

/// Every event that arrives on the socket within `quiet`.
async fn drain(socket: &mut Socket, quiet: std::time::Duration) -> Vec<Value> {
    use futures::StreamExt;
    let mut heard = Vec::new();
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(quiet, socket.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(text) = frame {
            heard.push(serde_json::from_str(&text).unwrap());
        }
    }
    heard
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_absent_get_one_email_about_unread_messages_sqlite() {
    the_absent_get_one_email(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_absent_get_one_email_about_unread_messages_mysql() {
    the_absent_get_one_email(common::Backend::MySql).await;
}

/// Offline for a second is "away long enough" here (15 minutes by default).
async fn the_absent_get_one_email(backend: common::Backend) {
    let quiet = std::time::Duration::from_millis(1000);
    // The digest's passes are run by hand here.
    let server = TestServer::start_with(backend, |c| {
        c.chat_email_after = quiet;
        c.workers_off = vec!["chat-digest".into()];
    })
    .await;
    {
        let (ann, eve, bob) = company(&server).await;
        let (eve_id, bob_id) = (eve.me_id().await, bob.me_id().await);
        let chat = ann
            .ok_json("open_direct_chat", json!({ "with": eve_id }))
            .await
            .as_i64()
            .unwrap();
        let group = ann
            .ok_json(
                "create_chat",
                json!({ "new": { "title": "Launch", "members": [eve_id, bob_id] } }),
            )
            .await
            .as_i64()
            .unwrap();
        // Bob is online: he gets no e-mail.
        let _bob_socket = common::websocket(&bob).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        send(&ann, chat, "Are you there?", "d-1").await;
        send(&ann, chat, "The **contract** is signed", "d-2").await;
        send(&ann, group, "Launch is Friday", "d-3").await;
        let digest = || app::chat::ssr::digest::send_due(&server.state, app::ssr::now_ms());
        // Not yet: the messages are younger than the quiet time.
        assert_eq!(digest().await.unwrap(), 0);
        tokio::time::sleep(quiet).await;
        assert_eq!(digest().await.unwrap(), 1);
        let mail = server.last_mail_to("eve@acme.test").await;
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE subject = '4 unread messages in acme Ltd'")
                .await,
            1
        );
        assert!(mail.contains("Ada Admin — 2 new messages"), "{mail}");
        assert!(
            mail.contains("  Ada Admin: The contract is signed\n"),
            "{mail}"
        );
        assert!(mail.contains("Launch — 2 new messages"), "{mail}");
        assert!(mail.contains("  Ada Admin created the chat\n"), "{mail}");
        assert!(mail.contains("/chat"), "{mail}");
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_addr = 'bob@acme.test' AND subject LIKE '%unread%'")
                .await,
            0
        );
        // One e-mail, not one per message: a second pass sends nothing.
        assert_eq!(digest().await.unwrap(), 0);
        // What Eve reads is not mailed; a new message is, once it has waited.
        eve.ok_json("mark_chat_read", json!({ "chat": group, "seq": 2 }))
            .await;
        send(&ann, chat, "One more thing", "d-4").await;
        assert_eq!(digest().await.unwrap(), 0);
        tokio::time::sleep(quiet).await;
        assert_eq!(digest().await.unwrap(), 1);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_addr = 'eve@acme.test' AND subject LIKE '%unread%'")
                .await,
            2
        );
    }
}
