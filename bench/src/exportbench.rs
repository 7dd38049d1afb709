//! The task export at scale (docs/PERFORMANCE.md, "Exports"): fills a fresh database with one
//! portal and `--tasks` tasks, then runs the real export job (`app::jobs`, the same code the
//! worker runs) in a child process and reports its wall time and peak memory (VmHWM), so the
//! filling does not count. Run it for 10,000 and 100,000 tasks: the peak stays flat.
//!
//!   exportbench --tasks 100000 --format xlsx
//!   exportbench --tasks 100000 --format csv --database mysql://root@127.0.0.1:3306/agora_export

use app::ssr::config::Config;
use app::ssr::state::AppState;
use bench::BoxError;
use clap::Parser;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "exportbench",
    about = "Time the task export and measure its peak memory"
)]
struct Args {
    /// A database URL; a fresh SQLite file in a temporary folder when missing.
    #[arg(long)]
    database: Option<String>,
    #[arg(long, default_value_t = 100_000)]
    tasks: i64,
    /// xlsx or csv.
    #[arg(long, default_value = "xlsx")]
    format: String,
    /// Internal: run the export in this process (the child).
    #[arg(long, hide = true)]
    child: bool,
    /// Internal: the files folder the parent set up.
    #[arg(long, hide = true)]
    files: Option<String>,
}

fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<(), BoxError> {
    if args.child {
        return export(&args).await;
    }
    let dir = std::env::temp_dir().join(format!("agora-exportbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/agora.db", dir.display()));
    let files = dir.join("files").display().to_string();
    let started = Instant::now();
    {
        let state = AppState::build(Config::for_tests(&url, &files)).await?;
        fill(&state, args.tasks).await?;
        state.db.close().await;
    }
    eprintln!(
        "filled {} tasks in {:.1} s",
        args.tasks,
        started.elapsed().as_secs_f64()
    );
    let status = std::process::Command::new(std::env::current_exe()?)
        .args(["--child", "--database", &url, "--files", &files])
        .args(["--format", &args.format, "--tasks", &args.tasks.to_string()])
        .status()?;
    if args.database.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if !status.success() {
        return Err("the export failed".into());
    }
    Ok(())
}

/// One portal, its administrator, ten projects, and `tasks` tasks the administrator is
/// responsible for (a third with a deadline, a fifth with tags), as the application writes
/// them. Ids are given here: the database is fresh.
async fn fill(state: &AppState, tasks: i64) -> Result<(), BoxError> {
    let db = &state.db.writer;
    let now = app::ssr::now_ms();
    sqlx::query(
        "INSERT INTO portals (id, slug, name, plan_id, time_zone, language, storage_used, is_default, created_at) \
         VALUES (1, 'bench', 'Bench Ltd', 3, 'UTC', 'en', 0, 1, ?)",
    )
    .bind(now)
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO users (id, portal_id, email, password_hash, name, role, created_at) \
         VALUES (1, 1, 'admin@bench.test', '-', 'Ada Admin', 'admin', ?)",
    )
    .bind(now)
    .execute(db)
    .await?;
    for g in 1..=10 {
        sqlx::query(
            "INSERT INTO workgroups (id, portal_id, name, description, visibility, is_project, created_by, created_at) \
             VALUES (?, 1, ?, '', 'open', 1, 1, ?)",
        )
        .bind(g)
        .bind(format!("Project {g}"))
        .bind(now)
        .execute(db)
        .await?;
    }
    const BATCH: i64 = 500;
    let mut id = 1;
    while id <= tasks {
        let last = (id + BATCH - 1).min(tasks);
        let mut task_sql = String::from(
            "INSERT INTO tasks (id, portal_id, group_id, title, creator_id, responsible_id, status, priority, deadline, created_at, activity_at, closed_at) VALUES ",
        );
        let mut member_sql = String::from(
            "INSERT INTO task_members (task_id, portal_id, user_id, role, is_open, deadline, activity_at) VALUES ",
        );
        let mut tag_sql = String::from("INSERT INTO task_tags (task_id, portal_id, tag) VALUES ");
        let mut tags = 0;
        for t in id..=last {
            let sep = if t == id { "" } else { ", " };
            let done = t % 4 == 0;
            let deadline = if t % 3 == 0 {
                (now + (t % 90) * 86_400_000).to_string()
            } else {
                "NULL".into()
            };
            let created = now - (tasks - t) * 60_000;
            let closed = if done {
                (created + 3_600_000).to_string()
            } else {
                "NULL".into()
            };
            task_sql.push_str(&format!(
                "{sep}({t}, 1, {}, 'Task number {t}: prepare the quarterly figures', 1, 1, '{}', '{}', {deadline}, {created}, {created}, {closed})",
                t % 10 + 1,
                if done { "done" } else { "new" },
                ["low", "normal", "high"][(t % 3) as usize],
            ));
            let member_deadline = if t % 3 == 0 {
                deadline.clone()
            } else {
                "9999999999999".into()
            };
            member_sql.push_str(&format!(
                "{sep}({t}, 1, 1, 'responsible', {}, {member_deadline}, {created})",
                i64::from(!done)
            ));
            if t % 5 == 0 {
                let sep = if tags == 0 { "" } else { ", " };
                tag_sql.push_str(&format!(
                    "{sep}({t}, 1, 'finance'), ({t}, 1, 'q{}')",
                    t % 4 + 1
                ));
                tags += 1;
            }
        }
        sqlx::query(&task_sql).execute(db).await?;
        sqlx::query(&member_sql).execute(db).await?;
        if tags > 0 {
            sqlx::query(&tag_sql).execute(db).await?;
        }
        id = last + 1;
    }
    Ok(())
}

/// The child: queues the export of every task as the administrator, runs it, reports.
async fn export(args: &Args) -> Result<(), BoxError> {
    let url = args.database.clone().ok_or("--database")?;
    let files = args.files.clone().ok_or("--files")?;
    let mut config = Config::for_tests(&url, &files);
    config.workers_off = vec!["jobs".into()];
    let state = AppState::build(config).await?;
    let params = format!(
        r#"{{"query":{{"section":"all","status":"any"}},"format":"{}"}}"#,
        args.format
    );
    sqlx::query(
        "INSERT INTO jobs (portal_id, owner_id, owner_role, kind, title, params, state, created_at) \
         VALUES (1, 1, 'admin', 'tasks.export', 'Tasks', ?, 'queued', ?)",
    )
    .bind(&params)
    .bind(app::ssr::now_ms())
    .execute(&state.db.writer)
    .await?;
    let before = status_kb("VmRSS:");
    let started = Instant::now();
    let ran = app::jobs::ssr::runner::run_next(&state, "exportbench").await?;
    let seconds = started.elapsed().as_secs_f64();
    let peak = status_kb("VmHWM:");
    let (job_state, size, error): (String, Option<i64>, Option<String>) =
        sqlx::query_as("SELECT state, result_size, error FROM jobs ORDER BY id DESC LIMIT 1")
            .fetch_one(&state.db.reader)
            .await?;
    if !ran || job_state != "done" {
        return Err(format!("the job ended {job_state}: {error:?}").into());
    }
    println!(
        "{} tasks as {}: {seconds:.2} s, {:.0} rows/s, file {:.1} MB; RSS before {:.1} MB, peak {:.1} MB",
        args.tasks,
        args.format,
        args.tasks as f64 / seconds,
        size.unwrap_or_default() as f64 / 1e6,
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
    state.db.close().await;
    Ok(())
}

/// A figure from /proc/self/status, in kB (0 where there is none).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or_default()
}
