//! How many SQL statements each page costs (issue 16, point 1). A deterministic count, not a
//! timing: every statement sqlx runs is counted from its `sqlx::query` trace event while one
//! page is requested, with the background workers switched off. Each page is counted twice:
//! with a little data, then with three times as much; the count must not change (a page's
//! queries are batched, never one per row) and must stay within the page's budget.
//!
//! Its own test binary: the counter is global to the process, so the pages are requested one
//! at a time, one backend after the other.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Client, TestServer};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

static QUERIES: AtomicUsize = AtomicUsize::new(0);
/// The statements themselves, kept when `AGORA_SHOW_QUERIES` is set (to see what a page runs).
static STATEMENTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

struct Statement(String);

impl tracing::field::Visit for Statement {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "db.statement" || field.name() == "summary" {
            self.0.push_str(&format!("{value:?} "));
        }
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "db.statement" || field.name() == "summary" {
            self.0.push_str(value);
            self.0.push(' ');
        }
    }
}

/// Counts sqlx's statement events (target `sqlx::query`, one per statement run).
struct CountQueries;

impl<S: tracing::Subscriber> Layer<S> for CountQueries {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if event.metadata().target() == "sqlx::query" {
            let mut statement = Statement(String::new());
            event.record(&mut statement);
            // A new pool connection's set-up (MariaDB's `SET sql_mode…`, SQLite's `PRAGMA …`)
            // is not the page's: it happens whenever the pool grows.
            let text = statement.0.trim_start();
            if text.starts_with("SET ") || text.starts_with("PRAGMA ") {
                return;
            }
            QUERIES.fetch_add(1, Ordering::SeqCst);
            if std::env::var_os("AGORA_SHOW_QUERIES").is_some() {
                STATEMENTS.lock().unwrap().push(statement.0);
            }
        }
    }
}

fn count_queries() {
    let _ = tracing_subscriber::registry()
        .with(CountQueries)
        .with(
            tracing_subscriber::fmt::layer()
                .with_test_writer()
                .with_filter(tracing_subscriber::EnvFilter::from_default_env()),
        )
        .try_init();
}

/// Every worker off: nothing but the page runs statements.
fn quiet(config: &mut app::ssr::config::Config) {
    config.workers_off = [
        "housekeeping",
        "mailer",
        "jobs",
        "recurring-tasks",
        "presence",
        "chat-digest",
    ]
    .map(String::from)
    .to_vec();
}

/// The most statements each page may run (the shell's share included).
const BUDGETS: &[(&str, usize)] = &[
    // The shell: portal, session, and one read per menu counter (notifications, the feed's
    // viewer and unread count, tasks, chat): 7.
    ("feed", 15),
    ("my tasks", 10),
    ("project list", 12),
    // The chart's shape (every task's id, parent and dates), the window's tasks in full, and
    // the dependencies: the same three reads for 10 tasks or 10,000.
    ("gantt", 11),
    ("one task", 20),
    ("chat", 8),
    ("one chat", 18),
];

/// Waits until no statement has run for 100 ms (what an earlier request set off is done).
async fn settle() {
    let mut last = QUERIES.load(Ordering::SeqCst);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = QUERIES.load(Ordering::SeqCst);
        if now == last {
            return;
        }
        last = now;
    }
}

/// The statements one page request runs: the fewest of two requests, so that something
/// unrelated running at the same moment on a loaded machine is not charged to the page (a
/// statement per row shows in both).
async fn queries_of(client: &Client, path: &str) -> usize {
    let first = one_request(client, path).await;
    let second = one_request(client, path).await;
    first.min(second)
}

/// The statements of one request. The page is requested once before (to fill the node's
/// caches, as on a node that has been serving for a while), then counted.
async fn one_request(client: &Client, path: &str) -> usize {
    let warm = client.get(path).await;
    assert_eq!(warm.status(), 200, "{path}");
    warm.text().await.unwrap();
    settle().await;
    STATEMENTS.lock().unwrap().clear();
    let before = QUERIES.load(Ordering::SeqCst);
    let res = client.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let body = res.text().await.unwrap();
    assert!(body.contains("</html>"), "{path} rendered in full");
    // Anything the page set off after answering is counted too.
    settle().await;
    for statement in STATEMENTS.lock().unwrap().iter() {
        eprintln!(
            "{path}: {}",
            statement.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    QUERIES.load(Ordering::SeqCst) - before
}

struct Portal {
    ann: Client,
    bob: Client,
    bob_id: i64,
    ann_id: i64,
    project: i64,
    chat: i64,
    task: i64,
    last_task: Option<i64>,
    /// Project tasks made so far (each starts after the one before ends).
    steps: i64,
}

async fn portal(server: &TestServer) -> Portal {
    let ann = server.sign_up("acme", "ann@acme.test").await;
    let bob = common::accept(
        server,
        &common::invite(&ann, "bob@acme.test", "employee").await,
        "Bob Baker",
    )
    .await;
    let bob_id = bob.me_id().await;
    let project = ann
        .ok_json(
            "create_group",
            json!({ "form": { "name": "Launch", "visibility": "closed", "is_project": true },
                    "members": [bob_id] }),
        )
        .await
        .as_i64()
        .unwrap();
    let chat = ann
        .ok_json(
            "create_chat",
            json!({ "new": { "title": "Launch team", "members": [bob_id] } }),
        )
        .await
        .as_i64()
        .unwrap();
    let task = ann
        .ok_json(
            "create_task",
            json!({ "form": { "title": "The task looked at", "responsible": bob_id,
                              "group": project, "tags": ["launch"] } }),
        )
        .await
        .as_i64()
        .unwrap();
    let ann_id = ann.me_id().await;
    Portal {
        ann,
        bob,
        bob_id,
        ann_id,
        project,
        chat,
        task,
        last_task: None,
        steps: 0,
    }
}

/// `n` more of everything the pages list: project tasks (with subtasks, dependencies and
/// deadlines), posts with comments, chat messages, and comments and checklist items on the
/// task that is looked at.
async fn add_rows(p: &mut Portal, n: usize) {
    let day = 86_400_000i64;
    let now = app::ssr::now_ms();
    for i in 0..n {
        let id = p
            .ann
            .ok_json(
                "create_task",
                json!({ "form": {
                    "title": format!("Step {i}"),
                    "responsible": if i % 2 == 0 { p.bob_id } else { p.ann_id },
                    "group": p.project,
                    "parent": if i % 3 == 1 { p.last_task } else { None },
                    "start_at": now + p.steps * 3 * day,
                    "end_at": now + (p.steps * 3 + 2) * day,
                    "deadline": now + (p.steps * 3 + 2) * day,
                    "tags": [format!("t{}", i % 4)],
                    "accomplices": [p.bob_id],
                } }),
            )
            .await
            .as_i64()
            .unwrap();
        if let Some(before) = p.last_task {
            p.ann
                .ok_json(
                    "link_tasks",
                    json!({ "predecessor": before, "successor": id, "kind": "finish_to_start" }),
                )
                .await;
        }
        p.last_task = Some(id);
        p.steps += 1;
        let post = p
            .ann
            .ok_json(
                "create_post",
                json!({ "kind": "post", "body": format!("News {i} for @everyone"),
                        "recipients": { "everyone": true, "departments": [], "people": [] } }),
            )
            .await
            .as_i64()
            .unwrap();
        p.bob
            .ok_json(
                "add_comment",
                json!({ "post": post, "body": format!("Thanks {i}") }),
            )
            .await;
        p.ann
            .ok_json("react", json!({ "post": post, "reaction": "like" }))
            .await;
        for (who, text) in [(&p.ann, "Morning"), (&p.bob, "Hello")] {
            who.ok_json(
                "send_message",
                json!({ "chat": p.chat,
                        "form": { "text": format!("{text} {i}"), "client_key": format!("{text}-{}", p.last_task.unwrap_or_default()) } }),
            )
            .await;
        }
        // Subtasks of the task looked at: one in the project (Bob sees it as a member), one
        // of Ann's own that Bob may not see.
        for (title, group) in [
            (format!("Part {i}"), Some(p.project)),
            (format!("Private part {i}"), None),
        ] {
            p.ann
                .ok_json(
                    "create_task",
                    json!({ "form": { "title": title, "parent": p.task, "group": group,
                                      "responsible": p.ann_id } }),
                )
                .await;
        }
        p.bob
            .ok_json(
                "comment_task",
                json!({ "id": p.task, "body": format!("Progress {i}") }),
            )
            .await;
        p.ann
            .ok_json(
                "add_checklist_items",
                json!({ "id": p.task, "items": [format!("Check {i}")] }),
            )
            .await;
    }
}

async fn count_pages(p: &Portal) -> Vec<(&'static str, usize)> {
    let pages = [
        ("feed", "/".to_owned()),
        ("my tasks", "/tasks".to_owned()),
        (
            "project list",
            format!("/tasks?section=all&group={}", p.project),
        ),
        ("gantt", format!("/tasks/gantt?group={}", p.project)),
        ("one task", format!("/tasks/{}", p.task)),
        ("chat", "/chat".to_owned()),
        ("one chat", format!("/chat/{}", p.chat)),
    ];
    let mut counts = Vec::new();
    for (name, path) in pages {
        counts.push((name, queries_of(&p.bob, &path).await));
    }
    counts
}

async fn check(backend: Backend) {
    let server = TestServer::start_with(backend, quiet).await;
    let mut p = portal(&server).await;
    add_rows(&mut p, 3).await;
    let few = count_pages(&p).await;
    add_rows(&mut p, 6).await;
    let more = count_pages(&p).await;
    eprintln!("{backend:?}: statements per page, 3 rows each: {few:?}; 9 rows each: {more:?}");
    for ((name, a), (_, b)) in few.iter().zip(&more) {
        assert_eq!(
            a, b,
            "{backend:?}: {name} runs {a} statements with 3 rows and {b} with 9: one per row"
        );
        let budget = BUDGETS.iter().find(|(n, _)| n == name).unwrap().1;
        assert!(
            *b <= budget,
            "{backend:?}: {name} runs {b} statements, its budget is {budget}"
        );
    }
}

// One test, both backends in turn: the counter is shared by the whole process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_runs_a_fixed_handful_of_statements() {
    count_queries();
    check(Backend::Sqlite).await;
    check(Backend::MySql).await;
}
