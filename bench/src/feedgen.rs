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

use bench::fill::{Rng, Target, Value, add_people, connect, insert_rows, now_ms, sentence, target};
use clap::Parser;
use std::time::Instant;

use bench::BoxError;

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

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<(), BoxError> {
    let (pool, sqlite) = connect(&args.database).await?;
    let started = Instant::now();
    let mut rng = Rng(args.seed.max(1));
    let now = now_ms();
    let two_years = 2 * 365 * 86_400_000_i64;

    let Target {
        portal,
        admin_id: _,
        hash,
        root,
    } = target(&pool, &args.portal).await?;

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
    let people = add_people(
        &pool,
        portal,
        &hash,
        args.users,
        "feed.bench",
        if departments.is_empty() {
            std::slice::from_ref(&root)
        } else {
            &departments
        },
        now - two_years,
        args.batch,
    )
    .await?;
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
