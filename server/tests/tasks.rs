//! Tasks through their server functions, on both backends: sections and counters, who may do
//! what, review and delegation, checklists, keyset pages, dependencies, live events, and bad
//! input that changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Client, TestServer, accept, invite, next_event_of, websocket};
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;

fn now() -> i64 {
    app::ssr::now_ms()
}

/// Ann (admin), employees Bob, Carl, Dave and Eve, and Xena, an outside partner.
struct Company {
    ann: Client,
    bob: Client,
    carl: Client,
    dave: Client,
    eve: Client,
    xena: Client,
}

async fn company(server: &TestServer, slug: &str) -> Company {
    let ann = server.sign_up(slug, &format!("ann@{slug}.test")).await;
    let mut people = Vec::new();
    for (name, role) in [
        ("Bob Baker", "employee"),
        ("Carl Cook", "employee"),
        ("Dave Dyer", "employee"),
        ("Eve Evans", "employee"),
        ("Xena Partner", "extranet"),
    ] {
        let email = format!(
            "{}@{slug}.test",
            name.split(' ').next().unwrap().to_lowercase()
        );
        people.push(accept(server, &invite(&ann, &email, role).await, name).await);
    }
    let mut people = people.into_iter();
    Company {
        ann,
        bob: people.next().unwrap(),
        carl: people.next().unwrap(),
        dave: people.next().unwrap(),
        eve: people.next().unwrap(),
        xena: people.next().unwrap(),
    }
}

async fn create(client: &Client, form: Value) -> i64 {
    client
        .ok_json("create_task", json!({ "form": form }))
        .await
        .as_i64()
        .unwrap()
}

async fn section(client: &Client, section: &str) -> Vec<i64> {
    let page = client
        .ok_json("tasks", json!({ "query": { "section": section } }))
        .await;
    ids(&page)
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

async fn counters(client: &Client) -> Value {
    client.ok_json("my_task_counters", json!({})).await
}

both_backends!(
    sections_counters_rights_and_review,
    |server: TestServer| async move {
        let c = company(&server, "acme").await;
        let (bob_id, carl_id, dave_id) = (
            c.bob.me_id().await,
            c.carl.me_id().await,
            c.dave.me_id().await,
        );

        // Bob assigns Carl a task that is already overdue, with Dave observing and a review.
        let task = create(
            &c.bob,
            json!({
                "title": "Quarterly report",
                "description": "Numbers for @[Carl Cook](user:{carl_id}) to check.",
                "responsible": carl_id,
                "auditors": [dave_id],
                "deadline": now() - HOUR,
                "require_review": true,
                "tags": ["finance", "q4"],
                "checklist": ["Collect numbers", "Draft", "Send"],
            }),
        )
        .await;

        assert_eq!(section(&c.carl, "doing").await, [task]);
        assert_eq!(section(&c.bob, "assigned").await, [task]);
        assert_eq!(section(&c.dave, "observing").await, [task]);
        assert!(section(&c.bob, "doing").await.is_empty());
        let carl = counters(&c.carl).await;
        assert_eq!(carl["doing"]["overdue"], 1);
        assert_eq!(carl["doing"]["unseen"], 1);
        assert_eq!(counters(&c.bob).await["assigned"]["unseen"], 0);

        // Carl was told; opening the task marks it seen.
        let bell = c.carl.ok("notifications", &[]).await;
        assert!(
            bell[0]["title"]
                .as_str()
                .unwrap()
                .contains("assigned you a task")
        );
        let view = c.carl.ok_json("task", json!({ "id": task })).await;
        assert_eq!(view["item"]["checklist_total"], 3);
        assert_eq!(view["item"]["tags"], json!(["finance", "q4"]));
        assert_eq!(view["rights"]["edit"], false);
        assert_eq!(view["rights"]["checklist"], true);
        assert_eq!(view["actions"], json!(["start", "complete", "defer"]));
        assert_eq!(counters(&c.carl).await["doing"]["unseen"], 0);

        // The observer reads and comments, and changes nothing else.
        let view = c.dave.ok_json("task", json!({ "id": task })).await;
        assert_eq!(view["actions"], json!([]));
        let item = view["checklist"][0]["id"].as_i64().unwrap();
        c.dave
            .refused_json(
                "update_task",
                json!({ "id": task, "form": { "title": "Mine now" } }),
                "Forbidden",
            )
            .await;
        c.dave
            .refused_json(
                "act_on_task",
                json!({ "id": task, "action": "start" }),
                "Forbidden",
            )
            .await;
        c.dave
            .refused_json(
                "tick_checklist_item",
                json!({ "item": item, "done": true }),
                "Forbidden",
            )
            .await;
        c.dave
            .refused_json(
                "set_task_dates",
                json!({ "id": task, "deadline": now() + 48 * HOUR }),
                "Forbidden",
            )
            .await;
        c.dave
            .ok_json(
                "comment_task",
                json!({ "id": task, "body": "Watching this one." }),
            )
            .await;

        // Someone not on it, and the outside partner, cannot even find it.
        for outsider in [&c.eve, &c.xena] {
            outsider
                .refused_json("task", json!({ "id": task }), "NotFound")
                .await;
            outsider
                .refused_json(
                    "comment_task",
                    json!({ "id": task, "body": "Hi" }),
                    "NotFound",
                )
                .await;
            assert!(section(outsider, "all").await.is_empty());
        }
        // The administrator sees every task.
        assert_eq!(section(&c.ann, "all").await, [task]);

        // Carl works the checklist and completes: the task waits for Bob's review.
        c.carl
            .ok_json("tick_checklist_item", json!({ "item": item, "done": true }))
            .await;
        let status = c
            .carl
            .ok_json("act_on_task", json!({ "id": task, "action": "complete" }))
            .await;
        assert_eq!(status, "review");
        c.carl
            .refused_json(
                "act_on_task",
                json!({ "id": task, "action": "approve" }),
                "Forbidden",
            )
            .await;
        assert_eq!(counters(&c.bob).await["assigned"]["unseen"], 1);
        let status = c
            .bob
            .ok_json("act_on_task", json!({ "id": task, "action": "approve" }))
            .await;
        assert_eq!(status, "done");
        // Done tasks leave the open list and the counters, and show with "any status".
        assert!(section(&c.carl, "doing").await.is_empty());
        assert_eq!(counters(&c.carl).await["doing"]["overdue"], 0);
        let page = c
            .carl
            .ok_json(
                "tasks",
                json!({ "query": { "section": "doing", "status": "any" } }),
            )
            .await;
        assert_eq!(ids(&page), [task]);
        assert_eq!(page["items"][0]["checklist_done"], 1);

        // The history tells the story; the feed shows the task created and completed.
        let view = c.bob.ok_json("task", json!({ "id": task })).await;
        let fields: Vec<&str> = view["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["created", "checklist", "status", "status"]);
        assert_eq!(
            view["comments"][0]["body"][0]["c"][0]["c"],
            "Watching this one."
        );
        let feed = c.carl.ok_json("feed_page", json!({})).await;
        let task_entries = |feed: &Value| -> Vec<String> {
            feed["posts"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["entry"]["entry_type"].as_str())
                .filter(|t| t.starts_with("task_"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(task_entries(&feed), ["task_done", "task_created"]);
        let feed = c.eve.ok_json("feed_page", json!({})).await;
        assert!(task_entries(&feed).is_empty());

        // Reopened, then delegated: Dave does it now, Carl stays as an observer.
        c.bob
            .ok_json("act_on_task", json!({ "id": task, "action": "renew" }))
            .await;
        c.carl
            .ok_json("delegate_task", json!({ "id": task, "to": dave_id }))
            .await;
        assert_eq!(section(&c.dave, "doing").await, [task]);
        assert_eq!(section(&c.carl, "observing").await, [task]);
        assert!(section(&c.dave, "observing").await.is_empty());
        let view = c.dave.ok_json("task", json!({ "id": task })).await;
        assert_eq!(view["item"]["responsible"]["id"], dave_id);
        assert_eq!(view["creator"]["id"], bob_id);
        // The creator edits: a co-executor joins, and is told.
        c.bob
            .ok_json(
                "update_task",
                json!({ "id": task, "form": { "title": "Quarterly report v2", "responsible": dave_id,
                    "accomplices": [carl_id], "auditors": [], "deadline": now() + 2 * HOUR } }),
            )
            .await;
        assert_eq!(section(&c.carl, "helping").await, [task]);
        assert_eq!(counters(&c.dave).await["doing"]["due_soon"], 1);
        c.bob.ok_json("delete_task", json!({ "id": task })).await;
        c.carl
            .refused_json("task", json!({ "id": task }), "NotFound")
            .await;
        assert_eq!(server.scalar("SELECT COUNT(*) FROM task_members").await, 0);
    }
);

both_backends!(bad_input_changes_nothing, |server: TestServer| async move {
    let c = company(&server, "acme").await;
    let other = server.sign_up("beta", "zoe@beta.test").await;
    let stranger = other.me_id().await;
    let carl_id = c.carl.me_id().await;
    let start = now() + 24 * HOUR;
    let refusals = [
        json!({ "title": "" }),
        json!({ "title": "x".repeat(251) }),
        json!({ "title": "Dates", "start_at": start, "deadline": start - HOUR }),
        json!({ "title": "Dates", "start_at": start, "end_at": start - HOUR }),
        json!({ "title": "Year", "deadline": 1 }),
        json!({ "title": "Nobody", "responsible": 999_999_999 }),
        json!({ "title": "Stranger", "responsible": stranger }),
        json!({ "title": "Stranger", "auditors": [stranger] }),
        // Outside partners work only on tasks of their groups.
        json!({ "title": "Partner", "accomplices": [c.xena.me_id().await] }),
        json!({ "title": "Long list", "checklist": vec!["item"; 10_000] }),
        json!({ "title": "Tags", "tags": (0..30).map(|i| format!("t{i}")).collect::<Vec<_>>() }),
        json!({ "title": "Group", "group": 999_999 }),
        json!({ "title": "Parent", "parent": 999_999 }),
        json!({ "title": "Estimate", "estimate_minutes": -5 }),
    ];
    for form in refusals {
        c.bob
            .refused_json("create_task", json!({ "form": form }), "Invalid")
            .await;
    }
    assert_eq!(server.scalar("SELECT COUNT(*) FROM tasks").await, 0);

    let task = create(&c.bob, json!({ "title": "Real", "responsible": carl_id })).await;
    let a = create(&c.bob, json!({ "title": "Other", "parent": task })).await;
    // A task cannot become a subtask of its own subtask.
    c.bob
        .refused_json(
            "update_task",
            json!({ "id": task, "form": { "title": "Real", "responsible": carl_id, "parent": a } }),
            "Invalid",
        )
        .await;
    c.bob
        .refused_json(
            "add_checklist_items",
            json!({ "id": task, "items": vec!["x"; 301] }),
            "Invalid",
        )
        .await;
    c.carl
        .refused_json(
            "delegate_task",
            json!({ "id": task, "to": stranger }),
            "Invalid",
        )
        .await;
    // Accepting work that was never handed in is not a step a task can take.
    c.carl
        .refused_json(
            "act_on_task",
            json!({ "id": task, "action": "approve" }),
            "Invalid",
        )
        .await;
    let (status, _) = c
        .carl
        .call_json("act_on_task", json!({ "id": task, "action": "explode" }))
        .await;
    assert_eq!(status, 400);
    let view = c.bob.ok_json("task", json!({ "id": task })).await;
    assert_eq!(view["item"]["title"], "Real");
    assert_eq!(view["item"]["parent"], Value::Null);
    assert_eq!(view["item"]["checklist_total"], 0);
    assert_eq!(view["item"]["responsible"]["id"], carl_id);
    assert_eq!(view["history"].as_array().unwrap().len(), 1);
});

both_backends!(keyset_pages_and_filters, |server: TestServer| async move {
    let c = company(&server, "acme").await;
    let base = now() + 24 * HOUR;
    let mut made = Vec::new();
    for i in 0..120 {
        let deadline = if i % 4 == 0 {
            Value::Null
        } else {
            json!(base + i * HOUR)
        };
        let tags = if i % 10 == 0 {
            json!(["urgent"])
        } else {
            json!([])
        };
        made.push(
            create(
                &c.bob,
                json!({ "title": format!("Task number {i}"), "deadline": deadline, "tags": tags }),
            )
            .await,
        );
    }
    // Activity order, newest first, in pages of 50 that neither skip nor repeat.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = c
            .bob
            .ok_json(
                "tasks",
                json!({ "query": { "section": "doing" }, "after": after }),
            )
            .await;
        seen.extend(ids(&page));
        after = page["next"].clone();
        if after.is_null() {
            break;
        }
    }
    let mut newest_first = made.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);

    // Deadline order: nearest first, tasks without a deadline last.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = c
            .bob
            .ok_json(
                "tasks",
                json!({ "query": { "section": "doing", "sort": "deadline" }, "after": after }),
            )
            .await;
        seen.extend(ids(&page));
        after = page["next"].clone();
        if after.is_null() {
            break;
        }
    }
    let with: Vec<i64> = made
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 != 0)
        .map(|(_, id)| *id)
        .collect();
    let without: Vec<i64> = made.iter().step_by(4).copied().collect();
    assert_eq!(seen[..90], with[..]);
    assert_eq!(seen[90..], without[..]);

    // Filters: tag, search, deadline range, no deadline.
    let page = c
        .bob
        .ok_json("tasks", json!({ "query": { "tag": "urgent" } }))
        .await;
    assert_eq!(ids(&page).len(), 12);
    let page = c
        .bob
        .ok_json("tasks", json!({ "query": { "search": "NUMBER 11" } }))
        .await;
    assert_eq!(
        ids(&page),
        [
            made[119], made[118], made[117], made[116], made[115], made[114], made[113], made[112],
            made[111], made[110], made[11]
        ]
    );
    let page = c
        .bob
        .ok_json(
            "tasks",
            json!({ "query": { "deadline_from": base + HOUR, "deadline_to": base + 4 * HOUR } }),
        )
        .await;
    assert_eq!(ids(&page), [made[3], made[2], made[1]]);
    let counters = counters(&c.bob).await;
    assert_eq!(counters["doing"]["no_deadline"], 30);
    let page = c
        .bob
        .ok_json("tasks", json!({ "query": { "no_deadline": true } }))
        .await;
    assert_eq!(ids(&page).len(), 30);

    // Saved filters are the caller's own.
    let saved = c
        .bob
        .ok_json(
            "save_task_filter",
            json!({ "name": "Urgent", "query": { "tag": "urgent", "sort": "deadline" } }),
        )
        .await;
    let list = c.bob.ok_json("task_filters", json!({})).await;
    assert_eq!(list[0]["query"]["tag"], "urgent");
    assert!(
        c.carl
            .ok_json("task_filters", json!({}))
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    c.carl
        .refused_json("delete_task_filter", json!({ "id": saved }), "NotFound")
        .await;
    c.bob
        .ok_json("delete_task_filter", json!({ "id": saved }))
        .await;
});

both_backends!(
    dependencies_refuse_loops_and_bad_moves,
    |server: TestServer| async move {
        let c = company(&server, "acme").await;
        let day = 24 * HOUR;
        let t0 = now() + day;
        let a = create(
            &c.bob,
            json!({ "title": "Design", "start_at": t0, "end_at": t0 + 2 * day }),
        )
        .await;
        let b = create(
            &c.bob,
            json!({ "title": "Build", "start_at": t0 + 3 * day, "end_at": t0 + 5 * day }),
        )
        .await;
        let d = create(
            &c.bob,
            json!({ "title": "Launch", "start_at": t0 + 6 * day, "end_at": t0 + 7 * day }),
        )
        .await;
        c.bob
            .ok_json(
                "link_tasks",
                json!({ "predecessor": a, "successor": b, "kind": "finish_to_start" }),
            )
            .await;
        c.bob
            .ok_json(
                "link_tasks",
                json!({ "predecessor": b, "successor": d, "kind": "finish_to_start" }),
            )
            .await;
        // Closing the loop is refused, as is a task waiting on itself or a second link.
        c.bob
            .refused_json(
                "link_tasks",
                json!({ "predecessor": d, "successor": a, "kind": "start_to_start" }),
                "Invalid",
            )
            .await;
        c.bob
            .refused_json(
                "link_tasks",
                json!({ "predecessor": a, "successor": a, "kind": "finish_to_start" }),
                "Invalid",
            )
            .await;
        c.bob
            .refused_json(
                "link_tasks",
                json!({ "predecessor": a, "successor": b, "kind": "finish_to_finish" }),
                "Conflict",
            )
            .await;
        // Build cannot start before Design ends; Design cannot end after Build starts.
        c.bob
            .refused_json(
                "set_task_dates",
                json!({ "id": b, "start_at": t0 + day, "end_at": t0 + 5 * day }),
                "Invalid",
            )
            .await;
        c.bob
            .refused_json(
                "set_task_dates",
                json!({ "id": a, "start_at": t0, "end_at": t0 + 4 * day }),
                "Invalid",
            )
            .await;
        // Moving within the slack is fine.
        c.bob
            .ok_json(
                "set_task_dates",
                json!({ "id": b, "start_at": t0 + 2 * day, "end_at": t0 + 5 * day }),
            )
            .await;
        let view = c.bob.ok_json("task", json!({ "id": b })).await;
        assert_eq!(view["item"]["start_at"], t0 + 2 * day);
        assert_eq!(view["predecessors"][0]["predecessor"], a);
        assert_eq!(view["successors"][0]["successor"], d);
        // Someone who cannot see a task cannot link to it.
        c.eve
            .refused_json(
                "link_tasks",
                json!({ "predecessor": a, "successor": b, "kind": "finish_to_start" }),
                "NotFound",
            )
            .await;
        c.bob
            .ok_json("unlink_tasks", json!({ "predecessor": a, "successor": b }))
            .await;
        assert_eq!(server.scalar("SELECT COUNT(*) FROM task_links").await, 1);
    }
);

both_backends!(
    group_tasks_and_live_events,
    |server: TestServer| async move {
        let c = company(&server, "acme").await;
        let (carl_id, xena_id) = (c.carl.me_id().await, c.xena.me_id().await);
        let group = c
            .bob
            .ok_json(
                "create_group",
                json!({ "form": { "name": "Launch", "visibility": "closed", "is_project": true },
                "members": [carl_id] }),
            )
            .await
            .as_i64()
            .unwrap();
        c.bob
            .ok_json(
                "add_group_members",
                json!({ "id": group, "people": [xena_id], "role": "member" }),
            )
            .await;
        let mut carl_ws = websocket(&c.carl).await.unwrap();
        let mut xena_ws = websocket(&c.xena).await.unwrap();
        // A group task: the partner may work on it, since they belong to the group.
        let task = create(
            &c.bob,
            json!({ "title": "Press kit", "group": group, "accomplices": [xena_id] }),
        )
        .await;
        let event = next_event_of(&mut carl_ws, "task_changed", 5).await;
        assert_eq!(event["task_id"], task);
        next_event_of(&mut xena_ws, "task_changed", 5).await;
        // Members see it in "All" and by the group filter; outsiders do not.
        assert_eq!(section(&c.carl, "all").await, [task]);
        assert_eq!(section(&c.xena, "helping").await, [task]);
        let page = c
            .xena
            .ok_json(
                "tasks",
                json!({ "query": { "section": "all", "group": group } }),
            )
            .await;
        assert_eq!(ids(&page), [task]);
        assert!(section(&c.eve, "all").await.is_empty());
        c.eve
            .refused_json("task", json!({ "id": task }), "NotFound")
            .await;
        // The partner cannot start tasks outside their groups.
        c.xena
            .refused_json(
                "create_task",
                json!({ "form": { "title": "Side job" } }),
                "Invalid",
            )
            .await;
        let own = create(&c.xena, json!({ "title": "Send logos", "group": group })).await;
        assert_eq!(section(&c.xena, "doing").await, [own]);

        // A bar dragged on the chart: the other members hear about it at once.
        let mut dave_ws = websocket(&c.dave).await.unwrap();
        c.bob
            .ok_json(
                "set_task_dates",
                json!({ "id": task, "start_at": now(), "end_at": now() + HOUR }),
            )
            .await;
        // (Xena's own task was announced to Carl before this change.)
        while next_event_of(&mut carl_ws, "task_changed", 5).await["task_id"] != task {}
        let view = c.carl.ok_json("task", json!({ "id": task })).await;
        assert!(view["item"]["start_at"].is_i64());
        // Dave is neither on the task nor in the group: nothing reaches him.
        use futures::StreamExt;
        let quiet =
            tokio::time::timeout(std::time::Duration::from_millis(700), dave_ws.next()).await;
        assert!(quiet.is_err(), "an outsider received an event: {quiet:?}");
    }
);

both_backends!(time_tracking, |server: TestServer| async move {
    let c = company(&server, "acme").await;
    let (carl_id, dave_id) = (c.carl.me_id().await, c.dave.me_id().await);
    let first = create(
        &c.bob,
        json!({ "title": "Write copy", "responsible": carl_id, "auditors": [dave_id], "estimate_minutes": 120 }),
    )
    .await;
    let second = create(
        &c.bob,
        json!({ "title": "Edit copy", "responsible": carl_id }),
    )
    .await;

    // One running timer per person: starting another stops the first.
    c.carl
        .ok_json("start_task_timer", json!({ "id": first }))
        .await;
    c.carl
        .refused_json("start_task_timer", json!({ "id": first }), "Invalid")
        .await;
    let view = c.carl.ok_json("task", json!({ "id": first })).await;
    assert!(view["my_timer"].is_i64());
    c.carl
        .ok_json("start_task_timer", json!({ "id": second }))
        .await;
    let view = c.carl.ok_json("task", json!({ "id": first })).await;
    assert_eq!(view["my_timer"], Value::Null);
    assert!(view["time"][0]["stopped_at"].is_i64());
    c.carl
        .ok_json("stop_task_timer", json!({ "id": second }))
        .await;
    c.carl
        .refused_json("stop_task_timer", json!({ "id": second }), "Invalid")
        .await;

    // By hand: 90 minutes with a note; the total follows, and deleting takes it back.
    let entry = c
        .carl
        .ok_json(
            "add_task_time",
            json!({ "id": first, "minutes": 90, "note": "First draft" }),
        )
        .await
        .as_i64()
        .unwrap();
    let view = c.bob.ok_json("task", json!({ "id": first })).await;
    let spent = view["spent_seconds"].as_i64().unwrap();
    assert!((5400..5460).contains(&spent), "spent {spent}");
    assert_eq!(view["time"][0]["note"], "First draft");
    assert_eq!(view["time"][0]["removable"], true);
    for bad in [0, -5, 24 * 60 + 1] {
        c.carl
            .refused_json(
                "add_task_time",
                json!({ "id": first, "minutes": bad }),
                "Invalid",
            )
            .await;
    }
    // Observers and outsiders record nothing.
    c.dave
        .refused_json(
            "add_task_time",
            json!({ "id": first, "minutes": 10 }),
            "Forbidden",
        )
        .await;
    c.dave
        .refused_json("start_task_timer", json!({ "id": first }), "Forbidden")
        .await;
    c.dave
        .refused_json("remove_task_time", json!({ "entry": entry }), "Forbidden")
        .await;
    c.eve
        .refused_json(
            "add_task_time",
            json!({ "id": first, "minutes": 10 }),
            "NotFound",
        )
        .await;
    c.carl
        .ok_json("remove_task_time", json!({ "entry": entry }))
        .await;
    let view = c.bob.ok_json("task", json!({ "id": first })).await;
    assert!(view["spent_seconds"].as_i64().unwrap() < 60);
});

both_backends!(gantt_charts, |server: TestServer| async move {
    let c = company(&server, "acme").await;
    let (carl_id, eve_id) = (c.carl.me_id().await, c.eve.me_id().await);
    let group_of = |name: &'static str, visibility: &'static str| {
        json!({ "form": { "name": name, "visibility": visibility, "is_project": true },
                "members": [carl_id] })
    };
    let open = c
        .bob
        .ok_json("create_group", group_of("Launch", "open"))
        .await
        .as_i64()
        .unwrap();
    let closed = c
        .bob
        .ok_json("create_group", group_of("Secret", "closed"))
        .await
        .as_i64()
        .unwrap();
    let day = 24 * HOUR;
    let t0 = now() + day;
    let plan = create(
        &c.bob,
        json!({ "title": "Plan", "group": open, "start_at": t0, "end_at": t0 + 2 * day }),
    )
    .await;
    let detail = create(
        &c.bob,
        json!({ "title": "Plan details", "group": open, "parent": plan,
                "responsible": carl_id, "deadline": t0 + day }),
    )
    .await;
    let ship = create(
        &c.bob,
        json!({ "title": "Ship", "group": open, "deadline": t0 + 5 * day,
                "auditors": [eve_id] }),
    )
    .await;
    create(&c.bob, json!({ "title": "Hidden", "group": closed })).await;
    c.bob
        .ok_json(
            "link_tasks",
            json!({ "predecessor": plan, "successor": ship, "kind": "finish_to_start" }),
        )
        .await;
    let chart_ids = |chart: &Value| -> Vec<i64> {
        let mut ids: Vec<i64> = gantt_tasks(chart)
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    let task_of = |chart: &Value, id: i64| -> Value {
        gantt_tasks(chart)
            .into_iter()
            .find(|t| t["id"] == id)
            .unwrap()
    };

    // A member sees the whole project, with its dependencies, and may move only their own bar.
    let chart = c.carl.ok_json("gantt", json!({ "group": open })).await;
    assert_eq!(chart["title"], "Launch");
    assert_eq!(chart_ids(&chart), [plan, detail, ship]);
    assert_eq!(chart["links"][0]["predecessor"]["task"], plan);
    assert_eq!(chart["links"][0]["successor"]["task"], ship);
    assert_eq!(chart["links"][0]["kind"], "finish_to_start");
    assert_eq!(task_of(&chart, detail)["parent"], plan);
    assert_eq!(task_of(&chart, detail)["movable"], true);
    assert_eq!(task_of(&chart, plan)["movable"], false);
    assert_eq!(task_of(&chart, plan)["responsible"], "Bob Baker");
    // The creator and an administrator (not a member) may move every bar.
    let chart = c.ann.ok_json("gantt", json!({ "group": open })).await;
    assert_eq!(chart_ids(&chart), [plan, detail, ship]);
    assert!(gantt_tasks(&chart).iter().all(|t| t["movable"] == true));
    // Someone outside an open project sees only the tasks they are on, and moves none;
    // a closed project does not exist for them.
    let chart = c.eve.ok_json("gantt", json!({ "group": open })).await;
    assert_eq!(chart_ids(&chart), [ship]);
    assert_eq!(task_of(&chart, ship)["movable"], false);
    assert!(chart["links"].as_array().unwrap().is_empty());
    c.eve
        .refused_json("gantt", json!({ "group": closed }), "NotFound")
        .await;
    c.dave
        .refused_json("gantt", json!({ "group": closed }), "NotFound")
        .await;
    c.xena
        .refused_json("gantt", json!({ "group": open }), "NotFound")
        .await;

    // "My tasks": the open ones the caller is responsible for or helps with.
    let mine = c.carl.ok_json("gantt", json!({})).await;
    assert_eq!(chart_ids(&mine), [detail]);
    c.carl
        .ok_json("act_on_task", json!({ "id": detail, "action": "complete" }))
        .await;
    assert!(chart_ids(&c.carl.ok_json("gantt", json!({})).await).is_empty());
    assert!(chart_ids(&c.eve.ok_json("gantt", json!({})).await).is_empty());

    // A bar moved on the chart: dates change for everyone; an observer may not move it.
    c.bob
        .ok_json(
            "set_task_dates",
            json!({ "id": ship, "start_at": t0 + 3 * day, "deadline": t0 + 6 * day }),
        )
        .await;
    let chart = c.carl.ok_json("gantt", json!({ "group": open })).await;
    assert_eq!(task_of(&chart, ship)["start_at"], t0 + 3 * day);
    assert_eq!(task_of(&chart, ship)["deadline"], t0 + 6 * day);
    c.eve
        .refused_json(
            "set_task_dates",
            json!({ "id": ship, "start_at": t0 + 4 * day, "deadline": t0 + 7 * day }),
            "Forbidden",
        )
        .await;
    // Moving the successor before its predecessor ends is refused.
    c.bob
        .refused_json(
            "set_task_dates",
            json!({ "id": ship, "start_at": t0 + day, "deadline": t0 + 6 * day }),
            "Invalid",
        )
        .await;
});

/// The tasks of a Gantt window, in row order.
fn gantt_tasks(window: &Value) -> Vec<Value> {
    window["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["task"].clone())
        .collect()
}

fn gantt_titles(window: &Value) -> Vec<String> {
    gantt_tasks(window)
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Rows `first..first + rows` of a project's Gantt chart, with the tasks of `folded` folded.
async fn gantt_window(
    client: &Client,
    project: i64,
    first: i64,
    rows: i64,
    folded: Vec<i64>,
) -> Value {
    let args = json!({ "group": project, "first_row": first, "rows": rows, "folded": folded });
    client.ok_json("gantt", args).await
}

/// (predecessor row, successor row) of each arrow of a window.
fn gantt_arrows(window: &Value) -> Vec<(i64, i64)> {
    window["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["predecessor"]["row"].as_i64().unwrap(),
                l["successor"]["row"].as_i64().unwrap(),
            )
        })
        .collect()
}

both_backends!(gantt_windows, |server: TestServer| async move {
    use app::tasks::gantt::{GanttNode, span, visible_rows};
    let c = company(&server, "acme").await;
    let (carl_id, eve_id) = (c.carl.me_id().await, c.eve.me_id().await);
    let project = c
        .bob
        .ok_json(
            "create_group",
            json!({ "form": { "name": "Big launch", "visibility": "open", "is_project": true },
                    "members": [carl_id] }),
        )
        .await
        .as_i64()
        .unwrap();
    let day = 24 * HOUR;
    let t0 = now() + day;
    // Six roots ten days apart, created latest first (the chart's order is by start, not by
    // id); three subtasks under each, two more under each first subtask: 36 rows. Eve
    // observes the subtasks of root 2 (and nothing else).
    let mut ids = std::collections::HashMap::new();
    for k in (0..6).rev() {
        let start = t0 + k * 10 * day;
        let form = json!({ "title": format!("Root {k}"), "group": project,
                           "start_at": start, "end_at": start + 3 * day });
        ids.insert(format!("Root {k}"), create(&c.bob, form).await);
    }
    for k in 0..6 {
        for j in (0..3).rev() {
            let start = t0 + k * 10 * day + j * day;
            let auditors = if k == 2 { vec![eve_id] } else { vec![] };
            let form = json!({ "title": format!("Task {k}.{j}"), "group": project,
                               "parent": ids[&format!("Root {k}")], "auditors": auditors,
                               "start_at": start, "end_at": start + day });
            let child = create(&c.bob, form).await;
            ids.insert(format!("Task {k}.{j}"), child);
            if j == 0 {
                for g in (0..2).rev() {
                    let form = json!({ "title": format!("Task {k}.0.{g}"), "group": project,
                                       "parent": child, "start_at": start + g * HOUR,
                                       "end_at": start + day });
                    ids.insert(format!("Task {k}.0.{g}"), create(&c.bob, form).await);
                }
            }
        }
    }
    // The order the chart must show, folding the tasks named.
    let expected = |folded: &[&str]| -> Vec<String> {
        let mut out = Vec::new();
        for k in 0..6 {
            let root = format!("Root {k}");
            out.push(root.clone());
            if folded.contains(&root.as_str()) {
                continue;
            }
            for j in 0..3 {
                let task = format!("Task {k}.{j}");
                out.push(task.clone());
                if j == 0 && !folded.contains(&task.as_str()) {
                    out.extend((0..2).map(|g| format!("Task {k}.0.{g}")));
                }
            }
        }
        out
    };
    for (from, to, kind) in [
        ("Root 0", "Root 5", "finish_to_start"),
        ("Task 2.1", "Task 2.2", "finish_to_start"),
        ("Task 2.2", "Root 4", "finish_to_start"),
    ] {
        c.bob
            .ok_json(
                "link_tasks",
                json!({ "predecessor": ids[from], "successor": ids[to], "kind": kind }),
            )
            .await;
    }

    // The whole chart in one window: in tree order, siblings by start, the same order as
    // `visible_rows` gives for these tasks.
    let whole = gantt_window(&c.carl, project, 0, 100, vec![]).await;
    assert_eq!(whole["title"], "Big launch");
    assert_eq!(whole["total_rows"], 36);
    assert_eq!(gantt_titles(&whole), expected(&[]));
    let nodes: Vec<GanttNode> = gantt_tasks(&whole)
        .iter()
        .map(|t| GanttNode {
            id: app::ids::TaskId(t["id"].as_i64().unwrap()),
            parent: t["parent"].as_i64().map(app::ids::TaskId),
            span: span(
                t["start_at"].as_i64(),
                t["end_at"].as_i64(),
                t["deadline"].as_i64(),
                t["created_at"].as_i64().unwrap(),
            ),
        })
        .collect();
    let by_function: Vec<i64> = visible_rows(&nodes, &Default::default())
        .iter()
        .map(|r| nodes[r.index].id.0)
        .collect();
    let by_server: Vec<i64> = gantt_tasks(&whole)
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(by_server, by_function);
    let rows = whole["rows"].as_array().unwrap();
    assert_eq!(rows[0]["depth"], 0);
    assert_eq!(rows[0]["has_children"], true);
    assert_eq!(rows[2]["depth"], 2); // Task 0.0.0
    assert_eq!(rows[2]["has_children"], false);
    // The scale covers every task, whatever the window.
    let range = whole["range"].clone();
    assert!(range[0].as_i64().unwrap() <= t0 && range[1].as_i64().unwrap() >= t0 + 53 * day);

    // Windows of 7 rows, one after the other: the whole chart, without a gap or a repeat; the
    // last one asked past the end moves back to show the last rows.
    let mut shown: Vec<i64> = Vec::new();
    for first in (0..36).step_by(7) {
        let part = gantt_window(&c.carl, project, first, 7, vec![]).await;
        assert_eq!(part["total_rows"], 36);
        assert_eq!(part["range"], range);
        let start = part["first_row"].as_i64().unwrap();
        assert_eq!(start, first.min(36 - 7));
        for (i, row) in part["rows"].as_array().unwrap().iter().enumerate() {
            let at = start + i as i64;
            assert_eq!(row["row"], at);
            let id = row["task"]["id"].as_i64().unwrap();
            if at < shown.len() as i64 {
                assert_eq!(shown[at as usize], id, "row {at} changed between windows");
            } else {
                assert_eq!(at, shown.len() as i64, "a gap before row {at}");
                shown.push(id);
            }
        }
    }
    assert_eq!(shown, by_server);

    // Arrows carry the rows of both ends: in the window, or out of it.
    let row_of = |title: &str| expected(&[]).iter().position(|t| t == title).unwrap() as i64;
    assert_eq!(
        gantt_arrows(&whole),
        [
            (row_of("Root 0"), row_of("Root 5")),
            (row_of("Task 2.1"), row_of("Task 2.2")),
            (row_of("Task 2.2"), row_of("Root 4")),
        ]
    );
    // Rows 8-14: only the arrow passing through from Root 0 down to Root 5, with Root 5's
    // row and span, out of the window.
    let middle = gantt_window(&c.carl, project, 8, 7, vec![]).await;
    assert_eq!(gantt_arrows(&middle), [(0, row_of("Root 5"))]);
    let far = &middle["links"][0]["successor"];
    assert_eq!(far["task"], ids["Root 5"]);
    assert_eq!(far["start"], t0 + 50 * day);
    assert_eq!(far["end"], t0 + 53 * day);
    assert!(gantt_titles(&middle).iter().all(|t| t != "Root 5"));
    // Rows 30-35, the end: the same arrow, from row 0 above the window.
    let end = gantt_window(&c.carl, project, 30, 7, vec![]).await;
    assert_eq!(gantt_arrows(&end), [(0, row_of("Root 5"))]);

    // A window asked to show a task (one just moved) moves to hold it, if it would not.
    let show = |first: i64, task: &str| json!({ "group": project, "first_row": first, "rows": 7, "show": ids[task] });
    let moved = c.carl.ok_json("gantt", show(0, "Root 5")).await;
    assert_eq!(moved["first_row"], row_of("Root 5") - 3);
    let stays = c.carl.ok_json("gantt", show(0, "Task 0.1")).await;
    assert_eq!(stays["first_row"], 0);
    // A task Eve cannot see is no way to find its row.
    let hidden = c.eve.ok_json("gantt", show(1, "Root 5")).await;
    assert_eq!(hidden["first_row"], 0);
    assert_eq!(gantt_titles(&hidden), ["Task 2.0", "Task 2.1", "Task 2.2"]);

    // Folded tasks leave their subtasks out, rows move up, and arrows to hidden rows go.
    let folded = vec![ids["Task 1.0"], ids["Root 2"]];
    let part = gantt_window(&c.carl, project, 0, 100, folded.clone()).await;
    let want = expected(&["Task 1.0", "Root 2"]);
    assert_eq!(part["total_rows"], want.len() as i64);
    assert_eq!(want.len(), 36 - 2 - 5);
    assert_eq!(gantt_titles(&part), want);
    let folded_row = |t: &str| want.iter().position(|w| w == t).unwrap() as i64;
    assert_eq!(gantt_arrows(&part), [(0, folded_row("Root 5"))]);
    let last = gantt_window(&c.carl, project, 25, 5, folded).await;
    assert_eq!(gantt_titles(&last), want[24..29]);

    // Someone outside the project sees the tasks they are on, numbered among those only;
    // nothing of the others, not even a title or an arrow to them.
    let eves = gantt_window(&c.eve, project, 0, 100, vec![]).await;
    assert_eq!(eves["total_rows"], 3);
    assert_eq!(gantt_titles(&eves), ["Task 2.0", "Task 2.1", "Task 2.2"]);
    assert!(
        eves["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["depth"] == 0)
    );
    assert_eq!(gantt_arrows(&eves), [(1, 2)]);
    assert!(!eves.to_string().contains("Root"));
    let second = gantt_window(&c.eve, project, 1, 1, vec![]).await;
    assert_eq!(gantt_titles(&second), ["Task 2.1"]);
    assert_eq!(second["rows"][0]["row"], 1);
    let daves = gantt_window(&c.dave, project, 0, 100, vec![]).await;
    assert_eq!(daves["total_rows"], 0);
    assert!(daves["rows"].as_array().unwrap().is_empty());
    c.xena
        .refused_json("gantt", json!({ "group": project }), "NotFound")
        .await;

    // Limits: too many folded tasks are refused before anything is read (even for a project
    // that does not exist); a window holds at most 500 rows, and at least one.
    let many: Vec<i64> = (1..=5001).collect();
    c.carl
        .refused_json(
            "gantt",
            json!({ "group": project + 1000, "folded": many }),
            "Invalid",
        )
        .await;
    let portal = server
        .scalar(&format!(
            "SELECT portal_id FROM workgroups WHERE id = {project}"
        ))
        .await;
    let bob_id = c.bob.me_id().await;
    let values: Vec<String> = (0..520)
        .map(|i| {
            format!(
                "({portal}, {project}, 'Bulk {i}', {bob_id}, {bob_id}, 'new', 'normal', {}, {t0}, {t0})",
                t0 + i * HOUR
            )
        })
        .collect();
    server
        .sql(&format!(
            "INSERT INTO tasks (portal_id, group_id, title, creator_id, responsible_id, status, \
             priority, start_at, created_at, activity_at) VALUES {}",
            values.join(", ")
        ))
        .await;
    let big = gantt_window(&c.carl, project, 0, 100_000, vec![]).await;
    assert_eq!(big["total_rows"], 556);
    assert_eq!(big["rows"].as_array().unwrap().len(), 500);
    let one = gantt_window(&c.carl, project, 3, 0, vec![]).await;
    assert_eq!(one["rows"].as_array().unwrap().len(), 1);
    // The first window by default: FIRST_ROWS rows from the top.
    let default = c.carl.ok_json("gantt", json!({ "group": project })).await;
    assert_eq!(default["first_row"], 0);
    assert_eq!(
        default["rows"].as_array().unwrap().len(),
        app::tasks::gantt::FIRST_ROWS as usize
    );
});

both_backends!(
    templates_and_recurring_tasks,
    // The scheduler's passes are run by hand here.
    |c: &mut app::ssr::config::Config| c.workers_off = vec!["recurring-tasks".into()],
    |server: TestServer| async move {
        use app::tasks::ssr::templates::run_due;
        let c = company(&server, "acme").await;
        let carl_id = c.carl.me_id().await;
        let day = 24 * HOUR;
        let weekly = json!({
            "name": "Weekly report",
            "task": { "title": "Write the weekly report", "responsible": carl_id,
                      "checklist": ["Numbers", "Risks"] },
            "deadline_after_minutes": 2 * 24 * 60,
            "repeat": "weekly",
            "first_at": now() - 3 * day,
        });

        // Bad input changes nothing.
        for (form, error) in [
            (json!({ "name": " ", "task": { "title": "x" } }), "Invalid"),
            (json!({ "name": "x", "task": { "title": "" } }), "Invalid"),
            (
                json!({ "name": "x", "task": { "title": "x" }, "repeat": "daily" }),
                "Invalid",
            ),
            (
                json!({ "name": "x", "task": { "title": "x" }, "deadline_after_minutes": -5 }),
                "Invalid",
            ),
            (
                json!({ "name": "x", "task": { "title": "x", "responsible": 999_999 } }),
                "Invalid",
            ),
            (
                // Within a task's limits, but too much text for a template.
                json!({ "name": "x", "task": { "title": "x", "checklist": vec!["x".repeat(200); 100] } }),
                "Invalid",
            ),
        ] {
            c.bob
                .refused_json("save_task_template", json!({ "form": form }), error)
                .await;
        }
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM task_templates").await,
            0
        );

        let template = c
            .bob
            .ok_json("save_task_template", json!({ "form": weekly }))
            .await
            .as_i64()
            .unwrap();
        let list = c.bob.ok_json("task_templates", json!({})).await;
        assert_eq!(list[0]["form"]["name"], "Weekly report");
        // First due three days ago: the next is four days from now (same time of day).
        let next = list[0]["next_run_at"].as_i64().unwrap();
        assert!((next - (now() + 4 * day)).abs() < 60_000, "next run {next}");
        // Someone else's template is not there for them.
        assert!(
            c.carl
                .ok_json("task_templates", json!({}))
                .await
                .as_array()
                .unwrap()
                .is_empty()
        );
        for endpoint in ["create_task_from_template", "delete_task_template"] {
            c.carl
                .refused_json(endpoint, json!({ "id": template }), "NotFound")
                .await;
        }
        c.carl
            .refused_json(
                "save_task_template",
                json!({ "id": template, "form": weekly }),
                "NotFound",
            )
            .await;

        // Used by hand: a task now, deadline two days on, with the checklist.
        let task = c
            .bob
            .ok_json("create_task_from_template", json!({ "id": template }))
            .await
            .as_i64()
            .unwrap();
        let view = c.carl.ok_json("task", json!({ "id": task })).await;
        assert_eq!(view["item"]["title"], "Write the weekly report");
        let deadline = view["item"]["deadline"].as_i64().unwrap();
        assert!((deadline - (now() + 2 * day)).abs() < 60_000);
        assert_eq!(view["checklist"].as_array().unwrap().len(), 2);

        // Due now: two scheduler passes at once (as on two nodes) make exactly one task.
        let due = now() - 1000;
        sqlx::query("UPDATE task_templates SET next_run_at = ?")
            .bind(due)
            .execute(&server.state.db.writer)
            .await
            .unwrap();
        let (a, b) = tokio::join!(run_due(&server.state), run_due(&server.state));
        assert_eq!(a.unwrap() + b.unwrap(), 1);
        assert_eq!(run_due(&server.state).await.unwrap(), 0);
        let count = "SELECT COUNT(*) FROM tasks WHERE title = 'Write the weekly report'";
        assert_eq!(server.scalar(count).await, 2);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM task_template_runs")
                .await,
            1
        );
        let recurring = server
            .scalar("SELECT task_id FROM task_template_runs")
            .await;
        let view = c.carl.ok_json("task", json!({ "id": recurring })).await;
        assert_eq!(view["item"]["deadline"], due + 2 * day);
        assert_eq!(view["creator"]["id"], c.bob.me_id().await);
        // The schedule moved on to the next week.
        let list = c.bob.ok_json("task_templates", json!({})).await;
        assert!(list[0]["next_run_at"].as_i64().unwrap() > now());
        assert_eq!(list[0]["last_task"], recurring);

        // A template that can no longer make its task: the owner is told, the schedule goes on.
        sqlx::query("UPDATE users SET is_active = 0 WHERE id = ?")
            .bind(carl_id)
            .execute(&server.state.db.writer)
            .await
            .unwrap();
        sqlx::query("UPDATE task_templates SET next_run_at = ?")
            .bind(now() - 1000)
            .execute(&server.state.db.writer)
            .await
            .unwrap();
        assert_eq!(run_due(&server.state).await.unwrap(), 0);
        assert_eq!(server.scalar(count).await, 2);
        let bell = c.bob.ok("notifications", &[]).await;
        assert!(bell.to_string().contains("could not be created"), "{bell}");

        c.bob
            .ok_json("delete_task_template", json!({ "id": template }))
            .await;
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM task_templates").await,
            0
        );
    }
);

both_backends!(files_on_tasks, |server: TestServer| async move {
    let c = company(&server, "acme").await;
    let (carl_id, eve_id) = (c.carl.me_id().await, c.eve.me_id().await);
    let task = create(
        &c.bob,
        json!({ "title": "Contract", "responsible": carl_id, "auditors": [eve_id] }),
    )
    .await;
    let other = create(&c.bob, json!({ "title": "Other" })).await;
    let spec = c
        .carl
        .upload_attachment("spec.pdf", b"%PDF-1.4 spec".to_vec())
        .await["file_id"]
        .as_i64()
        .unwrap();
    // An observer may not attach; someone else's upload cannot be attached.
    let eves = c.eve.upload_attachment("mine.txt", b"eve".to_vec()).await["file_id"]
        .as_i64()
        .unwrap();
    c.eve
        .refused_json(
            "attach_task_files",
            json!({ "id": task, "files": [eves] }),
            "Forbidden",
        )
        .await;
    c.carl
        .refused_json(
            "attach_task_files",
            json!({ "id": task, "files": [eves] }),
            "Invalid",
        )
        .await;
    c.carl
        .ok_json("attach_task_files", json!({ "id": task, "files": [spec] }))
        .await;
    // Once on a task, the file cannot go on another, nor twice on the same one.
    c.bob
        .refused_json(
            "attach_task_files",
            json!({ "id": other, "files": [spec] }),
            "Invalid",
        )
        .await;
    c.carl
        .refused_json(
            "attach_task_files",
            json!({ "id": task, "files": [spec] }),
            "Invalid",
        )
        .await;
    let view = c.eve.ok_json("task", json!({ "id": task })).await;
    assert_eq!(view["files"][0]["file"]["name"], "spec.pdf");
    assert_eq!(view["files"][0]["removable"], false);
    assert!(view["history"].to_string().contains("spec.pdf"));
    // Whoever sees the task downloads it; nobody else.
    let path = format!("/files/{spec}");
    assert_eq!(c.eve.get(&path).await.status(), 200);
    assert_eq!(
        c.bob.get(&path).await.text().await.unwrap(),
        "%PDF-1.4 spec"
    );
    assert_eq!(c.dave.get(&path).await.status(), 404);
    assert_eq!(c.xena.get(&path).await.status(), 404);
    // The observer cannot take it off; the creator (who manages the task) can.
    c.eve
        .refused_json(
            "remove_task_file",
            json!({ "id": task, "file": spec }),
            "Forbidden",
        )
        .await;
    c.bob
        .ok_json("remove_task_file", json!({ "id": task, "file": spec }))
        .await;
    let view = c.carl.ok_json("task", json!({ "id": task })).await;
    assert!(view["files"].as_array().unwrap().is_empty());
    assert_eq!(server.scalar("SELECT COUNT(*) FROM task_files").await, 0);
});

both_backends!(project_stages, |server: TestServer| async move {
    let c = company(&server, "acme").await;
    let (carl_id, eve_id) = (c.carl.me_id().await, c.eve.me_id().await);
    let new_group = |name: &'static str| {
        json!({ "form": { "name": name, "visibility": "closed", "is_project": true },
                "members": [carl_id] })
    };
    let group = c
        .bob
        .ok_json("create_group", new_group("Launch"))
        .await
        .as_i64()
        .unwrap();
    let other = c
        .bob
        .ok_json("create_group", new_group("Other"))
        .await
        .as_i64()
        .unwrap();
    // Members see the stages; only the owner (and moderators, administrators) change them.
    c.carl
        .refused_json(
            "save_task_stage",
            json!({ "group": group, "name": "Mine" }),
            "Forbidden",
        )
        .await;
    for name in ["", &"x".repeat(61)] {
        c.bob
            .refused_json(
                "save_task_stage",
                json!({ "group": group, "name": name }),
                "Invalid",
            )
            .await;
    }
    let stage = |name: &'static str, group: i64| {
        let bob = &c.bob;
        async move {
            bob.ok_json("save_task_stage", json!({ "group": group, "name": name }))
                .await
                .as_i64()
                .unwrap()
        }
    };
    let design = stage("Design", group).await;
    let build = stage("Build", group).await;
    let elsewhere = stage("Elsewhere", other).await;
    let stages = c
        .carl
        .ok_json("task_stages", json!({ "group": group }))
        .await;
    assert_eq!(stages[0]["name"], "Design");
    assert_eq!(stages[1]["id"], build);
    c.eve
        .refused_json("task_stages", json!({ "group": group }), "NotFound")
        .await;

    let task = create(
        &c.bob,
        json!({ "title": "Stand", "group": group, "responsible": carl_id, "auditors": [eve_id] }),
    )
    .await;
    let personal = create(&c.carl, json!({ "title": "Mine" })).await;
    c.carl
        .ok_json("set_task_stage", json!({ "id": task, "stage": design }))
        .await;
    let in_stage = |stage: Value| {
        let carl = &c.carl;
        async move {
            let mut query = json!({ "section": "all", "group": group });
            match stage {
                Value::Null => query["no_stage"] = json!(true),
                stage => query["stage"] = stage,
            }
            ids(&carl.ok_json("tasks", json!({ "query": query })).await)
        }
    };
    assert_eq!(in_stage(json!(design)).await, [task]);
    assert!(in_stage(Value::Null).await.is_empty());
    let view = c.carl.ok_json("task", json!({ "id": task })).await;
    assert_eq!(view["item"]["stage"], design);
    assert!(view["history"].to_string().contains("Design"));
    // Another project's stage, a personal task, an observer: refused.
    c.carl
        .refused_json(
            "set_task_stage",
            json!({ "id": task, "stage": elsewhere }),
            "Invalid",
        )
        .await;
    c.carl
        .refused_json(
            "set_task_stage",
            json!({ "id": personal, "stage": design }),
            "Invalid",
        )
        .await;
    c.eve
        .refused_json(
            "set_task_stage",
            json!({ "id": task, "stage": build }),
            "Forbidden",
        )
        .await;
    // Deleting a stage leaves its tasks in no stage.
    c.bob
        .ok_json("delete_task_stage", json!({ "group": group, "id": design }))
        .await;
    assert_eq!(in_stage(Value::Null).await, [task]);
    c.bob
        .refused_json(
            "delete_task_stage",
            json!({ "group": other, "id": build }),
            "NotFound",
        )
        .await;
    // At most 20 stages.
    for i in 0..19 {
        c.bob
            .ok_json(
                "save_task_stage",
                json!({ "group": group, "name": format!("Stage {i}") }),
            )
            .await;
    }
    c.bob
        .refused_json(
            "save_task_stage",
            json!({ "group": group, "name": "One too many" }),
            "Invalid",
        )
        .await;
});

both_backends!(
    board_columns_count_and_page,
    |server: TestServer| async move {
        let c = company(&server, "acme").await;
        let (carl_id, eve_id) = (c.carl.me_id().await, c.eve.me_id().await);
        let group = c
            .bob
            .ok_json(
                "create_group",
                json!({ "form": { "name": "Launch", "visibility": "closed", "is_project": true },
                    "members": [carl_id] }),
            )
            .await
            .as_i64()
            .unwrap();
        // 60 new tasks (more than a page), one started, one done; Eve observes one of them.
        let portal = server
            .scalar(&format!(
                "SELECT portal_id FROM workgroups WHERE id = {group}"
            ))
            .await;
        let bob_id = c.bob.me_id().await;
        let t0 = now();
        let values: Vec<String> = (0..57)
            .map(|i| {
                format!(
                    "({portal}, {group}, 'Bulk {i}', {bob_id}, {bob_id}, 'new', 'normal', {}, {})",
                    t0 - i * HOUR,
                    t0 - i * HOUR
                )
            })
            .collect();
        server
        .sql(&format!(
            "INSERT INTO tasks (portal_id, group_id, title, creator_id, responsible_id, status, \
             priority, created_at, activity_at) VALUES {}",
            values.join(", ")
        ))
        .await;
        let watched = create(
            &c.bob,
            json!({ "title": "Watched", "group": group, "auditors": [eve_id] }),
        )
        .await;
        let started = create(&c.bob, json!({ "title": "Started", "group": group })).await;
        let done = create(&c.bob, json!({ "title": "Done", "group": group })).await;
        c.bob
            .ok_json("act_on_task", json!({ "id": started, "action": "start" }))
            .await;
        c.bob
            .ok_json("act_on_task", json!({ "id": done, "action": "complete" }))
            .await;
        let board = json!({ "section": "all", "group": group });
        assert_eq!(
            board_counts(&c.carl, board.clone(), "status").await,
            [
                (r#"{"status":"done"}"#.to_owned(), 1),
                (r#"{"status":"in_progress"}"#.to_owned(), 1),
                (r#"{"status":"new"}"#.to_owned(), 58),
            ]
        );
        // The column "New" pages through all 58, as its count says.
        let column = json!({ "section": "all", "group": group, "status": { "only": "new" } });
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = c
                .carl
                .ok_json("tasks", json!({ "query": column, "after": after }))
                .await;
            seen.extend(ids(&page));
            after = page["next"].clone();
            if after.is_null() {
                break;
            }
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 58);

        // By stage: the board's status filter (open tasks) holds; a column per stage.
        let stage = c
            .bob
            .ok_json(
                "save_task_stage",
                json!({ "group": group, "name": "Design" }),
            )
            .await
            .as_i64()
            .unwrap();
        for id in [watched, started, done] {
            c.bob
                .ok_json("set_task_stage", json!({ "id": id, "stage": stage }))
                .await;
        }
        let open = json!({ "section": "all", "group": group, "status": "open" });
        assert_eq!(
            board_counts(&c.carl, open.clone(), "stage").await,
            [
                (format!(r#"{{"stage":{stage}}}"#), 2),
                (r#"{"stage":null}"#.to_owned(), 57),
            ]
        );
        // Someone on one task of a closed project counts that one only; outsiders count nothing.
        assert_eq!(
            board_counts(&c.eve, board.clone(), "status").await,
            [(r#"{"status":"new"}"#.to_owned(), 1)]
        );
        assert!(
            board_counts(&c.dave, board.clone(), "status")
                .await
                .is_empty()
        );
        assert!(board_counts(&c.xena, board, "stage").await.is_empty());
    }
);

/// A board's counts as (column as JSON, tasks), sorted.
async fn board_counts(client: &Client, query: Value, by: &'static str) -> Vec<(String, i64)> {
    let answer = client
        .ok_json("task_board_counts", json!({ "query": query, "by": by }))
        .await;
    let mut out: Vec<(String, i64)> = answer["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].to_string(), c[1].as_i64().unwrap()))
        .collect();
    out.sort();
    out
}
