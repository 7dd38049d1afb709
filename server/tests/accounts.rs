//! Portals and accounts against the real server, on SQLite and on MariaDB.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use reqwest::StatusCode;

both_backends!(
    sign_up_creates_portal_admin_and_default_portal,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let session = admin.ok("session", &[]).await;
        assert_eq!(session["me"]["role"], "admin");
        assert_eq!(session["me"]["name"], "Ada Admin");
        assert_eq!(session["portal_name"], "acme Ltd");
        // The first portal is the default one, reached on the bare domain.
        assert_eq!(admin.host(), "localhost");
        // A second portal lives on its own sub-domain and is a separate world.
        let beta = server.sign_up("beta", "bob@beta.test").await;
        assert_eq!(beta.host(), "beta.localhost");
        let people = beta.ok("directory", &[]).await;
        let names: Vec<_> = people["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["email"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, vec!["bob@beta.test"]);
        // Every portal gets its storage space and a root department headed by the admin.
        let deps = beta.ok("departments", &[]).await;
        assert_eq!(deps[0]["name"], "beta Ltd");
        assert_eq!(deps[0]["head_name"], "Ada Admin");
    }
);

both_backends!(
    sign_up_rejects_bad_input_and_changes_nothing,
    |server: common::TestServer| async move {
        server.sign_up("acme", "ann@acme.test").await;
        let visitor = server.client("localhost");
        let good = [
            ("company", "Co"),
            ("slug", "fresh"),
            ("name", "N"),
            ("email", "n@x.test"),
            ("password", "correct-horse-1"),
        ];
        let with = |key: &str, value: &'static str| {
            let mut f = good.to_vec();
            for pair in f.iter_mut() {
                if pair.0 == key {
                    pair.1 = value;
                }
            }
            f
        };
        let before = server.scalar("SELECT COUNT(*) FROM portals").await;
        visitor
            .refused("sign_up", &with("email", ""), "Invalid")
            .await;
        visitor
            .refused("sign_up", &with("email", "not-an-email"), "Invalid")
            .await;
        visitor
            .refused("sign_up", &with("slug", "acme"), "Conflict")
            .await;
        visitor
            .refused("sign_up", &with("slug", "www"), "Conflict")
            .await;
        visitor
            .refused("sign_up", &with("slug", "a b"), "Invalid")
            .await;
        visitor
            .refused("sign_up", &with("password", "short1"), "Invalid")
            .await;
        visitor
            .refused("sign_up", &with("company", "   "), "Invalid")
            .await;
        assert_eq!(server.scalar("SELECT COUNT(*) FROM portals").await, before);
        assert_eq!(server.scalar("SELECT COUNT(*) FROM users").await, 1);
    }
);

both_backends!(
    unknown_portal_host_gets_a_clear_404,
    |server: common::TestServer| async move {
        server.sign_up("acme", "ann@acme.test").await;
        let stranger = server.client("nosuch.localhost");
        let res = stranger.get("/").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("There is no portal at nosuch.localhost")
        );
        let (status, _) = stranger.call("session", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

both_backends!(
    login_logout_remember_and_throttling,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        admin.ok("logout", &[]).await;
        let session = admin.ok("session", &[]).await;
        assert!(session["me"].is_null(), "logged out");

        let browser = server.client("localhost");
        browser
            .refused(
                "login",
                &[("email", "ann@acme.test"), ("password", "wrong-password-1")],
                "BadCredentials",
            )
            .await;
        browser
            .refused(
                "login",
                &[
                    ("email", "nobody@acme.test"),
                    ("password", "wrong-password-1"),
                ],
                "BadCredentials",
            )
            .await;
        let res = browser
            .post_form(
                "/api/login",
                &[
                    ("email", "ANN@acme.test"),
                    ("password", "correct-horse-1"),
                    ("remember", "on"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Max-Age=2592000"),
            "{cookie}"
        );
        assert_eq!(
            browser.ok("session", &[]).await["me"]["email"],
            "ann@acme.test"
        );
        // The token is stored hashed: the raw cookie value is nowhere in the database.
        let token = browser.session_token();
        let raw: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE token_hash = ?")
            .bind(&token)
            .fetch_one(&server.state.db.reader)
            .await
            .unwrap();
        assert_eq!(raw, 0);

        // Five failures lock the address for a while, even with the right password.
        let attacker = server.client("localhost");
        for _ in 0..5 {
            attacker
                .refused(
                    "login",
                    &[("email", "ann@acme.test"), ("password", "guess-guess-1")],
                    "BadCredentials",
                )
                .await;
        }
        let (status, body) = attacker
            .call(
                "login",
                &[("email", "ann@acme.test"), ("password", "correct-horse-1")],
            )
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(body["error"], "Throttled");
    }
);

both_backends!(
    emailed_links_come_from_the_configuration_never_from_the_host,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let configured = format!("http://localhost:{}", server.addr.port());
        // A foreign Host reaches no portal: a clear 404, and no mail is queued.
        let attacker = server.client("attacker.example");
        let res = attacker
            .post_form("/api/request_password_reset", &[("email", "ann@acme.test")])
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.text().await.unwrap().contains("no portal"));
        assert_eq!(attacker.get("/login").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE body_text LIKE '%attacker%'")
                .await,
            0
        );
        assert_eq!(server.scalar("SELECT COUNT(*) FROM outbox_emails").await, 0);
        // A single-company install reached by its IP address keeps working, but the link in
        // the mail is the configured address, not the IP the request used.
        let by_ip = server.client("127.0.0.1");
        by_ip
            .ok("request_password_reset", &[("email", "ann@acme.test")])
            .await;
        let mail = server.last_mail_to("ann@acme.test").await;
        assert!(mail.contains(&format!("{configured}/reset/")), "{mail}");
        assert!(!mail.contains("127.0.0.1"), "{mail}");
        // Invitations too.
        let invitation = common::invite(&admin, "carl@acme.test", "employee").await;
        assert!(
            invitation.starts_with(&format!("{configured}/invite/")),
            "{invitation}"
        );
        // A portal on its sub-domain gets its own configured address.
        let beta = server.sign_up("beta", "bob@beta.test").await;
        let link = common::invite(&beta, "dora@beta.test", "employee").await;
        assert!(
            link.starts_with(&format!(
                "http://beta.localhost:{}/invite/",
                server.addr.port()
            )),
            "{link}"
        );
    }
);

both_backends!(
    password_reset_by_email,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let visitor = server.client("localhost");
        visitor
            .ok("request_password_reset", &[("email", "ann@acme.test")])
            .await;
        // Unknown addresses get the same answer and no mail.
        visitor
            .ok("request_password_reset", &[("email", "ghost@acme.test")])
            .await;
        assert_eq!(
            server
                .scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_addr = 'ghost@acme.test'")
                .await,
            0
        );
        let mail = server.last_mail_to("ann@acme.test").await;
        let link = mail
            .lines()
            .find(|l| l.contains("/reset/"))
            .unwrap()
            .trim()
            .to_owned();
        let token = link.rsplit('/').next().unwrap();
        visitor
            .refused(
                "reset_password",
                &[("token", token), ("password", "weak")],
                "Invalid",
            )
            .await;
        visitor
            .ok(
                "reset_password",
                &[("token", token), ("password", "brand-new-pass-9")],
            )
            .await;
        assert_eq!(
            visitor.ok("session", &[]).await["me"]["email"],
            "ann@acme.test"
        );
        // The old sessions are gone, the old password no longer works, the link is spent.
        assert!(admin.ok("session", &[]).await["me"].is_null());
        let other = server.client("localhost");
        other
            .refused(
                "login",
                &[("email", "ann@acme.test"), ("password", "correct-horse-1")],
                "BadCredentials",
            )
            .await;
        other
            .ok(
                "login",
                &[("email", "ann@acme.test"), ("password", "brand-new-pass-9")],
            )
            .await;
        other
            .refused(
                "reset_password",
                &[("token", token), ("password", "another-pass-9")],
                "LinkExpired",
            )
            .await;
    }
);

both_backends!(
    invitations_roles_and_plan_limit,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let link = common::invite(&admin, "eve@acme.test", "employee").await;
        admin
            .refused(
                "invite",
                &[("email", "bad"), ("role", "employee")],
                "Invalid",
            )
            .await;
        admin
            .refused(
                "invite",
                &[("email", "x@acme.test"), ("role", "admin")],
                "Invalid",
            )
            .await;
        admin
            .refused(
                "invite",
                &[("email", "ann@acme.test"), ("role", "employee")],
                "Conflict",
            )
            .await;
        let eve = common::accept(&server, &link, "Eve Employee").await;
        let me = eve.ok("session", &[]).await;
        assert_eq!(me["me"]["role"], "employee");
        // A used invitation cannot be used again.
        let token = link.rsplit('/').next().unwrap();
        server
            .client("localhost")
            .refused(
                "accept_invitation",
                &[
                    ("token", token),
                    ("name", "X"),
                    ("password", "correct-horse-3"),
                ],
                "LinkExpired",
            )
            .await;
        // Employees cannot invite.
        eve.refused(
            "invite",
            &[("email", "z@acme.test"), ("role", "employee")],
            "Forbidden",
        )
        .await;
        // Both see each other in the directory, with search.
        let found = admin.ok("directory", &[("search", "eve")]).await;
        assert_eq!(found["people"].as_array().unwrap().len(), 1);
        assert_eq!(
            eve.ok("directory", &[]).await["people"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // The admin was notified.
        let notes = admin.ok("notifications", &[]).await;
        assert!(
            notes[0]["title"]
                .as_str()
                .unwrap()
                .contains("Eve Employee accepted")
        );

        // Plan limit: a plan of 3 users admits a third person, then refuses more.
        server
            .sql("UPDATE plans SET max_users = 3 WHERE code = 'free'")
            .await;
        let link3 = common::invite(&admin, "third@acme.test", "extranet").await;
        let pending = common::invite(&admin, "fourth@acme.test", "employee").await;
        common::accept(&server, &link3, "Third Guest").await;
        admin
            .refused(
                "invite",
                &[("email", "fifth@acme.test"), ("role", "employee")],
                "LimitReached",
            )
            .await;
        let token4 = pending.rsplit('/').next().unwrap();
        let (status, body) = server
            .client("localhost")
            .call(
                "accept_invitation",
                &[
                    ("token", token4),
                    ("name", "Fourth"),
                    ("password", "correct-horse-4"),
                ],
            )
            .await;
        assert_eq!(body["error"], "LimitReached", "{status} {body}");
        assert_eq!(server.scalar("SELECT COUNT(*) FROM users").await, 3);
    }
);

both_backends!(
    departments_and_profiles,
    |server: common::TestServer| async move {
        let admin = server.sign_up("acme", "ann@acme.test").await;
        let eve = common::accept(
            &server,
            &common::invite(&admin, "eve@acme.test", "employee").await,
            "Eve",
        )
        .await;
        admin
            .ok("save_department", &[("name", "Sales"), ("parent_id", "")])
            .await;
        let deps = admin.ok("departments", &[]).await;
        let sales = deps
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "Sales")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let root = deps
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["parent_id"].is_null())
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        admin
            .refused(
                "save_department",
                &[
                    ("id", &root.to_string()),
                    ("name", "Co"),
                    ("parent_id", &sales.to_string()),
                ],
                "Invalid",
            )
            .await;
        admin
            .refused("save_department", &[("name", "")], "Invalid")
            .await;
        eve.refused("save_department", &[("name", "Mine")], "Forbidden")
            .await;
        let eve_id = eve.me_id().await.to_string();
        let admin_id = admin.me_id().await.to_string();
        // The admin moves Eve to Sales under a manager; Eve edits her own phone and about.
        admin
            .ok(
                "update_profile",
                &[
                    ("user_id", &eve_id),
                    ("name", "Eve E."),
                    ("position", "Seller"),
                    ("department_id", &sales.to_string()),
                    ("manager_id", &admin_id),
                ],
            )
            .await;
        eve.ok(
            "update_profile",
            &[
                ("user_id", &eve_id),
                ("name", "Eve E."),
                ("position", "Seller"),
                ("phone", "+1 555 0100"),
                ("about", "Hi <b>there</b>"),
            ],
        )
        .await;
        eve.refused(
            "update_profile",
            &[("user_id", &eve_id), ("name", "Eve"), ("phone", "call me")],
            "Invalid",
        )
        .await;
        eve.refused(
            "update_profile",
            &[("user_id", &admin_id), ("name", "Hacked")],
            "Forbidden",
        )
        .await;
        let profile = admin.ok("get_profile", &[("user_id", &eve_id)]).await;
        assert_eq!(profile["person"]["department"], "Sales");
        assert_eq!(profile["manager"][1], "Ada Admin");
        assert_eq!(profile["about"], "Hi <b>there</b>");
        let in_sales = admin
            .ok("directory", &[("department_id", &sales.to_string())])
            .await;
        assert_eq!(in_sales["people"].as_array().unwrap().len(), 1);
        // A department with people cannot be deleted; an empty one can.
        admin
            .refused(
                "delete_department",
                &[("id", &sales.to_string())],
                "Invalid",
            )
            .await;
        admin.ok("save_department", &[("name", "Empty")]).await;
        let empty = admin
            .ok("departments", &[])
            .await
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "Empty")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        admin
            .ok("delete_department", &[("id", &empty.to_string())])
            .await;
    }
);

both_backends!(
    health_and_metrics,
    |config: &mut app::ssr::config::Config| config.metrics_token = Some("s3cret-metrics".into()),
    |server: common::TestServer| async move {
        let any = server.client("localhost");
        assert_eq!(any.get("/healthz").await.text().await.unwrap(), "ok");
        // On the public address, metrics need the token.
        assert_eq!(any.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
        let wrong = any
            .http
            .get(format!("{}/metrics", any.base))
            .bearer_auth("guess")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let metrics = any
            .http
            .get(format!("{}/metrics", any.base))
            .bearer_auth("s3cret-metrics")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(metrics.contains("agora_http_requests_total{status=\"2xx\"}"));
        assert!(metrics.contains("agora_http_request_duration_seconds_bucket"));
        assert!(metrics.contains("agora_websockets_open 0"));
        // The admin listener serves them to whoever reaches its (private) address.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let admin_addr = listener.local_addr().unwrap();
        let router = server::router::admin(server.state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let metrics = reqwest::get(format!("http://{admin_addr}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(metrics.contains("agora_websockets_open"), "{metrics}");
    }
);

both_backends!(
    metrics_are_not_public_without_a_token,
    |server: common::TestServer| async move {
        let any = server.client("localhost");
        assert_eq!(any.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    }
);

#[test]
fn migrations_have_the_same_files_for_both_backends() {
    let names = |dir: &str| {
        let mut v: Vec<_> = std::fs::read_dir(format!(
            "{}/../migrations/{dir}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("mysql"));
    assert!(!names("sqlite").is_empty());
}
