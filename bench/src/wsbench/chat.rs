//! `wsbench chat`: messenger delivery at scale, against a portal filled by `chatgen`.
//!
//! Signs in `user1` … `userN` and opens one `/ws` socket each; finds, through the `chats`
//! server function, the group chats each person is in (those named `--chats-named`); waits
//! until the connect storm is over (every socket that opens tells every other employee's
//! socket that its person is online); then sends `--rate` messages a second, in all, through
//! `send_message` — `--warmup` unmeasured, then `--duration` measured: message i goes to chat
//! i mod C, from its members in turn, each on a schedule of its own (open loop: a slow answer
//! delays no later message).
//!
//! Each delivery is timed from just before the sender's request to the moment the member's
//! socket read the `chat_message` event carrying the message's `client_key`; the figures are
//! over every (message, member other than the sender) pair. Every member's socket, the
//! sender's included, must get every message of its chats exactly once: the missing, the
//! duplicated and any delivered to a non-member are counted. With `--server-pid`, the
//! server's resident memory is read before the sockets open and once they are idle.

use super::{Common, Pick, open_sockets, rss_kib, sign_in_people};
use bench::{BoxError, SignedUp, parse_duration, post_json, target_addr, unique_suffix};
use clap::Args;
use futures::StreamExt;
use hdrhistogram::Histogram;
use reqwest::{Client, Url, redirect};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::watch;

#[derive(Args)]
pub struct ChatArgs {
    #[command(flatten)]
    common: Common,
    /// Messages a second, all chats together.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// How long to send.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    duration: Duration,
    /// Unmeasured sending at the same rate first (caches, the database's first writes).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    warmup: Duration,
    /// The chats taking part: group chats whose name starts so (chatgen's "Group 001" …).
    #[arg(long, default_value = "Group ")]
    chats_named: String,
    /// The connect storm is over once no event has arrived for this long.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    quiet: Duration,
    /// The longest wait for the last deliveries after the last answer.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    drain: Duration,
    /// The server's process id (same machine): its memory per idle socket.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Pause before each memory reading. The sign-ins' Argon2 memory goes back to the system
    /// when the server's blocking threads that hashed end, after 10 idle seconds.
    #[arg(long, default_value = "15s", value_parser = parse_duration)]
    hold: Duration,
}

/// A chat taking part: its id and its members (indices into the signed-in people).
struct Chat {
    id: i64,
    members: Vec<usize>,
}

/// One sent message: when its request left, how long the answer took, whether it was a 200.
struct Sent {
    at: Instant,
    took: Duration,
    ok: bool,
}

pub async fn run(args: ChatArgs) -> Result<(), BoxError> {
    let common = &args.common;
    if args.rate.is_nan() || args.rate <= 0.0 {
        return Err("--rate must be above 0".into());
    }
    let started = Instant::now();
    let people = sign_in_people(common).await?;
    let signed_in = started.elapsed();
    let client = shared_client(&common.url, &people[0].host)?;
    let chats = find_chats(&client, &people, &args.chats_named).await?;
    if chats.is_empty() {
        return Err(format!("nobody is in a group chat named {:?}…", args.chats_named).into());
    }
    let mut chats_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (c, chat) in chats.iter().enumerate() {
        for person in &chat.members {
            chats_of.entry(*person).or_default().push(c);
        }
    }
    if !common.json {
        eprintln!(
            "{} people signed in in {:.1} s; {} chats, {} of the people in one",
            people.len(),
            signed_in.as_secs_f64(),
            chats.len(),
            chats_of.len()
        );
    }

    // The server's memory before and after the sockets open (once the storm is over).
    let rss_before = match args.server_pid {
        Some(pid) => {
            tokio::time::sleep(args.hold).await;
            Some(rss_kib(pid)?)
        }
        None => None,
    };
    let prefix = format!("wsb{}", unique_suffix());
    let matched = Arc::new(AtomicU64::new(0));
    let heard = Arc::new(AtomicU64::new(0));
    let (stop_tx, stop) = watch::channel(false);
    let opening = Instant::now();
    let sockets = open_sockets(
        &common.url,
        &people,
        people.len(),
        &stop,
        &chat_message(prefix.clone(), matched.clone()),
        &heard,
    )
    .await?;
    let opened = opening.elapsed();
    let storm = quiet_down(&heard, args.quiet).await;
    let storm_events = heard.load(Ordering::Relaxed);
    let rss_after = match args.server_pid {
        Some(pid) => {
            tokio::time::sleep(args.hold).await;
            Some(rss_kib(pid)?)
        }
        None => None,
    };
    let closed = sockets.iter().filter(|s| s.is_finished()).count();
    if !common.json {
        eprintln!(
            "{} sockets open in {:.1} s; connect storm: {storm_events} events, quiet after {:.1} s; {closed} closed",
            sockets.len(),
            opened.as_secs_f64(),
            storm.as_secs_f64()
        );
    }

    // Unmeasured sending first (its keys are not this run's), until its deliveries are in.
    let mut url = people[0].base.clone();
    url.set_path("/api/send_message");
    let outbox = Outbox {
        client: &client,
        url: &url,
        people: &people,
        chats: &chats,
        rate: args.rate,
    };
    if !args.warmup.is_zero() {
        let warm = outbox.send(&format!("{prefix}w"), args.warmup).await?;
        let failed = warm.iter().filter(|s| !s.ok).count();
        quiet_down(&heard, Duration::from_secs(1)).await;
        if !common.json {
            eprintln!("warm-up: {} messages, {failed} failed", warm.len());
        }
    }
    let cpu_before = args.server_pid.and_then(process_cpu);
    let sent = outbox.send(&prefix, args.duration).await?;
    let total = sent.len();
    let answered = Instant::now();
    let cpu = cpu_before
        .zip(args.server_pid.and_then(process_cpu))
        .map(|(a, b)| b.saturating_sub(a));
    let expected: u64 = sent
        .iter()
        .enumerate()
        .filter(|(_, s)| s.ok)
        .map(|(i, _)| chats[i % chats.len()].members.len() as u64)
        .sum();
    // The last deliveries, and a moment more for any duplicate.
    while matched.load(Ordering::Relaxed) < expected && answered.elapsed() < args.drain {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop_tx.send(true);

    let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let (mut delivered, mut missing, mut duplicates, mut stray) = (0u64, 0u64, 0u64, 0u64);
    let mut last_arrival = answered;
    let mut last_arrival_seen = false;
    for (person, socket) in sockets.into_iter().enumerate() {
        let arrivals = socket.await?;
        let mine = chats_of.get(&person).map(Vec::as_slice).unwrap_or_default();
        let mut got: HashMap<usize, u32> = HashMap::new();
        for (i, at) in arrivals {
            let count = got.entry(i).or_default();
            *count += 1;
            if *count > 1 {
                duplicates += 1;
                continue;
            }
            let c = i % chats.len();
            if i >= total || !mine.contains(&c) {
                stray += 1;
                continue;
            }
            delivered += 1;
            if !last_arrival_seen || at > last_arrival {
                last_arrival = at;
                last_arrival_seen = true;
            }
            let sender = chats[c].members[(i / chats.len()) % chats[c].members.len()];
            if sender != person {
                let micros = at.saturating_duration_since(sent[i].at).as_micros() as u64;
                latency.record(micros.max(1))?;
            }
        }
        for c in mine {
            missing += (*c..total)
                .step_by(chats.len())
                .filter(|i| sent[*i].ok && !got.contains_key(i))
                .count() as u64;
        }
    }

    let errors = sent.iter().filter(|s| !s.ok).count();
    let ok = total - errors;
    let mut answers = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    for s in sent.iter().filter(|s| s.ok) {
        answers.record((s.took.as_micros() as u64).max(1))?;
    }
    let first_sent = sent.first().map_or(answered, |s| s.at);
    let last_answer = sent.iter().map(|s| s.at + s.took).max().unwrap_or(answered);
    let sending_s = last_answer.duration_since(first_sent).as_secs_f64();
    let delivering_s = last_arrival.duration_since(first_sent).as_secs_f64();
    let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    let cores = cpu.map(|c| c.as_secs_f64() / sending_s.max(1e-9));
    let per_socket = rss_before
        .zip(rss_after)
        .map(|(b, a)| a.saturating_sub(b) as f64 * 1024.0 / people.len() as f64);
    if common.json {
        println!(
            "{{\"clients\":{},\"chats\":{},\"messages\":{total},\"errors\":{errors},\"rate\":{:.1},\"sent_per_s\":{:.1},\"deliveries\":{delivered},\"deliveries_per_s\":{:.1},\"missing\":{missing},\"duplicates\":{duplicates},\"stray\":{stray},\"p50_ms\":{:.2},\"p99_ms\":{:.2},\"max_ms\":{:.2},\"send_p50_ms\":{:.2},\"send_p99_ms\":{:.2},\"server_cores\":{},\"open_s\":{:.1},\"storm_events\":{storm_events},\"storm_s\":{:.1},\"closed\":{closed},\"rss_before_kib\":{},\"rss_after_kib\":{},\"bytes_per_socket\":{}}}",
            people.len(),
            chats.len(),
            args.rate,
            ok as f64 / sending_s.max(1e-9),
            delivered as f64 / delivering_s.max(1e-9),
            ms(&latency, 0.5),
            ms(&latency, 0.99),
            latency.max() as f64 / 1000.0,
            ms(&answers, 0.5),
            ms(&answers, 0.99),
            cores.map_or("null".into(), |c| format!("{c:.2}")),
            opened.as_secs_f64(),
            storm.as_secs_f64(),
            rss_before.map_or("null".into(), |v| v.to_string()),
            rss_after.map_or("null".into(), |v| v.to_string()),
            per_socket.map_or("null".into(), |v| format!("{v:.0}")),
        );
    } else {
        println!(
            "{total} messages ({errors} errors) at {:.1}/s to {} chats of {} sockets: {:.1} messages/s answered, {delivered} deliveries ({:.1}/s)\n  each delivery to another member: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n  send_message answered: p50 {:.2} ms, p99 {:.2} ms\n  missing {missing}, duplicated {duplicates}, to non-members {stray}",
            args.rate,
            chats.len(),
            people.len(),
            ok as f64 / sending_s.max(1e-9),
            delivered as f64 / delivering_s.max(1e-9),
            ms(&latency, 0.5),
            ms(&latency, 0.99),
            latency.max() as f64 / 1000.0,
            ms(&answers, 0.5),
            ms(&answers, 0.99),
        );
        // When the slowest answers came: bursts, or a period (a background task)?
        let mut slowest: Vec<&Sent> = sent.iter().collect();
        slowest.sort_by_key(|s| std::cmp::Reverse(s.took));
        let slowest: Vec<String> = slowest
            .iter()
            .take(10)
            .map(|s| {
                let since = s.at.duration_since(first_sent).as_secs_f64();
                format!("{:.0} ms at {since:.1} s", s.took.as_secs_f64() * 1000.0)
            })
            .collect();
        println!("  slowest answers: {}", slowest.join(", "));
        if let Some(c) = cores {
            println!("  server CPU while sending: {c:.2} cores");
        }
        if let (Some(b), Some(a), Some(per)) = (rss_before, rss_after, per_socket) {
            println!(
                "  server RSS {:.1} MiB before the sockets, {:.1} MiB with them idle: {:.1} KiB per socket",
                b as f64 / 1024.0,
                a as f64 / 1024.0,
                per / 1024.0
            );
        }
    }
    if errors > 0 || missing > 0 || duplicates > 0 || stray > 0 || closed > 0 {
        return Err(format!(
            "{errors} sends failed, {missing} deliveries missing, {duplicates} duplicated, {stray} to non-members, {closed} sockets closed"
        )
        .into());
    }
    Ok(())
}

/// Sends messages in the chats at a steady rate.
struct Outbox<'a> {
    client: &'a Client,
    url: &'a Url,
    people: &'a [Arc<SignedUp>],
    chats: &'a [Chat],
    rate: f64,
}

impl Outbox<'_> {
    /// Sends for `duration` on schedule: message i leaves at i / rate, for chat i mod C, from
    /// its members in turn, with the key `<prefix>-<i>`. Answers each message's fate, by i.
    async fn send(&self, prefix: &str, duration: Duration) -> Result<Vec<Sent>, BoxError> {
        let total = ((self.rate * duration.as_secs_f64()).round() as usize).max(1);
        let interval = Duration::from_secs_f64(1.0 / self.rate);
        let first = tokio::time::Instant::now() + Duration::from_millis(100);
        let mut sending = Vec::with_capacity(total);
        for i in 0..total {
            tokio::time::sleep_until(first + interval.mul_f64(i as f64)).await;
            let chat = &self.chats[i % self.chats.len()];
            let sender = chat.members[(i / self.chats.len()) % chat.members.len()];
            let body = format!(
                "{{\"chat\":{},\"form\":{{\"text\":\"Benchmark message {i}\",\"client_key\":\"{prefix}-{i}\"}}}}",
                chat.id
            );
            let client = self.client.clone();
            let url = self.url.clone();
            let cookie = self.people[sender].cookie.clone();
            sending.push(tokio::spawn(async move {
                send(&client, &url, &cookie, body).await
            }));
        }
        let mut sent = Vec::with_capacity(total);
        for task in sending {
            sent.push(task.await?);
        }
        Ok(sent)
    }
}

/// User + system CPU time of a process, from /proc/<pid>/stat (clock ticks of 1/100 s), as
/// `loadgen` reads it.
fn process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Keeps the message number of each `chat_message` event with one of this run's keys.
fn chat_message(prefix: String, matched: Arc<AtomicU64>) -> Pick<usize> {
    Arc::new(move |text| {
        // The tag comes first; other events (presence above all) are not parsed.
        if !text.starts_with("{\"type\":\"chat_message\"") {
            return None;
        }
        let event = serde_json::from_str::<serde_json::Value>(text).ok()?;
        let key = event["message"]["client_key"].as_str()?;
        let i = key.strip_prefix(prefix.as_str())?.strip_prefix('-')?;
        let i = i.parse().ok()?;
        matched.fetch_add(1, Ordering::Relaxed);
        Some(i)
    })
}

/// Waits until no event has arrived for `quiet`; answers when the last one came.
async fn quiet_down(heard: &AtomicU64, quiet: Duration) -> Duration {
    let started = Instant::now();
    let mut count = heard.load(Ordering::Relaxed);
    let mut last = started;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = heard.load(Ordering::Relaxed);
        if now != count {
            count = now;
            last = Instant::now();
        } else if last.elapsed() >= quiet {
            return last.duration_since(started);
        }
    }
}

/// One client for every person's requests (the cookie says who), with connections enough
/// for the requests in flight.
fn shared_client(url: &Url, host: &str) -> Result<Client, BoxError> {
    Ok(Client::builder()
        .redirect(redirect::Policy::none())
        .pool_max_idle_per_host(256)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .resolve(host, target_addr(url)?)
        .build()?)
}

async fn send(client: &Client, url: &Url, cookie: &str, body: String) -> Sent {
    let at = Instant::now();
    let ok = post_json(client, url, cookie, &body).await.is_ok();
    Sent {
        at,
        took: at.elapsed(),
        ok,
    }
}

/// The group chats named `prefix…` that the people are in, 8 lookups at a time.
async fn find_chats(
    client: &Client,
    people: &[Arc<SignedUp>],
    prefix: &str,
) -> Result<Vec<Chat>, BoxError> {
    let mut url = people[0].base.clone();
    url.set_path("/api/chats");
    let answers: Vec<_> = futures::stream::iter(people.iter().enumerate())
        .map(|(i, person)| {
            let url = url.clone();
            async move { (i, post_json(client, &url, &person.cookie, "{}").await) }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut chats: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (person, answer) in answers {
        let answer = answer?;
        for chat in answer["chats"].as_array().into_iter().flatten() {
            let named = chat["title"]
                .as_str()
                .is_some_and(|t| t.starts_with(prefix));
            if chat["kind"] == "group"
                && named
                && let Some(id) = chat["id"].as_i64()
            {
                chats.entry(id).or_default().push(person);
            }
        }
    }
    Ok(chats
        .into_iter()
        .map(|(id, mut members)| {
            members.sort_unstable();
            Chat { id, members }
        })
        .collect())
}
