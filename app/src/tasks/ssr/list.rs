//! The task list: sections, filters, keyset pages, and the counters.
//!
//! A section ("I'm doing", …) is a range of the `task_members` index for the caller's role,
//! in activity or deadline order; filters narrow it; the page continues after the last row's
//! (sort key, id). "All" walks the tasks of the portal and keeps those the caller may see.

use super::members::NO_DEADLINE;
use crate::auth::types::Role;
use crate::error::AppResult;
use crate::ids::{GroupId, PortalId, StageId, TaskId, UserId};
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::Db;
use crate::ssr::db::Reader;
use crate::ssr::now_ms;
use crate::tasks::types::{
    BoardBy, BoardColumn, BoardCounts, PAGE_SIZE, Priority, SectionCounters, StatusFilter,
    TaskCounters, TaskCursor, TaskItem, TaskPage, TaskQuery, TaskSort, TaskStatus,
};
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;

#[derive(sqlx::FromRow)]
pub(super) struct ItemRow {
    pub(super) id: TaskId,
    title: String,
    status: String,
    priority: String,
    deadline: Option<i64>,
    start_at: Option<i64>,
    end_at: Option<i64>,
    responsible_id: UserId,
    responsible_name: String,
    responsible_photo: Option<crate::ids::FileId>,
    group_id: Option<GroupId>,
    group_name: Option<String>,
    parent_id: Option<TaskId>,
    checklist_total: i64,
    checklist_done: i64,
    activity_at: i64,
    stage_id: Option<StageId>,
    unseen: Option<i64>,
    sort_key: i64,
}

impl ItemRow {
    fn item(self, tags: &mut HashMap<TaskId, Vec<String>>) -> TaskItem {
        TaskItem {
            id: self.id,
            title: self.title,
            status: TaskStatus::parse(&self.status).unwrap_or(TaskStatus::New),
            priority: Priority::parse(&self.priority).unwrap_or_default(),
            deadline: self.deadline,
            start_at: self.start_at,
            end_at: self.end_at,
            responsible: Author::new(
                self.responsible_id,
                self.responsible_name,
                self.responsible_photo,
            ),
            group: self.group_id.zip(self.group_name),
            parent: self.parent_id,
            checklist_total: self.checklist_total,
            checklist_done: self.checklist_done,
            activity_at: self.activity_at,
            unseen: self.unseen == Some(1),
            tags: tags.remove(&self.id).unwrap_or_default(),
            stage: self.stage_id,
        }
    }
}

/// The columns of a listed task, from `t` (tasks) with `u` (responsible) and `g` (group);
/// the caller's unseen flag and the sort key follow.
pub(super) const ITEM_COLUMNS: &str = "SELECT t.id, t.title, t.status, t.priority, t.deadline, \
     t.start_at, t.end_at, t.responsible_id, COALESCE(u.name, '') AS responsible_name, \
     u.photo_file_id AS responsible_photo, t.group_id, g.name AS group_name, t.parent_id, \
     t.checklist_total, t.checklist_done, t.activity_at, t.stage_id, ";

/// `LEFT JOIN users`, although every task has its responsible: it makes both databases read
/// the tasks first, in the order of the index. With an inner join MariaDB may start from the
/// portal's users (one, in a small portal) and sort every task for each page.
pub(super) const ITEM_JOINS: &str = " LEFT JOIN users u ON u.id = t.responsible_id AND u.portal_id = t.portal_id \
     LEFT JOIN workgroups g ON g.id = t.group_id AND g.portal_id = t.portal_id";

/// Tags of the listed tasks, by task.
pub(super) async fn tags_of(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[TaskId],
) -> AppResult<HashMap<TaskId, Vec<String>>> {
    let mut out: HashMap<TaskId, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut qb = QueryBuilder::<Any>::new("SELECT task_id, tag FROM task_tags WHERE portal_id = ");
    qb.push_bind(portal).push(" AND task_id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(") ORDER BY tag");
    let rows: Vec<(TaskId, String)> = qb.build_query_as().fetch_all(conn).await?;
    for (task, tag) in rows {
        out.entry(task).or_default().push(tag);
    }
    Ok(out)
}

/// Rows to items, with their tags.
pub(super) async fn items(
    conn: &mut AnyConnection,
    portal: PortalId,
    rows: Vec<ItemRow>,
) -> AppResult<Vec<TaskItem>> {
    let ids: Vec<TaskId> = rows.iter().map(|r| r.id).collect();
    let mut tags = tags_of(conn, portal, &ids).await?;
    Ok(rows.into_iter().map(|r| r.item(&mut tags)).collect())
}

/// The groups the caller belongs to.
async fn my_groups(conn: &mut AnyConnection, caller: &Caller) -> AppResult<Vec<GroupId>> {
    Ok(sqlx::query_scalar(
        "SELECT group_id FROM workgroup_members WHERE portal_id = ? AND user_id = ?",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_all(conn)
    .await?)
}

/// One page of a section.
#[tracing::instrument(skip_all)]
pub async fn page(
    pool: &Reader,
    caller: &Caller,
    query: &TaskQuery,
    after: Option<TaskCursor>,
) -> AppResult<TaskPage> {
    let mut conn = pool.acquire().await?;
    page_of(&mut conn, caller, query, after, PAGE_SIZE).await
}

/// How many tasks a section with its filters holds (an export's total).
#[tracing::instrument(skip_all)]
pub async fn count(conn: &mut AnyConnection, caller: &Caller, query: &TaskQuery) -> AppResult<i64> {
    let (mut qb, _, _) = filtered(&mut *conn, caller, query, Select::Count).await?;
    Ok(qb.build_query_scalar().fetch_one(&mut *conn).await?)
}

/// How many tasks of a board each column holds: the board's query without its columns'
/// filter, counted in one pass grouped by status or by stage.
#[tracing::instrument(skip_all)]
pub async fn board_counts(
    pool: &Reader,
    caller: &Caller,
    query: &TaskQuery,
    by: BoardBy,
) -> AppResult<BoardCounts> {
    let mut conn = pool.acquire().await?;
    let mut query = query.clone();
    let column = match by {
        BoardBy::Status => {
            query.status = StatusFilter::Any;
            "t.status"
        }
        BoardBy::Stage => {
            query.stage = None;
            query.no_stage = false;
            "t.stage_id"
        }
    };
    let (mut qb, _, _) = filtered(&mut conn, caller, &query, Select::CountBy(column)).await?;
    qb.push(" GROUP BY ").push(column);
    let columns = match by {
        BoardBy::Status => {
            let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *conn).await?;
            rows.into_iter()
                .filter_map(|(s, n)| Some((BoardColumn::Status(TaskStatus::parse(&s)?), n)))
                .collect()
        }
        BoardBy::Stage => {
            let rows: Vec<(Option<StageId>, i64)> =
                qb.build_query_as().fetch_all(&mut *conn).await?;
            rows.into_iter()
                .map(|(s, n)| (BoardColumn::Stage(s), n))
                .collect()
        }
    };
    Ok(BoardCounts { columns })
}

/// What the list's query selects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Select {
    Items,
    Count,
    /// The column, and how many rows have each of its values (a `GROUP BY` follows).
    CountBy(&'static str),
}

/// A page of `limit` tasks (exports walk the list in larger pages than the screen, inside
/// one read snapshot).
pub async fn page_of(
    conn: &mut AnyConnection,
    caller: &Caller,
    query: &TaskQuery,
    after: Option<TaskCursor>,
    limit: usize,
) -> AppResult<TaskPage> {
    let portal = caller.portal_id();
    let (mut qb, key, id_col) = filtered(&mut *conn, caller, query, Select::Items).await?;
    // Activity: newest first. Deadline: nearest first.
    let (cmp, dir) = match query.sort {
        TaskSort::Activity => ("<", "DESC"),
        TaskSort::Deadline => (">", "ASC"),
    };
    if let Some(cursor) = after {
        // `key <= c AND (key < c OR id < i)`, not `key < c OR (key = c AND id < i)`: the
        // first part is a range the index can seek to, so a deep page (an export's) does not
        // rescan every row before it.
        qb.push(" AND ")
            .push(key)
            .push(format!(" {cmp}= "))
            .push_bind(cursor.key)
            .push(" AND (")
            .push(key)
            .push(format!(" {cmp} "))
            .push_bind(cursor.key)
            .push(format!(" OR {id_col} {cmp} "))
            .push_bind(cursor.id)
            .push(")");
    }
    qb.push(format!(" ORDER BY {key} {dir}, {id_col} {dir} LIMIT "))
        .push((limit + 1).to_string());
    let mut rows: Vec<ItemRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| TaskCursor {
            key: r.sort_key,
            id: r.id,
        })
    } else {
        None
    };
    Ok(TaskPage {
        items: items(conn, portal, rows).await?,
        next,
    })
}

/// The list's query with the section, the caller's visibility and the filters, before its
/// order: (query, sort key, id column). `select` says whether it selects the items or counts.
async fn filtered(
    conn: &mut AnyConnection,
    caller: &Caller,
    query: &TaskQuery,
    select: Select,
) -> AppResult<(QueryBuilder<'static, Any>, &'static str, &'static str)> {
    let portal = caller.portal_id();
    let now = now_ms();
    let count = select != Select::Items;
    let mut qb = QueryBuilder::<Any>::new(match select {
        Select::Items => ITEM_COLUMNS.to_owned(),
        Select::Count => "SELECT COUNT(*)".to_owned(),
        Select::CountBy(column) => format!("SELECT {column}, COUNT(*)"),
    });
    // `key` is the sort column; `open` the open flag; `dl` the deadline with NO_DEADLINE.
    let (key, open, dl, id_col) = if let Some(role) = query.section.role() {
        let key = match query.sort {
            TaskSort::Activity => "m.activity_at",
            TaskSort::Deadline => "m.deadline",
        };
        if !count {
            qb.push("m.unseen, ").push(key).push(" AS sort_key");
        }
        qb.push(
            " FROM task_members m JOIN tasks t ON t.id = m.task_id AND t.portal_id = m.portal_id",
        )
        .push(ITEM_JOINS)
        .push(" WHERE m.portal_id = ")
        .push_bind(portal)
        .push(" AND m.user_id = ")
        .push_bind(caller.user_id)
        .push(" AND m.role = ")
        .push_bind(role.as_str());
        (key, "m.is_open", "m.deadline", "m.task_id")
    } else {
        // NO_DEADLINE, spelled out so the key can be a constant.
        let key: &'static str = match query.sort {
            TaskSort::Activity => "t.activity_at",
            TaskSort::Deadline => "COALESCE(t.deadline, 9999999999999)",
        };
        if !count {
            // `+mm.portal_id`: SQLite must find the row by its key (task, user), not walk
            // every membership of the caller through the section index, once per task.
            qb.push("(SELECT MAX(mm.unseen) FROM task_members mm WHERE mm.task_id = t.id AND +mm.portal_id = t.portal_id AND mm.user_id = ")
                .push_bind(caller.user_id)
                .push(") AS unseen, ")
                .push(key)
                .push(" AS sort_key");
        }
        qb.push(" FROM tasks t");
        if !count && query.sort == TaskSort::Activity && query.group.is_none() {
            // A project's list is better served by its own index (and a sort).
            qb.push(Db::seek_index(conn, "tasks_portal_activity"));
        }
        qb.push(ITEM_JOINS)
            .push(" WHERE t.portal_id = ")
            .push_bind(portal);
        if caller.role != Role::Admin {
            // Seen by the people on it and the members of its group (`+v.portal_id`: by key,
            // as above).
            qb.push(" AND ((SELECT 1 FROM task_members v WHERE v.task_id = t.id AND +v.portal_id = t.portal_id AND v.user_id = ")
                .push_bind(caller.user_id)
                .push(" LIMIT 1) IS NOT NULL");
            let groups = my_groups(&mut *conn, caller).await?;
            if !groups.is_empty() {
                qb.push(" OR t.group_id IN (");
                let mut list = qb.separated(", ");
                for g in groups {
                    list.push_bind(g);
                }
                qb.push(")");
            }
            qb.push(")");
        }
        (
            key,
            "(CASE WHEN t.status IN ('new', 'in_progress', 'review') THEN 1 ELSE 0 END)",
            "COALESCE(t.deadline, 9999999999999)",
            "t.id",
        )
    };
    match query.status {
        StatusFilter::Open => {
            qb.push(" AND ").push(open).push(" = 1");
        }
        StatusFilter::Only(status) => {
            qb.push(" AND ")
                .push(open)
                .push(" = ")
                .push_bind(i64::from(status.is_open()))
                .push(" AND t.status = ")
                .push_bind(status.as_str());
        }
        StatusFilter::Any => {}
    }
    if query.overdue {
        qb.push(" AND ").push(dl).push(" < ").push_bind(now);
    }
    if query.due_soon {
        qb.push(" AND ")
            .push(dl)
            .push(" >= ")
            .push_bind(now)
            .push(" AND ")
            .push(dl)
            .push(" < ")
            .push_bind(now + DAY_MS);
    }
    if query.no_deadline {
        qb.push(" AND ").push(dl).push(" = ").push_bind(NO_DEADLINE);
    }
    if query.unseen && query.section.role().is_some() {
        qb.push(" AND m.unseen = 1");
    }
    if let Some(from) = query.deadline_from {
        qb.push(" AND ").push(dl).push(" >= ").push_bind(from);
    }
    if let Some(to) = query.deadline_to {
        qb.push(" AND ").push(dl).push(" < ").push_bind(to);
    }
    if let Some(group) = query.group {
        qb.push(" AND t.group_id = ").push_bind(group);
    }
    if let Some(person) = query.responsible {
        qb.push(" AND t.responsible_id = ").push_bind(person);
    }
    if let Some(stage) = query.stage {
        qb.push(" AND t.stage_id = ").push_bind(stage);
    }
    if query.no_stage {
        qb.push(" AND t.stage_id IS NULL");
    }
    if let Some(tag) = query
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        qb.push(" AND (SELECT 1 FROM task_tags tt WHERE tt.task_id = t.id AND tt.portal_id = t.portal_id AND tt.tag = ")
            .push_bind(tag.to_owned())
            .push(" LIMIT 1) IS NOT NULL");
    }
    for word in query.search.split_whitespace().take(8) {
        qb.push(" AND LOWER(t.title) LIKE ")
            .push_bind(Db::like_pattern(word))
            .push(" ESCAPE '!'");
    }
    Ok((qb, key, id_col))
}

/// What needs attention in each section: one indexed pass over the caller's open tasks.
#[tracing::instrument(skip_all)]
pub async fn counters(pool: &Reader, caller: &Caller) -> AppResult<TaskCounters> {
    let now = now_ms();
    type Row = (String, i64, i64, i64, i64, Option<i64>, Option<i64>);
    // The last two: the nearest deadline ahead, and the nearest beyond the next 24 hours
    // (when it comes within them): when the numbers next change by the clock alone.
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT role, COUNT(CASE WHEN deadline < ? THEN 1 END), \
         COUNT(CASE WHEN deadline >= ? AND deadline < ? THEN 1 END), \
         COUNT(CASE WHEN deadline = ? THEN 1 END), COUNT(CASE WHEN unseen = 1 THEN 1 END), \
         MIN(CASE WHEN deadline >= ? AND deadline < ? THEN deadline END), \
         MIN(CASE WHEN deadline >= ? AND deadline < ? THEN deadline END) \
         FROM task_members WHERE portal_id = ? AND user_id = ? AND is_open = 1 GROUP BY role",
    )
    .bind(now)
    .bind(now)
    .bind(now + DAY_MS)
    .bind(NO_DEADLINE)
    .bind(now)
    .bind(NO_DEADLINE)
    .bind(now + DAY_MS)
    .bind(NO_DEADLINE)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_all(pool)
    .await?;
    let mut out = TaskCounters::default();
    for (role, overdue, due_soon, no_deadline, unseen, next_due, next_soon) in rows {
        let changes = [next_due, next_soon.map(|d| d - DAY_MS)];
        for at in changes.into_iter().flatten() {
            out.next_change = Some(out.next_change.map_or(at, |n| n.min(at)));
        }
        let counters = SectionCounters {
            overdue,
            unseen,
            due_soon,
            no_deadline,
        };
        match role.as_str() {
            "responsible" => out.doing = counters,
            "accomplice" => out.helping = counters,
            "auditor" => out.observing = counters,
            "creator" => out.assigned = counters,
            _ => {}
        }
    }
    Ok(out)
}
