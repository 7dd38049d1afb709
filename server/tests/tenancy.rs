//! The tenancy guard: every endpoint refuses callers from another portal, forged sessions,
//! anonymous visitors and (where employees only) extranet users. Reused by every feature:
//! add a feature's endpoints to `ENDPOINTS` and to the id-based checks below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::Client;

/// (endpoint, arguments, whether extranet users are refused too).
type Endpoint = (&'static str, Vec<(&'static str, String)>, bool);

fn endpoints(victim_user: &str, department: &str) -> Vec<Endpoint> {
    vec![
        ("directory", vec![], true),
        ("departments", vec![], true),
        ("save_department", vec![("name", "X".into())], true),
        ("delete_department", vec![("id", department.into())], true),
        (
            "invite",
            vec![("email", "new@x.test".into()), ("role", "employee".into())],
            true,
        ),
        ("invitations", vec![], true),
        ("get_portal_settings", vec![], true),
        (
            "update_portal_settings",
            vec![
                ("name", "Pwned".into()),
                ("time_zone", "UTC".into()),
                ("language", "en".into()),
            ],
            true,
        ),
        ("get_profile", vec![("user_id", victim_user.into())], true),
        (
            "update_profile",
            vec![("user_id", victim_user.into()), ("name", "Pwned".into())],
            true,
        ),
        ("notifications", vec![], false),
        ("mark_notifications_read", vec![], false),
    ]
}

/// Server functions taking JSON: (endpoint, arguments, whether extranet users are refused).
/// `post` and `comment` are addressed to all employees, so extranet users may not reach them.
fn json_endpoints(
    post: i64,
    comment: i64,
    group: i64,
) -> Vec<(&'static str, serde_json::Value, bool)> {
    use serde_json::json;
    let everyone = json!({ "everyone": true, "departments": [], "people": [] });
    vec![
        ("feed_page", json!({}), false),
        ("feed_unread", json!({}), false),
        ("feed_mark_seen", json!({ "up_to": post }), false),
        ("feed_post", json!({ "id": post }), true),
        (
            "earlier_comments",
            json!({ "post": post, "before": comment + 10 }),
            true,
        ),
        (
            "create_post",
            json!({ "kind": "post", "body": "Pwned", "recipients": everyone }),
            true,
        ),
        ("edit_post", json!({ "id": post, "body": "Pwned" }), true),
        ("delete_post", json!({ "id": post }), true),
        ("pin_post", json!({ "id": post, "pinned": true }), true),
        (
            "add_comment",
            json!({ "post": post, "body": "Pwned" }),
            true,
        ),
        (
            "edit_comment",
            json!({ "id": comment, "body": "Pwned" }),
            true,
        ),
        ("delete_comment", json!({ "id": comment }), true),
        ("react", json!({ "post": post, "reaction": "like" }), true),
        ("who_reacted", json!({ "post": post }), true),
        ("mention_candidates", json!({ "query": "a" }), true),
        // Pickers: people are the company's (employees only); groups those the caller sees.
        ("search_people", json!({ "query": "a" }), true),
        ("people_by_ids", json!({ "ids": [1] }), true),
        ("search_groups", json!({ "query": "Board" }), false),
        ("groups_by_ids", json!({ "ids": [group] }), false),
        ("recipient_candidates", json!({ "query": "a" }), true),
        ("vote", json!({ "post": post, "options": [] }), true),
        ("poll_voters", json!({ "post": post, "option": 1 }), true),
        ("confirm_announcement", json!({ "post": post }), true),
        ("announcement_readers", json!({ "post": post }), true),
        // Scoped to what the caller may see: another portal's ids give an empty list.
        ("appreciations_of", json!({ "user": 1 }), false),
        // Workgroups: `group` is closed, and the extranet user is not in it.
        ("groups", json!({}), false),
        ("group", json!({ "id": group }), true),
        (
            "create_group",
            json!({ "form": { "name": "Pwned", "visibility": "open" } }),
            true,
        ),
        (
            "update_group",
            json!({ "id": group, "form": { "name": "Pwned", "visibility": "open" } }),
            true,
        ),
        (
            "add_group_members",
            json!({ "id": group, "people": [], "role": "member" }),
            true,
        ),
        (
            "set_group_role",
            json!({ "id": group, "user": 1, "role": "member" }),
            true,
        ),
        (
            "remove_group_member",
            json!({ "id": group, "user": 1 }),
            true,
        ),
        ("gantt", json!({ "group": group }), true),
        (
            "gantt",
            json!({ "group": group, "first_row": 3, "rows": 500, "folded": [1, 2], "show": 1 }),
            true,
        ),
        ("task_stages", json!({ "group": group }), true),
        (
            "save_task_stage",
            json!({ "group": group, "name": "Pwned" }),
            true,
        ),
        (
            "delete_task_stage",
            json!({ "group": group, "id": 1 }),
            true,
        ),
        ("join_group", json!({ "id": group }), true),
        ("leave_group", json!({ "id": group }), true),
    ]
}

/// Task server functions: (endpoint, arguments, whether extranet users are refused). `task`
/// is the admin's private task (with a checklist `item`, and a dependency on `other`);
/// `filter` is the admin's saved filter.
fn task_endpoints(
    task: i64,
    other: i64,
    item: i64,
    filter: i64,
    entry: i64,
    template: i64,
) -> Vec<(&'static str, serde_json::Value, bool)> {
    use serde_json::json;
    vec![
        // Scoped to the caller: what they may see, their own counters and filters.
        ("tasks", json!({ "query": {} }), false),
        // Under this portal's task: outsiders are refused before the parent is looked up.
        (
            "create_task",
            json!({ "form": { "title": "Pwned", "parent": task } }),
            false,
        ),
        ("my_task_counters", json!({}), false),
        ("task_filters", json!({}), false),
        ("gantt", json!({}), false),
        (
            "task_board_counts",
            json!({ "query": {}, "by": "status" }),
            false,
        ),
        (
            "save_task_filter",
            json!({ "name": "Pwned", "query": {} }),
            false,
        ),
        ("task", json!({ "id": task }), true),
        (
            "update_task",
            json!({ "id": task, "form": { "title": "Pwned" } }),
            true,
        ),
        ("delete_task", json!({ "id": task }), true),
        (
            "act_on_task",
            json!({ "id": task, "action": "start" }),
            true,
        ),
        ("delegate_task", json!({ "id": task, "to": 1 }), true),
        (
            "set_task_dates",
            json!({ "id": task, "deadline": 1_900_000_000_000_i64 }),
            true,
        ),
        (
            "add_checklist_items",
            json!({ "id": task, "items": ["Pwned"] }),
            true,
        ),
        (
            "tick_checklist_item",
            json!({ "item": item, "done": true }),
            true,
        ),
        (
            "edit_checklist_item",
            json!({ "item": item, "text": "Pwned" }),
            true,
        ),
        ("remove_checklist_item", json!({ "item": item }), true),
        ("comment_task", json!({ "id": task, "body": "Pwned" }), true),
        (
            "link_tasks",
            json!({ "predecessor": task, "successor": other, "kind": "start_to_start" }),
            true,
        ),
        (
            "unlink_tasks",
            json!({ "predecessor": other, "successor": task }),
            true,
        ),
        ("delete_task_filter", json!({ "id": filter }), true),
        ("start_task_timer", json!({ "id": task }), true),
        ("stop_task_timer", json!({ "id": task }), true),
        ("add_task_time", json!({ "id": task, "minutes": 30 }), true),
        ("remove_task_time", json!({ "entry": entry }), true),
        ("task_templates", json!({}), false),
        (
            "save_task_template",
            json!({ "id": template, "form": { "name": "Pwned", "task": { "title": "Pwned" } } }),
            true,
        ),
        ("delete_task_template", json!({ "id": template }), true),
        ("create_task_from_template", json!({ "id": template }), true),
        (
            "attach_task_files",
            json!({ "id": task, "files": [] }),
            true,
        ),
        ("set_task_stage", json!({ "id": task }), true),
        ("remove_task_file", json!({ "id": task, "file": 1 }), true),
        // Exports the caller's own view of the list; another portal's session is refused.
        (
            "export_tasks",
            json!({ "query": {}, "format": "csv" }),
            false,
        ),
    ]
}

/// Job server functions: `job` is the admin's export. A job is its owner's alone: everyone
/// else, the extranet user included, gets NotFound.
fn job_endpoints(job: i64) -> Vec<(&'static str, serde_json::Value, bool)> {
    use serde_json::json;
    vec![
        ("my_jobs", json!({}), false),
        ("job", json!({ "id": job }), true),
        ("cancel_job", json!({ "id": job }), true),
        ("export_directory", json!({ "format": "xlsx" }), true),
    ]
}

/// Chat server functions: (endpoint, arguments, whether extranet users are refused).
#[allow(clippy::too_many_arguments)]
fn chat_endpoints(
    direct: i64,
    group_chat: i64,
    workgroup_chat: i64,
    task_chat: i64,
    message: i64,
    group: i64,
    task: i64,
    eve: i64,
) -> Vec<(&'static str, serde_json::Value, bool)> {
    use serde_json::json;
    let mut out = vec![
        // Scoped to the caller's own chats.
        ("chats", json!({}), false),
        ("chat_unread", json!({}), false),
        ("search_messages", json!({ "query": "secret" }), false),
        ("open_direct_chat", json!({ "with": eve }), true),
        (
            "create_chat",
            json!({ "new": { "title": "Pwned", "members": [eve] } }),
            true,
        ),
        ("workgroup_chat", json!({ "group": group }), true),
        ("task_chat", json!({ "task": task }), true),
        (
            "edit_message",
            json!({ "id": message, "text": "Pwned" }),
            true,
        ),
        ("delete_message", json!({ "id": message }), true),
        (
            "react_to_message",
            json!({ "id": message, "reaction": "like" }),
            true,
        ),
        (
            "update_chat",
            json!({ "id": group_chat, "title": "Pwned" }),
            true,
        ),
        (
            "add_chat_members",
            json!({ "id": group_chat, "people": [1] }),
            true,
        ),
        (
            "remove_chat_member",
            json!({ "id": group_chat, "user": eve }),
            true,
        ),
        ("leave_chat", json!({ "id": group_chat }), true),
    ];
    for chat in [direct, group_chat, workgroup_chat, task_chat] {
        out.extend([
            ("chat", json!({ "id": chat }), true),
            ("chat_history", json!({ "chat": chat }), true),
            (
                "chat_catch_up",
                json!({ "chat": chat, "after_seq": 0, "since": 0 }),
                true,
            ),
            (
                "send_message",
                json!({ "chat": chat, "form": { "text": "Pwned", "client_key": format!("p-{chat}") } }),
                true,
            ),
            ("mark_chat_read", json!({ "chat": chat, "seq": 1 }), true),
            ("chat_typing", json!({ "chat": chat }), true),
        ]);
    }
    out
}

async fn assert_refused_json(who: &str, client: &Client, endpoint: &str, args: &serde_json::Value) {
    let (status, body) = client.call_json(endpoint, args.clone()).await;
    assert!(
        [401, 403, 404].contains(&status.as_u16()),
        "{who} was not refused by {endpoint}: {status} {body}"
    );
}

async fn assert_refused(who: &str, client: &Client, endpoint: &str, args: &[(&str, String)]) {
    let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = client.call(endpoint, &form).await;
    assert!(
        [401, 403, 404].contains(&status.as_u16()),
        "{who} was not refused by {endpoint}: {status} {body}"
    );
}

both_backends!(
    every_endpoint_refuses_outsiders,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let victim_user = admin.me_id().await.to_string();
        let department = admin.ok("departments", &[]).await[0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let extranet = common::accept(
            &server,
            &common::invite(&admin, "guest@partner.test", "extranet").await,
            "Guest",
        )
        .await;
        let foreign = server.sign_up("beta", "bob@beta.test").await;
        let forged = server.client_with_cookie(&admin.host(), &foreign.session_token());
        let anonymous = server.client(&admin.host());
        let before_name = server
            .scalar("SELECT COUNT(*) FROM portals WHERE name = 'acme Ltd'")
            .await;

        for (endpoint, args, extranet_refused) in endpoints(&victim_user, &department) {
            assert_refused("an anonymous visitor", &anonymous, endpoint, &args).await;
            assert_refused("another portal's session", &forged, endpoint, &args).await;
            if extranet_refused {
                assert_refused("an extranet user", &extranet, endpoint, &args).await;
            }
        }
        let post = admin
            .ok_json(
                "create_post",
                serde_json::json!({ "kind": "post", "body": "Company news",
                    "recipients": { "everyone": true, "departments": [], "people": [] } }),
            )
            .await
            .as_i64()
            .unwrap();
        let comment = admin
            .ok_json(
                "add_comment",
                serde_json::json!({ "post": post, "body": "First" }),
            )
            .await
            .as_i64()
            .unwrap();
        let group = admin
            .ok_json(
                "create_group",
                serde_json::json!({ "form": { "name": "Board", "visibility": "closed" } }),
            )
            .await
            .as_i64()
            .unwrap();
        for (endpoint, args, extranet_refused) in json_endpoints(post, comment, group) {
            assert_refused_json("an anonymous visitor", &anonymous, endpoint, &args).await;
            assert_refused_json("another portal's session", &forged, endpoint, &args).await;
            if extranet_refused {
                assert_refused_json("an extranet user", &extranet, endpoint, &args).await;
            }
            // Another portal's admin on their own host, naming this portal's ids.
            if endpoint != "feed_page"
                && endpoint != "feed_unread"
                && endpoint != "feed_mark_seen"
                && endpoint != "create_post"
                && endpoint != "mention_candidates"
                && endpoint != "recipient_candidates"
                && endpoint != "appreciations_of"
                && endpoint != "groups"
                && endpoint != "create_group"
                && endpoint != "search_people"
                && endpoint != "people_by_ids"
                && endpoint != "search_groups"
                && endpoint != "groups_by_ids"
            {
                assert_refused_json("another portal's admin", &foreign, endpoint, &args).await;
            }
        }
        // Pickers answer another portal's admin with their own portal only: nothing of this one.
        let victim: i64 = victim_user.parse().unwrap();
        let found = foreign
            .ok_json("search_people", serde_json::json!({ "query": "Ada" }))
            .await;
        let ids: Vec<i64> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [foreign.me_id().await], "{found}");
        for (endpoint, args) in [
            ("people_by_ids", serde_json::json!({ "ids": [victim] })),
            ("search_groups", serde_json::json!({ "query": "Board" })),
            ("groups_by_ids", serde_json::json!({ "ids": [group] })),
        ] {
            assert_eq!(
                foreign.ok_json(endpoint, args).await,
                serde_json::json!([]),
                "{endpoint}"
            );
        }
        // The extranet user is in no group: the closed one is not named to them.
        for (endpoint, args) in [
            ("search_groups", serde_json::json!({ "query": "Board" })),
            ("groups_by_ids", serde_json::json!({ "ids": [group] })),
        ] {
            assert_eq!(
                extranet.ok_json(endpoint, args).await,
                serde_json::json!([]),
                "{endpoint}"
            );
        }
        // Tasks: the admin's private task, with a checklist, a dependency and a saved filter.
        let other = admin
            .ok_json(
                "create_task",
                serde_json::json!({ "form": { "title": "Before" } }),
            )
            .await
            .as_i64()
            .unwrap();
        let task = admin
            .ok_json(
                "create_task",
                serde_json::json!({ "form": { "title": "Private", "checklist": ["Step"] } }),
            )
            .await
            .as_i64()
            .unwrap();
        admin
            .ok_json(
                "link_tasks",
                serde_json::json!({ "predecessor": other, "successor": task, "kind": "finish_to_start" }),
            )
            .await;
        let item = admin
            .ok_json("task", serde_json::json!({ "id": task }))
            .await["checklist"][0]["id"]
            .as_i64()
            .unwrap();
        let filter = admin
            .ok_json(
                "save_task_filter",
                serde_json::json!({ "name": "Mine", "query": {} }),
            )
            .await
            .as_i64()
            .unwrap();
        let entry = admin
            .ok_json(
                "add_task_time",
                serde_json::json!({ "id": task, "minutes": 15 }),
            )
            .await
            .as_i64()
            .unwrap();
        let template = admin
            .ok_json(
                "save_task_template",
                serde_json::json!({ "form": { "name": "Mine", "task": { "title": "Private" } } }),
            )
            .await
            .as_i64()
            .unwrap();
        for (endpoint, args, extranet_refused) in
            task_endpoints(task, other, item, filter, entry, template)
        {
            assert_refused_json("an anonymous visitor", &anonymous, endpoint, &args).await;
            assert_refused_json("another portal's session", &forged, endpoint, &args).await;
            if extranet_refused {
                assert_refused_json("an extranet user", &extranet, endpoint, &args).await;
            }
            if args.get("id").is_some()
                || args.get("item").is_some()
                || args.get("predecessor").is_some()
            {
                assert_refused_json("another portal's admin", &foreign, endpoint, &args).await;
            }
        }
        let view = admin
            .ok_json("task", serde_json::json!({ "id": task }))
            .await;
        assert_eq!(view["item"]["title"], "Private");
        assert_eq!(view["item"]["status"], "new");
        assert_eq!(view["item"]["deadline"], serde_json::Value::Null);
        assert_eq!(view["checklist"][0]["text"], "Step");
        assert_eq!(view["checklist"][0]["done"], serde_json::Value::Null);
        assert_eq!(view["comments"], serde_json::json!([]));
        assert_eq!(view["predecessors"][0]["predecessor"], other);
        assert_eq!(view["successors"], serde_json::json!([]));
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM tasks WHERE title LIKE 'Pwned%'")
                .await,
            0
        );
        assert_eq!(server.scalar("SELECT COUNT(*) FROM task_filters").await, 1);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM task_templates WHERE name = 'Mine'")
                .await,
            1
        );
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM task_templates").await,
            1
        );
        assert_eq!(server.scalar("SELECT COUNT(*) FROM task_time").await, 1);
        assert_eq!(view["spent_seconds"], 900);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM feed_posts WHERE body LIKE 'Pwned%'")
                .await,
            0
        );
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM feed_comments WHERE body LIKE 'Pwned%'")
                .await,
            0
        );
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM feed_reactions").await,
            0
        );
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM workgroups WHERE name = 'Pwned'")
                .await,
            0
        );
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM workgroup_members")
                .await,
            1
        );
        // The extranet user's feed does not show the company post.
        let page = extranet.ok_json("feed_page", serde_json::json!({})).await;
        assert!(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["id"] != post)
        );

        // Jobs: the admin's export, its file downloadable by the admin alone.
        let job = admin
            .ok_json(
                "export_tasks",
                serde_json::json!({ "query": {}, "format": "csv" }),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        // Finished, so that a refusal below is about who asks, not a file not there yet.
        assert_eq!(
            common::exports::wait_done(&admin, job).await["state"],
            "done"
        );
        assert_eq!(admin.get(&format!("/jobs/{job}/file")).await.status(), 200);
        for (endpoint, args, extranet_refused) in job_endpoints(job) {
            assert_refused_json("an anonymous visitor", &anonymous, endpoint, &args).await;
            assert_refused_json("another portal's session", &forged, endpoint, &args).await;
            if extranet_refused {
                assert_refused_json("an extranet user", &extranet, endpoint, &args).await;
            }
            if args.get("id").is_some() {
                assert_refused_json("another portal's admin", &foreign, endpoint, &args).await;
            }
        }
        for (who, client) in [
            ("an anonymous visitor", &anonymous),
            ("another portal's session", &forged),
            ("an extranet user", &extranet),
            ("another portal's admin", &foreign),
        ] {
            let status = client.get(&format!("/jobs/{job}/file")).await.status();
            assert!(
                [401, 404].contains(&status.as_u16()),
                "{who} reached the export's file: {status}"
            );
        }
        for client in [&extranet, &foreign] {
            assert_eq!(
                client.ok_json("my_jobs", serde_json::json!({})).await,
                serde_json::json!([])
            );
        }

        // Chats: a one-to-one and a group chat of the admin and Eve, the closed group's chat
        // and the private task's chat. Nobody outside them reaches any.
        let eve = common::accept(
            &server,
            &common::invite(&admin, "eve@acme.test", "employee").await,
            "Eve",
        )
        .await;
        let eve_id = eve.me_id().await;
        let direct = admin
            .ok_json("open_direct_chat", serde_json::json!({ "with": eve_id }))
            .await
            .as_i64()
            .unwrap();
        let message = admin
            .ok_json(
                "send_message",
                serde_json::json!({ "chat": direct, "form": { "text": "Secret", "client_key": "t-1" } }),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        let group_chat = admin
            .ok_json(
                "create_chat",
                serde_json::json!({ "new": { "title": "Board chat", "members": [eve_id] } }),
            )
            .await
            .as_i64()
            .unwrap();
        let workgroup_chat = admin
            .ok_json("workgroup_chat", serde_json::json!({ "group": group }))
            .await
            .as_i64()
            .unwrap();
        let task_chat = admin
            .ok_json("task_chat", serde_json::json!({ "task": task }))
            .await
            .as_i64()
            .unwrap();
        let messages_before = server.scalar("SELECT COUNT(*) FROM chat_messages").await;
        let members_before = server.scalar("SELECT COUNT(*) FROM chat_members").await;
        for (endpoint, args, extranet_refused) in chat_endpoints(
            direct,
            group_chat,
            workgroup_chat,
            task_chat,
            message,
            group,
            task,
            eve_id,
        ) {
            assert_refused_json("an anonymous visitor", &anonymous, endpoint, &args).await;
            assert_refused_json("another portal's session", &forged, endpoint, &args).await;
            if extranet_refused {
                assert_refused_json("an extranet user", &extranet, endpoint, &args).await;
            }
            if endpoint != "chats"
                && endpoint != "chat_unread"
                && endpoint != "search_messages"
                && endpoint != "open_direct_chat"
                && endpoint != "create_chat"
            {
                assert_refused_json("another portal's admin", &foreign, endpoint, &args).await;
            }
        }
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM chat_messages").await,
            messages_before
        );
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM chat_members").await,
            members_before
        );
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM chats WHERE title = 'Board chat'")
                .await,
            1
        );
        for client in [&extranet, &foreign] {
            let list = client.ok_json("chats", serde_json::json!({})).await;
            assert_eq!(list["chats"], serde_json::json!([]), "{list}");
            let found = client
                .ok_json("search_messages", serde_json::json!({ "query": "secret" }))
                .await;
            assert_eq!(found, serde_json::json!([]));
        }

        // Another portal's admin, on their own host, naming this portal's ids, reaches nothing.
        let (status, _) = foreign
            .call("get_profile", &[("user_id", &victim_user)])
            .await;
        assert_eq!(status, 404);
        let (status, _) = foreign
            .call(
                "update_profile",
                &[("user_id", &victim_user), ("name", "Pwned")],
            )
            .await;
        assert!([403, 404].contains(&status.as_u16()));
        let (status, _) = foreign
            .call("delete_department", &[("id", &department)])
            .await;
        assert!(!status.is_success());
        let (status, _) = foreign
            .call(
                "save_department",
                &[("name", "X"), ("parent_id", &department)],
            )
            .await;
        assert!(!status.is_success());

        // Nothing changed.
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM portals WHERE name = 'acme Ltd'")
                .await,
            before_name
        );
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM users WHERE name = 'Pwned'")
                .await,
            0
        );
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM departments WHERE name = 'X'")
                .await,
            0
        );
        // The extranet user still sees themselves.
        let own = extranet.me_id().await.to_string();
        extranet.ok("get_profile", &[("user_id", &own)]).await;
    }
);

/// Server functions anyone may call without a session, each for a reason: signing up and in,
/// getting back in, joining by invitation, and asking who one is.
const PUBLIC_ENDPOINTS: &[&str] = &[
    "session",
    "login",
    "logout",
    "sign_up",
    "request_password_reset",
    "reset_password",
    "get_invitation",
    "accept_invitation",
];

/// A new server function that is neither public nor in the guard's lists fails here: the
/// guard is checked against every function registered in the binary.
#[test]
fn every_server_function_is_in_the_guard() {
    let mut guarded: std::collections::BTreeSet<&str> = PUBLIC_ENDPOINTS.iter().copied().collect();
    guarded.extend(endpoints("1", "1").into_iter().map(|(name, _, _)| name));
    guarded.extend(json_endpoints(1, 1, 1).into_iter().map(|(name, _, _)| name));
    guarded.extend(
        task_endpoints(1, 1, 1, 1, 1, 1)
            .into_iter()
            .map(|(name, _, _)| name),
    );
    guarded.extend(job_endpoints(1).into_iter().map(|(name, _, _)| name));
    guarded.extend(
        chat_endpoints(1, 1, 1, 1, 1, 1, 1, 1)
            .into_iter()
            .map(|(name, _, _)| name),
    );
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    assert!(registered.len() > 50, "{registered:?}");
    let missing: Vec<&String> = registered
        .iter()
        .filter(|name| !guarded.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "server functions not covered by the tenancy guard (add them to its lists, or to \
         PUBLIC_ENDPOINTS with a reason): {missing:?}"
    );
    let stale: Vec<&&str> = guarded
        .iter()
        .filter(|name| !registered.contains(**name))
        .collect();
    assert!(
        stale.is_empty(),
        "the guard names functions that do not exist: {stale:?}"
    );
}
