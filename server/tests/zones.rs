//! Dates in the viewer's time zone, on both backends: a person's own zone (or the portal's)
//! comes with every page, pages write dates on that clock, date filters read days in it, and
//! the task counters say when they next change by the clock alone. Bad zones change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use app::dates::{Zone, short_datetime};
use common::{Client, TestServer, accept, invite};
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn create(client: &Client, form: Value) -> i64 {
    client
        .ok_json("create_task", json!({ "form": form }))
        .await
        .as_i64()
        .unwrap()
}

async fn set_zone(client: &Client, zone: &str) {
    let id = client.me_id().await.to_string();
    client
        .ok(
            "update_profile",
            &[("user_id", &id), ("name", "Bob Baker"), ("time_zone", zone)],
        )
        .await;
}

async fn page(client: &Client, path: &str) -> String {
    let res = client.get(path).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.text().await.unwrap()
}

both_backends!(
    pages_follow_the_viewers_zone,
    |server: TestServer| async move {
        let ann = server.sign_up("zones", "ann@zones.test").await;
        let bob = accept(
            &server,
            &invite(&ann, "bob@zones.test", "employee").await,
            "Bob Baker",
        )
        .await;
        // The portal's zone until Bob chooses his own.
        let session = bob.ok("session", &[]).await;
        assert_eq!(session["me"]["zone"]["name"], "UTC");
        assert_eq!(session["me"]["own_zone"], false);

        // A deadline at 17:30 UTC, some days ahead.
        let now = app::ssr::now_ms();
        let deadline = (now / DAY + 3) * DAY + 17 * HOUR + 30 * 60_000;
        let task = create(
            &bob,
            json!({ "title": "Ship the zones", "deadline": deadline }),
        )
        .await;
        let utc_text = short_datetime(deadline, now, &Zone::utc());
        assert!(
            page(&bob, &format!("/tasks/{task}"))
                .await
                .contains(&utc_text)
        );

        set_zone(&bob, "Asia/Kolkata").await;
        let session = bob.ok("session", &[]).await;
        assert_eq!(session["me"]["zone"]["name"], "Asia/Kolkata");
        assert_eq!(session["me"]["own_zone"], true);
        // India is 5:30 ahead all year: 17:30 UTC is 23:00 there.
        let zone: Zone = serde_json::from_value(session["me"]["zone"].clone()).unwrap();
        assert_eq!(zone.offset_ms(deadline), 5 * HOUR + 30 * 60_000);
        let local_text = short_datetime(deadline, now, &zone);
        assert!(local_text.ends_with("23:00"), "{local_text}");
        let html = page(&bob, &format!("/tasks/{task}")).await;
        assert!(
            html.contains(&local_text),
            "the task page shows {local_text}"
        );
        assert!(!html.contains(&utc_text), "and not the UTC time {utc_text}");
        // Ann still sees UTC: the zone is Bob's own.
        let html = page(&ann, &format!("/tasks/{task}")).await;
        assert!(html.contains(&utc_text));

        // The profile says which zone; a zone not in the list changes nothing.
        let bob_id = bob.me_id().await.to_string();
        let profile = bob.ok("get_profile", &[("user_id", &bob_id)]).await;
        assert_eq!(profile["time_zone"], "Asia/Kolkata");
        assert_eq!(profile["portal_time_zone"], "UTC");
        bob.refused(
            "update_profile",
            &[
                ("user_id", &bob_id),
                ("name", "Bob Baker"),
                ("time_zone", "Mars/Olympus"),
            ],
            "Invalid",
        )
        .await;
        // Saving the profile without the field leaves the zone alone.
        bob.ok(
            "update_profile",
            &[("user_id", &bob_id), ("name", "Bob Baker")],
        )
        .await;
        let profile = bob.ok("get_profile", &[("user_id", &bob_id)]).await;
        assert_eq!(profile["time_zone"], "Asia/Kolkata");
        // Back to the company's.
        set_zone(&bob, "portal").await;
        let profile = bob.ok("get_profile", &[("user_id", &bob_id)]).await;
        assert_eq!(profile["time_zone"], Value::Null);
    }
);

both_backends!(
    date_filters_read_days_in_the_zone,
    |server: TestServer| async move {
        let bob = server.sign_up("zonedays", "bob@zonedays.test").await;
        set_zone(&bob, "Asia/Tokyo").await;
        // Due at 20:00 UTC on a day D: that is already D + 1 in Tokyo (UTC+9).
        let now = app::ssr::now_ms();
        let day = (now / DAY + 5) * DAY;
        let task = create(
            &bob,
            json!({ "title": "Late", "deadline": day + 20 * HOUR }),
        )
        .await;
        let tokyo = Zone {
            name: "Asia/Tokyo".into(),
            offsets: vec![(i64::MIN, 540)],
        };
        let (utc_day, tokyo_day) = (
            app::dates::date_input(day, &Zone::utc()),
            app::dates::date_input(day + DAY, &tokyo),
        );
        // The page's filter reads `from`/`to` as Tokyo days: the task is on D + 1, not on D.
        let on = |d: &str| format!("/tasks?from={d}&to={d}");
        let link = format!("href=\"/tasks/{task}\"");
        let html = page(&bob, &on(&tokyo_day)).await;
        assert!(html.contains(&link), "listed on {tokyo_day}");
        let html = page(&bob, &on(&utc_day)).await;
        assert!(!html.contains(&link), "not on {utc_day}");
    }
);

both_backends!(
    counters_say_when_they_next_change,
    |server: TestServer| async move {
        let bob = server.sign_up("zonetick", "bob@zonetick.test").await;
        let now = app::ssr::now_ms();
        let counters = bob.ok_json("my_task_counters", json!({})).await;
        assert_eq!(
            counters["next_change"],
            Value::Null,
            "nothing due: nothing to wait for"
        );
        // Due in three days: the number changes when it comes within 24 hours.
        let later = now + 3 * DAY;
        create(&bob, json!({ "title": "Later", "deadline": later })).await;
        let counters = bob.ok_json("my_task_counters", json!({})).await;
        assert_eq!(counters["next_change"], later - DAY);
        // Due in two hours: it turns overdue then, which comes first.
        let soon = now + 2 * HOUR;
        create(&bob, json!({ "title": "Soon", "deadline": soon })).await;
        let counters = bob.ok_json("my_task_counters", json!({})).await;
        assert_eq!(counters["next_change"], soon);
        assert_eq!(counters["doing"]["due_soon"], 1);
        // Due in two seconds: overdue by the clock alone, and the counters say so after.
        let now = app::ssr::now_ms();
        create(&bob, json!({ "title": "Now", "deadline": now + 2_000 })).await;
        let counters = bob.ok_json("my_task_counters", json!({})).await;
        assert_eq!(counters["next_change"], now + 2_000);
        assert_eq!(counters["doing"]["overdue"], 0);
        tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
        let counters = bob.ok_json("my_task_counters", json!({})).await;
        assert_eq!(counters["doing"]["overdue"], 1);
        assert_eq!(counters["next_change"], soon);
    }
);
