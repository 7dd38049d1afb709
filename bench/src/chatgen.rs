//! Fills one portal's messenger, for the messenger benchmarks (docs/PERFORMANCE.md, "The
//! messenger at scale"): people, group chats of a few members each (every generated person in
//! one), and one long chat, "History", with `--messages` messages numbered 1, 2, 3… as the
//! application numbers them, for the history benchmark.
//!
//! Rows are written as the application writes them: each chat with its owner, `last_seq` and
//! `last_message_id`; a `chat_members` row per person, everything read (so the e-mail digest
//! has nothing to send); each group chat starts with its "created the chat" line; on SQLite the
//! search table `chat_search` gets every text message (on MySQL the FULLTEXT index keeps itself).
//!
//! The portal must exist (sign it up, e.g. with `loadgen portals`) on a database the server has
//! migrated. The people get the administrator's password, so a benchmark can sign in as any.
//! Prints the long chat's id.
//!
//!   chatgen --database sqlite:///tmp/agora-bench-chat/agora.db --portal bench-0 \
//!           --users 2001 --groups 200 --members 10 --messages 1000000

use bench::BoxError;
use bench::fill::{Rng, Target, Value, add_people, connect, insert_rows, now_ms, sentence, target};
use clap::Parser;
use sqlx::AnyPool;
use std::time::Instant;

const DAY: i64 = 86_400_000;

#[derive(Parser)]
#[command(name = "chatgen", about = "Fill a portal's messenger")]
struct Args {
    /// The database URL the server uses (sqlite:… or mysql:…).
    #[arg(long)]
    database: String,
    /// The portal's address (slug).
    #[arg(long)]
    portal: String,
    /// People in the portal in all, the administrator included.
    #[arg(long, default_value_t = 2001)]
    users: usize,
    /// Group chats; chat g holds user<g·members+1> … user<(g+1)·members>.
    #[arg(long, default_value_t = 200)]
    groups: usize,
    /// People in each group chat, its owner included.
    #[arg(long, default_value_t = 10)]
    members: usize,
    /// Messages of the long chat.
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// People in the long chat: the administrator, the reader, and others.
    #[arg(long, default_value_t = 10)]
    history_members: usize,
    /// This person (user<N>@chat.bench) is in the long chat.
    #[arg(long, default_value_t = 7)]
    reader: usize,
    /// Rows per INSERT statement.
    #[arg(long, default_value_t = 400)]
    batch: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(run(args))
}

/// A chat before it is written.
struct Draft {
    title: String,
    owner: i64,
    members: Vec<i64>,
    /// Its messages: the group chats' one line, or the long chat's many.
    messages: usize,
    activity_at: i64,
}

async fn run(args: Args) -> Result<(), BoxError> {
    let (pool, sqlite) = connect(&args.database).await?;
    let started = Instant::now();
    let mut rng = Rng(args.seed.max(1));
    let now = now_ms();
    let year = 365 * DAY;
    let Target {
        portal,
        admin_id,
        hash,
        root,
    } = target(&pool, &args.portal).await?;
    let people = add_people(
        &pool,
        portal,
        &hash,
        args.users,
        "chat.bench",
        &[root],
        now - year,
        args.batch,
    )
    .await?;
    // people[n] is user<n>@chat.bench (people[0] the administrator).
    let generated = &people[1..];
    if generated.is_empty() {
        return Err("--users must be at least 2".into());
    }

    // Group chats: consecutive people, so each person is in one (when there are enough).
    let mut drafts = Vec::with_capacity(args.groups + 1);
    let size = args.members.clamp(2, generated.len().max(2));
    for g in 0..args.groups {
        let mut members: Vec<i64> = Vec::with_capacity(size);
        for k in 0..size {
            let person = generated[(g * size + k) % generated.len()];
            if !members.contains(&person) {
                members.push(person);
            }
        }
        drafts.push(Draft {
            title: format!("Group {:03}", g + 1),
            owner: members[0],
            members,
            messages: 1,
            activity_at: now - year + rng.below(30) as i64 * DAY,
        });
    }
    // The long chat: the administrator, the reader, and people drawn at random.
    let reader = people.get(args.reader).copied().unwrap_or(people[0]);
    let mut members = vec![admin_id, reader];
    while members.len() < args.history_members.clamp(2, people.len()) {
        let person = people[rng.below(people.len())];
        if !members.contains(&person) {
            members.push(person);
        }
    }
    drafts.push(Draft {
        title: "History".into(),
        owner: admin_id,
        members,
        messages: args.messages.max(1),
        activity_at: now - 60_000,
    });

    let chats = write_chats(&pool, portal, &drafts, now - year, args.batch).await?;
    eprintln!(
        "{} chats, {} members ({:.0?})",
        chats.len(),
        drafts.iter().map(|d| d.members.len()).sum::<usize>(),
        started.elapsed()
    );

    // Messages: each group chat's first line, then the long chat's, spread over the year.
    let mut values = Vec::with_capacity(9 * args.batch);
    let mut written = 0usize;
    for (draft, chat) in drafts.iter().zip(&chats) {
        let step = (draft.activity_at - (now - year)) / draft.messages as i64;
        for seq in 1..=draft.messages {
            let (sender, kind, body, at) = if draft.messages > 1 {
                let words = 3 + rng.below(10);
                (
                    draft.members[rng.below(draft.members.len())],
                    "text",
                    sentence(&mut rng, words),
                    now - year + step * seq as i64,
                )
            } else {
                // add_people names user<n> "Person <n>".
                let name = people
                    .iter()
                    .position(|p| *p == draft.owner)
                    .map_or("Someone".to_owned(), |n| format!("Person {n:04}"));
                let line = format!("{name} created the chat");
                (draft.owner, "system", line, draft.activity_at)
            };
            values.extend([
                Value::Int(portal),
                Value::Int(*chat),
                Value::Int(seq as i64),
                Value::Int(sender),
                Value::Text(kind.into()),
                Value::Text(body),
                Value::Text(format!("gen-{chat}-{seq}")),
                Value::Int(at),
                Value::Int(at),
            ]);
            if values.len() == 9 * args.batch {
                write_messages(&pool, &values).await?;
                written += values.len() / 9;
                values.clear();
                if written % 100_000 < args.batch {
                    eprintln!("{written} messages ({:.0?})", started.elapsed());
                }
            }
        }
    }
    if !values.is_empty() {
        written += values.len() / 9;
        write_messages(&pool, &values).await?;
    }
    // Each chat's last message (last_seq is written with the chat).
    sqlx::query(
        "UPDATE chats SET last_message_id = (SELECT m.id FROM chat_messages m \
         WHERE m.chat_id = chats.id AND m.seq = chats.last_seq) WHERE portal_id = ?",
    )
    .bind(portal)
    .execute(&pool)
    .await?;

    // SQLite's search table is kept by the application: fill it the same way (text only).
    if sqlite {
        let t0 = Instant::now();
        sqlx::query(
            "INSERT INTO chat_search (rowid, body, portal) \
             SELECT id, body, ? FROM chat_messages WHERE portal_id = ? AND kind = 'text'",
        )
        .bind(format!("p{portal}"))
        .bind(portal)
        .execute(&pool)
        .await?;
        eprintln!("search table ({:.0?})", t0.elapsed());
        sqlx::query("PRAGMA optimize").execute(&pool).await?;
    } else {
        sqlx::query("ANALYZE TABLE chats, chat_members, chat_messages")
            .execute(&pool)
            .await?;
    }
    let long = chats[chats.len() - 1];
    eprintln!(
        "done: {} people, {} group chats, {written} messages (long chat {long}: {}) in {:.1?}",
        people.len(),
        chats.len() - 1,
        args.messages.max(1),
        started.elapsed()
    );
    // The long chat's id, for the scripts.
    println!("{long}");
    Ok(())
}

/// Writes the chats and their people; answers the chats' ids, in order.
async fn write_chats(
    pool: &AnyPool,
    portal: i64,
    drafts: &[Draft],
    joined_at: i64,
    batch: usize,
) -> Result<Vec<i64>, BoxError> {
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM chats")
        .fetch_one(pool)
        .await?;
    let mut values = Vec::new();
    for d in drafts {
        values.extend([
            Value::Int(portal),
            Value::Text("group".into()),
            Value::Text(d.title.clone()),
            Value::Int(d.owner),
            Value::Int(d.messages as i64),
            Value::Int(d.activity_at),
            Value::Int(d.owner),
            Value::Int(joined_at),
        ]);
    }
    for chunk in values.chunks(8 * batch) {
        insert_rows(
            pool,
            "chats (portal_id, kind, title, owner_id, last_seq, activity_at, created_by, created_at)",
            8,
            chunk,
        )
        .await?;
    }
    // One connection writes: these are the newest rows (ids need not be contiguous).
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM chats WHERE portal_id = ? AND id > ? ORDER BY id")
            .bind(portal)
            .bind(before)
            .fetch_all(pool)
            .await?;
    if ids.len() != drafts.len() {
        return Err(format!("wrote {} chats, found {}", drafts.len(), ids.len()).into());
    }
    // Everyone has read everything: no unread counters, no e-mail digests.
    let mut values = Vec::new();
    for (d, chat) in drafts.iter().zip(&ids) {
        for person in &d.members {
            values.extend([
                Value::Int(*chat),
                Value::Int(portal),
                Value::Int(*person),
                Value::Int(d.messages as i64),
                Value::Int(d.messages as i64),
                Value::Int(joined_at),
            ]);
        }
    }
    for chunk in values.chunks(6 * batch) {
        insert_rows(
            pool,
            "chat_members (chat_id, portal_id, user_id, last_read_seq, mailed_seq, joined_at)",
            6,
            chunk,
        )
        .await?;
    }
    Ok(ids)
}

async fn write_messages(pool: &AnyPool, values: &[Value]) -> Result<(), BoxError> {
    insert_rows(
        pool,
        "chat_messages (portal_id, chat_id, seq, sender_id, kind, body, client_key, created_at, changed_at)",
        9,
        values,
    )
    .await
}
