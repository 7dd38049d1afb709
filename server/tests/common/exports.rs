//! Helpers for tests of jobs and exports: start an export, wait for it, download and read
//! its file (openpyxl for XLSX), and a small portal with people and tasks to export.

use super::{Client, TestServer};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const DAY_MS: i64 = 86_400_000;
/// 2031-03-04 15:30 UTC.
pub const DEADLINE: i64 = 1_930_404_600_000;

/// Polls the job until it has ended; returns its view.
pub async fn wait_done(client: &Client, job: i64) -> Value {
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

pub async fn download(client: &Client, job: i64) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = client.get(&format!("/jobs/{job}/file")).await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    (headers, res.bytes().await.unwrap().to_vec())
}

/// The first sheet's rows as openpyxl reads them: each cell `[type name, value as text]`,
/// plus the frozen pane, the filter range and the header's font and fill.
pub fn read_xlsx(bytes: &[u8]) -> Value {
    let path = super::temp_dir().with_extension("xlsx");
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
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
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

pub async fn export_tasks(client: &Client, query: Value, format: &str) -> i64 {
    client
        .ok_json("export_tasks", json!({ "query": query, "format": format }))
        .await["id"]
        .as_i64()
        .unwrap()
}

/// Ann (admin) and Eve (employee): Eve's tasks, one in a project; Ann's private task.
pub async fn people_and_tasks(server: &TestServer) -> (Client, Client, i64) {
    let ann = server.sign_up("acme", "ann@acme.test").await;
    let eve = super::accept(
        server,
        &super::invite(&ann, "eve@acme.test", "employee").await,
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
