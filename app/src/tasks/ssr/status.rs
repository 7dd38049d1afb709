//! Moving a task along: status changes, delegation, and new dates (the Gantt chart's drag).

use super::access::TaskAccess;
use super::history;
use super::members::{self, Participants, check_people, touch, write_members};
use super::write::{Dates, date_text};
use crate::error::{AppError, AppResult};
use crate::feed::ssr::entries;
use crate::feed::types::Recipients;
use crate::ids::{TaskId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::ssr::caller::Caller;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::TaskEvent;
use crate::tasks::types::{TaskAction, TaskStatus};

/// Starts, pauses, completes, accepts, returns, defers or reopens a task.
#[tracing::instrument(skip_all)]
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: TaskId,
    action: TaskAction,
) -> AppResult<TaskStatus> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, id).await?;
    let status = access.apply(action)?;
    let closed_at = (status == TaskStatus::Done).then_some(now);
    sqlx::query("UPDATE tasks SET status = ?, closed_at = ? WHERE id = ? AND portal_id = ?")
        .bind(status.as_str())
        .bind(closed_at)
        .bind(id)
        .bind(portal)
        .execute(&mut *tx)
        .await?;
    touch(
        &mut tx,
        portal,
        id,
        status,
        access.deadline,
        now,
        caller.user_id,
    )
    .await?;
    history::record(
        &mut tx,
        portal,
        id,
        caller.user_id,
        now,
        "status",
        access.status.label(),
        status.label(),
    )
    .await?;
    let people = members::people_on(&mut tx, portal, id).await?;
    let mut outgoing = Outgoing::new(portal);
    let title = match status {
        TaskStatus::Review => format!(
            "{} finished “{}”: please review the work",
            caller.name, access.title
        ),
        _ => format!(
            "{} changed the status of “{}” to {}",
            caller.name,
            access.title,
            status.label()
        ),
    };
    members::notify(&mut tx, &mut outgoing, &people, caller.user_id, id, &title).await?;
    let entry = if status == TaskStatus::Done {
        let recipients = match access.group {
            Some(group) => Recipients {
                groups: vec![group],
                ..Default::default()
            },
            None => Recipients {
                people: people.clone(),
                ..Default::default()
            },
        };
        Some(
            entries::publish(
                &mut tx,
                portal,
                caller.user_id,
                entries::TASK_DONE,
                &serde_json::json!({ "task_id": id.0, "title": access.title }),
                &recipients,
            )
            .await?,
        )
    } else {
        None
    };
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    members::announce(
        state,
        portal,
        id,
        access.group,
        people,
        TaskEvent::TaskChanged { task_id: id },
    )
    .await;
    if let Some(entry) = entry {
        entries::announce(state, portal, entry, caller.user_id).await;
    }
    Ok(status)
}

/// Hands the task to someone else. The previous responsible stays on it as an observer.
#[tracing::instrument(skip_all)]
pub async fn delegate(state: &AppState, caller: &Caller, id: TaskId, to: UserId) -> AppResult<()> {
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, id).await?;
    access.require(access.rights().delegate)?;
    if to == access.responsible {
        return Err(AppError::invalid("The task is already theirs."));
    }
    check_people(&mut tx, caller, access.group, &[to]).await?;
    let mut people = Participants::load(&mut tx, portal, id).await?;
    if access.responsible != access.creator {
        people.auditors.push(access.responsible);
    }
    let people = people.normalised(to)?;
    sqlx::query(
        "UPDATE tasks SET responsible_id = ?, activity_at = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(portal)
    .execute(&mut *tx)
    .await?;
    write_members(
        &mut tx,
        portal,
        id,
        access.creator,
        to,
        &people,
        access.status,
        access.deadline,
        now,
        caller.user_id,
    )
    .await?;
    let names = members::names(&mut tx, portal, &[access.responsible, to]).await?;
    let name = |u: UserId| names.get(&u).cloned().unwrap_or_default();
    history::record(
        &mut tx,
        portal,
        id,
        caller.user_id,
        now,
        "responsible",
        &name(access.responsible),
        &name(to),
    )
    .await?;
    let everyone = members::people_on(&mut tx, portal, id).await?;
    let mut outgoing = Outgoing::new(portal);
    outgoing
        .add(
            &mut tx,
            to,
            "task",
            &format!("{} handed you the task “{}”", caller.name, access.title),
            &format!("/tasks/{id}"),
        )
        .await?;
    let others: Vec<UserId> = everyone.iter().copied().filter(|u| *u != to).collect();
    let title = format!("{} handed “{}” to {}", caller.name, access.title, name(to));
    members::notify(&mut tx, &mut outgoing, &others, caller.user_id, id, &title).await?;
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    members::announce(
        state,
        portal,
        id,
        access.group,
        everyone,
        TaskEvent::TaskChanged { task_id: id },
    )
    .await;
    Ok(())
}

/// New start, end and deadline (from the task page or a bar dragged on the Gantt chart).
#[tracing::instrument(skip_all)]
pub async fn set_dates(
    state: &AppState,
    caller: &Caller,
    id: TaskId,
    dates: Dates,
) -> AppResult<()> {
    let dates = dates.checked()?;
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, id).await?;
    access.require(access.rights().change_dates)?;
    let old = Dates {
        start_at: access.start_at,
        end_at: access.end_at,
        deadline: access.deadline,
    };
    if old == dates {
        return Ok(());
    }
    super::links::check_dates(&mut tx, caller, id, dates).await?;
    sqlx::query(
        "UPDATE tasks SET start_at = ?, end_at = ?, deadline = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(dates.start_at)
    .bind(dates.end_at)
    .bind(dates.deadline)
    .bind(id)
    .bind(portal)
    .execute(&mut *tx)
    .await?;
    touch(
        &mut tx,
        portal,
        id,
        access.status,
        dates.deadline,
        now,
        caller.user_id,
    )
    .await?;
    let mut changed = Vec::new();
    for (field, before, after) in [
        ("start", old.start_at, dates.start_at),
        ("end", old.end_at, dates.end_at),
        ("deadline", old.deadline, dates.deadline),
    ] {
        if before != after {
            history::record(
                &mut tx,
                portal,
                id,
                caller.user_id,
                now,
                field,
                &date_text(before),
                &date_text(after),
            )
            .await?;
            changed.push(field);
        }
    }
    let people = members::people_on(&mut tx, portal, id).await?;
    let mut outgoing = Outgoing::new(portal);
    let title = format!(
        "{} changed the {} of “{}”",
        caller.name,
        changed.join(" and "),
        access.title
    );
    members::notify(&mut tx, &mut outgoing, &people, caller.user_id, id, &title).await?;
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    members::announce(
        state,
        portal,
        id,
        access.group,
        people,
        TaskEvent::TaskChanged { task_id: id },
    )
    .await;
    Ok(())
}
