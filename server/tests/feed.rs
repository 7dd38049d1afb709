//! The feed through its server functions: posting, visibility by department and person,
//! comments, reactions, mentions, live events, unread counts, bad input and other portals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Client, TestServer, accept, invite, next_event, websocket};
use serde_json::{Value, json};

/// A portal with an admin, Bob in "Sales" and Carl in the root department.
async fn company(server: &TestServer) -> (Client, Client, Client, i64) {
    let admin = server.sign_up("acme", "ann@acme.test").await;
    admin
        .ok("save_department", &[("name", "Sales"), ("parent_id", "")])
        .await;
    let departments = admin.ok("departments", &[]).await;
    let sales = departments
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Sales")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let bob = accept(
        server,
        &invite(&admin, "bob@acme.test", "employee").await,
        "Bob Baker",
    )
    .await;
    let carl = accept(
        server,
        &invite(&admin, "carl@acme.test", "employee").await,
        "Carl Cook",
    )
    .await;
    let bob_id = bob.me_id().await.to_string();
    admin
        .ok(
            "update_profile",
            &[
                ("user_id", &bob_id),
                ("name", "Bob Baker"),
                ("department_id", &sales.to_string()),
            ],
        )
        .await;
    (admin, bob, carl, sales)
}

fn everyone() -> Value {
    json!({ "everyone": true, "departments": [], "people": [] })
}

async fn post(client: &Client, body: &str, recipients: Value) -> i64 {
    client
        .ok_json(
            "create_post",
            json!({ "kind": "post", "body": body, "recipients": recipients }),
        )
        .await
        .as_i64()
        .unwrap()
}

async fn feed_ids(client: &Client) -> Vec<i64> {
    let page = client.ok_json("feed_page", json!({})).await;
    page["posts"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page["pinned"].as_array().unwrap())
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

both_backends!(
    posts_comments_reactions_and_mentions,
    |server: TestServer| async move {
        let (admin, bob, carl, _) = company(&server).await;
        let bob_id = bob.me_id().await;
        let unread = |notes: Value| {
            notes
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["read"] == false)
                .count()
        };
        let unread_before = unread(bob.ok("notifications", &[]).await);

        let text = format!(
            "**Welcome** to the feed, @[Bob Baker](user:{bob_id})! <script>alert(1)</script>"
        );
        let id = post(&admin, &text, everyone()).await;

        // Everyone sees it; the mention is a mention, the script is inert text.
        for reader in [&bob, &carl] {
            assert!(feed_ids(reader).await.contains(&id));
        }
        let seen = bob.ok_json("feed_post", json!({ "id": id })).await;
        let body = seen["body"].to_string();
        assert!(body.contains("Mention"), "{body}");
        assert!(body.contains("<script>alert(1)</script>"), "{body}");
        assert_eq!(seen["can_edit"], false);
        assert_eq!(seen["source"], Value::Null);
        let mine = admin.ok_json("feed_post", json!({ "id": id })).await;
        assert_eq!(mine["can_edit"], true);
        assert_eq!(mine["source"], text.as_str());

        // Bob was notified of the mention.
        let notes = bob.ok("notifications", &[]).await;
        assert_eq!(unread(notes.clone()), unread_before + 1, "{notes}");
        assert_eq!(notes[0]["title"], "Ada Admin mentioned you in a post");

        // Comment, reactions, who reacted.
        let comment = bob
            .ok_json(
                "add_comment",
                json!({ "post": id, "body": "Thanks, glad to be here" }),
            )
            .await
            .as_i64()
            .unwrap();
        carl.ok_json("react", json!({ "post": id, "reaction": "celebrate" }))
            .await;
        carl.ok_json(
            "react",
            json!({ "post": id, "comment": comment, "reaction": "like" }),
        )
        .await;
        bob.ok_json("react", json!({ "post": id, "reaction": "like" }))
            .await;
        // Changing one's reaction replaces it.
        bob.ok_json("react", json!({ "post": id, "reaction": "love" }))
            .await;
        let seen = carl.ok_json("feed_post", json!({ "id": id })).await;
        assert_eq!(seen["comment_count"], 1);
        assert_eq!(seen["reactions"]["total"], 2);
        assert_eq!(seen["reactions"]["mine"], "celebrate");
        // Bob's "like" was replaced, not added: the kinds given are celebrate and love.
        let mut top: Vec<&str> = seen["reactions"]["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        top.sort();
        assert_eq!(top, ["celebrate", "love"]);
        assert_eq!(seen["comments"][0]["reactions"]["total"], 1);
        assert_eq!(seen["comments"][0]["reactions"]["top"], json!(["like"]));
        let who = admin.ok_json("who_reacted", json!({ "post": id })).await;
        let names: Vec<&str> = who
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["author"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"Bob Baker") && names.contains(&"Carl Cook"));
        // Taking a reaction back.
        carl.ok_json("react", json!({ "post": id, "reaction": null }))
            .await;
        let seen = carl.ok_json("feed_post", json!({ "id": id })).await;
        assert_eq!(seen["reactions"]["total"], 1);
        assert_eq!(seen["reactions"]["mine"], Value::Null);

        // Edit own post; someone else's is refused; the admin may delete any.
        admin
            .ok_json("edit_post", json!({ "id": id, "body": "Edited *text*" }))
            .await;
        bob.refused_json(
            "edit_post",
            json!({ "id": id, "body": "mine now" }),
            "Forbidden",
        )
        .await;
        bob.refused_json("delete_post", json!({ "id": id }), "Forbidden")
            .await;
        let seen = bob.ok_json("feed_post", json!({ "id": id })).await;
        assert!(seen["edited_at"].is_i64());
        let bobs = post(&bob, "Bob's own post", everyone()).await;
        admin.ok_json("delete_post", json!({ "id": bobs })).await;
        bob.refused_json("feed_post", json!({ "id": bobs }), "NotFound")
            .await;
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM feed_audience WHERE post_id = {bobs}"
                ))
                .await,
            0
        );

        // Pinning is for admins; pinned posts come first.
        bob.refused_json("pin_post", json!({ "id": id, "pinned": true }), "Forbidden")
            .await;
        admin
            .ok_json("pin_post", json!({ "id": id, "pinned": true }))
            .await;
        let page = carl.ok_json("feed_page", json!({})).await;
        assert_eq!(page["pinned"][0]["id"], id);
        assert!(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["id"] != id)
        );
    }
);

both_backends!(
    department_and_personal_posts_stay_private,
    |server: TestServer| async move {
        let (admin, bob, carl, sales) = company(&server).await;
        let mut bob_ws = websocket(&bob).await.unwrap();
        let mut carl_ws = websocket(&carl).await.unwrap();
        let id = post(
            &admin,
            "Sales targets for Q3",
            json!({ "everyone": false, "departments": [sales], "people": [] }),
        )
        .await;

        // Live for the department, nothing for the outsider.
        let event = next_event(&mut bob_ws, 5).await;
        assert_eq!(event["type"], "feed_posted", "{event}");
        assert_eq!(event["domain"], "feed", "{event}");
        assert_eq!(event["post_id"], id);
        let public = post(&admin, "For everyone", everyone()).await;
        let event = next_event(&mut carl_ws, 5).await;
        assert_eq!(
            event["post_id"], public,
            "Carl's first event must be the public post: {event}"
        );

        assert!(feed_ids(&bob).await.contains(&id));
        assert!(!feed_ids(&carl).await.contains(&id));
        carl.refused_json("feed_post", json!({ "id": id }), "NotFound")
            .await;
        carl.refused_json(
            "add_comment",
            json!({ "post": id, "body": "hi" }),
            "NotFound",
        )
        .await;
        carl.refused_json(
            "react",
            json!({ "post": id, "reaction": "like" }),
            "NotFound",
        )
        .await;
        carl.refused_json("who_reacted", json!({ "post": id }), "NotFound")
            .await;
        carl.refused_json("delete_post", json!({ "id": id }), "NotFound")
            .await;
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM feed_reactions").await,
            0
        );

        // Named people see a personal post; mentioning someone in a comment they cannot see is refused.
        let carl_id = carl.me_id().await;
        let personal = post(
            &bob,
            "Just for you, Carl",
            json!({ "everyone": false, "departments": [], "people": [carl_id] }),
        )
        .await;
        assert!(feed_ids(&carl).await.contains(&personal));
        assert!(
            !feed_ids(&admin).await.contains(&personal),
            "admins do not read private posts"
        );
        let mention = format!("see @[Carl Cook](user:{carl_id})");
        bob.refused_json(
            "add_comment",
            json!({ "post": id, "body": mention }),
            "Invalid",
        )
        .await;

        // Mentioning someone in a new post adds them to its readers.
        let admin_id = admin.me_id().await;
        let with_mention = post(
            &bob,
            &format!("@[Ada Admin](user:{admin_id}) please review"),
            json!({ "everyone": false, "departments": [sales], "people": [] }),
        )
        .await;
        assert!(feed_ids(&admin).await.contains(&with_mention));
        assert!(!feed_ids(&carl).await.contains(&with_mention));
    }
);

both_backends!(bad_input_changes_nothing, |server: TestServer| async move {
    let (admin, bob, _carl, _) = company(&server).await;
    let before = server.scalar("SELECT COUNT(*) FROM feed_posts").await;
    let create = |body: Value, recipients: Value| json!({ "kind": "post", "body": body, "recipients": recipients });
    admin
        .refused_json("create_post", create(json!("   "), everyone()), "Invalid")
        .await;
    admin
        .refused_json(
            "create_post",
            create(json!("x".repeat(10_001)), everyone()),
            "Invalid",
        )
        .await;
    admin
        .refused_json(
            "create_post",
            create(
                json!("hi"),
                json!({ "everyone": false, "departments": [], "people": [] }),
            ),
            "Invalid",
        )
        .await;
    admin
        .refused_json(
            "create_post",
            create(
                json!("hi"),
                json!({ "everyone": false, "departments": [987654], "people": [] }),
            ),
            "Invalid",
        )
        .await;
    admin
        .refused_json(
            "create_post",
            create(json!("hi @[Ghost](user:987654)"), everyone()),
            "Invalid",
        )
        .await;
    admin
        .refused_json(
            "create_post",
            json!({ "kind": "entry", "body": "forged entry", "recipients": everyone() }),
            "Invalid",
        )
        .await;
    assert_eq!(
        server.scalar("SELECT COUNT(*) FROM feed_posts").await,
        before
    );

    let id = post(&admin, "hello", everyone()).await;
    bob.refused_json("add_comment", json!({ "post": id, "body": "" }), "Invalid")
        .await;
    bob.refused_json(
        "add_comment",
        json!({ "post": id, "body": "y".repeat(5_001) }),
        "Invalid",
    )
    .await;
    bob.refused_json(
        "react",
        json!({ "post": id, "reaction": "rofl" }),
        "Invalid",
    )
    .await;
    assert_eq!(server.scalar("SELECT COUNT(*) FROM feed_comments").await, 0);
    assert_eq!(
        server.scalar("SELECT COUNT(*) FROM feed_reactions").await,
        0
    );

    // Another portal cannot reach any of it, even with real ids.
    let other = server.sign_up("globex", "gus@globex.test").await;
    assert!(!feed_ids(&other).await.contains(&id));
    other
        .refused_json("feed_post", json!({ "id": id }), "NotFound")
        .await;
    other
        .refused_json(
            "react",
            json!({ "post": id, "reaction": "like" }),
            "NotFound",
        )
        .await;
    other
        .refused_json(
            "add_comment",
            json!({ "post": id, "body": "hi" }),
            "NotFound",
        )
        .await;
    other
        .refused_json("delete_post", json!({ "id": id }), "NotFound")
        .await;
    other
        .refused_json("pin_post", json!({ "id": id, "pinned": true }), "NotFound")
        .await;
    // A session of this portal presented on the other portal's host is refused.
    let forged = server.client_with_cookie(&other.host(), &bob.session_token());
    forged
        .refused_json("feed_page", json!({}), "Unauthenticated")
        .await;
    let anonymous = server.client(&admin.host());
    anonymous
        .refused_json(
            "create_post",
            create(json!("hi"), everyone()),
            "Unauthenticated",
        )
        .await;
});

both_backends!(
    joining_appears_in_the_feed_and_unread_counts,
    |server: TestServer| async move {
        let (admin, bob, carl, _) = company(&server).await;
        // Bob's and Carl's arrival are feed entries.
        let page = admin.ok_json("feed_page", json!({})).await;
        let entries: Vec<&Value> = page["posts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["kind"] == "entry")
            .collect();
        assert_eq!(entries.len(), 2, "{page}");
        assert!(
            entries[0]["entry"]["text"]
                .as_str()
                .unwrap()
                .starts_with("joined the portal")
        );

        // Unread: Carl has not opened the feed since Bob joined; a new post adds one; seeing clears.
        let base = carl
            .ok_json("feed_unread", json!({}))
            .await
            .as_i64()
            .unwrap();
        // Nothing from before one joined counts as unread; Carl's arrival is news to Bob.
        assert_eq!(base, 0);
        assert_eq!(bob.ok_json("feed_unread", json!({})).await, 1);
        let id = post(&bob, "News", everyone()).await;
        assert_eq!(carl.ok_json("feed_unread", json!({})).await, base + 1);
        // One's own post is never unread.
        assert_eq!(bob.ok_json("feed_unread", json!({})).await, 1);
        carl.ok_json("feed_mark_seen", json!({ "up_to": id })).await;
        assert_eq!(carl.ok_json("feed_unread", json!({})).await, 0);
        // Marking an older post as seen never goes backwards.
        carl.ok_json("feed_mark_seen", json!({ "up_to": 1 })).await;
        assert_eq!(carl.ok_json("feed_unread", json!({})).await, 0);

        // Keyset pagination walks every post once.
        for i in 0..25 {
            post(&admin, &format!("post {i}"), everyone()).await;
        }
        let mut seen = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = carl.ok_json("feed_page", json!({ "before": before })).await;
            seen.extend(
                page["posts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["id"].as_i64().unwrap()),
            );
            if page["next_cursor"].is_null() {
                break;
            }
            before = page["next_cursor"].clone();
        }
        let total = server.scalar("SELECT COUNT(*) FROM feed_posts").await as usize;
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len());
        assert_eq!(seen.len(), total);
    }
);

both_backends!(
    polls_announcements_and_appreciations,
    |server: TestServer| async move {
        let (admin, bob, carl, _) = company(&server).await;
        // A poll: single choice, not anonymous.
        let poll = json!({ "question": "Lunch?", "options": ["Pizza", "Sushi", " "], "multiple": false, "anonymous": false });
        let id = admin
            .ok_json(
                "create_post",
                json!({ "kind": "post", "recipients": everyone(), "poll": poll }),
            )
            .await
            .as_i64()
            .unwrap();
        let seen = bob.ok_json("feed_post", json!({ "id": id })).await;
        let options: Vec<i64> = seen["poll"]["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_i64().unwrap())
            .collect();
        assert_eq!(options.len(), 2, "blank options are dropped: {seen}");
        bob.refused_json("vote", json!({ "post": id, "options": options }), "Invalid")
            .await;
        bob.ok_json("vote", json!({ "post": id, "options": [options[0]] }))
            .await;
        // Changing one's vote moves it; voting again does not count twice.
        bob.ok_json("vote", json!({ "post": id, "options": [options[1]] }))
            .await;
        bob.ok_json("vote", json!({ "post": id, "options": [options[1]] }))
            .await;
        carl.ok_json("vote", json!({ "post": id, "options": [options[1]] }))
            .await;
        let seen = admin.ok_json("feed_post", json!({ "id": id })).await;
        assert_eq!(seen["poll"]["voters"], 2);
        assert_eq!(seen["poll"]["options"][0]["votes"], 0);
        assert_eq!(seen["poll"]["options"][1]["votes"], 2);
        assert_eq!(seen["poll"]["voted"], false);
        let voters = admin
            .ok_json("poll_voters", json!({ "post": id, "option": options[1] }))
            .await;
        assert_eq!(voters.as_array().unwrap().len(), 2);
        // An option of another poll, and polls without options, are refused.
        carl.refused_json(
            "vote",
            json!({ "post": id, "options": [987654] }),
            "Invalid",
        )
        .await;
        for bad in [json!([]), json!(["Only one"]), json!(["Same", "same"])] {
            admin
            .refused_json(
                "create_post",
                json!({ "kind": "post", "recipients": everyone(), "poll": { "question": "Q?", "options": bad, "multiple": false, "anonymous": false } }),
                "Invalid",
            )
            .await;
        }
        // Anonymous polls never show who voted.
        let anon = admin
        .ok_json("create_post", json!({ "kind": "post", "recipients": everyone(),
            "poll": { "question": "Salary ok?", "options": ["Yes", "No"], "multiple": true, "anonymous": true } }))
        .await;
        let opts = bob.ok_json("feed_post", json!({ "id": anon })).await["poll"]["options"].clone();
        bob.ok_json(
            "vote",
            json!({ "post": anon, "options": [opts[0]["id"], opts[1]["id"]] }),
        )
        .await;
        admin
            .refused_json(
                "poll_voters",
                json!({ "post": anon, "option": opts[0]["id"] }),
                "Invalid",
            )
            .await;

        // An announcement: Bob and Carl must confirm; it waits on top of their feed until they do.
        let news = admin
        .ok_json("create_post", json!({ "kind": "announcement", "body": "Office closed Friday", "recipients": everyone() }))
        .await
        .as_i64()
        .unwrap();
        let page = bob.ok_json("feed_page", json!({})).await;
        assert_eq!(page["to_confirm"][0]["id"], news);
        assert_eq!(page["to_confirm"][0]["announcement"]["must_confirm"], true);
        bob.refused_json("announcement_readers", json!({ "post": news }), "Forbidden")
            .await;
        bob.ok_json("confirm_announcement", json!({ "post": news }))
            .await;
        bob.ok_json("confirm_announcement", json!({ "post": news }))
            .await;
        let page = bob.ok_json("feed_page", json!({})).await;
        assert!(page["to_confirm"].as_array().unwrap().is_empty());
        let readers = admin
            .ok_json("announcement_readers", json!({ "post": news }))
            .await;
        let names = |list: &Value| {
            list.as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&readers["confirmed"]), vec!["Bob Baker"]);
        assert_eq!(names(&readers["pending"]), vec!["Carl Cook"]);
        bob.refused_json("confirm_announcement", json!({ "post": id }), "Invalid")
            .await;

        // An appreciation: Carl is thanked, notified, and it shows on his profile.
        let carl_id = carl.me_id().await;
        let thanks = bob
            .ok_json(
                "create_post",
                json!({ "kind": "appreciation", "body": "For the demo", "recipients": everyone(),
            "appreciation": { "badge": "hero", "people": [carl_id] } }),
            )
            .await;
        let seen = admin.ok_json("feed_post", json!({ "id": thanks })).await;
        assert_eq!(seen["appreciation"]["badge"], "hero");
        assert_eq!(seen["appreciation"]["people"][0]["name"], "Carl Cook");
        let notes = carl.ok("notifications", &[]).await;
        assert!(
            notes.to_string().contains("Bob Baker thanked you"),
            "{notes}"
        );
        let received = admin
            .ok_json("appreciations_of", json!({ "user": carl_id }))
            .await;
        assert_eq!(received[0]["badge"], "hero");
        let bob_id = bob.me_id().await;
        bob.refused_json(
            "create_post",
            json!({ "kind": "appreciation", "recipients": everyone(),
        "appreciation": { "badge": "star", "people": [bob_id] } }),
            "Invalid",
        )
        .await;
        bob.refused_json(
            "create_post",
            json!({ "kind": "appreciation", "body": "x", "recipients": everyone() }),
            "Invalid",
        )
        .await;
        bob.refused_json(
            "create_post",
            json!({ "kind": "appreciation", "recipients": everyone(),
        "appreciation": { "badge": "star", "people": [987654] } }),
            "Invalid",
        )
        .await;
        // Deleting a post removes its poll, votes, confirmations and thanks.
        admin.ok_json("delete_post", json!({ "id": id })).await;
        admin.ok_json("delete_post", json!({ "id": news })).await;
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM feed_poll_votes WHERE post_id = {id}"
                ))
                .await,
            0
        );
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM feed_poll_options WHERE post_id = {id}"
                ))
                .await,
            0
        );
        assert_eq!(
            server
                .scalar(&format!(
                    "SELECT COUNT(*) FROM feed_confirmations WHERE post_id = {news}"
                ))
                .await,
            0
        );
    }
);

/// A real 3×2 RGB picture (decodable, so it gets a thumbnail).
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x38\x21\x27\x07\x41\x0c\x70\x16\x00\x41\x00\x06\x19\x3c\x45\x41\x96\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

async fn attach(client: &Client, name: &str, bytes: Vec<u8>) -> Value {
    client.upload_attachment(name, bytes).await
}

both_backends!(
    attachments_follow_the_post,
    |server: TestServer| async move {
        let (admin, bob, carl, sales) = company(&server).await;
        let picture = attach(&bob, "team.png", PNG.to_vec()).await;
        assert!(
            picture["thumb_url"].is_string(),
            "pictures get a thumbnail: {picture}"
        );
        assert_eq!(picture["width"], 3);
        assert_eq!(picture["height"], 2);
        let report = attach(&bob, "report.pdf", b"%PDF-1.4 not really".to_vec()).await;
        assert!(report["thumb_url"].is_null());
        let file_url = |a: &Value| format!("/files/{}", a["file_id"]);
        // Before it is posted, only the uploader can fetch it.
        assert_eq!(carl.get(&file_url(&picture)).await.status(), 404);
        assert_eq!(bob.get(&file_url(&picture)).await.status(), 200);

        // Posted to Sales: Bob's department reads it, Carl does not, not even the thumbnail.
        let id = bob
        .ok_json("create_post", json!({ "kind": "post", "body": "", "recipients": { "everyone": false, "departments": [sales], "people": [] },
            "attachments": [picture["file_id"], report["file_id"]] }))
        .await;
        let seen = bob.ok_json("feed_post", json!({ "id": id })).await;
        assert_eq!(seen["attachments"].as_array().unwrap().len(), 2);
        assert_eq!(seen["attachments"][0]["name"], "team.png");
        let thumb = seen["attachments"][0]["thumb_url"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(carl.get(&file_url(&picture)).await.status(), 404);
        assert_eq!(carl.get(&thumb).await.status(), 404);
        assert_eq!(carl.get(&file_url(&report)).await.status(), 404);
        assert_eq!(
            admin.get(&file_url(&picture)).await.status(),
            404,
            "admins read only what is addressed to them"
        );
        let got = bob.get(&file_url(&report)).await;
        assert_eq!(got.status(), 200);
        assert!(
            got.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(
            bob.get(&thumb).await.headers()["content-type"],
            "image/jpeg"
        );

        // A file can be attached once, only by its owner; too many are refused.
        bob.refused_json("create_post", json!({ "kind": "post", "body": "again", "recipients": everyone(), "attachments": [picture["file_id"]] }), "Invalid").await;
        let carls = attach(&carl, "c.txt", b"hello".to_vec()).await;
        bob.refused_json("create_post", json!({ "kind": "post", "body": "not mine", "recipients": everyone(), "attachments": [carls["file_id"]] }), "Invalid").await;
        let mut many = Vec::new();
        for i in 0..11 {
            many.push(attach(&carl, &format!("{i}.txt"), b"x".to_vec()).await["file_id"].clone());
        }
        carl.refused_json("create_post", json!({ "kind": "post", "body": "many", "recipients": everyone(), "attachments": many }), "Invalid").await;

        // Comments carry files too; deleting the post deletes its files and frees the space.
        let used_before = server
            .scalar("SELECT storage_used FROM portals WHERE slug = 'acme'")
            .await;
        let in_comment = attach(&bob, "note.txt", b"comment file".to_vec()).await;
        bob.ok_json(
            "add_comment",
            json!({ "post": id, "attachments": [in_comment["file_id"]] }),
        )
        .await;
        let seen = bob.ok_json("feed_post", json!({ "id": id })).await;
        assert_eq!(seen["comments"][0]["attachments"][0]["name"], "note.txt");
        bob.ok_json("delete_post", json!({ "id": id })).await;
        assert_eq!(bob.get(&file_url(&picture)).await.status(), 404);
        assert_eq!(bob.get(&thumb).await.status(), 404);
        let used_after = server
            .scalar("SELECT storage_used FROM portals WHERE slug = 'acme'")
            .await;
        assert!(
            used_after < used_before,
            "space freed: {used_before} -> {used_after}"
        );
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM feed_attachments").await,
            0
        );
    }
);

both_backends!(search_and_filters, |server: TestServer| async move {
    let (admin, bob, carl, sales) = company(&server).await;
    let ids_of = |page: &Value| -> Vec<i64> {
        page["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect()
    };
    let quarterly = post(
        &admin,
        "Quarterly **Budget** review on Thursday",
        everyone(),
    )
    .await;
    let picnic = post(&bob, "Company picnic: bring your families", everyone()).await;
    let secret = post(
        &admin,
        "Budget cuts for the sales team",
        json!({ "everyone": false, "departments": [sales], "people": [] }),
    )
    .await;
    bob.ok_json(
        "add_comment",
        json!({ "post": picnic, "body": "Who brings the barbecue?" }),
    )
    .await;

    // Words match case-insensitively, as prefixes, in posts and in comments.
    let found = carl
        .ok_json("feed_page", json!({ "filter": { "search": "budget" } }))
        .await;
    assert_eq!(
        ids_of(&found),
        vec![quarterly],
        "Carl cannot find the Sales-only post"
    );
    let found = bob
        .ok_json("feed_page", json!({ "filter": { "search": "BUDG" } }))
        .await;
    assert_eq!(ids_of(&found), vec![secret, quarterly]);
    let found = carl
        .ok_json("feed_page", json!({ "filter": { "search": "barbecue" } }))
        .await;
    assert_eq!(ids_of(&found), vec![picnic]);
    let found = carl
        .ok_json(
            "feed_page",
            json!({ "filter": { "search": "budget thursday" } }),
        )
        .await;
    assert_eq!(ids_of(&found), vec![quarterly]);
    // Search syntax is not interpreted.
    let found = carl
        .ok_json(
            "feed_page",
            json!({ "filter": { "search": "\"budget OR -picnic*" } }),
        )
        .await;
    assert!(ids_of(&found).is_empty());
    // Edits and deletions keep the index in step.
    admin
        .ok_json(
            "edit_post",
            json!({ "id": quarterly, "body": "Quarterly review moved to Friday" }),
        )
        .await;
    assert!(
        ids_of(
            &carl
                .ok_json("feed_page", json!({ "filter": { "search": "thursday" } }))
                .await
        )
        .is_empty()
    );
    assert_eq!(
        ids_of(
            &carl
                .ok_json("feed_page", json!({ "filter": { "search": "friday" } }))
                .await
        ),
        vec![quarterly]
    );
    bob.ok_json("delete_post", json!({ "id": picnic })).await;
    assert!(
        ids_of(
            &carl
                .ok_json("feed_page", json!({ "filter": { "search": "barbecue" } }))
                .await
        )
        .is_empty()
    );
    // Another portal's identical words are never found.
    let other = server.sign_up("globex", "gus@globex.test").await;
    post(&other, "Budget of Globex", everyone()).await;
    assert_eq!(
        ids_of(
            &carl
                .ok_json("feed_page", json!({ "filter": { "search": "budget" } }))
                .await
        ),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids_of(
            &bob.ok_json("feed_page", json!({ "filter": { "search": "budget" } }))
                .await
        ),
        vec![secret]
    );

    // Filters: author, addressed department, dates.
    let by_admin = carl
        .ok_json(
            "feed_page",
            json!({ "filter": { "author": admin.me_id().await } }),
        )
        .await;
    assert!(ids_of(&by_admin).contains(&quarterly));
    assert!(
        by_admin["posts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["author"]["name"] == "Ada Admin")
    );
    let to_sales = bob
        .ok_json("feed_page", json!({ "filter": { "department": sales } }))
        .await;
    assert_eq!(ids_of(&to_sales), vec![secret]);
    let now = app::ssr::now_ms();
    assert!(
        ids_of(
            &carl
                .ok_json("feed_page", json!({ "filter": { "from": now + 60_000 } }))
                .await
        )
        .is_empty()
    );
    assert!(
        ids_of(
            &carl
                .ok_json("feed_page", json!({ "filter": { "to": now - 86_400_000 } }))
                .await
        )
        .is_empty()
    );
    assert!(
        ids_of(
            &carl
                .ok_json(
                    "feed_page",
                    json!({ "filter": { "from": now - 86_400_000, "to": now + 60_000 } })
                )
                .await
        )
        .contains(&quarterly)
    );
});

both_backends!(
    recipients_are_searched_on_the_server_a_few_at_a_time,
    |server: TestServer| async move {
        let (admin, bob, carl, sales) = company(&server).await;
        for i in 0..8 {
            admin
                .ok(
                    "save_department",
                    &[("name", &format!("Support {i}")), ("parent_id", "")],
                )
                .await;
        }
        let group = bob
            .ok_json(
                "create_group",
                json!({ "form": { "name": "Sailing club", "visibility": "open" } }),
            )
            .await;
        // "sa": Sales by its name, Bob's own group, and nobody's name matches.
        let found = bob
            .ok_json("recipient_candidates", json!({ "query": "sa" }))
            .await;
        assert_eq!(found["departments"], json!([[sales, "Sales"]]), "{found}");
        assert_eq!(found["groups"], json!([[group, "Sailing club"]]), "{found}");
        // Carl is not in the group: he cannot address it, so it is not offered.
        let found = carl
            .ok_json("recipient_candidates", json!({ "query": "sa" }))
            .await;
        assert_eq!(found["groups"], json!([]), "{found}");
        // A few of each kind, never the whole company.
        let found = carl
            .ok_json("recipient_candidates", json!({ "query": "" }))
            .await;
        assert_eq!(found["departments"].as_array().unwrap().len(), 6, "{found}");
        let people: Vec<&str> = found["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(people.contains(&"Bob Baker"), "{found}");
        // Another portal's names never show.
        let other = server.sign_up("beta", "zed@beta.test").await;
        other
            .ok("save_department", &[("name", "Salsa"), ("parent_id", "")])
            .await;
        let found = bob
            .ok_json("recipient_candidates", json!({ "query": "sals" }))
            .await;
        assert_eq!(found["departments"], json!([]), "{found}");
    }
);
