//! `wsbench`: the realtime benchmarks of docs/PERFORMANCE.md, against a portal filled by
//! `feedgen` or `chatgen` (their people `user<N>@feed.bench` or `user<N>@chat.bench` share one
//! password).
//!
//!   wsbench fanout --url http://127.0.0.1:3180 --portal bench --password correct-horse-1 \
//!                  --users 1000 --sockets 1000 --posts 50
//!   wsbench idle   --url http://127.0.0.1:3180 --portal bench --password correct-horse-1 \
//!                  --users 1000 --sockets 5000 --server-pid PID
//!   wsbench chat   --url http://127.0.0.1:3183 --portal bench-0 --password correct-horse-1 \
//!                  --domain chat.bench --users 2000 --rate 100 --duration 30s [--server-pid PID]
//!
//! `fanout` opens one `/ws` socket per person, then has `user1` publish posts to everyone
//! (the `create_post` server function), one at a time, and times from sending each request
//! until every socket has received its `feed_posted` event. `idle` opens the sockets, holds
//! them, and reads the server's resident memory before and after. `chat` (wsbench/chat.rs)
//! has the people of `chatgen`'s group chats send messages at a steady rate and times each
//! delivery to each member's socket.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bench::{BoxError, SignedUp, client_for, parse_duration, sign_in, target_addr};
use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use hdrhistogram::Histogram;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Parser)]
#[command(name = "wsbench", about = "Agora realtime benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Tokio worker threads for the benchmark itself.
    #[arg(long, default_value_t = 1, global = true)]
    threads: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Time from publishing a post until the last of N sockets receives it.
    Fanout(FanoutArgs),
    /// Hold N idle sockets and report the server's memory per socket.
    Idle(IdleArgs),
    /// Messages sent in group chats at a steady rate: time to each member's socket, loss,
    /// duplicates, and the server's memory per idle socket.
    Chat(chat::ChatArgs),
}

#[path = "wsbench/chat.rs"]
mod chat;

#[derive(Args)]
struct Common {
    /// The server, e.g. http://127.0.0.1:3180.
    #[arg(long)]
    url: Url,
    /// The portal's address (slug), filled by `feedgen`.
    #[arg(long)]
    portal: String,
    /// The password `feedgen` gave its people (the administrator's).
    #[arg(long)]
    password: String,
    /// People to sign in (`user1` … `userN`); sockets are spread over them round-robin.
    #[arg(long, default_value_t = 1000)]
    users: usize,
    /// The people's e-mail domain: `feed.bench` (feedgen) or `chat.bench` (chatgen).
    #[arg(long, default_value = "feed.bench")]
    domain: String,
    /// Sign-ins in flight at once (each costs the server one Argon2 verification).
    #[arg(long, default_value_t = 4)]
    sign_in_concurrency: usize,
    /// Print one JSON line instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct FanoutArgs {
    #[command(flatten)]
    common: Common,
    /// Sockets to open.
    #[arg(long, default_value_t = 1000)]
    sockets: usize,
    /// Posts to publish, one after another.
    #[arg(long, default_value_t = 50)]
    posts: usize,
    /// Pause between two posts (after the previous one reached every socket).
    #[arg(long, default_value = "200ms", value_parser = parse_duration)]
    interval: Duration,
}

#[derive(Args)]
struct IdleArgs {
    #[command(flatten)]
    common: Common,
    /// Sockets to open.
    #[arg(long, default_value_t = 1000)]
    sockets: usize,
    /// The server's process id (same machine), for its resident memory.
    #[arg(long)]
    server_pid: u32,
    /// How long to wait after the sign-ins before the first reading, and to hold the sockets
    /// before the second.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    hold: Duration,
}

fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cli.threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Fanout(args) => fanout(args).await,
            Command::Idle(args) => idle(args).await,
            Command::Chat(args) => chat::run(args).await,
        }
    })
}

/// Signs in `user1` … `userN` of the portal, a few at a time.
async fn sign_in_people(common: &Common) -> Result<Vec<Arc<SignedUp>>, BoxError> {
    let gate = Arc::new(Semaphore::new(common.sign_in_concurrency.max(1)));
    let mut tasks = Vec::new();
    for n in 1..=common.users.max(1) {
        let gate = gate.clone();
        let url = common.url.clone();
        let portal = common.portal.clone();
        let password = common.password.clone();
        let email = format!("user{n}@{}", common.domain);
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await?;
            sign_in(&url, &portal, &email, &password).await
        }));
    }
    let mut people = Vec::with_capacity(tasks.len());
    for task in tasks {
        people.push(Arc::new(task.await??));
    }
    Ok(people)
}

/// What a socket keeps of an event (its JSON text); `None` ignores it.
type Pick<T> = Arc<dyn Fn(&str) -> Option<T> + Send + Sync>;
type Arrivals<T> = Vec<(T, Instant)>;

/// Opens `/ws` as `person`; the task counts every event in `heard`, records when each event
/// `pick` keeps arrives until `stop` turns true, and answers the server's pings meanwhile.
async fn open_socket<T: Send + 'static>(
    url: &Url,
    person: &SignedUp,
    mut stop: watch::Receiver<bool>,
    pick: Pick<T>,
    heard: Arc<AtomicU64>,
) -> Result<tokio::task::JoinHandle<Arrivals<T>>, BoxError> {
    let addr = target_addr(url)?;
    let mut request = format!("ws://{addr}/ws").into_client_request()?;
    let port = addr.port();
    request
        .headers_mut()
        .insert("host", format!("{}:{port}", person.host).parse()?);
    request
        .headers_mut()
        .insert("cookie", person.cookie.parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    Ok(tokio::spawn(async move {
        let mut arrivals = Vec::new();
        loop {
            tokio::select! {
                message = socket.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let at = Instant::now();
                        heard.fetch_add(1, Ordering::Relaxed);
                        if let Some(item) = pick(&text) {
                            arrivals.push((item, at));
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                },
                _ = stop.changed() => break,
            }
        }
        arrivals
    }))
}

/// Opens `count` sockets spread over `people` (socket i is person i mod n), 64 handshakes at
/// a time.
async fn open_sockets<T: Send + 'static>(
    url: &Url,
    people: &[Arc<SignedUp>],
    count: usize,
    stop: &watch::Receiver<bool>,
    pick: &Pick<T>,
    heard: &Arc<AtomicU64>,
) -> Result<Vec<tokio::task::JoinHandle<Arrivals<T>>>, BoxError> {
    let gate = Arc::new(Semaphore::new(64));
    let mut opening = Vec::with_capacity(count);
    for i in 0..count {
        let gate = gate.clone();
        let url = url.clone();
        let person = people[i % people.len()].clone();
        let stop = stop.clone();
        let pick = pick.clone();
        let heard = heard.clone();
        opening.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await?;
            open_socket(&url, &person, stop, pick, heard).await
        }));
    }
    let mut sockets = Vec::with_capacity(count);
    for task in opening {
        sockets.push(task.await??);
    }
    Ok(sockets)
}

/// Posts' ids from their `feed_posted` events.
fn feed_posted() -> Pick<i64> {
    Arc::new(|text| {
        let event = serde_json::from_str::<serde_json::Value>(text).ok()?;
        if event["type"] == "feed_posted" {
            event["post_id"].as_i64()
        } else {
            None
        }
    })
}

async fn fanout(args: FanoutArgs) -> Result<(), BoxError> {
    let common = &args.common;
    let started = Instant::now();
    let people = sign_in_people(common).await?;
    let signed_in = started.elapsed();
    let (stop_tx, stop) = watch::channel(false);
    let sockets = open_sockets(
        &common.url,
        &people,
        args.sockets,
        &stop,
        &feed_posted(),
        &Arc::default(),
    )
    .await?;
    if !common.json {
        eprintln!(
            "{} people signed in in {:.1} s; {} sockets open",
            people.len(),
            signed_in.as_secs_f64(),
            sockets.len()
        );
    }
    // Let every socket finish registering with the hub before the first post.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let author = &people[0];
    let client = client_for(&common.url, Some(&author.host))?;
    let mut create = author.base.clone();
    create.set_path("/api/create_post");
    let mut sent: HashMap<i64, Instant> = HashMap::new();
    for n in 0..args.posts {
        let body = serde_json::json!({
            "kind": "post",
            "body": format!("Fan-out benchmark post {n}"),
            "recipients": { "everyone": true, "departments": [], "people": [] },
        })
        .to_string();
        let t0 = Instant::now();
        let resp = client
            .post(create.clone())
            .header(COOKIE, author.cookie.as_str())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(body)
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        let id: i64 = serde_json::from_str(&text)
            .map_err(|_| format!("create_post answered {status}: {text}"))?;
        sent.insert(id, t0);
        // Posts one at a time, so each is timed on its own rather than queued behind another.
        tokio::time::sleep(args.interval).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop_tx.send(true);

    // Per post: when the last socket received it. Per delivery: each socket's latency.
    let mut last: HashMap<i64, Duration> = HashMap::new();
    let mut deliveries = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut missing = 0usize;
    for socket in sockets {
        let arrivals = socket.await?;
        let mut seen = 0usize;
        for (id, at) in arrivals {
            let Some(t0) = sent.get(&id) else { continue };
            seen += 1;
            let latency = at.saturating_duration_since(*t0);
            deliveries.record((latency.as_micros() as u64).max(1))?;
            let entry = last.entry(id).or_default();
            *entry = (*entry).max(latency);
        }
        missing += sent.len().saturating_sub(seen);
    }
    let mut per_post = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    for latency in last.values() {
        per_post.record((latency.as_micros() as u64).max(1))?;
    }
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    if common.json {
        println!(
            "{{\"sockets\":{},\"posts\":{},\"missing\":{missing},\"last_p50_ms\":{:.2},\"last_p99_ms\":{:.2},\"last_max_ms\":{:.2},\"delivery_p50_ms\":{:.2},\"delivery_p99_ms\":{:.2}}}",
            args.sockets,
            sent.len(),
            ms(&per_post, 0.5),
            ms(&per_post, 0.99),
            per_post.max() as f64 / 1000.0,
            ms(&deliveries, 0.5),
            ms(&deliveries, 0.99),
        );
    } else {
        println!(
            "{} posts to {} sockets, {missing} deliveries missing\n  until the last socket has it: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n  each delivery: p50 {:.2} ms, p99 {:.2} ms",
            sent.len(),
            args.sockets,
            ms(&per_post, 0.5),
            ms(&per_post, 0.99),
            per_post.max() as f64 / 1000.0,
            ms(&deliveries, 0.5),
            ms(&deliveries, 0.99),
        );
    }
    if missing > 0 {
        return Err(format!("{missing} deliveries never arrived").into());
    }
    Ok(())
}

/// Resident memory of a process in KiB.
fn rss_kib(pid: u32) -> Result<u64, BoxError> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "no VmRSS".into())
}

async fn idle(args: IdleArgs) -> Result<(), BoxError> {
    let common = &args.common;
    let people = sign_in_people(common).await?;
    // Sign-ins allocate (Argon2): let the server's allocator settle before the baseline.
    tokio::time::sleep(args.hold).await;
    let before = rss_kib(args.server_pid)?;
    let (stop_tx, stop) = watch::channel(false);
    let started = Instant::now();
    let sockets = open_sockets(
        &common.url,
        &people,
        args.sockets,
        &stop,
        &feed_posted(),
        &Arc::default(),
    )
    .await?;
    let opened = started.elapsed();
    tokio::time::sleep(args.hold).await;
    let after = rss_kib(args.server_pid)?;
    // Every socket must still be open after the hold.
    let closed = sockets.iter().filter(|s| s.is_finished()).count();
    let _ = stop_tx.send(true);
    for socket in sockets {
        let _ = socket.await;
    }
    let per_socket = (after.saturating_sub(before)) as f64 * 1024.0 / args.sockets as f64;
    if common.json {
        println!(
            "{{\"sockets\":{},\"closed\":{closed},\"open_seconds\":{:.2},\"rss_before_kib\":{before},\"rss_after_kib\":{after},\"bytes_per_socket\":{per_socket:.0}}}",
            args.sockets,
            opened.as_secs_f64()
        );
    } else {
        println!(
            "{} sockets opened in {:.2} s ({closed} closed by the end); server RSS {:.1} MiB before, {:.1} MiB after {:?}: {:.1} KiB per socket",
            args.sockets,
            opened.as_secs_f64(),
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            args.hold,
            per_socket / 1024.0
        );
    }
    if closed > 0 {
        return Err(format!("{closed} sockets closed while idle").into());
    }
    Ok(())
}
