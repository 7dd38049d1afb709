//! Fills one portal with a large feed, for the feed benchmarks (docs/PERFORMANCE.md):
//! departments, employees, posts (most to everyone, some to one department, a few
//! announcements), comments and likes, spread over two years and skewed towards recent posts.
//!
//! The portal must exist (create it by signing up, e.g. `loadgen portals`), on a database the
//! server has migrated. The employees get the portal administrator's password, so the benchmark
//! can sign in as any of them.
//!
//!   feedgen --database sqlite:///tmp/agora-bench/agora.db --portal bench-0 \
//!           --users 200 --posts 1000000 --comments 2000000 --likes 1000000

use clap::Parser;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Parser)]
#[command(name = "feedgen", about = "Fill a portal with a large feed")]
struct Args {
    /// The database URL the server uses (sqlite:… or mysql:…).
    #[arg(long)]
    database: String,
    /// The portal's address (slug).
    #[arg(long)]
    portal: String,
    /// People in the portal in all, the administrator included.
    #[arg(long, default_value_t = 200)]
    users: usize,
    #[arg(long, default_value_t = 10)]
    departments: usize,
    #[arg(long, default_value_t = 1_000_000)]
    posts: usize,
    #[arg(long, default_value_t = 2_000_000)]
    comments: usize,
    #[arg(long, default_value_t = 1_000_000)]
    likes: usize,
    /// Rows per INSERT statement.
    #[arg(long, default_value_t = 400)]
    batch: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// A small, seeded generator (xorshift), so runs are repeatable without another dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// An index in 0..n, most often near n (recent posts get most of the activity).
    fn recent(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let skewed = 1.0 - u * u * u;
        ((skewed * n as f64) as usize).min(n.saturating_sub(1))
    }
}

const WORDS: &[&str] = &[
    "team", "project", "release", "customer", "meeting", "office", "plan", "budget", "design",
    "review", "launch", "sales", "support", "quarter", "goal", "update", "thanks", "welcome",
    "deadline", "report", "idea", "training", "lunch", "feedback", "roadmap", "hiring", "demo",
    "partner", "contract", "invoice", "server", "mobile", "website", "campaign", "event", "summer",
    "holiday", "policy", "security", "question", "answer", "great", "work", "everyone", "today",
    "tomorrow", "next", "week", "please", "check",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[rng.below(WORDS.len())]);
    }
    out.push('.');
    out
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Runs `INSERT INTO <head> VALUES (…), (…)` for `rows` rows of `columns` values each.
async fn insert_rows(
    pool: &AnyPool,
    head: &str,
    columns: usize,
    values: &[Value],
) -> Result<(), BoxError> {
    let rows = values.len() / columns;
    let one = format!("({})", vec!["?"; columns].join(", "));
    let sql = format!("INSERT INTO {head} VALUES {}", vec![one; rows].join(", "));
    let mut query = sqlx::query(&sql);
    for value in values {
        query = match value {
            Value::Int(i) => query.bind(*i),
            Value::Text(t) => query.bind(t.clone()),
        };
    }
    query.execute(pool).await?;
    Ok(())
}

#[derive(Clone)]
enum Value {
    Int(i64),
    Text(String),
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<(), BoxError> {
    install_default_drivers();
    let sqlite = args.database.starts_with("sqlite:");
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&args.database)
        .await?;
    if sqlite {
        sqlx::query("PRAGMA synchronous = OFF")
            .execute(&pool)
            .await?;
    }
    let started = Instant::now();
    let mut rng = Rng(args.seed.max(1));
    let now = now_ms();
    let two_years = 2 * 365 * 86_400_000_i64;

    let portal: i64 = sqlx::query_scalar("SELECT id FROM portals WHERE slug = ?")
        .bind(&args.portal)
        .fetch_one(&pool)
        .await
        .map_err(|_| format!("no portal with the address {:?}", args.portal))?;
    let admin = sqlx::query(
        "SELECT id, password_hash FROM users WHERE portal_id = ? AND role = 'admin' ORDER BY id LIMIT 1",
    )
    .bind(portal)
    .fetch_one(&pool)
    .await?;
    let (admin_id, hash): (i64, String) = (admin.try_get(0)?, admin.try_get(1)?);
    let root: i64 = sqlx::query_scalar(
        "SELECT id FROM departments WHERE portal_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .bind(portal)
    .fetch_one(&pool)
    .await?;

    // Departments and people.
    for d in 0..args.departments {
        sqlx::query(
            "INSERT INTO departments (portal_id, name, parent_id, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(format!("Department {}", d + 1))
        .bind(root)
        .bind(now - two_years)
        .execute(&pool)
        .await?;
    }
    let departments: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM departments WHERE portal_id = ? AND parent_id IS NOT NULL ORDER BY id",
    )
    .bind(portal)
    .fetch_all(&pool)
    .await?;
    let mut values = Vec::new();
    for u in 1..args.users {
        let department = departments
            .get(u % departments.len().max(1))
            .copied()
            .unwrap_or(root);
        values.extend([
            Value::Int(portal),
            Value::Text(format!("user{u}@feed.bench")),
            Value::Text(hash.clone()),
            Value::Text(format!("Person {u:04}")),
            Value::Text("employee".into()),
            Value::Int(department),
            Value::Int(now - two_years),
        ]);
    }
    for chunk in values.chunks(7 * args.batch) {
        insert_rows(
            &pool,
            "users (portal_id, email, password_hash, name, role, department_id, created_at)",
            7,
            chunk,
        )
        .await?;
    }
    let mut people: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE portal_id = ? ORDER BY id")
            .bind(portal)
            .fetch_all(&pool)
            .await?;
    if !people.contains(&admin_id) {
        people.push(admin_id);
    }
    eprintln!("{} people, {} departments", people.len(), departments.len());

    // How much activity each post gets, decided first so posts carry their counts.
    let mut comment_counts = vec![0u32; args.posts];
    for _ in 0..args.comments {
        comment_counts[rng.recent(args.posts)] += 1;
    }
    let mut like_counts = vec![0u32; args.posts];
    let mut placed = 0;
    while placed < args.likes {
        let i = rng.recent(args.posts);
        if (like_counts[i] as usize) < people.len() {
            like_counts[i] += 1;
            placed += 1;
        }
    }

    // Posts, oldest first.
    let mut values = Vec::with_capacity(9 * args.batch);
    let mut department_posts: Vec<(usize, i64)> = Vec::new();
    for i in 0..args.posts {
        let created = now - two_years + (two_years / args.posts.max(1) as i64) * i as i64;
        let kind = if rng.below(50) == 0 {
            "announcement"
        } else {
            "post"
        };
        let to_all = rng.below(10) != 0;
        if !to_all {
            department_posts.push((i, departments[rng.below(departments.len())]));
        }
        let words = 12 + rng.below(30);
        values.extend([
            Value::Int(portal),
            Value::Int(people[rng.below(people.len())]),
            Value::Text(kind.into()),
            Value::Text(sentence(&mut rng, words)),
            Value::Int(i64::from(to_all)),
            Value::Int(i64::from(comment_counts[i])),
            Value::Int(i64::from(like_counts[i])),
            // The counts by reaction that `react` keeps (all generated reactions are likes).
            Value::Text(if like_counts[i] > 0 {
                format!("like:{}", like_counts[i])
            } else {
                String::new()
            }),
            Value::Int(created),
        ]);
        if values.len() == 9 * args.batch || i + 1 == args.posts {
            insert_rows(
                &pool,
                "feed_posts (portal_id, author_id, kind, body, to_all, comment_count, reaction_count, reaction_summary, created_at)",
                9,
                &values,
            )
            .await?;
            values.clear();
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!("{} posts ({:.0?})", i + 1, started.elapsed());
        }
    }
    let posts: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM feed_posts WHERE portal_id = ? ORDER BY id")
            .bind(portal)
            .fetch_all(&pool)
            .await?;
    let posts = &posts[posts.len() - args.posts..];
    let mut values = Vec::new();
    for (i, department) in department_posts {
        values.extend([
            Value::Int(posts[i]),
            Value::Int(portal),
            Value::Text("department".into()),
            Value::Int(department),
        ]);
        if values.len() == 4 * args.batch {
            insert_rows(
                &pool,
                "feed_audience (post_id, portal_id, kind, target_id)",
                4,
                &values,
            )
            .await?;
            values.clear();
        }
    }
    if !values.is_empty() {
        insert_rows(
            &pool,
            "feed_audience (post_id, portal_id, kind, target_id)",
            4,
            &values,
        )
        .await?;
    }

    // Comments and likes.
    let mut values = Vec::with_capacity(6 * args.batch);
    let mut written = 0;
    for (i, count) in comment_counts.iter().enumerate() {
        for _ in 0..*count {
            let words = 4 + rng.below(16);
            values.extend([
                Value::Int(portal),
                Value::Int(posts[i]),
                Value::Int(people[rng.below(people.len())]),
                Value::Text(sentence(&mut rng, words)),
                Value::Int(0),
                Value::Int(
                    now - two_years + (two_years / args.posts.max(1) as i64) * i as i64 + 60_000,
                ),
            ]);
            written += 1;
            if values.len() == 6 * args.batch {
                insert_rows(&pool, "feed_comments (portal_id, post_id, author_id, body, reaction_count, created_at)", 6, &values).await?;
                values.clear();
            }
            if written % 500_000 == 0 {
                eprintln!("{written} comments ({:.0?})", started.elapsed());
            }
        }
    }
    if !values.is_empty() {
        insert_rows(
            &pool,
            "feed_comments (portal_id, post_id, author_id, body, reaction_count, created_at)",
            6,
            &values,
        )
        .await?;
    }
    let mut values = Vec::with_capacity(6 * args.batch);
    for (i, count) in like_counts.iter().enumerate() {
        let offset = rng.below(people.len());
        for k in 0..*count as usize {
            values.extend([
                Value::Int(portal),
                Value::Int(posts[i]),
                Value::Int(0),
                Value::Int(people[(offset + k) % people.len()]),
                Value::Text("like".into()),
                Value::Int(now - two_years),
            ]);
            if values.len() == 6 * args.batch {
                insert_rows(&pool, "feed_reactions (portal_id, post_id, comment_id, user_id, reaction, created_at)", 6, &values).await?;
                values.clear();
            }
        }
    }
    if !values.is_empty() {
        insert_rows(
            &pool,
            "feed_reactions (portal_id, post_id, comment_id, user_id, reaction, created_at)",
            6,
            &values,
        )
        .await?;
    }

    // SQLite's search table is kept by the application: fill it the same way.
    if sqlite {
        let token = format!("p{portal}");
        sqlx::query("INSERT INTO feed_search (rowid, body, portal, post_id, comment_id) SELECT id, body, ?, id, 0 FROM feed_posts WHERE portal_id = ? AND body <> ''")
            .bind(&token)
            .bind(portal)
            .execute(&pool)
            .await?;
        sqlx::query("INSERT INTO feed_search (rowid, body, portal, post_id, comment_id) SELECT -id, body, ?, post_id, id FROM feed_comments WHERE portal_id = ?")
            .bind(&token)
            .bind(portal)
            .execute(&pool)
            .await?;
        sqlx::query("PRAGMA optimize").execute(&pool).await?;
    } else {
        sqlx::query("ANALYZE TABLE feed_posts, feed_audience, feed_comments, feed_reactions")
            .execute(&pool)
            .await?;
    }
    eprintln!(
        "done: {} posts, {} comments, {} likes in {:.1?}",
        args.posts,
        args.comments,
        args.likes,
        started.elapsed()
    );
    Ok(())
}
