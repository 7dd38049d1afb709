//! What the data generators share: a seeded random generator, filler text, and multi-row
//! inserts.

use crate::BoxError;
use sqlx::AnyPool;
use std::time::{SystemTime, UNIX_EPOCH};

/// A small, seeded generator (xorshift), so runs are repeatable without another dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// An index in 0..n, most often near n (recent posts get most of the activity).
    pub fn recent(&mut self, n: usize) -> usize {
        let u = (self.next_u64() % 1_000_000) as f64 / 1_000_000.0;
        let skewed = 1.0 - u * u * u;
        ((skewed * n as f64) as usize).min(n.saturating_sub(1))
    }
}

pub const WORDS: &[&str] = &[
    "team", "project", "release", "customer", "meeting", "office", "plan", "budget", "design",
    "review", "launch", "sales", "support", "quarter", "goal", "update", "thanks", "welcome",
    "deadline", "report", "idea", "training", "lunch", "feedback", "roadmap", "hiring", "demo",
    "partner", "contract", "invoice", "server", "mobile", "website", "campaign", "event", "summer",
    "holiday", "policy", "security", "question", "answer", "great", "work", "everyone", "today",
    "tomorrow", "next", "week", "please", "check",
];

pub fn sentence(rng: &mut Rng, words: usize) -> String {
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

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Runs `INSERT INTO <head> VALUES (…), (…)` for `rows` rows of `columns` values each.
pub async fn insert_rows(
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
            Value::Null => query.bind(None::<i64>),
        };
    }
    query.execute(pool).await?;
    Ok(())
}

#[derive(Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    Null,
}

/// The portal a generator fills, found by its address.
pub struct Target {
    pub portal: i64,
    pub admin_id: i64,
    /// The administrator's password hash: generated people share it, so a benchmark can sign
    /// in as any of them with the administrator's password.
    pub hash: String,
    /// The portal's top department.
    pub root: i64,
}

pub async fn target(pool: &AnyPool, slug: &str) -> Result<Target, BoxError> {
    use sqlx::Row;
    let portal: i64 = sqlx::query_scalar("SELECT id FROM portals WHERE slug = ?")
        .bind(slug)
        .fetch_one(pool)
        .await
        .map_err(|_| format!("no portal with the address {slug:?}"))?;
    let admin = sqlx::query(
        "SELECT id, password_hash FROM users WHERE portal_id = ? AND role = 'admin' ORDER BY id LIMIT 1",
    )
    .bind(portal)
    .fetch_one(pool)
    .await?;
    let root: i64 = sqlx::query_scalar(
        "SELECT id FROM departments WHERE portal_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .bind(portal)
    .fetch_one(pool)
    .await?;
    Ok(Target {
        portal,
        admin_id: admin.try_get(0)?,
        hash: admin.try_get(1)?,
        root,
    })
}

/// Adds employees `user1@<domain>` … up to `users` people in all (the administrator counts),
/// spread over `departments` (at least one); answers every person's id, the administrator's
/// included.
#[allow(clippy::too_many_arguments)]
pub async fn add_people(
    pool: &AnyPool,
    portal: i64,
    hash: &str,
    users: usize,
    domain: &str,
    departments: &[i64],
    created_at: i64,
    batch: usize,
) -> Result<Vec<i64>, BoxError> {
    // A portal another generator filled already keeps its people, so one portal can hold
    // tasks, posts and chats of the same people (scripts/bench-pages.sh).
    let existing: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE portal_id = ? ORDER BY id")
            .bind(portal)
            .fetch_all(pool)
            .await?;
    if existing.len() > 1 {
        eprintln!("{} people already there: reusing them", existing.len());
        return Ok(existing);
    }
    let mut values = Vec::new();
    for u in 1..users {
        let department = departments[u % departments.len()];
        values.extend([
            Value::Int(portal),
            Value::Text(format!("user{u}@{domain}")),
            Value::Text(hash.to_owned()),
            Value::Text(format!("Person {u:04}")),
            Value::Text("employee".into()),
            Value::Int(department),
            Value::Int(created_at),
        ]);
    }
    for chunk in values.chunks(7 * batch) {
        insert_rows(
            pool,
            "users (portal_id, email, password_hash, name, role, department_id, created_at)",
            7,
            chunk,
        )
        .await?;
    }
    let people: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE portal_id = ? ORDER BY id")
            .bind(portal)
            .fetch_all(pool)
            .await?;
    eprintln!("{} people", people.len());
    Ok(people)
}

/// One connection to the server's database (a generator writes alone); SQLite without
/// waiting for each write to reach the disk. Answers the pool and whether it is SQLite.
pub async fn connect(url: &str) -> Result<(AnyPool, bool), BoxError> {
    sqlx::any::install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    if sqlite {
        sqlx::query("PRAGMA synchronous = OFF")
            .execute(&pool)
            .await?;
    }
    Ok((pool, sqlite))
}
