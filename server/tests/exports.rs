//! Exports, as jobs: the task export runs to done on both databases, its XLSX reads back with
//! openpyxl (types, values, header style, frozen pane) and its CSV parses; it keeps the list's
//! filters and the caller's visibility; the directory exports for employees only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use common::exports::*;
use serde_json::json;

both_backends!(
    a_task_export_runs_to_done_and_reads_back_typed,
    |server: TestServer| async move {
        let (ann, eve, first) = people_and_tasks(&server).await;
        let job = export_tasks(&eve, json!({ "section": "all", "status": "any" }), "xlsx").await;
        let view = wait_done(&eve, job).await;
        assert_eq!(view["state"], "done", "{view}");
        assert_eq!(
            (view["done"].as_i64(), view["total"].as_i64()),
            (Some(3), Some(3))
        );
        let name = view["file_name"].as_str().unwrap().to_owned();
        assert!(
            name.starts_with("tasks-") && name.ends_with(".xlsx"),
            "{name}"
        );

        let (headers, bytes) = download(&eve, job).await;
        assert_eq!(
            headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment;") && disposition.contains(&name),
            "{disposition}"
        );
        assert_eq!(
            headers["content-length"].to_str().unwrap(),
            bytes.len().to_string()
        );

        let sheet = read_xlsx(&bytes);
        assert_eq!(sheet["title"], "Tasks");
        assert_eq!(sheet["freeze"], "A2");
        assert_eq!(sheet["filter"], "A1:L4");
        assert_eq!(sheet["bold"], true);
        assert!(
            sheet["fill"].as_str().unwrap().ends_with("3B5BDB"),
            "{sheet}"
        );
        let rows = sheet["rows"].as_array().unwrap();
        let header: Vec<&str> = rows[0]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[1].as_str().unwrap())
            .collect();
        assert_eq!(
            header,
            [
                "ID",
                "Title",
                "Status",
                "Priority",
                "Responsible",
                "Created by",
                "Project",
                "Deadline (UTC)",
                "Created (UTC)",
                "Closed (UTC)",
                "Time spent (min)",
                "Tags"
            ]
        );
        assert_eq!(
            rows.len(),
            4,
            "three tasks, and not Ann's private one: {rows:?}"
        );
        let at = rows
            .iter()
            .position(|r| r[1][1] == "Alpha, \"quoted\" plan")
            .expect("the first task");
        let alpha = &rows[at];
        assert_eq!(alpha[0], json!(["int", first.to_string()]));
        assert_eq!(alpha[2], json!(["str", "New"]));
        assert_eq!(alpha[3], json!(["str", "High"]));
        assert_eq!(alpha[4], json!(["str", "Eve Example"]));
        assert_eq!(alpha[6], json!(["str", "Launch"]));
        assert_eq!(alpha[7], json!(["datetime", "2031-03-04 15:30:00"]));
        assert_eq!(alpha[8][0], "datetime");
        assert_eq!(alpha[9], json!(["NoneType", null]));
        assert_eq!(alpha[10], json!(["int", "0"]));
        assert_eq!(alpha[11], json!(["str", "launch, q1"]));
        let formats = &sheet["formats"][at];
        assert_eq!(formats[7], "yyyy-mm-dd hh:mm");
        assert_eq!(formats[8], "yyyy-mm-dd hh:mm");
        assert!(rows.iter().all(|r| r[1][1] != "Ann's private matter"));

        // The same list as CSV.
        let job = export_tasks(&eve, json!({ "section": "all", "status": "any" }), "csv").await;
        assert_eq!(wait_done(&eve, job).await["state"], "done");
        let (headers, bytes) = download(&eve, job).await;
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        let text = String::from_utf8(bytes).unwrap();
        let text = text
            .strip_prefix('\u{feff}')
            .expect("a byte-order mark for Excel");
        assert!(text.contains("\r\n"));
        let records = parse_csv(text);
        assert_eq!(records.len(), 4, "{records:?}");
        assert_eq!(records[0][0], "ID");
        let alpha = records.iter().find(|r| r[0] == first.to_string()).unwrap();
        assert_eq!(alpha[1], "Alpha, \"quoted\" plan");
        assert_eq!(alpha[7], "2031-03-04 15:30");
        assert_eq!(alpha[11], "launch, q1");
        assert!(
            records.iter().any(|r| r[1] == "'=SUM(A1) is text"),
            "{records:?}"
        );

        // The owner is told, and the notification leads to the exports page.
        let notices = eve.ok("notifications", &[]).await;
        assert!(
            notices.to_string().contains("Your export is ready"),
            "{notices}"
        );

        // Someone else, even the portal's admin, finds nothing of Eve's job.
        ann.refused_json("job", json!({ "id": job }), "NotFound")
            .await;
        ann.refused_json("cancel_job", json!({ "id": job }), "NotFound")
            .await;
        assert_eq!(ann.get(&format!("/jobs/{job}/file")).await.status(), 404);
        let theirs = ann.ok_json("my_jobs", json!({})).await;
        assert_eq!(theirs, json!([]));
        let mine = eve.ok_json("my_jobs", json!({})).await;
        assert_eq!(mine.as_array().unwrap().len(), 2);
        assert_eq!(mine[0]["id"], job, "newest first");
    }
);

both_backends!(
    the_task_export_keeps_the_filters_and_the_visibility,
    |server: TestServer| async move {
        let (ann, eve, first) = people_and_tasks(&server).await;
        // Eve's own tasks with a tag, as CSV.
        let job = export_tasks(
            &eve,
            json!({ "section": "all", "status": "any", "tag": "q1" }),
            "csv",
        )
        .await;
        assert_eq!(wait_done(&eve, job).await["state"], "done");
        let records = parse_csv(
            String::from_utf8(download(&eve, job).await.1)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        );
        assert_eq!(records.len(), 2, "{records:?}");
        assert_eq!(records[1][0], first.to_string());
        // Words in the title.
        let job = export_tasks(&eve, json!({ "section": "all", "search": "beta" }), "csv").await;
        assert_eq!(wait_done(&eve, job).await["state"], "done");
        let records = parse_csv(
            String::from_utf8(download(&eve, job).await.1)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        );
        assert_eq!(records.len(), 2, "{records:?}");
        assert_eq!(records[1][1], "Beta review");
        // The admin sees every task of the portal; Eve never sees Ann's private one.
        let job = export_tasks(&ann, json!({ "section": "all", "status": "any" }), "csv").await;
        assert_eq!(wait_done(&ann, job).await["state"], "done");
        let records = parse_csv(
            String::from_utf8(download(&ann, job).await.1)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        );
        assert_eq!(records.len(), 5, "{records:?}");
        // Filters that are too long are refused before anything is queued.
        let long = "x".repeat(300);
        eve.refused_json(
            "export_tasks",
            json!({ "query": { "search": long }, "format": "csv" }),
            "Invalid",
        )
        .await;
    }
);

both_backends!(
    the_directory_exports_for_employees_only,
    |server: TestServer| async move {
        let (ann, eve, _) = people_and_tasks(&server).await;
        let guest = common::accept(
            &server,
            &common::invite(&ann, "guest@partner.test", "extranet").await,
            "Guest",
        )
        .await;
        guest
            .refused_json("export_directory", json!({ "format": "xlsx" }), "Forbidden")
            .await;
        let job = eve
            .ok_json("export_directory", json!({ "format": "xlsx" }))
            .await["id"]
            .as_i64()
            .unwrap();
        let view = wait_done(&eve, job).await;
        assert_eq!(view["state"], "done", "{view}");
        assert!(view["file_name"].as_str().unwrap().starts_with("people-"));
        let sheet = read_xlsx(&download(&eve, job).await.1);
        let rows = sheet["rows"].as_array().unwrap();
        assert_eq!(rows[0][1], json!(["str", "Name"]));
        assert_eq!(rows.len(), 4, "Ann, Eve and the guest: {rows:?}");
        let at = rows.iter().position(|r| r[1][1] == "Eve Example").unwrap();
        let eve_row = &rows[at];
        assert_eq!(eve_row[0][0], "int");
        assert_eq!(eve_row[2], json!(["str", "eve@acme.test"]));
        assert_eq!(eve_row[8][0], "datetime");
        assert!(
            eve_row[8][1].as_str().unwrap().ends_with("00:00:00"),
            "a date: {eve_row:?}"
        );
        assert_eq!(sheet["formats"][at][8], "yyyy-mm-dd");
        // Searching narrows it.
        let job = eve
            .ok_json(
                "export_directory",
                json!({ "search": "eve", "format": "csv" }),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        assert_eq!(wait_done(&eve, job).await["state"], "done");
        let records = parse_csv(
            String::from_utf8(download(&eve, job).await.1)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        );
        assert_eq!(records.len(), 2, "{records:?}");
        assert_eq!(records[1][2], "eve@acme.test");
    }
);

/// Inserts `n` tasks of Ann's straight into the database, their activity in runs of seven
/// equal times (ties at page boundaries); returns nothing, the test counts them back.
async fn many_tasks(server: &TestServer, owner: i64, n: i64) {
    let portal = server
        .scalar(&format!("SELECT portal_id FROM users WHERE id = {owner}"))
        .await;
    for start in (0..n).step_by(200) {
        let rows: Vec<String> = (start..(start + 200).min(n))
            .map(|i| {
                let at = 1_700_000_000_000 + i / 7;
                format!(
                    "({portal}, 'Bulk task {i}', {owner}, {owner}, 'new', 'normal', {at}, {at})"
                )
            })
            .collect();
        server
            .sql(&format!(
                "INSERT INTO tasks (portal_id, title, creator_id, responsible_id, status, priority, \
                 created_at, activity_at) VALUES {}",
                rows.join(", ")
            ))
            .await;
    }
}

both_backends!(
    a_long_list_exports_every_task_once_across_its_pages,
    |server: TestServer| async move {
        let (ann, _, _) = people_and_tasks(&server).await;
        let ann_id = ann.me_id().await;
        // Three pages of 500 and a bit, with ties in the sort key across page boundaries.
        many_tasks(&server, ann_id, 1_203).await;
        let job = export_tasks(&ann, json!({ "section": "all", "status": "any" }), "csv").await;
        let view = wait_done(&ann, job).await;
        assert_eq!(view["state"], "done", "{view}");
        assert_eq!(view["done"], 1_207);
        let records = parse_csv(
            String::from_utf8(download(&ann, job).await.1)
                .unwrap()
                .trim_start_matches('\u{feff}'),
        );
        let ids: std::collections::BTreeSet<&str> =
            records[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(records.len() - 1, 1_207, "every task, Ann's and Eve's");
        assert_eq!(ids.len(), 1_207, "no task twice");
    }
);

both_backends!(
    the_directory_pages_through_accented_names_without_gaps,
    |server: TestServer| async move {
        let (ann, _, _) = people_and_tasks(&server).await;
        let portal = server
            .scalar(&format!(
                "SELECT portal_id FROM users WHERE id = {}",
                ann.me_id().await
            ))
            .await;
        // More than a screen's page (24) of names whose first letter SQLite's LOWER keeps.
        let mut expected: Vec<String> = vec!["Ada Admin".into(), "Eve Example".into()];
        let mut rows = Vec::new();
        for (i, first) in ["Émile", "Éric", "Ørsted", "Ünal", "Ana", "zoe"]
            .iter()
            .cycle()
            .take(42)
            .enumerate()
        {
            let name = format!("{first} {i:02}");
            rows.push(format!(
                "({portal}, 'p{i}@acme.test', 'x', '{name}', 'employee', 0)"
            ));
            expected.push(name);
        }
        server
            .sql(&format!(
                "INSERT INTO users (portal_id, email, password_hash, name, role, created_at) VALUES {}",
                rows.join(", ")
            ))
            .await;
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let form: Vec<(&str, &str)> = cursor
                .as_deref()
                .map(|c| ("cursor", c))
                .into_iter()
                .collect();
            let page = ann.ok("directory", &form).await;
            for person in page["people"].as_array().unwrap() {
                seen.push(person["name"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let mut sorted_seen = seen.clone();
        sorted_seen.sort();
        sorted_seen.dedup();
        assert_eq!(
            sorted_seen.len(),
            seen.len(),
            "someone listed twice: {seen:?}"
        );
        expected.sort();
        assert_eq!(sorted_seen, expected);
    }
);
