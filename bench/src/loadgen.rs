//! `loadgen`: the load generator behind `scripts/bench.sh` and docs/PERFORMANCE.md.
//!
//!   loadgen wait    --url http://127.0.0.1:3100 [--timeout 30s]
//!   loadgen shell   --url http://127.0.0.1:3100 --connections 64 --duration 20s [--warmup 5s]
//!   loadgen portals --url http://127.0.0.1:3100 --count 1000 [--concurrency 4]
//!   loadgen shell   --url … --portal bench-0 --email user7@feed.bench --password … [--feed-next-page]
//!
//! `shell` signs up a fresh portal, follows its sign-in hand-off to get the session cookie, then
//! has N tasks, each with its own keep-alive connection, request the signed-in shell page
//! (`GET /`, `Accept: text/html`) back to back (a closed loop). Latencies go into an HDR
//! histogram; `--json` prints one machine-readable line for scripts.
//!
//! The load generator runs on the same machine as the server, so by default it uses a single
//! runtime thread (`--threads`) to leave the other cores to the server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bench::{
    BoxError, SignedUp, client_for, parse_duration, post_json, sign_in, sign_in_fresh_portal,
    unique_suffix,
};
use clap::{Args, Parser, Subcommand};
use hdrhistogram::Histogram;
use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_TYPE, COOKIE};
use reqwest::{Client, StatusCode, Url};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "loadgen", about = "Agora load generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Tokio worker threads for the load generator itself.
    #[arg(long, default_value_t = 1, global = true)]
    threads: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Poll GET /healthz until it answers 200; prints milliseconds waited.
    Wait(WaitArgs),
    /// Benchmark the signed-in, server-rendered shell page (GET /).
    Shell(ShellArgs),
    /// Create many portals through the sign-up server function.
    Portals(PortalsArgs),
    /// Start the server command N times; time from spawn to the first 200 on /healthz.
    Coldstart(ColdstartArgs),
}

#[derive(Args)]
struct ColdstartArgs {
    /// Where the started server listens (its AGORA_LISTEN must match).
    #[arg(long)]
    url: Url,
    /// How many starts (each is stopped with SIGTERM before the next).
    #[arg(long, default_value_t = 5)]
    starts: usize,
    #[arg(long)]
    json: bool,
    /// The server command and its arguments, after `--`.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

#[derive(Args)]
struct WaitArgs {
    #[arg(long)]
    url: Url,
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,
}

#[derive(Args)]
struct ShellArgs {
    /// The server, e.g. http://127.0.0.1:3100 (sub-domains of localhost are resolved to it).
    #[arg(long)]
    url: Url,
    /// Concurrent keep-alive connections, one task each.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured duration (e.g. 20s, 500ms, 1m).
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    duration: Duration,
    /// Unmeasured load before the measurement.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    warmup: Duration,
    /// Measured runs after the warm-up; each is reported, then the median run.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Path to request.
    #[arg(long, default_value = "/")]
    path: String,
    /// Send this Accept-Encoding (e.g. "gzip, br") like a browser; the body is read, not decoded.
    #[arg(long)]
    accept_encoding: Option<String>,
    /// Print one JSON line per run (and the median) instead of text.
    #[arg(long)]
    json: bool,
    /// The server's process id (same machine): also report its CPU time per request.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Sign in to this existing portal (its address) instead of signing up a fresh one;
    /// needs --email and --password (e.g. a portal filled by `feedgen`).
    #[arg(long, requires_all = ["email", "password"])]
    portal: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    password: Option<String>,
    /// Instead of the page, request the feed's second page as the browser's infinite scroll
    /// does: the `feed_page` server function with `before` = the first page's cursor.
    #[arg(long)]
    feed_next_page: bool,
    /// Instead of the page, call this server function (a JSON POST to /api/<name>) with --body,
    /// e.g. `--api tasks --body '{"query":{"section":"doing"}}'`.
    #[arg(long, conflicts_with = "feed_next_page")]
    api: Option<String>,
    #[arg(long, default_value = "{}")]
    body: String,
}

#[derive(Args)]
struct PortalsArgs {
    #[arg(long)]
    url: Url,
    /// How many portals to create.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Sign-ups in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Retries of a failed sign-up (same slug) before it counts as an error; retries are reported.
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// Slug prefix; defaults to a time-based one so reruns do not collide.
    #[arg(long)]
    prefix: Option<String>,
    #[arg(long)]
    json: bool,
}

fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cli.threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Wait(args) => wait(args).await,
            Command::Shell(args) => shell(args).await,
            Command::Portals(args) => portals(args).await,
            Command::Coldstart(args) => coldstart(args).await,
        }
    })
}

// ---------------------------------------------------------------------------------------------

async fn wait(args: WaitArgs) -> Result<(), BoxError> {
    let client = Client::builder().timeout(Duration::from_secs(2)).build()?;
    let url = args.url.join("/healthz")?;
    let started = Instant::now();
    loop {
        if let Ok(resp) = client.get(url.clone()).send().await
            && resp.status() == StatusCode::OK
        {
            println!("{:.1}", started.elapsed().as_secs_f64() * 1000.0);
            return Ok(());
        }
        if started.elapsed() > args.timeout {
            return Err(format!("no 200 from {url} within {:?}", args.timeout).into());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn coldstart(args: ColdstartArgs) -> Result<(), BoxError> {
    let client = Client::builder()
        .timeout(Duration::from_secs(2))
        .pool_max_idle_per_host(0)
        .build()?;
    let url = args.url.join("/healthz")?;
    let (program, rest) = args.command.split_first().ok_or("no server command")?;
    if client.get(url.clone()).send().await.is_ok() {
        return Err(format!("something already answers at {url}").into());
    }
    let mut times = Vec::new();
    for _ in 0..args.starts.max(1) {
        let started = Instant::now();
        // std::process (not tokio's) so the workspace's tokio features stay as they are.
        let mut child = std::process::Command::new(program)
            .args(rest)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        let ms = loop {
            if let Ok(resp) = client.get(url.clone()).send().await
                && resp.status() == StatusCode::OK
            {
                break started.elapsed().as_secs_f64() * 1000.0;
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("server exited early: {status}").into());
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                return Err("no 200 on /healthz within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        times.push(ms);
        // Stop it gracefully (SIGTERM), and make sure it is gone before the next start.
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                child.kill()?;
                child.wait()?;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let list = times
        .iter()
        .map(|t| format!("{t:.1}"))
        .collect::<Vec<_>>()
        .join(",");
    if args.json {
        println!("{{\"starts_ms\":[{list}],\"median_ms\":{median:.1}}}");
    } else {
        println!("starts (ms): {list}; median {median:.1} ms");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct RunResult {
    requests: u64,
    errors: u64,
    bytes: u64,
    elapsed: Duration,
    hist: Option<Histogram<u64>>,
    /// Server CPU (user + system) used during the run, when its pid is known.
    server_cpu: Option<Duration>,
}

/// User + system CPU time of a process, from /proc/<pid>/stat (clock ticks of 1/100 s).
fn process_cpu(pid: Option<u32>) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid?)).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

impl RunResult {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    fn q_ms(&self, q: f64) -> f64 {
        self.hist
            .as_ref()
            .map_or(0.0, |h| h.value_at_quantile(q) as f64 / 1000.0)
    }
    fn max_ms(&self) -> f64 {
        self.hist.as_ref().map_or(0.0, |h| h.max() as f64 / 1000.0)
    }
    fn mean_ms(&self) -> f64 {
        self.hist.as_ref().map_or(0.0, |h| h.mean() / 1000.0)
    }
    fn cpu_us_per_req(&self) -> f64 {
        self.server_cpu
            .map_or(0.0, |c| c.as_secs_f64() * 1e6 / self.requests.max(1) as f64)
    }
    fn cpu_cores(&self) -> f64 {
        self.server_cpu
            .map_or(0.0, |c| c.as_secs_f64() / self.elapsed.as_secs_f64())
    }
    fn line(&self, label: &str, json: bool, connections: usize) -> String {
        if json {
            format!(
                "{{\"run\":\"{label}\",\"server_cpu_us_per_req\":{:.0},\"server_cpu_cores\":{:.2},\"connections\":{connections},\"requests\":{},\"errors\":{},\"seconds\":{:.3},\"rps\":{:.1},\"mean_ms\":{:.2},\"p50_ms\":{:.2},\"p90_ms\":{:.2},\"p99_ms\":{:.2},\"max_ms\":{:.2},\"avg_body_bytes\":{}}}",
                self.cpu_us_per_req(),
                self.cpu_cores(),
                self.requests,
                self.errors,
                self.elapsed.as_secs_f64(),
                self.rps(),
                self.mean_ms(),
                self.q_ms(0.50),
                self.q_ms(0.90),
                self.q_ms(0.99),
                self.max_ms(),
                self.bytes.checked_div(self.requests).unwrap_or(0),
            )
        } else {
            format!(
                "{label:>7}: {:>8.1} req/s  {:>7} ok  {:>4} errors  p50 {:>7.2} ms  p90 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  ({} B/response){}",
                self.rps(),
                self.requests,
                self.errors,
                self.q_ms(0.50),
                self.q_ms(0.90),
                self.q_ms(0.99),
                self.max_ms(),
                self.bytes.checked_div(self.requests).unwrap_or(0),
                if self.server_cpu.is_some() {
                    format!(
                        "  server CPU {:.0} µs/request, {:.2} cores",
                        self.cpu_us_per_req(),
                        self.cpu_cores()
                    )
                } else {
                    String::new()
                },
            )
        }
    }
}

struct Target {
    url: Url,
    cookie: String,
    accept_encoding: Option<String>,
    /// POST this JSON (a server function call) instead of GET.
    json_body: Option<String>,
}

/// One measured (or warm-up) period: `connections` tasks, each on its own keep-alive connection.
async fn load(
    target: Arc<Target>,
    clients: &[Client],
    duration: Duration,
    pid: Option<u32>,
) -> RunResult {
    let cpu_before = process_cpu(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(clients.len());
    for client in clients {
        let client = client.clone();
        let target = target.clone();
        let stop = stop.clone();
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            let mut hist =
                Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
            let mut ok = 0u64;
            let mut bytes = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let mut req = match &target.json_body {
                    Some(body) => client
                        .post(target.url.clone())
                        .header(CONTENT_TYPE, "application/json")
                        .header(ACCEPT, "application/json")
                        .body(body.clone()),
                    None => client.get(target.url.clone()).header(ACCEPT, "text/html"),
                }
                .header(COOKIE, target.cookie.as_str());
                if let Some(enc) = &target.accept_encoding {
                    req = req.header(ACCEPT_ENCODING, enc.as_str());
                }
                let result = async {
                    let resp = req.send().await?;
                    let status = resp.status();
                    let body = resp.bytes().await?;
                    Ok::<_, reqwest::Error>((status, body.len()))
                }
                .await;
                let micros = t0.elapsed().as_micros() as u64;
                match result {
                    Ok((StatusCode::OK, len)) => {
                        ok += 1;
                        bytes += len as u64;
                        let _ = hist.record(micros.max(1));
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            (hist, ok, bytes)
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut result = RunResult::default();
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
    for task in tasks {
        if let Ok((h, ok, bytes)) = task.await {
            let _ = hist.add(&h);
            result.requests += ok;
            result.bytes += bytes;
        }
    }
    // In-flight requests finish after the stop flag; count the whole wall time they took.
    result.elapsed = started.elapsed();
    result.server_cpu = cpu_before
        .zip(process_cpu(pid))
        .map(|(a, b)| b.saturating_sub(a));
    result.errors = errors.load(Ordering::Relaxed);
    result.hist = Some(hist);
    result
}

/// Checks once that the page really is the signed-in shell, not a sign-in form.
async fn check_shell(client: &Client, page_url: &Url, signed: &SignedUp) -> Result<(), BoxError> {
    let check = client
        .get(page_url.clone())
        .header(COOKIE, signed.cookie.as_str())
        .header(ACCEPT, "text/html")
        .send()
        .await?;
    let status = check.status();
    let body = check.text().await?;
    if status != StatusCode::OK || !body.contains(&signed.name) {
        return Err(format!(
            "GET {page_url} is not the signed-in shell (HTTP {status}, {} bytes, user name {})",
            body.len(),
            if body.contains(&signed.name) {
                "present"
            } else {
                "absent"
            }
        )
        .into());
    }
    Ok(())
}

async fn shell(args: ShellArgs) -> Result<(), BoxError> {
    let signed = match (&args.portal, &args.email, &args.password) {
        (Some(portal), Some(email), Some(password)) => {
            sign_in(&args.url, portal, email, password).await?
        }
        _ => sign_in_fresh_portal(&args.url, "shell").await?,
    };
    let client = client_for(&args.url, Some(&signed.host))?;
    let mut page_url = signed.base.clone();
    let json_body = if let Some(api) = &args.api {
        page_url.set_path(&format!("/api/{api}"));
        let answer = post_json(&client, &page_url, &signed.cookie, &args.body).await?;
        if !args.json {
            let text = answer.to_string();
            eprintln!(
                "portal {} signed in; {api} answers {} bytes: {}…; {} connections",
                signed.base,
                text.len(),
                text.chars().take(120).collect::<String>(),
                args.connections
            );
        }
        Some(args.body.clone())
    } else if args.feed_next_page {
        page_url.set_path("/api/feed_page");
        let first = post_json(&client, &page_url, &signed.cookie, "{}").await?;
        let cursor = first["next_cursor"]
            .as_i64()
            .ok_or("the feed's first page has no next page")?;
        let body = format!("{{\"before\":{cursor}}}");
        let second = post_json(&client, &page_url, &signed.cookie, &body).await?;
        let posts = second["posts"].as_array().map_or(0, Vec::len);
        if posts == 0 {
            return Err("the feed's second page is empty".into());
        }
        if !args.json {
            eprintln!(
                "portal {} signed in; feed_page before {cursor}: {posts} posts; {} connections",
                signed.base, args.connections
            );
        }
        Some(body)
    } else {
        // The path may carry a query (`/tasks/gantt?group=1`).
        let (path, query) = args.path.split_once('?').unwrap_or((&args.path, ""));
        page_url.set_path(path);
        page_url.set_query((!query.is_empty()).then_some(query));
        check_shell(&client, &page_url, &signed).await?;
        if !args.json {
            eprintln!(
                "portal {} signed in; {} connections",
                signed.base, args.connections
            );
        }
        None
    };

    // Requests go to the server's socket with the portal's Host header (resolved by `client_for`).
    let target = Arc::new(Target {
        url: page_url,
        cookie: signed.cookie,
        accept_encoding: args.accept_encoding.clone(),
        json_body,
    });
    let mut clients = Vec::with_capacity(args.connections);
    for _ in 0..args.connections {
        clients.push(client_for(&args.url, Some(&signed.host))?);
    }
    if !args.warmup.is_zero() {
        let warm = load(target.clone(), &clients, args.warmup, args.server_pid).await;
        if !args.json {
            println!("{}", warm.line("warm-up", false, args.connections));
        }
    }
    let mut runs = Vec::new();
    for i in 0..args.runs.max(1) {
        let run = load(target.clone(), &clients, args.duration, args.server_pid).await;
        println!(
            "{}",
            run.line(&format!("run {}", i + 1), args.json, args.connections)
        );
        runs.push(run);
    }
    if runs.len() > 1 {
        runs.sort_by(|a, b| a.rps().total_cmp(&b.rps()));
        let median = &runs[runs.len() / 2];
        println!("{}", median.line("median", args.json, args.connections));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

async fn portals(args: PortalsArgs) -> Result<(), BoxError> {
    let prefix = args
        .prefix
        .clone()
        .unwrap_or_else(|| format!("p{}", unique_suffix()));
    let client = client_for(&args.url, None)?;
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let retried = Arc::new(AtomicU64::new(0));
    let retries = args.retries;
    let count = args.count as u64;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let client = client.clone();
        let url = args.url.clone();
        let prefix = prefix.clone();
        let next = next.clone();
        let errors = errors.clone();
        let retried = retried.clone();
        let json = args.json;
        tasks.push(tokio::spawn(async move {
            let mut hist =
                Histogram::<u64>::new_with_bounds(1, 600_000_000, 3).expect("histogram bounds");
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let slug = format!("{prefix}-{i}");
                let t0 = Instant::now();
                let mut attempt = 0;
                loop {
                    match bench::sign_up(&client, &url, &slug, &format!("Admin {i}")).await {
                        Ok(_) => {
                            let _ = hist.record((t0.elapsed().as_micros() as u64).max(1));
                            break;
                        }
                        Err(e) => {
                            if attempt < retries {
                                attempt += 1;
                                if retried.fetch_add(1, Ordering::Relaxed) < 3 && !json {
                                    eprintln!("retrying: {e}");
                                }
                                tokio::time::sleep(Duration::from_millis(20)).await;
                                continue;
                            }
                            if errors.fetch_add(1, Ordering::Relaxed) < 5 && !json {
                                eprintln!("{e}");
                            }
                            break;
                        }
                    }
                }
                if !json && (i + 1).is_multiple_of(100) {
                    eprintln!("  {} sign-ups started", i + 1);
                }
            }
            hist
        }));
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 600_000_000, 3).expect("histogram bounds");
    for task in tasks {
        if let Ok(h) = task.await {
            let _ = hist.add(&h);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let created = hist.len();
    let errors = errors.load(Ordering::Relaxed);
    let retried = retried.load(Ordering::Relaxed);
    let q = |q: f64| hist.value_at_quantile(q) as f64 / 1000.0;
    if args.json {
        println!(
            "{{\"created\":{created},\"errors\":{errors},\"retried\":{retried},\"seconds\":{elapsed:.2},\"per_second\":{:.2},\"p50_ms\":{:.1},\"p99_ms\":{:.1},\"concurrency\":{}}}",
            created as f64 / elapsed,
            q(0.5),
            q(0.99),
            args.concurrency
        );
    } else {
        println!(
            "created {created} portals ({errors} errors, {retried} retries) in {elapsed:.1} s: {:.1} sign-ups/s, p50 {:.1} ms, p99 {:.1} ms at concurrency {}",
            created as f64 / elapsed,
            q(0.5),
            q(0.99),
            args.concurrency
        );
    }
    if errors > 0 {
        return Err(format!("{errors} sign-ups failed").into());
    }
    Ok(())
}
