//! Fills one portal with tasks, for the task benchmarks (docs/PERFORMANCE.md, "Tasks at
//! scale"): people, projects with members, and tasks over two years — most of the old ones
//! done, the recent ones open — each with its responsible, creator, co-executors and
//! observers in `task_members`, as the application writes them. The first project,
//! "Gantt 1000", gets exactly `--gantt-tasks` dated tasks, with subtasks and dependencies,
//! for the Gantt chart benchmark.
//!
//! The portal must exist (sign it up, e.g. with `loadgen portals`) on a database the server has
//! migrated. The people get the administrator's password, so a benchmark can sign in as any.
//!
//!   taskgen --database sqlite:///tmp/agora-bench-tasks/agora.db --portal bench-0 \
//!           --users 200 --projects 500 --tasks 1000000

use bench::BoxError;
use bench::fill::{Rng, Target, Value, add_people, connect, insert_rows, now_ms, sentence, target};
use clap::Parser;
use sqlx::AnyPool;
use std::time::Instant;

const DAY: i64 = 86_400_000;
/// `task_members.deadline` of a task without one (app::tasks::ssr::members::NO_DEADLINE).
const NO_DEADLINE: i64 = 9_999_999_999_999;

#[derive(Parser)]
#[command(name = "taskgen", about = "Fill a portal with projects and tasks")]
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
    #[arg(long, default_value_t = 500)]
    projects: usize,
    /// Members of each project, its owner included.
    #[arg(long, default_value_t = 10)]
    members: usize,
    #[arg(long, default_value_t = 1_000_000)]
    tasks: usize,
    /// Tasks of the first project, drawn by the Gantt benchmark.
    #[arg(long, default_value_t = 1000)]
    gantt_tasks: usize,
    /// This person (user<N>@tasks.bench) is a member of the Gantt project.
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

/// A task before it is written; its people go to `task_members` once it has an id.
struct Draft {
    group: Option<usize>,
    parent: Option<usize>,
    creator: i64,
    responsible: i64,
    accomplice: Option<i64>,
    auditor: Option<i64>,
    status: &'static str,
    start_at: Option<i64>,
    end_at: Option<i64>,
    deadline: Option<i64>,
    created_at: i64,
    activity_at: i64,
    checklist: (i64, i64),
}

impl Draft {
    fn is_open(&self) -> bool {
        !matches!(self.status, "done" | "deferred")
    }
}

async fn run(args: Args) -> Result<(), BoxError> {
    let (pool, sqlite) = connect(&args.database).await?;
    let started = Instant::now();
    let mut rng = Rng(args.seed.max(1));
    let now = now_ms();
    let two_years = 2 * 365 * DAY;
    let Target {
        portal, hash, root, ..
    } = target(&pool, &args.portal).await?;
    let people = add_people(
        &pool,
        portal,
        &hash,
        args.users,
        "tasks.bench",
        &[root],
        now - two_years,
        args.batch,
    )
    .await?;
    let reader = people.get(args.reader).copied().unwrap_or(people[0]);

    // Projects, each with an owner and members; the first one is the Gantt project.
    let mut values = Vec::new();
    for p in 0..args.projects {
        let name = if p == 0 {
            "Gantt 1000".to_owned()
        } else {
            format!("Project {p:03}")
        };
        values.extend([
            Value::Int(portal),
            Value::Text(name),
            Value::Text(sentence(&mut rng, 8)),
            Value::Int(1),
            Value::Text(if p % 3 == 0 { "open" } else { "closed" }.into()),
            Value::Int(people[rng.below(people.len())]),
            Value::Int(now - two_years),
        ]);
    }
    for chunk in values.chunks(7 * args.batch) {
        insert_rows(
            &pool,
            "workgroups (portal_id, name, description, is_project, visibility, created_by, created_at)",
            7,
            chunk,
        )
        .await?;
    }
    let projects: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM workgroups WHERE portal_id = ? ORDER BY id")
            .bind(portal)
            .fetch_all(&pool)
            .await?;
    let projects = &projects[projects.len() - args.projects..];
    let mut members: Vec<Vec<i64>> = Vec::with_capacity(projects.len());
    let mut values = Vec::new();
    for (p, group) in projects.iter().enumerate() {
        let mut team: Vec<i64> = Vec::new();
        if p == 0 {
            team.push(reader);
        }
        while team.len() < args.members.min(people.len()) {
            let person = people[rng.below(people.len())];
            if !team.contains(&person) {
                team.push(person);
            }
        }
        for (i, person) in team.iter().enumerate() {
            values.extend([
                Value::Int(*group),
                Value::Int(portal),
                Value::Int(*person),
                Value::Text(if i == 0 { "owner" } else { "member" }.into()),
                Value::Int(team[0]),
                Value::Int(now - two_years),
            ]);
        }
        members.push(team);
    }
    for chunk in values.chunks(6 * args.batch) {
        insert_rows(
            &pool,
            "workgroup_members (group_id, portal_id, user_id, role, added_by, joined_at)",
            6,
            chunk,
        )
        .await?;
    }
    eprintln!("{} projects ({:.0?})", projects.len(), started.elapsed());

    // Tasks: the Gantt project's first, then the rest over two years, oldest first.
    let mut drafts: Vec<Draft> = Vec::with_capacity(args.batch);
    let mut written = 0usize;
    let mut gantt_ids: Vec<i64> = Vec::new();
    let total = args.tasks.max(args.gantt_tasks);
    for i in 0..total {
        let draft = if i < args.gantt_tasks {
            gantt_task(&mut rng, &members[0], i, gantt_ids.len(), now)
        } else {
            let k = i - args.gantt_tasks;
            let created =
                now - two_years + (two_years / (total - args.gantt_tasks).max(1) as i64) * k as i64;
            let group = (projects.len() > 1 && rng.below(10) != 0)
                .then(|| 1 + rng.below(projects.len() - 1));
            let team = group.map_or(&people, |g| &members[g]);
            task(&mut rng, team, &people, group, created, now)
        };
        drafts.push(draft);
        if drafts.len() == args.batch || i + 1 == total {
            let ids = write_tasks(&pool, portal, projects, &gantt_ids, &drafts, &mut rng).await?;
            if i < args.gantt_tasks || gantt_ids.len() < args.gantt_tasks {
                let wanted = args.gantt_tasks - gantt_ids.len();
                gantt_ids.extend(ids.iter().take(wanted));
            }
            written += drafts.len();
            drafts.clear();
            if written % 100_000 < args.batch {
                eprintln!("{written} tasks ({:.0?})", started.elapsed());
            }
        }
    }

    // Dependencies in the Gantt project: each of a third of its tasks waits on the one before.
    let mut values = Vec::new();
    for pair in gantt_ids.windows(2).step_by(3) {
        values.extend([
            Value::Int(portal),
            Value::Int(pair[0]),
            Value::Int(pair[1]),
            Value::Text("fs".into()),
            Value::Int(members[0][0]),
        ]);
    }
    for chunk in values.chunks(5 * args.batch) {
        insert_rows(
            &pool,
            "task_links (portal_id, predecessor_id, successor_id, kind, created_by)",
            5,
            chunk,
        )
        .await?;
    }

    if sqlite {
        sqlx::query("PRAGMA optimize").execute(&pool).await?;
    } else {
        sqlx::query("ANALYZE TABLE tasks, task_members, task_links, workgroups, workgroup_members")
            .execute(&pool)
            .await?;
    }
    eprintln!(
        "done: {} people, {} projects, {total} tasks (Gantt project {}: {} tasks) in {:.1?}",
        people.len(),
        projects.len(),
        projects[0],
        gantt_ids.len(),
        started.elapsed()
    );
    // The Gantt project's id, for the scripts.
    println!("{}", projects[0]);
    Ok(())
}

/// A task of the Gantt project: dated around today, a fifth of them subtasks of one of the
/// last tasks written before (`earlier` of them: a parent must have its id already).
fn gantt_task(rng: &mut Rng, team: &[i64], i: usize, earlier: usize, now: i64) -> Draft {
    let start = now - 60 * DAY + (i as i64 % 180) * DAY + rng.below(5) as i64 * DAY;
    let length = (1 + rng.below(20)) as i64 * DAY;
    let status = match rng.below(10) {
        0..=2 => "done",
        3..=5 => "in_progress",
        6 => "review",
        _ => "new",
    };
    let responsible = team[rng.below(team.len())];
    Draft {
        group: Some(0),
        parent: (earlier > 0 && rng.below(5) == 0)
            .then(|| earlier - 1 - rng.below(10.min(earlier))),
        creator: team[0],
        responsible,
        accomplice: None,
        auditor: None,
        status,
        start_at: Some(start),
        end_at: Some(start + length),
        deadline: (rng.below(2) == 0).then_some(start + length + rng.below(5) as i64 * DAY),
        created_at: (start - 7 * DAY).min(now - DAY),
        activity_at: (start - 7 * DAY).min(now - DAY),
        checklist: (0, 0),
    }
}

/// Any other task, created at `created`.
fn task(
    rng: &mut Rng,
    team: &[i64],
    people: &[i64],
    group: Option<usize>,
    created: i64,
    now: i64,
) -> Draft {
    let recent = now - created < 60 * DAY;
    let roll = rng.below(100);
    let status = if recent {
        match roll {
            0..=39 => "new",
            40..=69 => "in_progress",
            70..=79 => "review",
            _ => "done",
        }
    } else {
        match roll {
            0..=84 => "done",
            85..=89 => "deferred",
            90..=94 => "new",
            _ => "in_progress",
        }
    };
    let responsible = team[rng.below(team.len())];
    let creator = if rng.below(2) == 0 {
        responsible
    } else {
        team[rng.below(team.len())]
    };
    let deadline = (rng.below(4) != 0).then(|| created + (1 + rng.below(30)) as i64 * DAY);
    let start_at = (rng.below(2) == 0).then_some(created);
    let checklist_total = if rng.below(3) == 0 {
        1 + rng.below(8) as i64
    } else {
        0
    };
    Draft {
        group,
        parent: None,
        creator,
        responsible,
        accomplice: (rng.below(4) == 0).then(|| people[rng.below(people.len())]),
        auditor: (rng.below(4) == 0).then(|| people[rng.below(people.len())]),
        status,
        start_at,
        end_at: None,
        deadline,
        created_at: created,
        activity_at: (created + rng.below(7 * 24) as i64 * 3_600_000).min(now),
        checklist: (checklist_total, checklist_total / 2),
    }
}

/// Writes a batch of tasks and their people; answers the new tasks' ids, in order.
async fn write_tasks(
    pool: &AnyPool,
    portal: i64,
    projects: &[i64],
    earlier: &[i64],
    drafts: &[Draft],
    rng: &mut Rng,
) -> Result<Vec<i64>, BoxError> {
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM tasks")
        .fetch_one(pool)
        .await?;
    let mut values = Vec::with_capacity(drafts.len() * 19);
    let opt = |v: Option<i64>| v.map_or(Value::Null, Value::Int);
    for d in drafts {
        let words = 3 + rng.below(6);
        values.extend([
            Value::Int(portal),
            opt(d.group.map(|g| projects[g])),
            // Parents are tasks of earlier batches only (an id is needed).
            opt(d.parent.and_then(|p| earlier.get(p).copied())),
            Value::Text(sentence(rng, words)),
            Value::Int(d.creator),
            Value::Int(d.responsible),
            Value::Text(d.status.into()),
            Value::Text(if rng.below(10) == 0 { "high" } else { "normal" }.into()),
            opt(d.start_at),
            opt(d.end_at),
            opt(d.deadline),
            Value::Int(d.checklist.0),
            Value::Int(d.checklist.1),
            Value::Int(d.created_at),
            Value::Int(d.activity_at),
            opt((!d.is_open()).then_some(d.activity_at)),
        ]);
    }
    insert_rows(
        pool,
        "tasks (portal_id, group_id, parent_id, title, creator_id, responsible_id, status, priority, \
         start_at, end_at, deadline, checklist_total, checklist_done, created_at, activity_at, closed_at)",
        16,
        &values,
    )
    .await?;
    // One connection writes: the batch's rows are the newest (ids need not be contiguous).
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM tasks WHERE portal_id = ? AND id > ? ORDER BY id")
            .bind(portal)
            .bind(before)
            .fetch_all(pool)
            .await?;
    let mut values = Vec::new();
    for (d, id) in drafts.iter().zip(&ids) {
        let open = i64::from(d.is_open());
        let mut roles = vec![(d.responsible, "responsible")];
        if d.creator != d.responsible {
            roles.push((d.creator, "creator"));
        }
        if let Some(a) = d.accomplice.filter(|a| *a != d.responsible) {
            roles.push((a, "accomplice"));
        }
        if let Some(a) = d
            .auditor
            .filter(|a| *a != d.responsible && Some(*a) != d.accomplice)
        {
            roles.push((a, "auditor"));
        }
        for (person, role) in roles {
            let unseen = open == 1 && person != d.creator && rng.below(20) == 0;
            values.extend([
                Value::Int(*id),
                Value::Int(portal),
                Value::Int(person),
                Value::Text(role.into()),
                Value::Int(open),
                Value::Int(d.deadline.unwrap_or(NO_DEADLINE)),
                Value::Int(d.activity_at),
                Value::Int(i64::from(unseen)),
            ]);
        }
    }
    for chunk in values.chunks(8 * 400) {
        insert_rows(
            pool,
            "task_members (task_id, portal_id, user_id, role, is_open, deadline, activity_at, unseen)",
            8,
            chunk,
        )
        .await?;
    }
    Ok(ids)
}
