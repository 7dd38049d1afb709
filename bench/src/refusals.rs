//! What an oversized request costs the server when it is refused, and whether other portals'
//! writes stall meanwhile (docs/PERFORMANCE.md, "Refusals under attack").
//!
//! Signs up two portals. The victim's administrator creates tasks one after another on one
//! connection, first alone, then while the attacker's administrator sends `create_task` with
//! 50,000 tags on `--attackers` connections as fast as the server answers. Prints the server's
//! CPU time per refusal (from /proc/<server pid>/stat) and the victim's write latencies.
//!
//!   refusals --url http://127.0.0.1:3000 --server-pid 1234 [--duration 10s] [--tags 50000]

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bench::{BoxError, SignedUp, client_for, parse_duration, post_json, sign_in_fresh_portal};
use clap::Parser;
use hdrhistogram::Histogram;
use reqwest::Url;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    url: Url,
    /// The server's process id, for its CPU time.
    #[arg(long)]
    server_pid: u32,
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    duration: Duration,
    #[arg(long, default_value_t = 50_000)]
    tags: usize,
    #[arg(long, default_value_t = 2)]
    attackers: usize,
}

/// The server's user + system CPU time so far.
fn server_cpu(pid: u32) -> Result<Duration, BoxError> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .ok_or("bad stat")?
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    // Linux reports CPU time in clock ticks of 100 Hz on every common configuration.
    Ok(Duration::from_millis(ticks * 10))
}

/// The victim's writes for `duration`: latencies in microseconds.
async fn victim_writes(
    victim: &SignedUp,
    url: &Url,
    duration: Duration,
) -> Result<Histogram<u64>, BoxError> {
    let client = client_for(url, Some(&victim.host))?;
    let endpoint = victim.base.join("/api/create_task")?;
    let mut histogram = Histogram::<u64>::new(3)?;
    let until = Instant::now() + duration;
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let body = format!(r#"{{"form":{{"title":"Victim task {i}","tags":["a","b"]}}}}"#);
        let started = Instant::now();
        post_json(&client, &endpoint, &victim.cookie, &body).await?;
        histogram.record(started.elapsed().as_micros() as u64)?;
    }
    Ok(histogram)
}

/// Sends the oversized request on `--attackers` connections until `during` finishes; returns
/// how many were refused and for how long.
async fn attack(
    args: &Args,
    attacker: &SignedUp,
    body: &Arc<String>,
    during: impl std::future::Future<Output = Result<(), BoxError>>,
) -> Result<(u64, Duration), BoxError> {
    let stop = Arc::new(AtomicBool::new(false));
    let refusals = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..args.attackers {
        let (stop, refusals, body) = (stop.clone(), refusals.clone(), body.clone());
        let client = client_for(&args.url, Some(&attacker.host))?;
        let endpoint = attacker.base.join("/api/create_task")?;
        let cookie = attacker.cookie.clone();
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if post_json(&client, &endpoint, &cookie, &body).await.is_err() {
                    refusals.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    let result = during.await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await?;
    }
    result?;
    Ok((refusals.load(Ordering::Relaxed), started.elapsed()))
}

fn line(label: &str, h: &Histogram<u64>) -> String {
    format!(
        "| {label} | {} | {:.2} | {:.2} | {:.2} |",
        h.len(),
        h.value_at_quantile(0.5) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    )
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    let victim = sign_in_fresh_portal(&args.url, "victim").await?;
    let attacker = sign_in_fresh_portal(&args.url, "attacker").await?;
    let tags: Vec<String> = (0..args.tags).map(|i| format!("t{i}")).collect();
    let oversized =
        Arc::new(serde_json::json!({ "form": { "title": "Tagged", "tags": tags } }).to_string());

    // One refusal, to check it is one.
    {
        let client = client_for(&args.url, Some(&attacker.host))?;
        let answer = post_json(
            &client,
            &attacker.base.join("/api/create_task")?,
            &attacker.cookie,
            &oversized,
        )
        .await;
        let refused = answer
            .as_ref()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        if !refused.contains("400") || !refused.contains("Invalid") {
            return Err(
                format!("the oversized request was not refused as Invalid: {answer:?}").into(),
            );
        }
    }

    let alone = victim_writes(&victim, &args.url, args.duration).await?;

    // The refusals alone: the server's CPU per refusal.
    let cpu_before = server_cpu(args.server_pid)?;
    let (refused, elapsed) = attack(&args, &attacker, &oversized, async {
        tokio::time::sleep(args.duration).await;
        Ok(())
    })
    .await?;
    let cpu = server_cpu(args.server_pid)?.saturating_sub(cpu_before);
    println!(
        "refusals of {} tags: {refused} in {:.1} s ({:.0}/s on {} connections); server CPU {:.0} ms, {:.2} ms per refusal",
        args.tags,
        elapsed.as_secs_f64(),
        refused as f64 / elapsed.as_secs_f64(),
        args.attackers,
        cpu.as_secs_f64() * 1000.0,
        cpu.as_secs_f64() * 1000.0 / refused.max(1) as f64,
    );
    // And the victim's writes meanwhile.
    let mut under_attack = None;
    attack(&args, &attacker, &oversized, async {
        under_attack = Some(victim_writes(&victim, &args.url, args.duration).await?);
        Ok(())
    })
    .await?;
    let under_attack = under_attack.ok_or("no measurement")?;
    println!();
    println!("| victim's create_task | writes | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    println!("{}", line("alone", &alone));
    println!(
        "{}",
        line(
            &format!("during the refusals ({} connections)", args.attackers),
            &under_attack
        )
    );
    Ok(())
}
