//! Workgroups through their server functions: who sees open and closed groups, roles and what
//! each may do, extranet members, and bad input that changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Client, TestServer, accept, invite};
use serde_json::{Value, json};

/// A portal with an admin (Ann), two employees (Bob, Carl) and an extranet partner (Xena).
async fn company(server: &TestServer) -> (Client, Client, Client, Client) {
    let admin = server.sign_up("acme", "ann@acme.test").await;
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
    let xena = accept(
        server,
        &invite(&admin, "xena@partner.test", "extranet").await,
        "Xena Partner",
    )
    .await;
    (admin, bob, carl, xena)
}

async fn create(client: &Client, name: &str, visibility: &str, members: &[i64]) -> i64 {
    client
        .ok_json(
            "create_group",
            json!({
                "form": { "name": name, "description": "", "is_project": true, "visibility": visibility },
                "members": members,
            }),
        )
        .await
        .as_i64()
        .unwrap()
}

async fn listed(client: &Client) -> Vec<String> {
    let groups = client.ok_json("groups", json!({})).await;
    groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

fn role_of(view: &Value, user: i64) -> Option<String> {
    view["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"]["id"] == user)
        .map(|m| m["role"].as_str().unwrap().to_owned())
}

both_backends!(
    open_and_closed_groups_and_extranet_members,
    |server: TestServer| async move {
        let (admin, bob, carl, xena) = company(&server).await;
        let (bob_id, carl_id, xena_id) =
            (bob.me_id().await, carl.me_id().await, xena.me_id().await);

        let open = create(&bob, "Website relaunch", "open", &[]).await;
        let closed = create(&bob, "Board prep", "closed", &[carl_id]).await;

        // Open groups are listed for every employee; closed ones for members and admins.
        assert_eq!(listed(&bob).await, ["Board prep", "Website relaunch"]);
        assert_eq!(listed(&carl).await, ["Board prep", "Website relaunch"]);
        assert_eq!(listed(&admin).await, ["Board prep", "Website relaunch"]);
        // Extranet users see nothing they were not added to, not even open groups.
        assert!(listed(&xena).await.is_empty());
        xena.refused_json("group", json!({ "id": open }), "NotFound")
            .await;
        xena.refused_json("join_group", json!({ "id": open }), "Forbidden")
            .await;

        // Bob owns both; Carl is a member of the closed one and may join the open one.
        let view = bob.ok_json("group", json!({ "id": closed })).await;
        assert_eq!(role_of(&view, bob_id).as_deref(), Some("owner"));
        assert_eq!(role_of(&view, carl_id).as_deref(), Some("member"));
        assert_eq!(view["can_manage"], true);
        let view = carl.ok_json("group", json!({ "id": open })).await;
        assert_eq!(view["can_join"], true);
        carl.ok_json("join_group", json!({ "id": open })).await;
        let view = carl.ok_json("group", json!({ "id": open })).await;
        assert_eq!(view["group"]["my_role"], "member");
        assert_eq!(view["group"]["member_count"], 2);

        // A closed group is invisible to an employee who is not a member (Carl after leaving).
        carl.ok_json("leave_group", json!({ "id": closed })).await;
        assert_eq!(listed(&carl).await, ["Website relaunch"]);
        carl.refused_json("group", json!({ "id": closed }), "NotFound")
            .await;
        carl.refused_json("join_group", json!({ "id": closed }), "NotFound")
            .await;

        // The owner invites the partner: now Xena sees that group, and only it.
        bob.ok_json(
            "add_group_members",
            json!({ "id": closed, "people": [xena_id], "role": "member" }),
        )
        .await;
        assert_eq!(listed(&xena).await, ["Board prep"]);
        // The people added are told, with a link to the group.
        let bell = xena.ok("notifications", &[]).await;
        assert_eq!(bell[0]["link"], format!("/groups/{closed}"));
        assert!(bell[0]["title"].as_str().unwrap().contains("Board prep"));
        let bell = carl.ok("notifications", &[]).await;
        assert!(
            bell.as_array()
                .unwrap()
                .iter()
                .any(|n| n["link"] == format!("/groups/{closed}"))
        );
        let view = xena.ok_json("group", json!({ "id": closed })).await;
        let partner = view["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["person"]["id"] == xena_id)
            .unwrap();
        assert_eq!(partner["extranet"], true);
        assert_eq!(view["can_manage"], false);
        // Extranet users do not create groups.
        xena.refused_json(
            "create_group",
            json!({ "form": { "name": "Mine", "visibility": "open" } }),
            "Forbidden",
        )
        .await;
    }
);

both_backends!(roles_decide_who_manages, |server: TestServer| async move {
    let (admin, bob, carl, xena) = company(&server).await;
    let (bob_id, carl_id, xena_id) = (bob.me_id().await, carl.me_id().await, xena.me_id().await);
    let id = create(&bob, "Launch", "open", &[carl_id]).await;

    // A member may not manage.
    carl.refused_json(
        "add_group_members",
        json!({ "id": id, "people": [xena_id], "role": "member" }),
        "Forbidden",
    )
    .await;
    carl.refused_json(
        "update_group",
        json!({ "id": id, "form": { "name": "Mine now", "visibility": "open" } }),
        "Forbidden",
    )
    .await;
    carl.refused_json(
        "remove_group_member",
        json!({ "id": id, "user": bob_id }),
        "Forbidden",
    )
    .await;

    // The owner makes Carl a moderator: he manages members but not roles.
    bob.ok_json(
        "set_group_role",
        json!({ "id": id, "user": carl_id, "role": "moderator" }),
    )
    .await;
    carl.ok_json(
        "add_group_members",
        json!({ "id": id, "people": [xena_id], "role": "member" }),
    )
    .await;
    carl.refused_json(
        "set_group_role",
        json!({ "id": id, "user": xena_id, "role": "moderator" }),
        "Forbidden",
    )
    .await;
    carl.ok_json("remove_group_member", json!({ "id": id, "user": xena_id }))
        .await;
    carl.ok_json(
        "update_group",
        json!({ "id": id, "form": { "name": "Launch 2027", "description": "Go live", "visibility": "closed", "is_project": true } }),
    )
    .await;
    let view = bob.ok_json("group", json!({ "id": id })).await;
    assert_eq!(view["group"]["name"], "Launch 2027");
    assert_eq!(view["group"]["visibility"], "closed");
    assert_eq!(role_of(&view, xena_id), None);

    // The owner cannot leave or be removed; handing over makes them a moderator.
    bob.refused_json("leave_group", json!({ "id": id }), "Invalid")
        .await;
    carl.refused_json(
        "remove_group_member",
        json!({ "id": id, "user": bob_id }),
        "Invalid",
    )
    .await;
    bob.ok_json(
        "set_group_role",
        json!({ "id": id, "user": carl_id, "role": "owner" }),
    )
    .await;
    let view = admin.ok_json("group", json!({ "id": id })).await;
    assert_eq!(role_of(&view, carl_id).as_deref(), Some("owner"));
    assert_eq!(role_of(&view, bob_id).as_deref(), Some("moderator"));
    // An administrator manages any group, closed or not.
    assert_eq!(view["can_change_roles"], true);
    admin
        .ok_json("remove_group_member", json!({ "id": id, "user": bob_id }))
        .await;
    assert_eq!(
        server
            .scalar("SELECT COUNT(*) FROM workgroup_members WHERE role = 'owner'")
            .await,
        1
    );
});

both_backends!(bad_input_changes_nothing, |server: TestServer| async move {
    let (_admin, bob, _carl, _xena) = company(&server).await;
    let other = server.sign_up("globex", "gina@globex.test").await;
    let stranger = other.me_id().await;
    let count = || server.scalar("SELECT COUNT(*) FROM workgroups");

    for (form, why) in [
        (json!({ "name": "   ", "visibility": "open" }), "empty name"),
        (
            json!({ "name": "x".repeat(101), "visibility": "open" }),
            "long name",
        ),
        (
            json!({ "name": "Fine", "description": "d".repeat(2001), "visibility": "open" }),
            "long description",
        ),
    ] {
        let body = bob
            .refused_json("create_group", json!({ "form": form }), "Invalid")
            .await;
        assert!(body["message"].as_str().is_some(), "{why}: {body}");
    }
    // Someone from another portal, or no one at all, cannot be a member.
    bob.refused_json(
        "create_group",
        json!({ "form": { "name": "Fine", "visibility": "open" }, "members": [stranger] }),
        "Invalid",
    )
    .await;
    bob.refused_json(
        "create_group",
        json!({ "form": { "name": "Fine", "visibility": "open" }, "members": [987654321] }),
        "Invalid",
    )
    .await;
    assert_eq!(count().await, 0);

    let id = create(&bob, "Real", "open", &[]).await;
    bob.refused_json(
        "add_group_members",
        json!({ "id": id, "people": [stranger], "role": "member" }),
        "Invalid",
    )
    .await;
    bob.refused_json(
        "add_group_members",
        json!({ "id": id, "people": [], "role": "owner" }),
        "Invalid",
    )
    .await;
    // Another portal's caller does not find the group at all.
    other
        .refused_json("group", json!({ "id": id }), "NotFound")
        .await;
    other
        .refused_json("join_group", json!({ "id": id }), "NotFound")
        .await;
    assert_eq!(
        server
            .scalar("SELECT COUNT(*) FROM workgroup_members")
            .await,
        1
    );
});

both_backends!(
    posts_to_a_group_reach_its_members_only,
    |server: TestServer| async move {
        let (admin, bob, carl, xena) = company(&server).await;
        let xena_id = xena.me_id().await;
        let id = create(&bob, "Partner project", "closed", &[xena_id]).await;
        let everyone_else = json!({ "everyone": false, "departments": [], "people": [] });
        let mut to_group = everyone_else.clone();
        to_group["groups"] = json!([id]);

        // Carl is not a member: he cannot post there.
        carl.refused_json(
            "create_post",
            json!({ "kind": "post", "body": "Hi", "recipients": to_group }),
            "Invalid",
        )
        .await;
        let post = bob
            .ok_json(
                "create_post",
                json!({ "kind": "post", "body": "Kick-off on Monday", "recipients": to_group }),
            )
            .await
            .as_i64()
            .unwrap();

        // The extranet partner, a member, reads it; Carl does not, even by its link.
        let seen = xena.ok_json("feed_post", json!({ "id": post })).await;
        assert_eq!(
            seen["addressees"],
            json!([{ "Group": [id, "Partner project"] }])
        );
        let page = xena.ok_json("feed_page", json!({})).await;
        assert!(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == post)
        );
        carl.refused_json("feed_post", json!({ "id": post }), "NotFound")
            .await;
        let page = carl.ok_json("feed_page", json!({})).await;
        assert!(
            page["posts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["id"] != post)
        );

        // The group's own feed: filtered by group, for members (and admins) only.
        let page = bob
            .ok_json("feed_page", json!({ "filter": { "group": id } }))
            .await;
        let ids: Vec<i64> = page["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [post]);
        let page = carl
            .ok_json("feed_page", json!({ "filter": { "group": id } }))
            .await;
        assert!(page["posts"].as_array().unwrap().is_empty());
        // An administrator may post to any group of the portal.
        admin
            .ok_json(
                "create_post",
                json!({ "kind": "post", "body": "Budget approved", "recipients": to_group }),
            )
            .await;
        let other = server.sign_up("globex", "gina@globex.test").await;
        let mut foreign = everyone_else.clone();
        foreign["groups"] = json!([id]);
        let globex_admin_post = other
            .call_json(
                "create_post",
                json!({ "kind": "post", "body": "Pwned", "recipients": foreign }),
            )
            .await;
        assert!(!globex_admin_post.0.is_success());
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM feed_posts WHERE body = 'Pwned' OR body = 'Hi'")
                .await,
            0
        );
    }
);

async fn picked(client: &Client, query: &str, mine: bool) -> Vec<String> {
    client
        .ok_json("search_groups", json!({ "query": query, "mine": mine }))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn named(client: &Client, ids: &[i64]) -> Vec<String> {
    client
        .ok_json("groups_by_ids", json!({ "ids": ids }))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(
    group_pickers_offer_only_groups_the_caller_sees,
    |server: TestServer| async move {
        let (admin, bob, carl, xena) = company(&server).await;
        let xena_id = xena.me_id().await;
        let launch = create(&bob, "Launch", "open", &[]).await;
        let board = create(&bob, "Board prep", "closed", &[xena_id]).await;
        let secret = create(&admin, "Secret launch plans", "closed", &[]).await;
        let other = server.sign_up("globex", "gina@globex.test").await;
        let theirs = create(&other, "Launch party", "open", &[]).await;

        // Word starts first (a name that starts with it, or has a word that does), then by
        // name; each answer says whether it is a project.
        assert_eq!(
            picked(&admin, "launch", false).await,
            ["Launch", "Secret launch plans"]
        );
        assert_eq!(
            picked(&admin, "plans", false).await,
            ["Secret launch plans"]
        );
        let found = bob
            .ok_json("search_groups", json!({ "query": "LAUN" }))
            .await;
        assert_eq!(
            found,
            json!([{ "id": launch, "name": "Launch", "is_project": true }])
        );

        // An employee is offered open groups and their own closed ones: a closed group they
        // are not in never appears, by search or by id, and its name is never sent.
        assert_eq!(picked(&carl, "launch", false).await, ["Launch"]);
        assert!(picked(&carl, "board", false).await.is_empty());
        assert!(picked(&carl, "secret", false).await.is_empty());
        assert_eq!(
            named(&carl, &[launch, board, secret, theirs]).await,
            ["Launch"]
        );
        let (_, body) = carl
            .call_json("groups_by_ids", json!({ "ids": [board, secret] }))
            .await;
        assert!(!body.to_string().contains("Secret") && !body.to_string().contains("Board"));
        assert_eq!(picked(&bob, "", false).await, ["Board prep", "Launch"]);
        // `mine`: only groups they belong to.
        assert!(picked(&carl, "", true).await.is_empty());
        assert_eq!(picked(&bob, "", true).await, ["Board prep", "Launch"]);
        // Administrators see every group; the outside partner only theirs, open ones not.
        assert_eq!(
            named(&admin, &[secret, board, launch]).await,
            ["Board prep", "Launch", "Secret launch plans"]
        );
        assert_eq!(picked(&xena, "", false).await, ["Board prep"]);
        assert_eq!(named(&xena, &[launch, board, secret]).await, ["Board prep"]);

        // Another portal's groups are never offered, and this portal's are never named there.
        assert_eq!(picked(&other, "launch", false).await, ["Launch party"]);
        assert!(named(&other, &[launch, board, secret]).await.is_empty());

        // Archived groups are gone from pickers.
        server
            .sql(&format!(
                "UPDATE workgroups SET archived_at = 1 WHERE id = {launch}"
            ))
            .await;
        assert!(picked(&carl, "launch", false).await.is_empty());
        assert!(named(&carl, &[launch]).await.is_empty());

        // At most 12 answers, by name.
        let portal = server
            .scalar("SELECT portal_id FROM users WHERE email = 'ann@acme.test'")
            .await;
        for i in 1..=14 {
            server
                .sql(&format!(
                    "INSERT INTO workgroups (portal_id, name, visibility, created_by, created_at) \
                     VALUES ({portal}, 'Team {i:02}', 'open', 1, 0)"
                ))
                .await;
        }
        let teams = picked(&carl, "team", false).await;
        assert_eq!(teams.len(), 12);
        assert_eq!(
            (teams[0].as_str(), teams[11].as_str()),
            ("Team 01", "Team 12")
        );

        // Over-long searches and id lists are refused before any work.
        carl.ok_json("search_groups", json!({ "query": "x".repeat(100) }))
            .await;
        carl.refused_json(
            "search_groups",
            json!({ "query": "x".repeat(101) }),
            "Invalid",
        )
        .await;
        let ids: Vec<i64> = (1..=101).collect();
        carl.refused_json("groups_by_ids", json!({ "ids": ids }), "Invalid")
            .await;
    }
);
