//! One task with everything its page shows. Opening it marks it seen for the caller.

use super::access::TaskAccess;
use super::list::{ITEM_COLUMNS, ITEM_JOINS, ItemRow, items};
use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{FileId, TaskId, UserId};
use crate::rich;
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::Db;
use crate::tasks::types::{LinkKind, MemberRole, TaskLink, TaskView};
use sqlx::{Any, QueryBuilder};

/// Shown for a parent or linked task the caller may not see, instead of its title.
const HIDDEN_TITLE: &str = "A task you can't see";

#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, caller: &Caller, id: TaskId) -> AppResult<TaskView> {
    let portal = caller.portal_id();
    let mut conn = db.reader.acquire().await?;
    let access = TaskAccess::load(&mut conn, caller, id).await?;
    sqlx::query(
        "UPDATE task_members SET unseen = 0 WHERE task_id = ? AND portal_id = ? AND user_id = ? AND unseen = 1",
    )
    .bind(id)
    .bind(portal)
    .bind(caller.user_id)
    .execute(&db.writer)
    .await?;

    // The task and the subtasks the caller may see themselves, in one read: seen by the
    // people on a subtask and the members of its group (`+v.portal_id`: by key, as in
    // `list::filtered`), or by an administrator.
    let mut qb = QueryBuilder::<Any>::new(ITEM_COLUMNS);
    qb.push("0 AS unseen, t.id AS sort_key FROM tasks t")
        .push(ITEM_JOINS)
        .push(" WHERE t.portal_id = ")
        .push_bind(portal)
        .push(" AND (t.id = ")
        .push_bind(id)
        .push(" OR (t.parent_id = ")
        .push_bind(id);
    if caller.role != Role::Admin {
        qb.push(
            " AND ((SELECT 1 FROM task_members v WHERE v.task_id = t.id \
             AND +v.portal_id = t.portal_id AND v.user_id = ",
        )
        .push_bind(caller.user_id)
        .push(
            " LIMIT 1) IS NOT NULL OR EXISTS (SELECT 1 FROM workgroup_members g \
             WHERE g.group_id = t.group_id AND g.portal_id = t.portal_id AND g.user_id = ",
        )
        .push_bind(caller.user_id)
        .push("))");
    }
    qb.push(")) ORDER BY t.id LIMIT 501");
    let rows: Vec<ItemRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut subtasks = items(&mut conn, portal, rows).await?;
    let at = subtasks
        .iter()
        .position(|t| t.id == id)
        .ok_or(AppError::NotFound)?;
    let item = subtasks.remove(at);

    #[derive(sqlx::FromRow)]
    struct Extra {
        description: String,
        require_review: i64,
        estimate_minutes: Option<i64>,
        spent_seconds: i64,
        created_at: i64,
        closed_at: Option<i64>,
        creator_name: String,
        creator_photo: Option<FileId>,
        parent_id: Option<TaskId>,
        parent_title: Option<String>,
    }
    let extra: Extra = sqlx::query_as(
        "SELECT t.description, t.require_review, t.estimate_minutes, t.spent_seconds, t.created_at, \
         t.closed_at, c.name AS creator_name, c.photo_file_id AS creator_photo, t.parent_id, p.title AS parent_title \
         FROM tasks t JOIN users c ON c.id = t.creator_id AND c.portal_id = t.portal_id \
         LEFT JOIN tasks p ON p.id = t.parent_id AND p.portal_id = t.portal_id \
         WHERE t.id = ? AND t.portal_id = ?",
    )
    .bind(id)
    .bind(portal)
    .fetch_one(&mut *conn)
    .await?;

    let people: Vec<(UserId, String, String, Option<FileId>)> = sqlx::query_as(
        "SELECT m.user_id, m.role, u.name, u.photo_file_id FROM task_members m \
         JOIN users u ON u.id = m.user_id AND u.portal_id = m.portal_id \
         WHERE m.task_id = ? AND m.portal_id = ? AND m.role IN ('accomplice', 'auditor') ORDER BY u.name",
    )
    .bind(id)
    .bind(portal)
    .fetch_all(&mut *conn)
    .await?;
    let (mut accomplices, mut auditors) = (Vec::new(), Vec::new());
    for (user, role, name, photo) in people {
        let person = Author::new(user, name, photo);
        match MemberRole::parse(&role) {
            Some(MemberRole::Accomplice) => accomplices.push(person),
            Some(MemberRole::Auditor) => auditors.push(person),
            _ => {}
        }
    }

    let links: Vec<(TaskId, TaskId, String, String)> = sqlx::query_as(
        "SELECT l.predecessor_id, l.successor_id, l.kind, t.title FROM task_links l \
         JOIN tasks t ON t.portal_id = l.portal_id \
         AND t.id = CASE WHEN l.predecessor_id = ? THEN l.successor_id ELSE l.predecessor_id END \
         WHERE l.portal_id = ? AND (l.predecessor_id = ? OR l.successor_id = ?) ORDER BY t.title",
    )
    .bind(id)
    .bind(portal)
    .bind(id)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (mut predecessors, mut successors) = (Vec::new(), Vec::new());
    // Titles of related tasks only where the caller may see those tasks.
    let hidden = |_title: String| HIDDEN_TITLE.to_owned();
    let parent_title = match (extra.parent_id, extra.parent_title) {
        (Some(parent), Some(title)) => Some(
            if caller.role == Role::Admin
                || TaskAccess::load(&mut conn, caller, parent).await.is_ok()
            {
                title
            } else {
                hidden(title)
            },
        ),
        _ => None,
    };
    for (predecessor, successor, kind, title) in links {
        let Some(kind) = LinkKind::parse(&kind) else {
            continue;
        };
        let other = if successor == id {
            predecessor
        } else {
            successor
        };
        let title = if caller.role == Role::Admin
            || TaskAccess::load(&mut conn, caller, other).await.is_ok()
        {
            title
        } else {
            hidden(title)
        };
        let link = TaskLink {
            predecessor,
            successor,
            kind,
            title,
        };
        if successor == id {
            predecessors.push(link);
        } else {
            successors.push(link);
        }
    }
    drop(conn);

    let (time, my_timer) = super::time::load(&db.reader, caller, &access).await?;
    let files = super::files::load(&db.reader, caller, &access).await?;
    let creator = Author::new(access.creator, extra.creator_name, extra.creator_photo);
    let mut description = rich::parse(&extra.description);
    rich::names::resolve(&db.reader, portal, vec![&mut description]).await?;
    Ok(TaskView {
        item,
        description,
        description_source: extra.description,
        creator,
        accomplices,
        auditors,
        require_review: extra.require_review == 1,
        estimate_minutes: extra.estimate_minutes,
        spent_seconds: extra.spent_seconds,
        created_at: extra.created_at,
        closed_at: extra.closed_at,
        parent_title,
        subtasks,
        checklist: super::checklist::load(&db.reader, portal, id).await?,
        comments: super::comments::load(&db.reader, portal, id).await?,
        history: super::history::load(&db.reader, portal, id).await?,
        predecessors,
        successors,
        time,
        my_timer,
        files,
        rights: access.rights(),
        actions: access.actions(),
    })
}
