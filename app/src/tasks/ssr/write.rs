//! Creating, editing and deleting tasks. Each change commits, then tells the people concerned.

use super::access::TaskAccess;
use super::history;
use super::members::{self, Participants, check_people, write_members};
use crate::auth::types::Role;
use crate::dates::utc_date_time;
use crate::error::{AppError, AppResult};
use crate::feed::ssr::entries;
use crate::feed::types::Recipients;
use crate::ids::{GroupId, TaskId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::ssr::caller::Caller;
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::TaskEvent;
use crate::tasks::types::{
    MAX_CHECKLIST_ITEM_CHARS, MAX_CHECKLIST_ITEMS, MAX_DESCRIPTION_CHARS, MAX_TAG_CHARS, MAX_TAGS,
    MAX_TITLE_CHARS, Priority, TaskForm, TaskStatus,
};
use sqlx::{Any, AnyConnection, QueryBuilder, Transaction};

/// Dates outside 2000–2199 are typing mistakes.
pub const EARLIEST: i64 = 946_684_800_000;
pub const LATEST: i64 = 7_258_118_400_000;
/// A week of work is plenty for one estimate… a year is the hard limit.
const MAX_ESTIMATE_MINUTES: i64 = 525_600;

/// A form that passed every check that needs no database.
#[derive(Debug, Clone)]
pub struct CheckedForm {
    pub title: String,
    pub description: String,
    pub responsible: UserId,
    pub people: Participants,
    pub priority: Priority,
    pub group: Option<GroupId>,
    pub parent: Option<TaskId>,
    pub dates: Dates,
    pub estimate_minutes: Option<i64>,
    pub require_review: bool,
    pub tags: Vec<String>,
    pub checklist: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dates {
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub deadline: Option<i64>,
}

impl Dates {
    /// Refuses impossible dates: out of range, an end before the start, a deadline before it.
    pub fn checked(self) -> AppResult<Self> {
        for (name, value) in [
            ("start", self.start_at),
            ("end", self.end_at),
            ("deadline", self.deadline),
        ] {
            if value.is_some_and(|v| !(EARLIEST..LATEST).contains(&v)) {
                return Err(AppError::invalid(format!(
                    "The {name} date must be between the years 2000 and 2199."
                )));
            }
        }
        if let (Some(start), Some(end)) = (self.start_at, self.end_at)
            && end < start
        {
            return Err(AppError::invalid("The end date is before the start date."));
        }
        if let (Some(start), Some(deadline)) = (self.start_at, self.deadline)
            && deadline < start
        {
            return Err(AppError::invalid("The deadline is before the start date."));
        }
        Ok(self)
    }
}

/// How a date reads in the history and notifications.
pub fn date_text(ms: Option<i64>) -> String {
    ms.map(utc_date_time).unwrap_or_else(|| "none".to_owned())
}

fn checked_tags(tags: &[String]) -> AppResult<Vec<String>> {
    // The size first: nothing below runs on a list longer than any form sends.
    if tags.len() > MAX_TAGS {
        return Err(AppError::invalid(format!(
            "A task can have at most {MAX_TAGS} tags."
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().trim_start_matches('#').trim();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(AppError::invalid(format!(
                "A tag can be at most {MAX_TAG_CHARS} characters long."
            )));
        }
        if tag.contains(',') {
            return Err(AppError::invalid("A tag cannot contain a comma."));
        }
        if seen.insert(tag.to_lowercase()) {
            out.push(tag.to_owned());
        }
    }
    Ok(out)
}

/// Checks the checklist items' count and length; empty lines are dropped.
pub fn checked_items(items: &[String], already: usize) -> AppResult<Vec<String>> {
    if items.len() + already > MAX_CHECKLIST_ITEMS {
        return Err(AppError::invalid(format!(
            "A checklist can have at most {MAX_CHECKLIST_ITEMS} items."
        )));
    }
    let items: Vec<String> = items
        .iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect();
    if items.len() + already > MAX_CHECKLIST_ITEMS {
        return Err(AppError::invalid(format!(
            "A checklist can have at most {MAX_CHECKLIST_ITEMS} items."
        )));
    }
    if items
        .iter()
        .any(|i| i.chars().count() > MAX_CHECKLIST_ITEM_CHARS)
    {
        return Err(AppError::invalid(format!(
            "A checklist item can be at most {MAX_CHECKLIST_ITEM_CHARS} characters long."
        )));
    }
    Ok(items)
}

/// The checks of a form that need no database.
pub fn checked(form: &TaskForm, caller: &Caller) -> AppResult<CheckedForm> {
    let title = crate::validate::required("title", &form.title, MAX_TITLE_CHARS)?;
    let description = form.description.trim().to_owned();
    let length = description.chars().count();
    if length > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid(format!(
            "The description is too long: {length} characters, at most {MAX_DESCRIPTION_CHARS}."
        )));
    }
    if form
        .estimate_minutes
        .is_some_and(|m| !(0..=MAX_ESTIMATE_MINUTES).contains(&m))
    {
        return Err(AppError::invalid(
            "The estimate must be between 0 and 525,600 minutes (a year).",
        ));
    }
    let responsible = form.responsible.unwrap_or(caller.user_id);
    Ok(CheckedForm {
        title,
        description,
        responsible,
        people: Participants {
            accomplices: form.accomplices.clone(),
            auditors: form.auditors.clone(),
        }
        .normalised(responsible)?,
        priority: form.priority,
        group: form.group,
        parent: form.parent,
        dates: Dates {
            start_at: form.start_at,
            end_at: form.end_at,
            deadline: form.deadline,
        }
        .checked()?,
        estimate_minutes: form.estimate_minutes,
        require_review: form.require_review,
        tags: checked_tags(&form.tags)?,
        checklist: checked_items(&form.checklist, 0)?,
    })
}

/// The caller may put tasks in this group: a member of it, or an administrator; it exists in
/// the caller's portal and is not archived.
async fn check_group(conn: &mut AnyConnection, caller: &Caller, group: GroupId) -> AppResult<()> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT g.id, m.role FROM workgroups g LEFT JOIN workgroup_members m \
         ON m.group_id = g.id AND m.portal_id = g.portal_id AND m.user_id = ? \
         WHERE g.id = ? AND g.portal_id = ? AND g.archived_at IS NULL",
    )
    .bind(caller.user_id)
    .bind(group)
    .bind(caller.portal_id())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        None => Err(AppError::invalid("The project or group was not found.")),
        Some((_, None)) if caller.role != Role::Admin => Err(AppError::invalid(
            "You can only add tasks to groups you are a member of.",
        )),
        Some(_) => Ok(()),
    }
}

/// A parent the caller can see, which is not the task itself nor one of its subtasks.
async fn check_parent(
    conn: &mut AnyConnection,
    caller: &Caller,
    parent: TaskId,
    task: Option<TaskId>,
) -> AppResult<()> {
    TaskAccess::load(conn, caller, parent)
        .await
        .map_err(|_| AppError::invalid("The parent task was not found."))?;
    let Some(task) = task else {
        return Ok(());
    };
    // Walk up from the new parent: meeting the task itself would make a loop.
    let mut current = Some(parent);
    for _ in 0..100 {
        let Some(id) = current else {
            return Ok(());
        };
        if id == task {
            return Err(AppError::invalid(
                "A task cannot be a subtask of itself or of its own subtasks.",
            ));
        }
        current = sqlx::query_scalar("SELECT parent_id FROM tasks WHERE id = ? AND portal_id = ?")
            .bind(id)
            .bind(caller.portal_id())
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    }
    Err(AppError::invalid("Subtasks are nested too deeply."))
}

/// Everything a form refers to exists and may be used by the caller.
pub async fn check_references(
    conn: &mut AnyConnection,
    caller: &Caller,
    form: &CheckedForm,
    task: Option<TaskId>,
) -> AppResult<()> {
    if let Some(group) = form.group {
        check_group(conn, caller, group).await?;
    } else if caller.role == Role::Extranet {
        return Err(AppError::invalid("Choose one of your groups for the task."));
    }
    let mut people = vec![form.responsible];
    people.extend(&form.people.accomplices);
    people.extend(&form.people.auditors);
    check_people(conn, caller, form.group, &people).await?;
    if let Some(parent) = form.parent {
        check_parent(conn, caller, parent, task).await?;
    }
    Ok(())
}

async fn write_tags(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    task: TaskId,
    tags: &[String],
) -> AppResult<()> {
    sqlx::query("DELETE FROM task_tags WHERE task_id = ? AND portal_id = ?")
        .bind(task)
        .bind(caller.portal_id())
        .execute(&mut **tx)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<Any>::new("INSERT INTO task_tags (task_id, portal_id, tag) ");
    qb.push_values(tags, |mut row, tag| {
        row.push_bind(task)
            .push_bind(caller.portal_id())
            .push_bind(tag.clone());
    });
    qb.build().execute(&mut **tx).await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, caller: &Caller, form: &TaskForm) -> AppResult<TaskId> {
    // Every check that needs no database runs before the write transaction opens.
    let form = checked(form, caller)?;
    let mut tx = state.db.begin().await?;
    let created = insert(&mut tx, caller, &form).await?;
    tx.commit().await?;
    Ok(created.announce(state, caller).await)
}

/// A task written in a transaction not yet committed, and whom to tell once it is.
pub struct Created {
    pub id: TaskId,
    group: Option<GroupId>,
    people: Vec<UserId>,
    outgoing: Outgoing,
    entry: crate::ids::PostId,
}

impl Created {
    /// Tells the people concerned, after the transaction committed.
    pub async fn announce(self, state: &AppState, caller: &Caller) -> TaskId {
        let portal = caller.portal_id();
        self.outgoing.publish(&state.hub).await;
        members::announce(
            state,
            portal,
            self.id,
            self.group,
            self.people,
            TaskEvent::TaskChanged { task_id: self.id },
        )
        .await;
        entries::announce(state, portal, self.entry, caller.user_id).await;
        self.id
    }
}

/// Checks a new task and writes it with its people, tags, checklist, history, notifications
/// and feed entry, inside `tx` (so a caller may add to the same transaction).
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    form: &CheckedForm,
) -> AppResult<Created> {
    let now = now_ms();
    let portal = caller.portal_id();
    check_references(tx, caller, form, None).await?;
    let id = TaskId(
        insert_id(
            tx,
            sqlx::query(
                "INSERT INTO tasks (portal_id, group_id, parent_id, title, description, creator_id, \
                 responsible_id, status, priority, require_review, start_at, end_at, deadline, \
                 estimate_minutes, created_at, activity_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(portal)
            .bind(form.group)
            .bind(form.parent)
            .bind(&form.title)
            .bind(&form.description)
            .bind(caller.user_id)
            .bind(form.responsible)
            .bind(form.priority.as_str())
            .bind(i64::from(form.require_review))
            .bind(form.dates.start_at)
            .bind(form.dates.end_at)
            .bind(form.dates.deadline)
            .bind(form.estimate_minutes)
            .bind(now)
            .bind(now),
        )
        .await?,
    );
    write_members(
        tx,
        portal,
        id,
        caller.user_id,
        form.responsible,
        &form.people,
        TaskStatus::New,
        form.dates.deadline,
        now,
        caller.user_id,
    )
    .await?;
    write_tags(tx, caller, id, &form.tags).await?;
    super::checklist::insert_items(tx, portal, id, "", &form.checklist).await?;
    history::record(
        tx,
        portal,
        id,
        caller.user_id,
        now,
        "created",
        "",
        &form.title,
    )
    .await?;

    let mut outgoing = Outgoing::new(portal);
    let mut people: Vec<UserId> = vec![form.responsible];
    people.extend(&form.people.accomplices);
    people.extend(&form.people.auditors);
    for person in people.iter().filter(|p| **p != caller.user_id) {
        let part = if *person == form.responsible {
            "assigned you a task"
        } else if form.people.accomplices.contains(person) {
            "asked you to help with"
        } else {
            "added you as an observer of"
        };
        let title = format!("{} {part}: {}", caller.name, form.title);
        outgoing
            .add(tx, *person, "task", &title, &format!("/tasks/{id}"))
            .await?;
    }
    people.push(caller.user_id);
    people.sort();
    people.dedup();
    let recipients = match form.group {
        Some(group) => Recipients {
            groups: vec![group],
            ..Default::default()
        },
        None => Recipients {
            people: people.clone(),
            ..Default::default()
        },
    };
    let entry = entries::publish(
        tx,
        portal,
        caller.user_id,
        entries::TASK_CREATED,
        &serde_json::json!({ "task_id": id.0, "title": form.title }),
        &recipients,
    )
    .await?;
    Ok(Created {
        id,
        group: form.group,
        people,
        outgoing,
        entry,
    })
}

/// Saves the edited fields of a task; each change goes into its history.
#[tracing::instrument(skip_all)]
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: TaskId,
    form: &TaskForm,
) -> AppResult<()> {
    let form = checked(form, caller)?;
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, id).await?;
    access.require(access.rights().edit)?;
    check_references(&mut tx, caller, &form, Some(id)).await?;

    #[derive(sqlx::FromRow)]
    struct Old {
        description: String,
        priority: String,
        parent_id: Option<TaskId>,
        estimate_minutes: Option<i64>,
        status: String,
    }
    let old: Old = sqlx::query_as(
        "SELECT description, priority, parent_id, estimate_minutes, status FROM tasks WHERE id = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(portal)
    .fetch_one(&mut *tx)
    .await?;
    let old_people = Participants::load(&mut tx, portal, id).await?;
    let old_tags: Vec<String> = sqlx::query_scalar(
        "SELECT tag FROM task_tags WHERE task_id = ? AND portal_id = ? ORDER BY tag",
    )
    .bind(id)
    .bind(portal)
    .fetch_all(&mut *tx)
    .await?;

    let mut everyone = vec![access.responsible, form.responsible, access.creator];
    everyone.extend(&old_people.accomplices);
    everyone.extend(&old_people.auditors);
    everyone.extend(&form.people.accomplices);
    everyone.extend(&form.people.auditors);
    everyone.sort();
    everyone.dedup();
    let names = members::names(&mut tx, portal, &everyone).await?;
    let name = |u: &UserId| names.get(u).cloned().unwrap_or_default();
    let list = |ids: &[UserId]| {
        let mut n: Vec<String> = ids.iter().map(name).collect();
        n.sort();
        n.join(", ")
    };

    let mut changes: Vec<(&str, String, String)> = Vec::new();
    let mut change = |field: &'static str, old: String, new: String| {
        if old != new {
            changes.push((field, old, new));
        }
    };
    change("title", access.title.clone(), form.title.clone());
    change(
        "description",
        old.description.clone(),
        form.description.clone(),
    );
    change(
        "responsible",
        name(&access.responsible),
        name(&form.responsible),
    );
    change(
        "co-executors",
        list(&old_people.accomplices),
        list(&form.people.accomplices),
    );
    change(
        "observers",
        list(&old_people.auditors),
        list(&form.people.auditors),
    );
    change(
        "priority",
        Priority::parse(&old.priority)
            .unwrap_or_default()
            .label()
            .to_owned(),
        form.priority.label().to_owned(),
    );
    change(
        "start",
        date_text(access.start_at),
        date_text(form.dates.start_at),
    );
    change(
        "end",
        date_text(access.end_at),
        date_text(form.dates.end_at),
    );
    change(
        "deadline",
        date_text(access.deadline),
        date_text(form.dates.deadline),
    );
    change(
        "estimate",
        old.estimate_minutes
            .map(|m| format!("{m} min"))
            .unwrap_or_default(),
        form.estimate_minutes
            .map(|m| format!("{m} min"))
            .unwrap_or_default(),
    );
    change(
        "review",
        if access.require_review {
            "required"
        } else {
            "not required"
        }
        .to_owned(),
        if form.require_review {
            "required"
        } else {
            "not required"
        }
        .to_owned(),
    );
    change("tags", old_tags.join(", "), form.tags.join(", "));
    let group_changed = access.group != form.group;
    let parent_changed = old.parent_id != form.parent;
    if group_changed {
        changes.push(("project", String::new(), String::new()));
    }
    if parent_changed {
        changes.push(("parent task", String::new(), String::new()));
    }
    if changes.is_empty() {
        return Ok(());
    }

    sqlx::query(
        "UPDATE tasks SET title = ?, description = ?, responsible_id = ?, priority = ?, group_id = ?, \
         parent_id = ?, start_at = ?, end_at = ?, deadline = ?, estimate_minutes = ?, \
         require_review = ?, activity_at = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(&form.title)
    .bind(&form.description)
    .bind(form.responsible)
    .bind(form.priority.as_str())
    .bind(form.group)
    .bind(form.parent)
    .bind(form.dates.start_at)
    .bind(form.dates.end_at)
    .bind(form.dates.deadline)
    .bind(form.estimate_minutes)
    .bind(i64::from(form.require_review))
    .bind(now)
    .bind(id)
    .bind(portal)
    .execute(&mut *tx)
    .await?;
    let status = TaskStatus::parse(&old.status).ok_or(AppError::Internal)?;
    write_members(
        &mut tx,
        portal,
        id,
        access.creator,
        form.responsible,
        &form.people,
        status,
        form.dates.deadline,
        now,
        caller.user_id,
    )
    .await?;
    write_tags(&mut tx, caller, id, &form.tags).await?;
    for (field, old, new) in &changes {
        history::record(&mut tx, portal, id, caller.user_id, now, field, old, new).await?;
    }

    let mut outgoing = Outgoing::new(portal);
    let fields: Vec<&str> = changes.iter().map(|(f, _, _)| *f).collect();
    let summary = format!(
        "{} changed {} of “{}”",
        caller.name,
        fields.join(", "),
        form.title
    );
    let mut newcomers: Vec<UserId> = vec![form.responsible];
    newcomers.extend(&form.people.accomplices);
    newcomers.extend(&form.people.auditors);
    let was_on = |u: &UserId| {
        *u == access.responsible
            || *u == access.creator
            || old_people.accomplices.contains(u)
            || old_people.auditors.contains(u)
    };
    for person in everyone.iter().filter(|p| **p != caller.user_id) {
        let title = if !was_on(person) && newcomers.contains(person) {
            format!("{} added you to the task “{}”", caller.name, form.title)
        } else {
            summary.clone()
        };
        outgoing
            .add(&mut tx, *person, "task", &title, &format!("/tasks/{id}"))
            .await?;
    }
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    let group = form.group.or(access.group);
    members::announce(
        state,
        portal,
        id,
        group,
        everyone,
        TaskEvent::TaskChanged { task_id: id },
    )
    .await;
    if group_changed && let Some(old_group) = access.group {
        members::announce(
            state,
            portal,
            id,
            Some(old_group),
            Vec::new(),
            TaskEvent::TaskChanged { task_id: id },
        )
        .await;
    }
    Ok(())
}

/// Deletes a task with its checklist, comments, files, history and dependencies; its
/// subtasks stay, no longer under it.
#[tracing::instrument(skip_all)]
pub async fn delete(state: &AppState, caller: &Caller, id: TaskId) -> AppResult<()> {
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, id).await?;
    access.require(access.rights().delete)?;
    let people = members::people_on(&mut tx, portal, id).await?;
    // The task's files go with it (and their thumbnails), once the task is gone.
    let files: Vec<crate::ids::FileId> = sqlx::query_scalar(
        "SELECT id FROM files WHERE portal_id = ? AND owner_kind = ? AND owner_ref = ?",
    )
    .bind(portal)
    .bind(super::files::FILE_KIND.kind)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for table in [
        "task_members",
        "task_tags",
        "task_checklist",
        "task_comments",
        "task_files",
        "task_history",
        "task_time",
    ] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE task_id = ? AND portal_id = ?"
        ))
        .bind(id)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "DELETE FROM task_links WHERE portal_id = ? AND (predecessor_id = ? OR successor_id = ?)",
    )
    .bind(portal)
    .bind(id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE tasks SET parent_id = NULL WHERE parent_id = ? AND portal_id = ?")
        .bind(id)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM tasks WHERE id = ? AND portal_id = ?")
        .bind(id)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    crate::files::ssr::delete_files(state, portal, &files).await?;
    members::announce(
        state,
        portal,
        id,
        access.group,
        people,
        TaskEvent::TaskRemoved { task_id: id },
    )
    .await;
    Ok(())
}
