//! The Gantt chart's rows: a project's tasks, or the caller's own open work.
//!
//! A project's members (and administrators) see all its tasks; anyone else who may see the
//! group sees only the tasks they are on. "My tasks" are the open tasks the caller is
//! responsible for or helps with. Each bar says whether the caller may move it, by the same
//! rule as `TaskAccess::rights().change_dates`.

use crate::auth::types::Role;
use crate::error::AppResult;
use crate::groups::types::GroupRole;
use crate::ids::{GroupId, TaskId, UserId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::now_ms;
use crate::tasks::gantt::{GanttChart, GanttLink, GanttTask, MAX_GANTT_TASKS};
use crate::tasks::types::{LinkKind, MemberRole, TaskStatus};
use sqlx::{Any, QueryBuilder};
use std::collections::HashSet;

#[derive(sqlx::FromRow)]
struct Row {
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

const COLUMNS: &str = "SELECT t.id, t.title, t.parent_id, t.status, t.start_at, t.end_at, \
     t.deadline, t.created_at, t.creator_id, t.responsible_id, u.name AS responsible_name, \
     gm.role AS group_role FROM tasks t \
     JOIN users u ON u.id = t.responsible_id AND u.portal_id = t.portal_id \
     LEFT JOIN workgroup_members gm ON gm.group_id = t.group_id AND gm.portal_id = t.portal_id \
     AND gm.user_id = ";

/// The chart of a project (`Some(group)`) or of the caller's own tasks.
#[tracing::instrument(skip_all)]
pub async fn chart(
    pool: &Reader,
    caller: &Caller,
    group: Option<GroupId>,
) -> AppResult<GanttChart> {
    let portal = caller.portal_id();
    let mut qb = QueryBuilder::<Any>::new(COLUMNS);
    qb.push_bind(caller.user_id)
        .push(" WHERE t.portal_id = ")
        .push_bind(portal);
    let title = match group {
        Some(group) => {
            // NotFound unless the caller may see the group at all.
            let summary = crate::groups::ssr::visible(pool, caller, group).await?;
            qb.push(" AND t.group_id = ").push_bind(group);
            if caller.role != Role::Admin && summary.my_role.is_none() {
                qb.push(
                    " AND EXISTS (SELECT 1 FROM task_members m WHERE m.task_id = t.id \
                     AND m.portal_id = t.portal_id AND m.user_id = ",
                )
                .push_bind(caller.user_id)
                .push(")");
            }
            summary.name
        }
        None => {
            qb.push(" AND t.id IN (SELECT m.task_id FROM task_members m WHERE m.portal_id = ")
                .push_bind(portal)
                .push(" AND m.user_id = ")
                .push_bind(caller.user_id)
                .push(" AND m.is_open = 1 AND m.role IN (")
                .push_bind(MemberRole::Responsible.as_str())
                .push(", ")
                .push_bind(MemberRole::Accomplice.as_str())
                .push("))");
            "My tasks".to_owned()
        }
    };
    qb.push(" ORDER BY t.id LIMIT ")
        .push_bind(MAX_GANTT_TASKS as i64 + 1);
    let mut rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    let truncated = rows.len() > MAX_GANTT_TASKS;
    rows.truncate(MAX_GANTT_TASKS);
    let admin = caller.role == Role::Admin;
    let tasks: Vec<GanttTask> = rows
        .into_iter()
        .map(|row| {
            let manages_group = matches!(
                row.group_role.as_deref().and_then(GroupRole::parse),
                Some(GroupRole::Owner | GroupRole::Moderator)
            );
            GanttTask {
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
            }
        })
        .collect();
    let links = links_among(pool, caller, &tasks).await?;
    Ok(GanttChart {
        title,
        group,
        now: now_ms(),
        tasks,
        links,
        truncated,
    })
}

/// The dependencies whose both ends are on the chart.
async fn links_among(
    pool: &Reader,
    caller: &Caller,
    tasks: &[GanttTask],
) -> AppResult<Vec<GanttLink>> {
    let ids: HashSet<TaskId> = tasks.iter().map(|t| t.id).collect();
    let mut links = Vec::new();
    for chunk in tasks.chunks(500) {
        let mut qb = QueryBuilder::<Any>::new(
            "SELECT predecessor_id, successor_id, kind FROM task_links WHERE portal_id = ",
        );
        qb.push_bind(caller.portal_id())
            .push(" AND predecessor_id IN (");
        let mut list = qb.separated(", ");
        for task in chunk {
            list.push_bind(task.id);
        }
        qb.push(")");
        let rows: Vec<(TaskId, TaskId, String)> = qb.build_query_as().fetch_all(pool).await?;
        links.extend(
            rows.into_iter()
                .filter_map(|(predecessor, successor, kind)| {
                    Some(GanttLink {
                        predecessor,
                        successor,
                        kind: LinkKind::parse(&kind)?,
                    })
                    .filter(|_| ids.contains(&successor))
                }),
        );
    }
    Ok(links)
}
