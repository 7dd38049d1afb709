//! The Gantt chart, a window at a time: a project's tasks, or the caller's own open work.
//!
//! A project's members (and administrators) see all its tasks; anyone else who may see the
//! group sees only the tasks they are on. "My tasks" are the open tasks the caller is
//! responsible for or helps with. Each bar says whether the caller may move it, by the same
//! rule as `TaskAccess::rights().change_dates`.
//!
//! Each request reads the whole chart's shape in two light queries (every task's id, parent
//! and dates; every dependency), orders the rows as folded, and then reads the window's
//! tasks in full (titles, people, rights). Nothing is kept between requests, so a window
//! is always cut from the chart as it is now.

use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::groups::types::GroupRole;
use crate::ids::{GroupId, TaskId, UserId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::now_ms;
use crate::tasks::gantt::{
    FIRST_ROWS, GanttNode, GanttRow, GanttTask, GanttWindow, MAX_FOLDED, MAX_WINDOW_ROWS,
    chart_range, links_across, span, visible_rows, window_range,
};
use crate::tasks::types::{LinkKind, MemberRole, TaskStatus};
use sqlx::{Any, QueryBuilder};
use std::collections::{HashMap, HashSet};

/// Which tasks a chart holds.
#[derive(Clone, Copy)]
enum Scope {
    /// A project's: all of them (`all`, for its members and administrators), or only those
    /// the caller is on.
    Project { group: GroupId, all: bool },
    /// The caller's open tasks, as responsible or helper.
    Mine,
}

impl Scope {
    /// The filter on `t` (tasks), after `WHERE t.portal_id = ?`.
    fn push(self, qb: &mut QueryBuilder<'_, Any>, caller: &Caller) {
        match self {
            Scope::Project { group, all } => {
                qb.push(" AND t.group_id = ").push_bind(group);
                if !all {
                    qb.push(
                        " AND EXISTS (SELECT 1 FROM task_members m WHERE m.task_id = t.id \
                         AND m.portal_id = t.portal_id AND m.user_id = ",
                    )
                    .push_bind(caller.user_id)
                    .push(")");
                }
            }
            Scope::Mine => {
                qb.push(" AND t.id IN (SELECT m.task_id FROM task_members m WHERE m.portal_id = ")
                    .push_bind(caller.portal_id())
                    .push(" AND m.user_id = ")
                    .push_bind(caller.user_id)
                    .push(" AND m.is_open = 1 AND m.role IN (")
                    .push_bind(MemberRole::Responsible.as_str())
                    .push(", ")
                    .push_bind(MemberRole::Accomplice.as_str())
                    .push("))");
            }
        }
    }
}

/// Which window of a chart to send.
pub struct Want {
    pub first_row: u32,
    /// How many rows: `FIRST_ROWS` unless said, at most `MAX_WINDOW_ROWS`.
    pub rows: Option<u32>,
    /// The tasks whose subtasks are folded away.
    pub folded: Vec<TaskId>,
    /// A task the window must hold (one just moved, which may have moved rows): the window
    /// moves to it when it is on the chart and would be out of the window.
    pub show: Option<TaskId>,
}

/// A window of the chart of a project (`Some(group)`) or of the caller's own tasks.
#[tracing::instrument(skip_all)]
pub async fn window(
    pool: &Reader,
    caller: &Caller,
    group: Option<GroupId>,
    want: &Want,
) -> AppResult<GanttWindow> {
    if want.folded.len() > MAX_FOLDED {
        return Err(AppError::invalid(format!(
            "At most {MAX_FOLDED} tasks can be folded at once."
        )));
    }
    let count = want.rows.unwrap_or(FIRST_ROWS).clamp(1, MAX_WINDOW_ROWS) as usize;
    let (title, scope) = match group {
        Some(group) => {
            // NotFound unless the caller may see the group at all.
            let summary = crate::groups::ssr::visible(pool, caller, group).await?;
            let all = caller.role == Role::Admin || summary.my_role.is_some();
            (summary.name, Scope::Project { group, all })
        }
        None => ("My tasks".to_owned(), Scope::Mine),
    };
    let nodes = nodes(pool, caller, scope).await?;
    let folded: HashSet<TaskId> = want.folded.iter().copied().collect();
    let rows = visible_rows(&nodes, &folded);
    let mut first = want.first_row as usize;
    if let Some(at) = want
        .show
        .and_then(|id| rows.iter().position(|r| nodes[r.index].id == id))
        && !(first..first + count).contains(&at)
    {
        first = at.saturating_sub(count / 2);
    }
    let range = window_range(rows.len(), first, count);
    let ids: Vec<TaskId> = rows[range.clone()]
        .iter()
        .map(|r| nodes[r.index].id)
        .collect();
    let mut tasks = tasks(pool, caller, scope, &ids).await?;
    let links = links_across(&links(pool, caller, scope).await?, &nodes, &rows, &range);
    let now = now_ms();
    // The chart's days are the viewer's: the range is on their wall clock.
    let zone = caller.zone();
    let wall = |(start, end): (i64, i64)| (zone.wall(start), zone.wall(end));
    Ok(GanttWindow {
        title,
        group,
        now,
        range: chart_range(nodes.iter().map(|n| wall(n.span)), zone.wall(now)),
        total_rows: rows.len() as u32,
        first_row: range.start as u32,
        // A task gone between the two reads (deleted, moved to another project) leaves its
        // row out; the next window has the chart without it.
        rows: rows[range.clone()]
            .iter()
            .enumerate()
            .filter_map(|(i, row)| {
                Some(GanttRow {
                    row: (range.start + i) as u32,
                    depth: row.depth as u32,
                    has_children: row.has_children,
                    task: tasks.remove(&nodes[row.index].id)?,
                })
            })
            .collect(),
        links,
    })
}

/// Every task of the chart, light: id, parent, and the bar's span.
async fn nodes(pool: &Reader, caller: &Caller, scope: Scope) -> AppResult<Vec<GanttNode>> {
    type Light = (
        TaskId,
        Option<TaskId>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
    );
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT t.id, t.parent_id, t.start_at, t.end_at, t.deadline, t.created_at \
         FROM tasks t WHERE t.portal_id = ",
    );
    qb.push_bind(caller.portal_id());
    scope.push(&mut qb, caller);
    let rows: Vec<Light> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, parent, start_at, end_at, deadline, created_at)| GanttNode {
                id,
                parent,
                span: span(start_at, end_at, deadline, created_at),
            },
        )
        .collect())
}

/// The dependencies leaving the chart's tasks (`links_across` keeps those whose both ends
/// are shown).
async fn links(
    pool: &Reader,
    caller: &Caller,
    scope: Scope,
) -> AppResult<Vec<(TaskId, TaskId, LinkKind)>> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT l.predecessor_id, l.successor_id, l.kind FROM tasks t \
         JOIN task_links l ON l.predecessor_id = t.id AND l.portal_id = t.portal_id \
         WHERE t.portal_id = ",
    );
    qb.push_bind(caller.portal_id());
    scope.push(&mut qb, caller);
    let rows: Vec<(TaskId, TaskId, String)> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, s, kind)| Some((p, s, LinkKind::parse(&kind)?)))
        .collect())
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: TaskId,
    title: String,
    parent_id: Option<TaskId>,
    status: String,
    start_at: Option<i64>,
    end_at: Option<i64>,
    deadline: Option<i64>,
    created_at: i64,
    creator_id: UserId,
    responsible_id: UserId,
    responsible_name: String,
    group_role: Option<String>,
}

/// The window's tasks in full, by id (still within the chart's scope).
async fn tasks(
    pool: &Reader,
    caller: &Caller,
    scope: Scope,
    ids: &[TaskId],
) -> AppResult<HashMap<TaskId, GanttTask>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT t.id, t.title, t.parent_id, t.status, t.start_at, t.end_at, t.deadline, \
         t.created_at, t.creator_id, t.responsible_id, u.name AS responsible_name, \
         gm.role AS group_role FROM tasks t \
         JOIN users u ON u.id = t.responsible_id AND u.portal_id = t.portal_id \
         LEFT JOIN workgroup_members gm ON gm.group_id = t.group_id \
         AND gm.portal_id = t.portal_id AND gm.user_id = ",
    );
    qb.push_bind(caller.user_id)
        .push(" WHERE t.portal_id = ")
        .push_bind(caller.portal_id());
    scope.push(&mut qb, caller);
    qb.push(" AND t.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<TaskRow> = qb.build_query_as().fetch_all(pool).await?;
    let admin = caller.role == Role::Admin;
    Ok(rows
        .into_iter()
        .map(|row| {
            let manages_group = matches!(
                row.group_role.as_deref().and_then(GroupRole::parse),
                Some(GroupRole::Owner | GroupRole::Moderator)
            );
            let task = GanttTask {
                movable: admin
                    || manages_group
                    || row.creator_id == caller.user_id
                    || row.responsible_id == caller.user_id,
                id: row.id,
                title: row.title,
                parent: row.parent_id,
                status: TaskStatus::parse(&row.status).unwrap_or(TaskStatus::New),
                start_at: row.start_at,
                end_at: row.end_at,
                deadline: row.deadline,
                created_at: row.created_at,
                responsible: row.responsible_name,
            };
            (task.id, task)
        })
        .collect())
}
