//! Comments on a task. Everyone who sees the task may comment; people mentioned who are not
//! on it yet become observers, so the mention reaches someone who can read it.

use super::access::TaskAccess;
use super::members::{self, Participants, check_people, write_members};
use crate::error::{AppError, AppResult};
use crate::ids::{PortalId, TaskCommentId, TaskId, UserId};
use crate::notifications::ssr::Outgoing;
use crate::rich;
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::db::insert_id;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::tasks::types::TaskEvent;
use crate::tasks::types::{MAX_COMMENT_CHARS, TaskComment};

#[tracing::instrument(skip_all)]
pub async fn add(
    state: &AppState,
    caller: &Caller,
    task: TaskId,
    body: &str,
) -> AppResult<TaskCommentId> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("Write something in the comment first."));
    }
    let length = body.chars().count();
    if length > MAX_COMMENT_CHARS {
        return Err(AppError::invalid(format!(
            "The comment is too long: {length} characters, at most {MAX_COMMENT_CHARS}."
        )));
    }
    let mentioned = rich::mentions(&rich::parse(body));
    let portal = caller.portal_id();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = TaskAccess::load(&mut tx, caller, task).await?;
    access.require(access.rights().comment)?;
    check_people(&mut tx, caller, access.group, &mentioned)
        .await
        .map_err(|_| AppError::invalid("Someone you mentioned cannot be added to this task."))?;
    let id = TaskCommentId(
        insert_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO task_comments (portal_id, task_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(portal)
            .bind(task)
            .bind(caller.user_id)
            .bind(body)
            .bind(now),
        )
        .await?,
    );
    let before = members::people_on(&mut tx, portal, task).await?;
    let newcomers: Vec<UserId> = mentioned
        .iter()
        .copied()
        .filter(|m| !before.contains(m))
        .collect();
    if newcomers.is_empty() {
        members::touch(
            &mut tx,
            portal,
            task,
            access.status,
            access.deadline,
            now,
            caller.user_id,
        )
        .await?;
    } else {
        let mut people = Participants::load(&mut tx, portal, task).await?;
        people.auditors.extend(&newcomers);
        let people = people.normalised(access.responsible)?;
        sqlx::query("UPDATE tasks SET activity_at = ? WHERE id = ? AND portal_id = ?")
            .bind(now)
            .bind(task)
            .bind(portal)
            .execute(&mut *tx)
            .await?;
        write_members(
            &mut tx,
            portal,
            task,
            access.creator,
            access.responsible,
            &people,
            access.status,
            access.deadline,
            now,
            caller.user_id,
        )
        .await?;
    }
    let preview = rich::plain_text(&rich::parse(body), 80);
    let mut outgoing = Outgoing::new(portal);
    for person in before.iter().chain(&newcomers) {
        if *person == caller.user_id {
            continue;
        }
        let title = if mentioned.contains(person) {
            format!(
                "{} mentioned you on “{}”: {preview}",
                caller.name, access.title
            )
        } else {
            format!("{} commented on “{}”: {preview}", caller.name, access.title)
        };
        outgoing
            .add(&mut tx, *person, "task", &title, &format!("/tasks/{task}"))
            .await?;
    }
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    let mut people = before;
    people.extend(newcomers);
    members::announce(
        state,
        portal,
        task,
        access.group,
        people,
        TaskEvent::TaskChanged { task_id: task },
    )
    .await;
    Ok(id)
}

/// The newest 200 comments, oldest first.
pub async fn load(pool: &Reader, portal: PortalId, task: TaskId) -> AppResult<Vec<TaskComment>> {
    let rows: Vec<(
        TaskCommentId,
        UserId,
        String,
        Option<crate::ids::FileId>,
        String,
        i64,
    )> = sqlx::query_as(
        "SELECT c.id, c.author_id, u.name, u.photo_file_id, c.body, c.created_at \
         FROM task_comments c JOIN users u ON u.id = c.author_id AND u.portal_id = c.portal_id \
         WHERE c.portal_id = ? AND c.task_id = ? ORDER BY c.id DESC LIMIT 200",
    )
    .bind(portal)
    .bind(task)
    .fetch_all(pool)
    .await?;
    let mut comments: Vec<TaskComment> = rows
        .into_iter()
        .rev()
        .map(|(id, author, name, photo, body, created_at)| TaskComment {
            id,
            author: Author::new(author, name, photo),
            body: rich::parse(&body),
            created_at,
        })
        .collect();
    let bodies: Vec<_> = comments.iter_mut().map(|c| &mut c.body).collect();
    rich::names::resolve(pool, portal, bodies).await?;
    Ok(comments)
}
