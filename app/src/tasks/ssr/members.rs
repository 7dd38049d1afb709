//! The people on a task: checking who may be put on it, keeping `task_members` in step with
//! the task, and telling them about changes (bell notifications and live events).

use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{GroupId, PortalId, TaskId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::ssr::caller::Caller;
use crate::ssr::hub::Audience;
use crate::ssr::state::AppState;
use crate::tasks::types::TaskEvent;
use crate::tasks::types::{MAX_PARTICIPANTS, MemberRole, TaskStatus};
use sqlx::{Any, AnyConnection, QueryBuilder, Transaction};
use std::collections::HashMap;

/// The deadline stored in `task_members` for a task without one, so "nearest deadline
/// first" and "no deadline" are plain index ranges (a real deadline is always smaller).
pub const NO_DEADLINE: i64 = 9_999_999_999_999;

/// The people on a task besides its creator and responsible.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Participants {
    pub accomplices: Vec<UserId>,
    pub auditors: Vec<UserId>,
}

impl Participants {
    pub async fn load(conn: &mut AnyConnection, portal: PortalId, task: TaskId) -> AppResult<Self> {
        let rows: Vec<(UserId, String)> = sqlx::query_as(
            "SELECT user_id, role FROM task_members WHERE task_id = ? AND portal_id = ? \
             AND role IN ('accomplice', 'auditor') ORDER BY user_id",
        )
        .bind(task)
        .bind(portal)
        .fetch_all(conn)
        .await?;
        let mut out = Self::default();
        for (user, role) in rows {
            match MemberRole::parse(&role) {
                Some(MemberRole::Accomplice) => out.accomplices.push(user),
                Some(MemberRole::Auditor) => out.auditors.push(user),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Sorted, without duplicates, and without the responsible (who needs no other role);
    /// a co-executor is not also listed as an observer.
    pub fn normalised(mut self, responsible: UserId) -> AppResult<Self> {
        // The size first (the responsible may be listed once more, and is dropped below).
        if self.accomplices.len() + self.auditors.len() > MAX_PARTICIPANTS + 1 {
            return Err(AppError::invalid(format!(
                "A task can have at most {MAX_PARTICIPANTS} co-executors and observers."
            )));
        }
        for list in [&mut self.accomplices, &mut self.auditors] {
            list.sort();
            list.dedup();
            list.retain(|u| *u != responsible);
        }
        let accomplices = self.accomplices.clone();
        self.auditors.retain(|u| !accomplices.contains(u));
        if self.accomplices.len() + self.auditors.len() > MAX_PARTICIPANTS {
            return Err(AppError::invalid(format!(
                "A task can have at most {MAX_PARTICIPANTS} co-executors and observers."
            )));
        }
        Ok(self)
    }
}

/// Refuses anyone who is not an active person of the caller's portal, and outside partners
/// (extranet users) unless they belong to the task's group.
pub async fn check_people(
    conn: &mut AnyConnection,
    caller: &Caller,
    group: Option<GroupId>,
    people: &[UserId],
) -> AppResult<()> {
    let mut wanted: Vec<UserId> = people.to_vec();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT u.id, u.role, gm.role FROM users u LEFT JOIN workgroup_members gm \
         ON gm.user_id = u.id AND gm.portal_id = u.portal_id AND gm.group_id = ",
    );
    qb.push_bind(group.map(|g| g.0).unwrap_or(0))
        .push(" WHERE u.is_active = 1 AND u.portal_id = ")
        .push_bind(caller.portal_id())
        .push(" AND u.id IN (");
    let mut ids = qb.separated(", ");
    for id in &wanted {
        ids.push_bind(*id);
    }
    qb.push(")");
    let found: Vec<(UserId, String, Option<String>)> =
        qb.build_query_as().fetch_all(&mut *conn).await?;
    if found.len() != wanted.len() {
        return Err(AppError::invalid(
            "Someone you chose is not a member of this portal.",
        ));
    }
    // An outside partner names only people of the task's group (or themselves): they cannot
    // pull arbitrary employees onto a task, nor probe who works here.
    if caller.role == Role::Extranet
        && found
            .iter()
            .any(|(id, _, in_group)| in_group.is_none() && *id != caller.user_id)
    {
        return Err(AppError::invalid(
            "You can only involve people of this task's group.",
        ));
    }
    if found
        .iter()
        .any(|(_, role, in_group)| Role::parse(role) == Some(Role::Extranet) && in_group.is_none())
    {
        return Err(AppError::invalid(
            "Outside partners can only work on tasks of a group they belong to.",
        ));
    }
    Ok(())
}

/// Rewrites the task's rows in `task_members` from its people and state. The actor has seen
/// the task as it is now; for everyone else something changed that they have not seen.
#[allow(clippy::too_many_arguments)]
pub async fn write_members(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    task: TaskId,
    creator: UserId,
    responsible: UserId,
    people: &Participants,
    status: TaskStatus,
    deadline: Option<i64>,
    activity_at: i64,
    actor: UserId,
) -> AppResult<()> {
    sqlx::query("DELETE FROM task_members WHERE task_id = ? AND portal_id = ?")
        .bind(task)
        .bind(portal)
        .execute(&mut **tx)
        .await?;
    let mut rows: Vec<(UserId, MemberRole)> = vec![(responsible, MemberRole::Responsible)];
    if creator != responsible {
        rows.push((creator, MemberRole::Creator));
    }
    rows.extend(
        people
            .accomplices
            .iter()
            .map(|u| (*u, MemberRole::Accomplice)),
    );
    rows.extend(people.auditors.iter().map(|u| (*u, MemberRole::Auditor)));
    let mut qb = QueryBuilder::<Any>::new(
        "INSERT INTO task_members (task_id, portal_id, user_id, role, is_open, deadline, activity_at, unseen) ",
    );
    qb.push_values(rows, |mut row, (user, role)| {
        row.push_bind(task)
            .push_bind(portal)
            .push_bind(user)
            .push_bind(role.as_str())
            .push_bind(i64::from(status.is_open()))
            .push_bind(deadline.unwrap_or(NO_DEADLINE))
            .push_bind(activity_at)
            .push_bind(i64::from(user != actor));
    });
    qb.build().execute(&mut **tx).await?;
    Ok(())
}

/// After a change that leaves the people as they are: the task's new state in its member
/// rows, and "something new" for everyone but the actor.
pub async fn touch(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    task: TaskId,
    status: TaskStatus,
    deadline: Option<i64>,
    now: i64,
    actor: UserId,
) -> AppResult<()> {
    sqlx::query("UPDATE tasks SET activity_at = ? WHERE id = ? AND portal_id = ?")
        .bind(now)
        .bind(task)
        .bind(portal)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE task_members SET is_open = ?, deadline = ?, activity_at = ?, \
         unseen = CASE WHEN user_id = ? THEN 0 ELSE 1 END WHERE task_id = ? AND portal_id = ?",
    )
    .bind(i64::from(status.is_open()))
    .bind(deadline.unwrap_or(NO_DEADLINE))
    .bind(now)
    .bind(actor)
    .bind(task)
    .bind(portal)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Everyone on the task (any role).
pub async fn people_on(
    conn: &mut AnyConnection,
    portal: PortalId,
    task: TaskId,
) -> AppResult<Vec<UserId>> {
    let mut people: Vec<UserId> =
        sqlx::query_scalar("SELECT user_id FROM task_members WHERE task_id = ? AND portal_id = ?")
            .bind(task)
            .bind(portal)
            .fetch_all(conn)
            .await?;
    people.sort();
    people.dedup();
    Ok(people)
}

/// Names of people, for history entries and notifications.
pub async fn names(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[UserId],
) -> AppResult<HashMap<UserId, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new("SELECT id, name FROM users WHERE portal_id = ");
    qb.push_bind(portal).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<(UserId, String)> = qb.build_query_as().fetch_all(conn).await?;
    Ok(rows.into_iter().collect())
}

/// Bell notifications for `people` except the actor, stored in the transaction.
pub async fn notify(
    tx: &mut Transaction<'_, Any>,
    outgoing: &mut Outgoing,
    people: &[UserId],
    actor: UserId,
    task: TaskId,
    title: &str,
) -> AppResult<()> {
    let link = format!("/tasks/{task}");
    for person in people.iter().filter(|p| **p != actor) {
        outgoing.add(tx, *person, "task", title, &link).await?;
    }
    Ok(())
}

/// After the commit: everyone on the task, and the members of its group (whose lists, boards
/// and Gantt charts show it), hear that it changed.
pub async fn announce(
    state: &AppState,
    portal: PortalId,
    task: TaskId,
    group: Option<GroupId>,
    mut people: Vec<UserId>,
    event: TaskEvent,
) {
    if let Some(group) = group {
        match sqlx::query_scalar::<_, UserId>(
            "SELECT user_id FROM workgroup_members WHERE group_id = ? AND portal_id = ?",
        )
        .bind(group)
        .bind(portal)
        .fetch_all(&state.db.reader)
        .await
        {
            Ok(members) => people.extend(members),
            Err(e) => tracing::warn!(error = %e, %task, "task change not announced to its group"),
        }
    }
    people.sort();
    people.dedup();
    state
        .hub
        .publish(portal, Audience::Users(people), event)
        .await;
}

/// After the commit: tells everyone on these tasks (and their groups) that they changed, so
/// open pages reload.
pub async fn announce_changed(
    state: &AppState,
    caller: &Caller,
    tasks: &[(TaskId, Option<crate::ids::GroupId>)],
) {
    for (task, group) in tasks {
        let people = match state.db.reader.acquire().await {
            Ok(mut conn) => people_on(&mut conn, caller.portal_id(), *task)
                .await
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        announce(
            state,
            caller.portal_id(),
            *task,
            *group,
            people,
            TaskEvent::TaskChanged { task_id: *task },
        )
        .await;
    }
}

/// The end of most changes to a task: a line in its history, the task marked as changed for
/// everyone on it, the commit, then the live event.
#[allow(clippy::too_many_arguments)]
pub async fn finish_change(
    state: &AppState,
    caller: &Caller,
    mut tx: Transaction<'static, Any>,
    access: &super::access::TaskAccess,
    now: i64,
    field: &str,
    old: &str,
    new: &str,
) -> AppResult<()> {
    let portal = caller.portal_id();
    super::history::record(
        &mut tx,
        portal,
        access.id,
        caller.user_id,
        now,
        field,
        old,
        new,
    )
    .await?;
    touch(
        &mut tx,
        portal,
        access.id,
        access.status,
        access.deadline,
        now,
        caller.user_id,
    )
    .await?;
    tx.commit().await?;
    announce_changed(state, caller, &[(access.id, access.group)]).await;
    Ok(())
}
