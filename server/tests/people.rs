//! People pickers through their server functions: the search as one types (word starts first,
//! a few at a time), the names of people already chosen, and who is never offered —
//! deactivated people, outside partners, other portals' people — nor to whom (outside partners).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{Client, TestServer, accept, invite};
use serde_json::{Value, json};

fn names(found: &Value) -> Vec<String> {
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn search(client: &Client, query: &str) -> Vec<String> {
    names(
        &client
            .ok_json("search_people", json!({ "query": query }))
            .await,
    )
}

async fn colleague(server: &TestServer, admin: &Client, email: &str, name: &str) -> Client {
    accept(server, &invite(admin, email, "employee").await, name).await
}

both_backends!(
    people_search_as_one_types,
    |server: TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let bob = colleague(&server, &admin, "bob@acme.test", "Bob Baker").await;
        colleague(&server, &admin, "carl@acme.test", "Carl Cook").await;
        colleague(&server, &admin, "cora@acme.test", "Cora Young").await;
        colleague(&server, &admin, "acosta@acme.test", "Acosta Smith").await;
        let dora = colleague(&server, &admin, "dora@acme.test", "Dora Bakewell").await;
        let xena = accept(
            &server,
            &invite(&admin, "xena@partner.test", "extranet").await,
            "Xena Baker",
        )
        .await;
        // Another portal's baker.
        let beta = server.sign_up("beta", "zed@beta.test").await;
        colleague(&server, &beta, "bella@beta.test", "Bella Baker").await;

        // A word start, any word: names that start with it, or have a word that does, come
        // first; then names that merely contain it; by name within each.
        assert_eq!(
            search(&bob, "co").await,
            ["Carl Cook", "Cora Young", "Acosta Smith"]
        );
        assert_eq!(search(&bob, "bak").await, ["Bob Baker", "Dora Bakewell"]);
        assert_eq!(search(&bob, "BOB").await, ["Bob Baker"]);
        assert_eq!(search(&bob, "  coo ").await, ["Carl Cook"]);
        // LIKE's wildcards are plain characters.
        assert!(search(&bob, "%").await.is_empty());
        assert!(search(&bob, "_").await.is_empty());
        // Each answer carries what a picker shows.
        let found = bob
            .ok_json("search_people", json!({ "query": "bob" }))
            .await;
        assert_eq!(found[0]["id"], bob.me_id().await);
        assert_eq!(found[0]["position"], "");
        assert_eq!(found[0]["photo_url"], Value::Null);

        // Deactivated people are never offered; outside partners neither (nor other portals').
        let dora_id = dora.me_id().await;
        server
            .sql(&format!(
                "UPDATE users SET is_active = 0 WHERE id = {dora_id}"
            ))
            .await;
        assert_eq!(search(&bob, "bak").await, ["Bob Baker"]);
        assert_eq!(search(&admin, "xena").await, Vec::<String>::new());
        assert_eq!(search(&beta, "bak").await, ["Bella Baker"]);

        // At most 12, by name.
        let portal = server
            .scalar("SELECT portal_id FROM users WHERE email = 'ann@acme.test'")
            .await;
        for i in 1..=15 {
            server
                .sql(&format!(
                    "INSERT INTO users (portal_id, email, password_hash, name, role, created_at) \
                 VALUES ({portal}, 'temp{i}@acme.test', 'x', 'Temp {i:02}', 'employee', 0)"
                ))
                .await;
        }
        let temps = search(&bob, "temp").await;
        assert_eq!(temps.len(), 12);
        assert_eq!(temps[0], "Temp 01");
        assert_eq!(temps[11], "Temp 12");
        // An empty search lists the first by name.
        assert_eq!(search(&bob, "").await.len(), 12);

        // A query of 100 characters is fine; one more is refused before anything is looked up.
        bob.ok_json("search_people", json!({ "query": "é".repeat(100) }))
            .await;
        bob.refused_json(
            "search_people",
            json!({ "query": "é".repeat(101) }),
            "Invalid",
        )
        .await;

        // An outside partner may not list the company.
        xena.refused_json("search_people", json!({ "query": "bob" }), "Forbidden")
            .await;
    }
);

both_backends!(
    people_by_ids_names_only_who_may_be_offered,
    |server: TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let bob = colleague(&server, &admin, "bob@acme.test", "Bob Baker").await;
        let carl = colleague(&server, &admin, "carl@acme.test", "Carl Cook").await;
        let dora = colleague(&server, &admin, "dora@acme.test", "Dora Bakewell").await;
        let xena = accept(
            &server,
            &invite(&admin, "xena@partner.test", "extranet").await,
            "Xena Baker",
        )
        .await;
        let beta = server.sign_up("beta", "zed@beta.test").await;
        let bella = colleague(&server, &beta, "bella@beta.test", "Bella Baker").await;
        let (bob_id, carl_id, dora_id, xena_id, bella_id) = (
            bob.me_id().await,
            carl.me_id().await,
            dora.me_id().await,
            xena.me_id().await,
            bella.me_id().await,
        );
        server
            .sql(&format!(
                "UPDATE users SET is_active = 0 WHERE id = {dora_id}"
            ))
            .await;

        // One look-up for them all: only those a picker may offer come back, by name; the
        // deactivated, the outside partner, the other portal's and the unknown id are left out.
        let found = bob
        .ok_json(
            "people_by_ids",
            json!({ "ids": [carl_id, dora_id, xena_id, bella_id, 999_999_999, bob_id, carl_id] }),
        )
        .await;
        assert_eq!(names(&found), ["Bob Baker", "Carl Cook"]);
        assert_eq!(found[0]["id"], bob_id);
        assert_eq!(
            bob.ok_json("people_by_ids", json!({ "ids": [] })).await,
            json!([])
        );
        // The other portal's admin learns nothing of this one's people.
        assert_eq!(
            beta.ok_json("people_by_ids", json!({ "ids": [bob_id, carl_id] }))
                .await,
            json!([])
        );

        // At most 100 ids; more are refused before any work.
        let ids: Vec<i64> = (1..=100).collect();
        bob.ok_json("people_by_ids", json!({ "ids": ids })).await;
        let ids: Vec<i64> = (1..=101).collect();
        bob.refused_json("people_by_ids", json!({ "ids": ids }), "Invalid")
            .await;

        // An outside partner may not look people up.
        xena.refused_json("people_by_ids", json!({ "ids": [bob_id] }), "Forbidden")
            .await;
    }
);
