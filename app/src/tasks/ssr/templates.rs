//! Task templates and the scheduler that creates recurring tasks.
//!
//! A template is its owner's: only they see, edit, use or delete it. Using one creates the task
//! at once, with its deadline the template's offset from now. A recurring template is due at
//! `next_run_at`; the scheduler (on every node, every few seconds) claims each due time by
//! inserting the key (template, due time) into `task_template_runs` in the same transaction
//! that creates the task. Another node's claim of the same key waits for that transaction and
//! then fails on the key, so each due time makes exactly one task, however many nodes run. A
//! node that was down does not make up for every missed time: the latest one makes one task,
//! and the schedule goes on from now.

use super::write::{self, EARLIEST, LATEST};
use crate::error::{AppError, AppResult};
use crate::ids::{PortalId, TaskId, TemplateId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::ssr::caller::{Caller, caller_for_user};
use crate::ssr::db::Reader;
use crate::ssr::db::{Db, Writer, insert_id};
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::templates::{
    MAX_TEMPLATE_CHARS, MAX_TEMPLATE_NAME_CHARS, MAX_TEMPLATES, Repeat, TaskTemplate, TemplateForm,
};
use crate::tasks::types::TaskForm;

/// The longest deadline offset: a year.
const MAX_DEADLINE_AFTER_MINUTES: i64 = 525_600;
/// Due templates one scheduler pass takes on.
const BATCH: i64 = 100;

#[derive(sqlx::FromRow)]
struct Row {
    id: TemplateId,
    name: String,
    form: String,
    repeat_every: Option<String>,
    repeat_anchor: Option<i64>,
    next_run_at: Option<i64>,
    last_task: Option<TaskId>,
}

const COLUMNS: &str = "SELECT t.id, t.name, t.form, t.repeat_every, t.repeat_anchor, \
     t.next_run_at, (SELECT r.task_id FROM task_template_runs r WHERE r.template_id = t.id \
     AND r.portal_id = t.portal_id ORDER BY r.due_at DESC LIMIT 1) AS last_task \
     FROM task_templates t";

/// What a template stores besides its name and schedule.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    task: TaskForm,
    deadline_after_minutes: Option<i64>,
}

impl Row {
    fn template(self) -> AppResult<TaskTemplate> {
        let stored: Stored = serde_json::from_str(&self.form).map_err(|_| AppError::Internal)?;
        Ok(TaskTemplate {
            id: self.id,
            form: TemplateForm {
                name: self.name,
                task: stored.task,
                deadline_after_minutes: stored.deadline_after_minutes,
                repeat: self.repeat_every.as_deref().and_then(Repeat::parse),
                first_at: self.repeat_anchor,
            },
            next_run_at: self.next_run_at,
            last_task: self.last_task,
        })
    }
}

/// The caller's templates, by name.
pub async fn list(pool: &Reader, caller: &Caller) -> AppResult<Vec<TaskTemplate>> {
    let sql = format!("{COLUMNS} WHERE t.portal_id = ? AND t.owner_id = ? ORDER BY t.name, t.id");
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Row::template).collect()
}

async fn own(pool: &Reader, caller: &Caller, id: TemplateId) -> AppResult<TaskTemplate> {
    let sql = format!("{COLUMNS} WHERE t.id = ? AND t.portal_id = ? AND t.owner_id = ?");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .fetch_optional(pool)
        .await?;
    row.ok_or(AppError::NotFound)?.template()
}

/// The task a template makes when due at `at`: no dates of its own but the deadline offset.
fn task_at(template: &TaskTemplate, at: i64) -> TaskForm {
    TaskForm {
        start_at: None,
        end_at: None,
        deadline: template
            .form
            .deadline_after_minutes
            .map(|m| at + m * 60_000),
        checklist: template.form.task.checklist.clone(),
        ..template.form.task.clone()
    }
}

/// Creates or (with `id`) changes one of the caller's templates.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    caller: &Caller,
    id: Option<TemplateId>,
    form: &TemplateForm,
) -> AppResult<TemplateId> {
    if let Some(id) = id {
        // Someone else's template does not exist for the caller, whatever the form says.
        own(&state.db.reader, caller, id).await?;
    }
    let name = crate::validate::required("name", &form.name, MAX_TEMPLATE_NAME_CHARS)?;
    let task = TaskForm {
        start_at: None,
        end_at: None,
        deadline: None,
        ..form.task.clone()
    };
    if form
        .deadline_after_minutes
        .is_some_and(|m| !(0..=MAX_DEADLINE_AFTER_MINUTES).contains(&m))
    {
        return Err(AppError::invalid(
            "The deadline must come between 0 and 365 days after the task is created.",
        ));
    }
    let now = now_ms();
    let (repeat, anchor, next) = match (form.repeat, form.first_at) {
        (None, _) => (None, None, None),
        (Some(_), None) => {
            return Err(AppError::invalid(
                "Choose when the first recurring task is due.",
            ));
        }
        (Some(_), Some(first)) if !(EARLIEST..LATEST).contains(&first) => {
            return Err(AppError::invalid(
                "The first date must be between the years 2000 and 2199.",
            ));
        }
        (Some(repeat), Some(first)) => (
            Some(repeat.as_str()),
            Some(first),
            Some(if first > now {
                first
            } else {
                repeat.next_after(first, now, &caller.zone())
            }),
        ),
    };
    // The same checks as a new task: title, people of this portal, a group the caller is in.
    let checked = write::checked(&task, caller)?;
    let stored = serde_json::to_string(&Stored {
        task,
        deadline_after_minutes: form.deadline_after_minutes,
    })
    .map_err(|_| AppError::Internal)?;
    if stored.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(AppError::invalid(format!(
            "This template is too big to keep: at most {MAX_TEMPLATE_CHARS} characters of text \
             in all (title, description, checklist)."
        )));
    }
    let portal = caller.portal_id();
    let mut tx = state.db.begin().await?;
    write::check_references(&mut tx, caller, &checked, None).await?;
    let id = match id {
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE task_templates SET name = ?, form = ?, repeat_every = ?, repeat_anchor = ?, \
                 next_run_at = ? WHERE id = ? AND portal_id = ? AND owner_id = ?",
            )
            .bind(&name)
            .bind(&stored)
            .bind(repeat)
            .bind(anchor)
            .bind(next)
            .bind(id)
            .bind(portal)
            .bind(caller.user_id)
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM task_templates WHERE portal_id = ? AND owner_id = ?",
            )
            .bind(portal)
            .bind(caller.user_id)
            .fetch_one(&mut *tx)
            .await?;
            if count >= MAX_TEMPLATES {
                return Err(AppError::invalid(format!(
                    "You can keep at most {MAX_TEMPLATES} templates; delete one you no longer use."
                )));
            }
            TemplateId(
                insert_id(
                    &mut tx,
                    sqlx::query(
                        "INSERT INTO task_templates (portal_id, owner_id, name, form, repeat_every, \
                         repeat_anchor, next_run_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(portal)
                    .bind(caller.user_id)
                    .bind(&name)
                    .bind(&stored)
                    .bind(repeat)
                    .bind(anchor)
                    .bind(next)
                    .bind(now),
                )
                .await?,
            )
        }
    };
    tx.commit().await?;
    Ok(id)
}

pub async fn delete(writer: &Writer, caller: &Caller, id: TemplateId) -> AppResult<()> {
    let deleted =
        sqlx::query("DELETE FROM task_templates WHERE id = ? AND portal_id = ? AND owner_id = ?")
            .bind(id)
            .bind(caller.portal_id())
            .bind(caller.user_id)
            .execute(writer)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A task from one of the caller's templates, now.
pub async fn use_template(state: &AppState, caller: &Caller, id: TemplateId) -> AppResult<TaskId> {
    let template = own(&state.db.reader, caller, id).await?;
    write::create(state, caller, &task_at(&template, now_ms())).await
}

/// One scheduler pass: creates the recurring tasks that are due. Answers how many it made.
#[tracing::instrument(skip_all)]
pub async fn run_due(state: &AppState) -> AppResult<usize> {
    let now = now_ms();
    // The scheduler's one query over all portals: each due template is then handled within
    // its own portal.
    let due: Vec<(TemplateId, PortalId, UserId, i64)> = sqlx::query_as(
        "SELECT id, portal_id, owner_id, next_run_at FROM task_templates \
         WHERE next_run_at <= ? ORDER BY next_run_at LIMIT ?",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(&state.db.reader)
    .await?;
    let mut made = 0;
    for (id, portal, owner, due_at) in due {
        match run_one(state, id, portal, owner, due_at, now).await {
            Ok(true) => made += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(template = id.0, error = %e, "recurring task failed"),
        }
    }
    Ok(made)
}

/// Makes the task of one due time, unless another node already did. True when it made one.
async fn run_one(
    state: &AppState,
    id: TemplateId,
    portal: PortalId,
    owner: UserId,
    due_at: i64,
    now: i64,
) -> AppResult<bool> {
    let Some(caller) = caller_for_user(&state.db.reader, portal, owner).await? else {
        // The owner left: nobody to create the task for. The schedule stops.
        sqlx::query("UPDATE task_templates SET next_run_at = NULL WHERE id = ? AND portal_id = ?")
            .bind(id)
            .bind(portal)
            .execute(&state.db.writer)
            .await?;
        return Ok(false);
    };
    let mut tx = state.db.begin().await?;
    if !claim(&mut tx, id, portal, due_at, now).await? {
        return Ok(false);
    }
    // Read under the claim: the template may have been changed or deleted meanwhile.
    let sql = format!("{COLUMNS} WHERE t.id = ? AND t.portal_id = ? AND t.next_run_at = ?");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .bind(portal)
        .bind(due_at)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(template) = row.map(Row::template).transpose()? else {
        return Ok(false);
    };
    let Some(repeat) = template.form.repeat else {
        return Ok(false);
    };
    let anchor = template.form.first_at.unwrap_or(due_at);
    let next = repeat.next_after(anchor, now.max(due_at), &caller.zone());
    // The template was checked when saved; this is cheap and the run is one task.
    let inserted = match write::checked(&task_at(&template, due_at), &caller) {
        Ok(form) => write::insert(&mut tx, &caller, &form).await,
        Err(e) => Err(e),
    };
    match inserted {
        Ok(created) => {
            sqlx::query(
                "UPDATE task_template_runs SET task_id = ? WHERE template_id = ? AND due_at = ?",
            )
            .bind(created.id)
            .bind(id)
            .bind(due_at)
            .execute(&mut *tx)
            .await?;
            reschedule(&mut tx, id, portal, next).await?;
            tx.commit().await?;
            created.announce(state, &caller).await;
            Ok(true)
        }
        Err(error) => {
            // The template no longer makes a valid task (someone on it left, say): the due
            // time is spent, and the owner is told why.
            drop(tx);
            let mut tx = state.db.begin().await?;
            if !claim(&mut tx, id, portal, due_at, now).await? {
                return Ok(false);
            }
            reschedule(&mut tx, id, portal, next).await?;
            let mut outgoing = Outgoing::new(portal);
            let title = format!(
                "Your recurring task “{}” could not be created: {error}",
                template.form.name
            );
            outgoing
                .add(&mut tx, owner, "task", &title, "/tasks/templates")
                .await?;
            tx.commit().await?;
            outgoing.publish(&state.hub).await;
            Ok(false)
        }
    }
}

/// Claims a due time for this transaction; false when another node has it.
async fn claim(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: TemplateId,
    portal: PortalId,
    due_at: i64,
    now: i64,
) -> AppResult<bool> {
    let claimed = sqlx::query(
        "INSERT INTO task_template_runs (template_id, due_at, portal_id, task_id, created_at) \
         VALUES (?, ?, ?, NULL, ?)",
    )
    .bind(id)
    .bind(due_at)
    .bind(portal)
    .bind(now)
    .execute(&mut **tx)
    .await;
    match claimed {
        Ok(_) => Ok(true),
        Err(e) if Db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

async fn reschedule(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: TemplateId,
    portal: PortalId,
    next: i64,
) -> AppResult<()> {
    sqlx::query("UPDATE task_templates SET next_run_at = ? WHERE id = ? AND portal_id = ?")
        .bind(next)
        .bind(id)
        .bind(portal)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Runs the scheduler every few seconds, for as long as the server runs.
pub async fn scheduler(state: AppState) {
    loop {
        if let Err(e) = run_due(&state).await {
            tracing::warn!(error = %e, "scheduler pass failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}
