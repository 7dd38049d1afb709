//! Durable jobs, proven by the exports: a job runs to done on both databases, its XLSX reads
//! back with openpyxl (types and values) and its CSV parses; the task export keeps the list's
//! filters and visibility; a job is its owner's alone; two nodes claim a job once; a job whose
//! node died is resumed; cancelling stops it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::ids::JobId;
use app::jobs::ssr::{repo, runner};
use common::{Client, TestServer};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const DAY_MS: i64 = 86_400_000;
/// 2031-03-04 15:30 UTC.
const DEADLINE: i64 = 1_930_404_600_000;

/// Polls the job until it has ended; returns its view.
async fn wait_done(client: &Client, job: i64) -> Value {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let view = client.ok_json("job", json!({ "id": job })).await;
        if !["queued", "running"].contains(&view["state"].as_str().unwrap()) {
            return view;
        }
        assert!(Instant::now() < until, "job {job} did not end: {view}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn download(client: &Client, job: i64) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = client.get(&format!("/jobs/{job}/file")).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    (headers, res.bytes().await.unwrap().to_vec())
}

/// The first sheet's rows as openpyxl reads them: each cell `[type name, value as text]`,
/// plus the frozen pane, the filter range and the header's font and fill.
fn read_xlsx(bytes: &[u8]) -> Value {
    let path = common::temp_dir().with_extension("xlsx");
    std::fs::write(&path, bytes).unwrap();
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = [[[type(c.value).__name__, None if c.value is None else str(c.value)] for c in row] for row in ws.iter_rows()]
head = ws.cell(row=1, column=1)
print(json.dumps({"title": ws.title, "rows": rows, "freeze": ws.freeze_panes,
    "filter": ws.auto_filter.ref, "bold": head.font.b, "fill": head.fill.fgColor.rgb,
    "formats": [[c.number_format for c in row] for row in ws.iter_rows()]}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs (scripts/setup.sh installs openpyxl)");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "openpyxl could not read the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

async fn export_tasks(client: &Client, query: Value, format: &str) -> i64 {
    client
        .ok_json("export_tasks", json!({ "query": query, "format": format }))
        .await["id"]
        .as_i64()
        .unwrap()
}

/// Ann (admin) and Eve (employee): Eve's tasks, one in a project; Ann's private task.
async fn people_and_tasks(server: &TestServer) -> (Client, Client, i64) {
    let ann = server.sign_up("acme", "ann@acme.test").await;
    let eve = common::accept(
        server,
        &common::invite(&ann, "eve@acme.test", "employee").await,
        "Eve Example",
    )
    .await;
    let group = eve
        .ok_json(
            "create_group",
            json!({ "form": { "name": "Launch", "visibility": "open" } }),
        )
        .await
        .as_i64()
        .unwrap();
    let first = eve
        .ok_json(
            "create_task",
            json!({ "form": { "title": "Alpha, \"quoted\" plan", "deadline": DEADLINE,
                "priority": "high", "group": group, "tags": ["q1", "launch"] } }),
        )
        .await
        .as_i64()
        .unwrap();
    for title in ["Beta review", "=SUM(A1) is text"] {
        eve.ok_json("create_task", json!({ "form": { "title": title } }))
            .await;
    }
    ann.ok_json(
        "create_task",
        json!({ "form": { "title": "Ann's private matter" } }),
    )
    .await;
    (ann, eve, first)
}

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

fn no_job_worker(config: &mut app::ssr::config::Config) {
    config.workers_off = vec!["jobs".into()];
}

both_backends!(
    two_nodes_racing_claim_a_job_once,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        for _ in 0..5 {
            let job = export_tasks(&eve, json!({}), "csv").await;
            let db = server.state.db.clone();
            let lease = runner::LEASE.as_millis() as i64;
            let now = app::ssr::now_ms();
            let (a, b) = tokio::join!(
                repo::claim(&db, "node-a", now, lease),
                repo::claim(&db, "node-b", now, lease)
            );
            let claimed: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
            assert_eq!(claimed.len(), 1, "claimed by both or neither");
            assert_eq!(claimed[0].id, JobId(job));
            assert_eq!(claimed[0].attempts, 1);
            // Claimed: nobody else gets it while the lease holds.
            assert!(
                repo::claim(&db, "node-c", now, lease)
                    .await
                    .unwrap()
                    .is_none()
            );
            eve.ok_json("cancel_job", json!({ "id": job })).await;
        }
    }
);

both_backends!(
    a_job_whose_node_died_is_resumed_elsewhere,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        let job = export_tasks(&eve, json!({ "section": "all" }), "xlsx").await;
        let now = app::ssr::now_ms();
        // A node took it and is still alive (its lease holds): nobody takes it over.
        server
            .sql(&format!(
                "UPDATE jobs SET state = 'running', claimed_by = 'node-dead', attempts = 1, \
                 lease_until = {} WHERE id = {job}",
                now + 60_000
            ))
            .await;
        assert!(!runner::run_next(&server.state, "node-b").await.unwrap());
        // It died: its lease ran out.
        server
            .sql(&format!(
                "UPDATE jobs SET lease_until = {} WHERE id = {job}",
                now - 1000
            ))
            .await;
        assert!(runner::run_next(&server.state, "node-b").await.unwrap());
        let view = eve.ok_json("job", json!({ "id": job })).await;
        assert_eq!(view["state"], "done", "{view}");
        assert_eq!(
            server
                .scalar(&format!("SELECT attempts FROM jobs WHERE id = {job}"))
                .await,
            2
        );
        assert_eq!(
            read_xlsx(&download(&eve, job).await.1)["rows"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        // A job that keeps killing its node is failed, not retried for ever.
        let job = export_tasks(&eve, json!({}), "csv").await;
        server
            .sql(&format!(
                "UPDATE jobs SET state = 'running', claimed_by = 'node-dead', attempts = 3, \
                 lease_until = {} WHERE id = {job}",
                now - 1000
            ))
            .await;
        assert!(runner::run_next(&server.state, "node-b").await.unwrap());
        let view = eve.ok_json("job", json!({ "id": job })).await;
        assert_eq!(view["state"], "failed");
        assert!(view["error"].as_str().unwrap().contains("several times"));
    }
);

both_backends!(
    cancelling_stops_a_job,
    no_job_worker,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        // Waiting: it never starts.
        let job = export_tasks(&eve, json!({}), "csv").await;
        let view = eve.ok_json("cancel_job", json!({ "id": job })).await;
        assert_eq!(view["state"], "cancelled");
        assert!(!runner::run_next(&server.state, "node-a").await.unwrap());
        // Cancelling twice is fine; cancelling a finished one is refused.
        eve.ok_json("cancel_job", json!({ "id": job })).await;
        let done = export_tasks(&eve, json!({}), "csv").await;
        assert!(runner::run_next(&server.state, "node-a").await.unwrap());
        eve.refused_json("cancel_job", json!({ "id": done }), "Invalid")
            .await;
        // Running on a node: the node loses it, and its next progress report stops the work.
        let job = export_tasks(&eve, json!({}), "csv").await;
        let db = server.state.db.clone();
        let row = repo::claim(&db, "node-a", app::ssr::now_ms(), 60_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.id, JobId(job));
        eve.ok_json("cancel_job", json!({ "id": job })).await;
        assert!(
            !repo::store_progress(&db.writer, row.portal_id, row.id, "node-a", 1, 3)
                .await
                .unwrap()
        );
        assert!(
            !repo::renew(&db.writer, &row, "node-a", app::ssr::now_ms() + 60_000)
                .await
                .unwrap()
        );
        assert_eq!(
            eve.ok_json("job", json!({ "id": job })).await["state"],
            "cancelled"
        );
        assert_eq!(eve.get(&format!("/jobs/{job}/file")).await.status(), 404);
    }
);

both_backends!(
    old_jobs_and_their_files_are_cleaned_up,
    |server: TestServer| async move {
        let (_, eve, _) = people_and_tasks(&server).await;
        let job = export_tasks(&eve, json!({}), "csv").await;
        assert_eq!(wait_done(&eve, job).await["state"], "done");
        let old = app::ssr::now_ms() - 8 * DAY_MS;
        server
            .sql(&format!(
                "UPDATE jobs SET finished_at = {old} WHERE id = {job}"
            ))
            .await;
        runner::clean_up(&server.state).await.unwrap();
        assert_eq!(server.scalar("SELECT COUNT(*) FROM jobs").await, 0);
        assert_eq!(eve.get(&format!("/jobs/{job}/file")).await.status(), 404);
    }
);
