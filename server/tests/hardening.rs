//! What an attacker would try first: guessing passwords, flooding sign-ups and mail, posting
//! from another site, oversized bodies; and the headers every response carries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use app::ssr::config::{Config, RateLimits};
use reqwest::StatusCode;

both_backends!(
    guesses_sent_at_once_cannot_slip_past_the_lock,
    |server: common::TestServer| async move {
        server.sign_up("acme", "ann@acme.test").await;
        let guesses = (0..20).map(|i| {
            let client = server.client("localhost");
            async move {
                client
                    .call(
                        "login",
                        &[
                            ("email", "ann@acme.test"),
                            ("password", &format!("wrong-guess-{i}")),
                        ],
                    )
                    .await
            }
        });
        let answers = futures::future::join_all(guesses).await;
        let checked = answers
            .iter()
            .filter(|(_, body)| body["error"] == "BadCredentials")
            .count();
        let throttled = answers
            .iter()
            .filter(|(_, body)| body["error"] == "Throttled")
            .count();
        // Exactly the allowance reaches the password check; the rest wait.
        assert_eq!(checked, 5, "{answers:?}");
        assert_eq!(throttled, 15, "{answers:?}");
        // Even the right password waits now.
        let (status, body) = server
            .client("localhost")
            .call(
                "login",
                &[("email", "ann@acme.test"), ("password", "correct-horse-1")],
            )
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["error"], "Throttled");
        assert!(body["message"].as_u64().unwrap() > 800, "{body}");
        // The owner is told once how to get back in, with the configured address.
        let mails = server
            .scalar(
                "SELECT COUNT(*) FROM outbox_emails WHERE to_addr = 'ann@acme.test' \
                 AND subject LIKE '%paused%'",
            )
            .await;
        assert_eq!(mails, 1);
        let mail = server.last_mail_to("ann@acme.test").await;
        assert!(
            mail.contains(&format!("http://localhost:{}/reset", server.addr.port())),
            "{mail}"
        );
        // Nobody else's account is affected, and an unknown address gets no mail.
        for _ in 0..6 {
            server
                .client("localhost")
                .call(
                    "login",
                    &[("email", "ghost@acme.test"), ("password", "nope-nope-1")],
                )
                .await;
        }
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_addr = 'ghost@acme.test'")
                .await,
            0
        );
    }
);

fn tight_limits(config: &mut Config) {
    config.rate_limits = RateLimits {
        auth_per_ip_per_minute: 4,
        resets_per_account_per_hour: 2,
        signups_per_ip_per_hour: 2,
        invitations_per_portal_per_hour: 2,
    };
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
}

both_backends!(
    addresses_accounts_and_portals_are_rate_limited,
    tight_limits,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        server.sign_up("beta", "bob@beta.test").await;
        // A third portal from the same address this hour is refused, and nothing is created.
        let visitor = server.client("localhost");
        let (status, body) = visitor
            .call(
                "sign_up",
                &[
                    ("company", "Gamma Ltd"),
                    ("slug", "gamma"),
                    ("name", "Gil"),
                    ("email", "gil@gamma.test"),
                    ("password", "correct-horse-1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(body["error"], "Throttled");
        assert!(body["message"].as_u64().unwrap() > 0, "{body}");
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM portals WHERE slug = 'gamma'")
                .await,
            0
        );
        // Reset mails: two per account per hour.
        let reset = |email: &'static str| {
            let visitor = visitor.clone();
            async move {
                visitor
                    .call("request_password_reset", &[("email", email)])
                    .await
            }
        };
        assert_eq!(reset("ann@acme.test").await.0, StatusCode::OK);
        assert_eq!(reset("ann@acme.test").await.0, StatusCode::OK);
        assert_eq!(reset("ann@acme.test").await.1["error"], "Throttled");
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_addr = 'ann@acme.test'")
                .await,
            2
        );
        // Four sign-in steps per address per minute: the fourth passes, the fifth does not.
        assert_eq!(reset("carl@acme.test").await.0, StatusCode::OK);
        visitor
            .refused(
                "login",
                &[("email", "ann@acme.test"), ("password", "correct-horse-1")],
                "Throttled",
            )
            .await;
        // Behind the configured proxy (here 127.0.0.1), the client it names has its own
        // allowance (a client that is not a trusted proxy cannot: see ssr::limits' tests).
        let behind_proxy = visitor
            .http
            .post(format!("{}/api/login", visitor.base))
            .header("x-forwarded-for", "198.51.100.7")
            .form(&[("email", "ann@acme.test"), ("password", "correct-horse-1")])
            .send()
            .await
            .unwrap();
        assert_eq!(behind_proxy.status(), StatusCode::OK);
        // Invitation mails: two per portal per hour.
        admin
            .ok("invite", &[("email", "d1@acme.test"), ("role", "employee")])
            .await;
        admin
            .ok("invite", &[("email", "d2@acme.test"), ("role", "employee")])
            .await;
        admin
            .refused(
                "invite",
                &[("email", "d3@acme.test"), ("role", "employee")],
                "Throttled",
            )
            .await;
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM invitations WHERE email = 'd3@acme.test'")
                .await,
            0
        );
    }
);

both_backends!(
    passwords_and_bodies_have_caps,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let visitor = server.client("localhost");
        let long = "x1".repeat(200);
        let body = visitor
            .refused(
                "login",
                &[("email", "ann@acme.test"), ("password", &long)],
                "Invalid",
            )
            .await;
        assert!(body["message"].as_str().unwrap().contains("too long"));
        // 100 KB to an endpoint anyone can call is cut off before it is read.
        let padding = "a".repeat(100 * 1024);
        let res = visitor
            .post_form(
                "/api/login",
                &[("email", "ann@acme.test"), ("password", &padding)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "TooLarge");
        // A streamed body without a declared length is cut off too.
        let stream =
            futures::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 4096])));
        let sent = visitor
            .http
            .post(format!("{}/api/login", visitor.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await;
        // The server refuses (400: the body stops being readable at the limit) and may close
        // while the client is still sending, so the client sees the refusal or the connection
        // cut mid-request. Never a success.
        match sent {
            Ok(res) => assert!(res.status().is_client_error(), "{}", res.status()),
            Err(e) => assert!(e.is_request(), "{e}"),
        }
        // A signed-in member's ordinary forms and uploads keep their room.
        let upload = admin
            .upload_attachment("notes.txt", vec![b'n'; 300 * 1024])
            .await;
        assert!(upload["file_id"].as_i64().is_some(), "{upload}");
    }
);

both_backends!(
    requests_from_another_site_are_refused,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let own_origin = format!("http://localhost:{}", server.addr.port());
        let post_from = |origin: &'static str, site: Option<&'static str>| {
            let admin = admin.clone();
            async move {
                let mut request = admin
                    .http
                    .post(format!("{}/api/logout", admin.base))
                    .header("origin", origin)
                    .form(&[("x", "1")]);
                if let Some(site) = site {
                    request = request.header("sec-fetch-site", site);
                }
                request.send().await.unwrap().status()
            }
        };
        // A form on another site posting to the portal: refused, and the session stands.
        assert_eq!(
            post_from("http://evil.example", None).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_from("http://beta.localhost", Some("same-site")).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(post_from("null", None).await, StatusCode::FORBIDDEN);
        assert!(admin.ok("session", &[]).await["me"].is_object());
        // A JSON server function does not take a text/plain body (what a form can send).
        let res = admin
            .http
            .post(format!("{}/api/create_post", admin.base))
            .header("content-type", "text/plain")
            .body(r#"{"kind":"post","body":"forged","recipients":{"everyone":true,"departments":[],"people":[]}}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(server.scalar("SELECT COUNT(*) FROM feed_posts").await, 0);
        // A websocket opened by another site's page is refused; the portal's own page connects.
        assert!(
            common::websocket_with(&admin, &[("origin", "http://evil.example")])
                .await
                .is_err()
        );
        assert!(
            common::websocket_with(&admin, &[("origin", &own_origin)])
                .await
                .is_ok()
        );
        // The portal's own pages post as before.
        let own: &'static str = Box::leak(own_origin.into_boxed_str());
        assert_eq!(post_from(own, Some("same-origin")).await, StatusCode::OK);
    }
);

both_backends!(
    responses_carry_security_headers,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let page = admin.get("/").await;
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            page.headers()["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        assert!(page.headers().get("strict-transport-security").is_none());
        let html = page.text().await.unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce in the page's policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        let script_src = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{csp}");
        // Every inline script in the page carries the nonce.
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap();
            if tag.contains("application/json") {
                continue;
            }
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "script without the nonce: {tag}"
            );
        }
        // Another request gets another nonce.
        let again = admin.get("/").await;
        assert_ne!(
            again.headers()["content-security-policy"].to_str().unwrap(),
            csp
        );
        // Everything that is not a page runs nothing.
        let api = admin.call("session", &[]).await;
        assert_eq!(api.0, StatusCode::OK);
        let res = admin
            .http
            .post(format!("{}/api/session", admin.base))
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_sent_when_cookies_are_secure() {
    let server = common::TestServer::start_with(common::Backend::Sqlite, |config| {
        config.secure_cookies = true;
    })
    .await;
    let res = server.client("localhost").get("/healthz").await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

both_backends!(
    oversized_lists_are_refused_before_any_work,
    |server: common::TestServer| async move {
        use serde_json::json;
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let eve = common::accept(
            &server,
            &common::invite(&admin, "eve@acme.test", "employee").await,
            "Eve",
        )
        .await;
        let eve_id = eve.me_id().await;
        let tags: Vec<String> = (0..50_000).map(|i| format!("t{i}")).collect();
        let started = std::time::Instant::now();
        let body = admin
            .refused_json(
                "create_task",
                json!({ "form": { "title": "Tagged", "tags": tags } }),
                "Invalid",
            )
            .await;
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("at most 20 tags"),
            "{body}"
        );
        // Refused quickly (the benchmark measures the server's CPU precisely: bench/).
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(server.scalar("SELECT COUNT(*) FROM tasks").await, 0);
        assert_eq!(server.scalar("SELECT COUNT(*) FROM task_tags").await, 0);
        let posts_before = server.scalar("SELECT COUNT(*) FROM feed_posts").await;
        // Checklists, participants, poll options, recipients and chat members alike.
        let many: Vec<String> = (0..5_000).map(|i| format!("item {i}")).collect();
        admin
            .refused_json(
                "create_task",
                json!({ "form": { "title": "Listed", "checklist": many } }),
                "Invalid",
            )
            .await;
        let people: Vec<i64> = (0..50_000).map(|i| eve_id + i * 2).collect();
        admin
            .refused_json(
                "create_task",
                json!({ "form": { "title": "Crowded", "auditors": people } }),
                "Invalid",
            )
            .await;
        assert_eq!(server.scalar("SELECT COUNT(*) FROM tasks").await, 0);
        let options: Vec<String> = (0..50_000).map(|i| format!("option {i}")).collect();
        admin
            .refused_json(
                "create_post",
                json!({ "kind": "post", "recipients": { "everyone": true, "departments": [], "people": [] },
                        "poll": { "question": "Which?", "options": options, "multiple": false, "anonymous": false } }),
                "Invalid",
            )
            .await;
        admin
            .refused_json(
                "create_post",
                json!({ "kind": "post", "body": "Hi",
                        "recipients": { "everyone": false, "departments": [], "people": people } }),
                "Invalid",
            )
            .await;
        assert_eq!(
            server.scalar("SELECT COUNT(*) FROM feed_posts").await,
            posts_before
        );
        admin
            .refused_json(
                "create_chat",
                json!({ "new": { "title": "Everyone", "members": people } }),
                "Invalid",
            )
            .await;
        let chat = admin
            .ok_json(
                "create_chat",
                json!({ "new": { "title": "Small", "members": [eve_id] } }),
            )
            .await
            .as_i64()
            .unwrap();
        admin
            .refused_json(
                "add_chat_members",
                json!({ "id": chat, "people": people }),
                "Invalid",
            )
            .await;
        assert_eq!(server.scalar("SELECT COUNT(*) FROM chat_members").await, 2);
    }
);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

async fn set_photo(client: &common::Client) -> String {
    let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("me.png");
    let res = client
        .http
        .post(format!("{}/uploads/photo", client.base))
        .header("accept", "application/json")
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    client.ok("session", &[]).await["me"]["photo_url"]
        .as_str()
        .unwrap()
        .to_owned()
}

both_backends!(
    what_the_caller_may_not_see_never_shows,
    |server: common::TestServer| async move {
        use serde_json::json;
        let ann = server.sign_up("acme", "ann@acme.test").await;
        let join = |email: &'static str, role: &'static str, name: &'static str| {
            let (server, ann) = (&server, ann.clone());
            async move { common::accept(server, &common::invite(&ann, email, role).await, name).await }
        };
        let bob = join("bob@acme.test", "employee", "Bob").await;
        let carl = join("carl@acme.test", "employee", "Carl").await;
        let xena = join("xena@partner.test", "extranet", "Xena").await;
        let (bob_id, carl_id, xena_id) =
            (bob.me_id().await, carl.me_id().await, xena.me_id().await);
        let group = ann
            .ok_json(
                "create_group",
                json!({ "form": { "name": "Launch", "description": "", "is_project": true, "visibility": "closed" },
                        "members": [bob_id, xena_id] }),
            )
            .await
            .as_i64()
            .unwrap();

        // Profile photos: a partner sees those of the people in their groups, no others.
        let bob_photo = set_photo(&bob).await;
        let carl_photo = set_photo(&carl).await;
        assert_eq!(xena.get(&bob_photo).await.status(), StatusCode::OK);
        assert_eq!(xena.get(&carl_photo).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(bob.get(&carl_photo).await.status(), StatusCode::OK);

        // A partner cannot pull an arbitrary employee onto a task, only people of the group.
        xena.refused_json(
            "create_task",
            json!({ "form": { "title": "Drag Carl in", "group": group, "auditors": [carl_id] } }),
            "Invalid",
        )
        .await;
        xena.refused_json(
            "create_task",
            json!({ "form": { "title": "Hand to Carl", "group": group, "responsible": carl_id } }),
            "Invalid",
        )
        .await;
        xena.ok_json(
            "create_task",
            json!({ "form": { "title": "With Bob", "group": group, "auditors": [bob_id] } }),
        )
        .await;

        // Titles of tasks Bob may not see: not as a parent, a dependency or in an error.
        let day = 86_400_000_i64;
        let now = app::ssr::now_ms();
        let secret = ann
            .ok_json(
                "create_task",
                json!({ "form": { "title": "Secret merger", "end_at": now + 10 * day } }),
            )
            .await
            .as_i64()
            .unwrap();
        let child = ann
            .ok_json(
                "create_task",
                json!({ "form": { "title": "Prepare the room", "responsible": bob_id, "parent": secret,
                                  "start_at": now + 11 * day, "end_at": now + 12 * day } }),
            )
            .await
            .as_i64()
            .unwrap();
        ann.ok_json(
            "link_tasks",
            json!({ "predecessor": secret, "successor": child, "kind": "finish_to_start" }),
        )
        .await;
        let view = bob.ok_json("task", json!({ "id": child })).await;
        let text = view.to_string();
        assert!(!text.contains("Secret merger"), "{text}");
        assert_eq!(view["parent_title"], "A task you can't see");
        assert_eq!(view["predecessors"][0]["title"], "A task you can't see");
        let refusal = bob
            .refused_json(
                "set_task_dates",
                json!({ "id": child, "start_at": now + day, "end_at": now + 2 * day }),
                "Invalid",
            )
            .await;
        let message = refusal["message"].as_str().unwrap();
        assert!(!message.contains("Secret"), "{message}");
        assert!(message.contains("a task you can't see"), "{message}");
        // Ann, who sees both, gets the names.
        let view = ann.ok_json("task", json!({ "id": child })).await;
        assert_eq!(view["parent_title"], "Secret merger");
        assert_eq!(view["predecessors"][0]["title"], "Secret merger");
    }
);

both_backends!(
    a_new_reset_link_revokes_the_older_ones,
    |server: common::TestServer| async move {
        server.sign_up("acme", "ann@acme.test").await;
        let visitor = server.client("localhost");
        let token = || async {
            let mail = server.last_mail_to("ann@acme.test").await;
            mail.split_whitespace()
                .find(|w| w.contains("/reset/"))
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        };
        visitor
            .ok("request_password_reset", &[("email", "ann@acme.test")])
            .await;
        let first = token().await;
        visitor
            .ok("request_password_reset", &[("email", "ann@acme.test")])
            .await;
        let second = token().await;
        assert_ne!(first, second);
        visitor
            .refused(
                "reset_password",
                &[("token", &first), ("password", "brand-new-pass-9")],
                "LinkExpired",
            )
            .await;
        visitor
            .ok(
                "reset_password",
                &[("token", &second), ("password", "brand-new-pass-9")],
            )
            .await;
    }
);

both_backends!(
    mentions_show_real_names_and_links_stay_inside,
    |server: common::TestServer| async move {
        use serde_json::json;
        let ann = server.sign_up("acme", "ann@acme.test").await;
        let bob = common::accept(
            &server,
            &common::invite(&ann, "bob@acme.test", "employee").await,
            "Bob Baker",
        )
        .await;
        let bob_id = bob.me_id().await;
        // Someone in another portal, to mention across the border.
        let beta = server.sign_up("beta", "bea@beta.test").await;
        let stranger = beta.me_id().await;
        let body = format!(
            "[The CEO](user:{bob_id}) approved. [Bea](user:{stranger}) too. \
             See [home](</\\evil.example>) and [x](</\t/evil.example>)."
        );
        let (status, answer) = ann
            .call_json(
                "create_post",
                json!({ "kind": "post", "body": body,
                        "recipients": { "everyone": true, "departments": [], "people": [] } }),
            )
            .await;
        // A mention of someone outside the portal is refused when posting…
        assert!(!status.is_success(), "{answer}");
        let body = format!(
            "[The CEO](user:{bob_id}) approved. See [home](</\\evil.example>) and [x](</\t/evil.example>)."
        );
        ann.ok_json(
            "create_post",
            json!({ "kind": "post", "body": body,
                    "recipients": { "everyone": true, "departments": [], "people": [] } }),
        )
        .await;
        let page = bob.ok_json("feed_page", json!({})).await;
        let shown = page["posts"][0]["body"].to_string();
        assert!(shown.contains("Bob Baker"), "{shown}");
        assert!(!shown.contains("The CEO"), "{shown}");
        assert!(!shown.contains("\"href\":\"/\\\\evil"), "{shown}");
        assert!(!shown.contains("evil.example\",\"children"), "{shown}");
        // …and one stored from before (an old post, a person who left) shows as text.
        server
            .sql(&format!(
                "UPDATE feed_posts SET body = '[Bea](user:{stranger}) was here'"
            ))
            .await;
        let page = bob.ok_json("feed_page", json!({})).await;
        let shown = page["posts"][0]["body"].to_string();
        assert!(!shown.contains("\"Mention\""), "{shown}");
        assert!(shown.contains("@Bea"), "{shown}");
    }
);
