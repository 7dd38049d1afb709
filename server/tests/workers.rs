//! Background workers and stopping a node: a worker that panics is restarted, every worker ends
//! when the node stops, sockets are told the server is going away, and a test's database goes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use app::ssr::state::AppState;
use app::ssr::workers::{Worker, WorkerFuture};
use common::{Backend, TestServer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

static FLAKY_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Panics on its first run, then works (waits forever, as a worker's loop does).
fn flaky(_state: AppState) -> WorkerFuture {
    Box::pin(async {
        if FLAKY_RUNS.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the first run fails");
        }
        std::future::pending::<()>().await
    })
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_panics_is_restarted_and_stops_with_the_node() {
    let server = TestServer::start(Backend::Sqlite).await;
    let stop = CancellationToken::new();
    let worker = Worker {
        name: "flaky",
        run: flaky,
    };
    let supervisor = tokio::spawn(server::workers::supervise(
        worker,
        server.state.clone(),
        stop.clone(),
    ));
    // Restarted after its first-restart pause (one second).
    wait_for("the restart", || FLAKY_RUNS.load(Ordering::SeqCst) == 2).await;
    assert!(!supervisor.is_finished());
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(2), supervisor)
        .await
        .expect("the supervisor stops when cancelled")
        .unwrap();
    assert_eq!(
        FLAKY_RUNS.load(Ordering::SeqCst),
        2,
        "not restarted after stop"
    );
}

static COUNTED_RUNS: AtomicUsize = AtomicUsize::new(0);

fn counted(_state: AppState) -> WorkerFuture {
    Box::pin(async {
        COUNTED_RUNS.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<()>().await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_switched_off_by_configuration_never_runs() {
    let server = TestServer::start_with(Backend::Sqlite, |c| {
        c.workers_off = vec!["counted".into()];
    })
    .await;
    let stop = CancellationToken::new();
    let worker = Worker {
        name: "counted",
        run: counted,
    };
    let mut set = server::workers::spawn_all(&server.state, &[worker], &stop);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(COUNTED_RUNS.load(Ordering::SeqCst), 0);
    assert!(set.join_next().await.is_none(), "nothing was started");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_node_says_going_away_and_its_test_database_is_dropped() {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let server = TestServer::start(Backend::MySql).await;
    let admin = server.sign_up("acme", "ann@acme.test").await;
    let mut socket = common::websocket(&admin).await.unwrap();
    common::drain(&mut socket, 200).await;
    let database = server
        .owned_database()
        .and_then(|url| url.rsplit('/').next())
        .unwrap()
        .to_owned();

    let started = Instant::now();
    server.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopping took {:?}",
        started.elapsed()
    );
    let close = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(frame)) = socket.next().await {
            if let Message::Close(frame) = frame {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("the socket is closed");
    assert_eq!(close, Some(1001), "going away");

    // The node is gone: nothing answers on its address.
    assert!(
        admin
            .http
            .get(format!("{}/healthz", admin.base))
            .send()
            .await
            .is_err()
    );
    // And so is its database.
    use sqlx::Connection;
    let mut conn = sqlx::mysql::MySqlConnection::connect(&common::mysql_base_url())
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
    )
    .bind(&database)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(left, 0, "database {database} left behind");
}
