//! Opening and shaping chats: one-to-one, group chats (name, picture, people, owner), and the
//! chats of workgroups and tasks.

use super::access::{CHAT_COLUMNS, ChatAccess, ChatRow, direct_key, member_ids, sync_members};
use super::send::{Failure, Insert, insert};
use super::{list, presence};
use crate::auth::types::Role;
use crate::chat::types::ChatEvent;
use crate::chat::types::{ChatKind, ChatMember, ChatView, MAX_CHAT_MEMBERS, NewChat, Presence};
use crate::error::{AppError, AppResult};
use crate::ids::{ChatId, FileId, GroupId, MessageId, TaskId, UserId};
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::{Db, insert_id};
use crate::ssr::hub::Audience;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::{Any, AnyConnection, QueryBuilder};

/// Members listed with an open chat.
const LISTED_MEMBERS: i64 = 200;

/// An open chat: its summary, people (with presence and read positions) and rights.
#[tracing::instrument(skip_all)]
pub async fn view(state: &AppState, caller: &Caller, id: ChatId) -> AppResult<ChatView> {
    let mut conn = state.db.reader.acquire().await?;
    let access = ChatAccess::load(&mut conn, caller, id).await?;
    let summary = list::one(&mut conn, caller, id).await?;
    let rows: Vec<(UserId, String, Option<FileId>, i64)> = sqlx::query_as(
        "SELECT u.id, u.name, u.photo_file_id, m.last_read_seq FROM chat_members m \
         JOIN users u ON u.id = m.user_id AND u.portal_id = m.portal_id \
         WHERE m.chat_id = ? AND m.portal_id = ? \
         ORDER BY CASE WHEN u.id = ? THEN 0 ELSE 1 END, u.name, u.id LIMIT ?",
    )
    .bind(id)
    .bind(caller.portal_id())
    .bind(access.chat.owner_id.unwrap_or(UserId(0)))
    .bind(LISTED_MEMBERS)
    .fetch_all(&mut *conn)
    .await?;
    let member_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM chat_members WHERE chat_id = ? AND portal_id = ?")
            .bind(id)
            .bind(caller.portal_id())
            .fetch_one(&mut *conn)
            .await?;
    let ids: Vec<UserId> = rows.iter().map(|r| r.0).collect();
    let presence = presence::lookup(&mut conn, caller.portal_id(), &ids).await?;
    let members = rows
        .into_iter()
        .map(|(user, name, photo, last_read_seq)| ChatMember {
            is_owner: access.chat.owner_id == Some(user),
            presence: presence.get(&user).copied().unwrap_or(Presence::OFFLINE),
            user: Author::new(user, name, photo),
            last_read_seq,
        })
        .collect();
    Ok(ChatView {
        summary,
        members,
        member_count,
        can_manage: access.can_manage(),
        can_leave: access.chat.kind() == ChatKind::Group,
        call: super::calls::summary(&mut conn, caller.portal_id(), id).await?,
    })
}

/// The one-to-one chat with a colleague, made on first use.
#[tracing::instrument(skip_all)]
pub async fn open_direct(state: &AppState, caller: &Caller, with: UserId) -> AppResult<ChatId> {
    caller.require_employee()?;
    if with == caller.user_id {
        return Err(AppError::invalid("Choose someone other than yourself."));
    }
    let portal = caller.portal_id();
    let key = direct_key(caller.user_id, with);
    let existing: Option<ChatId> =
        sqlx::query_scalar("SELECT id FROM chats WHERE portal_id = ? AND direct_key = ?")
            .bind(portal)
            .bind(&key)
            .fetch_optional(&state.db.reader)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let mut tx = state.db.begin().await?;
    check_people(&mut tx, caller, &[with]).await?;
    let now = now_ms();
    let created = insert_id(
        &mut tx,
        sqlx::query(
            "INSERT INTO chats (portal_id, kind, direct_key, activity_at, created_by, created_at) \
             VALUES (?, 'direct', ?, ?, ?, ?)",
        )
        .bind(portal)
        .bind(&key)
        .bind(now)
        .bind(caller.user_id)
        .bind(now),
    )
    .await;
    let id = match created {
        Ok(id) => ChatId(id),
        Err(e) if Db::is_unique_violation(&e) => {
            // Both opened it at once: the other one made it.
            drop(tx);
            return sqlx::query_scalar(
                "SELECT id FROM chats WHERE portal_id = ? AND direct_key = ?",
            )
            .bind(portal)
            .bind(&key)
            .fetch_one(&state.db.reader)
            .await
            .map_err(AppError::from);
        }
        Err(e) => return Err(e.into()),
    };
    add_rows(&mut tx, caller, id, &[caller.user_id, with], 0, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// A new group chat, owned by the caller.
#[tracing::instrument(skip_all)]
pub async fn create_group(state: &AppState, caller: &Caller, new: &NewChat) -> AppResult<ChatId> {
    caller.require_employee()?;
    let title = crate::validate::required("Chat name", &new.title, 120)?;
    // The size first (the caller may be listed too, and is dropped below).
    if new.members.len() > MAX_CHAT_MEMBERS {
        return Err(AppError::invalid(format!(
            "A group chat can have at most {MAX_CHAT_MEMBERS} people."
        )));
    }
    let mut people: Vec<UserId> = new.members.clone();
    people.retain(|u| *u != caller.user_id);
    people.sort();
    people.dedup();
    if people.is_empty() {
        return Err(AppError::invalid("Add at least one person to the chat."));
    }
    if people.len() + 1 > MAX_CHAT_MEMBERS {
        return Err(AppError::invalid(format!(
            "A group chat can have at most {MAX_CHAT_MEMBERS} people."
        )));
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    check_people(&mut tx, caller, &people).await?;
    if let Some(avatar) = new.avatar {
        check_avatar(&mut tx, caller, avatar).await?;
    }
    let id = ChatId(
        insert_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO chats (portal_id, kind, title, avatar_file_id, owner_id, activity_at, created_by, created_at) \
                 VALUES (?, 'group', ?, ?, ?, ?, ?, ?)",
            )
            .bind(caller.portal_id())
            .bind(&title)
            .bind(new.avatar)
            .bind(caller.user_id)
            .bind(now)
            .bind(caller.user_id)
            .bind(now),
        )
        .await?,
    );
    if let Some(avatar) = new.avatar {
        claim_avatar(&mut tx, caller, id, avatar).await?;
    }
    people.push(caller.user_id);
    add_rows(&mut tx, caller, id, &people, 0, now).await?;
    let access = ChatAccess::load(&mut tx, caller, id).await?;
    system(
        &mut tx,
        state,
        caller,
        &access,
        &format!("{} created the chat", caller.name),
        now,
    )
    .await?;
    tx.commit().await?;
    changed(state, caller, id, people).await;
    Ok(id)
}

/// Renames a group chat and sets (or clears) its picture.
#[tracing::instrument(skip_all)]
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: ChatId,
    title: &str,
    avatar: Option<FileId>,
) -> AppResult<()> {
    let title = crate::validate::required("Chat name", title, 120)?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = ChatAccess::load(&mut tx, caller, id).await?;
    access.require_manage()?;
    if let Some(avatar) = avatar
        && access.chat.avatar_file_id != Some(avatar)
    {
        check_avatar(&mut tx, caller, avatar).await?;
        claim_avatar(&mut tx, caller, id, avatar).await?;
    }
    sqlx::query("UPDATE chats SET title = ?, avatar_file_id = ? WHERE id = ? AND portal_id = ?")
        .bind(&title)
        .bind(avatar)
        .bind(id)
        .bind(caller.portal_id())
        .execute(&mut *tx)
        .await?;
    if title != access.chat.title {
        let text = format!(
            "{} renamed the chat to \u{201c}{title}\u{201d}",
            caller.name
        );
        system(&mut tx, state, caller, &access, &text, now).await?;
    }
    let members = member_ids(&mut tx, id).await?;
    tx.commit().await?;
    changed(state, caller, id, members).await;
    Ok(())
}

/// Adds colleagues to a group chat (its owner only); they see the history.
#[tracing::instrument(skip_all)]
pub async fn add_members(
    state: &AppState,
    caller: &Caller,
    id: ChatId,
    people: &[UserId],
) -> AppResult<()> {
    // The size first, before the write transaction opens.
    if people.len() > MAX_CHAT_MEMBERS {
        return Err(AppError::invalid(format!(
            "A group chat can have at most {MAX_CHAT_MEMBERS} people."
        )));
    }
    let mut wanted: Vec<UserId> = people.to_vec();
    wanted.sort();
    wanted.dedup();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = ChatAccess::load(&mut tx, caller, id).await?;
    access.require_manage()?;
    let current: std::collections::HashSet<UserId> =
        member_ids(&mut tx, id).await?.into_iter().collect();
    let new: Vec<UserId> = wanted
        .into_iter()
        .filter(|p| !current.contains(p))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    if current.len() + new.len() > MAX_CHAT_MEMBERS {
        return Err(AppError::invalid(format!(
            "A group chat can have at most {MAX_CHAT_MEMBERS} people."
        )));
    }
    let names = check_people(&mut tx, caller, &new).await?;
    // Newcomers read along from here; older messages count as read.
    add_rows(&mut tx, caller, id, &new, access.chat.last_seq, now).await?;
    let text = format!("{} added {}", caller.name, names.join(", "));
    system(&mut tx, state, caller, &access, &text, now).await?;
    let members = member_ids(&mut tx, id).await?;
    tx.commit().await?;
    changed(state, caller, id, members).await;
    Ok(())
}

/// Takes someone out of a group chat: the owner takes out others, anyone may leave.
#[tracing::instrument(skip_all)]
pub async fn remove_member(
    state: &AppState,
    caller: &Caller,
    id: ChatId,
    user: UserId,
) -> AppResult<()> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let access = ChatAccess::load(&mut tx, caller, id).await?;
    if access.chat.kind() != ChatKind::Group {
        return Err(AppError::invalid(
            "People of a workgroup's, task's or one-to-one chat follow the workgroup or task.",
        ));
    }
    if user != caller.user_id {
        access.require_manage()?;
    }
    let name: Option<String> = sqlx::query_scalar(
        "SELECT u.name FROM chat_members m JOIN users u ON u.id = m.user_id AND u.portal_id = m.portal_id \
         WHERE m.chat_id = ? AND m.user_id = ? AND m.portal_id = ?",
    )
    .bind(id)
    .bind(user)
    .bind(caller.portal_id())
    .fetch_optional(&mut *tx)
    .await?;
    let name = name.ok_or(AppError::NotFound)?;
    let before = member_ids(&mut tx, id).await?;
    let text = if user == caller.user_id {
        format!("{name} left the chat")
    } else {
        format!("{} removed {name}", caller.name)
    };
    system(&mut tx, state, caller, &access, &text, now).await?;
    sqlx::query("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ? AND portal_id = ?")
        .bind(id)
        .bind(user)
        .bind(caller.portal_id())
        .execute(&mut *tx)
        .await?;
    if access.chat.owner_id == Some(user) {
        // The owner left: the longest-standing member takes over.
        let heir: Option<UserId> = sqlx::query_scalar(
            "SELECT user_id FROM chat_members WHERE chat_id = ? ORDER BY joined_at, user_id LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("UPDATE chats SET owner_id = ? WHERE id = ?")
            .bind(heir)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    // Those who remain, and the one who left (their list drops the chat).
    changed(state, caller, id, before).await;
    Ok(())
}

/// The chat of a workgroup, made on first use; its members are the workgroup's.
#[tracing::instrument(skip_all)]
pub async fn open_for_group(
    state: &AppState,
    caller: &Caller,
    group: GroupId,
) -> AppResult<ChatId> {
    let summary = crate::groups::ssr::visible(&state.db.reader, caller, group).await?;
    if summary.my_role.is_none() {
        return Err(AppError::invalid(
            "Join the workgroup to take part in its chat.",
        ));
    }
    open_linked(state, caller, "workgroup", "group_id", group.0).await
}

/// The chat of a task, made on first use; its members are the people on the task.
#[tracing::instrument(skip_all)]
pub async fn open_for_task(state: &AppState, caller: &Caller, task: TaskId) -> AppResult<ChatId> {
    let mut conn = state.db.reader.acquire().await?;
    let access = crate::tasks::ssr::access::TaskAccess::load(&mut conn, caller, task).await?;
    drop(conn);
    if access.roles.is_empty() {
        return Err(AppError::invalid(
            "Only the people on the task take part in its chat.",
        ));
    }
    open_linked(state, caller, "task", "task_id", task.0).await
}

async fn open_linked(
    state: &AppState,
    caller: &Caller,
    kind: &str,
    column: &str,
    link: i64,
) -> AppResult<ChatId> {
    let portal = caller.portal_id();
    let now = now_ms();
    let find =
        format!("SELECT {CHAT_COLUMNS} FROM chats c WHERE c.portal_id = ? AND c.{column} = ?");
    let mut tx = state.db.begin().await?;
    let mut chat: Option<ChatRow> = sqlx::query_as(&find)
        .bind(portal)
        .bind(link)
        .fetch_optional(&mut *tx)
        .await?;
    if chat.is_none() {
        let created = insert_id(
            &mut tx,
            sqlx::query(&format!(
                "INSERT INTO chats (portal_id, kind, {column}, activity_at, created_by, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)"
            ))
            .bind(portal)
            .bind(kind)
            .bind(link)
            .bind(now)
            .bind(caller.user_id)
            .bind(now),
        )
        .await;
        match created {
            Ok(_) => {}
            Err(e) if Db::is_unique_violation(&e) => {
                drop(tx);
                tx = state.db.begin().await?;
            }
            Err(e) => return Err(e.into()),
        }
        chat = sqlx::query_as(&find)
            .bind(portal)
            .bind(link)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let chat = chat.ok_or(AppError::Internal)?;
    sync_members(&mut tx, portal, &chat, now).await?;
    tx.commit().await?;
    Ok(chat.id)
}

/// Checks that people are active colleagues of the caller's portal (not extranet users, who
/// only take part in their workgroups' chats) and answers with their names.
async fn check_people(
    conn: &mut AnyConnection,
    caller: &Caller,
    people: &[UserId],
) -> AppResult<Vec<String>> {
    let mut qb = QueryBuilder::<Any>::new("SELECT id, name, role FROM users WHERE portal_id = ");
    qb.push_bind(caller.portal_id())
        .push(" AND is_active = 1 AND id IN (");
    let mut list = qb.separated(", ");
    for id in people {
        list.push_bind(*id);
    }
    qb.push(") ORDER BY name");
    let rows: Vec<(UserId, String, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if rows.len() != people.len() {
        return Err(AppError::invalid(
            "Someone you chose is not in this portal.",
        ));
    }
    if rows.iter().any(|r| r.2 == Role::Extranet.as_str()) {
        return Err(AppError::invalid(
            "Guests from outside the company take part in their workgroups' chats only.",
        ));
    }
    Ok(rows.into_iter().map(|r| r.1).collect())
}

/// A chat picture: the caller's own uploaded image.
async fn check_avatar(conn: &mut AnyConnection, caller: &Caller, file: FileId) -> AppResult<()> {
    let ok: Option<String> = sqlx::query_scalar(
        "SELECT content_type FROM files WHERE id = ? AND portal_id = ? AND owner_id = ? AND purpose = 'attachment'",
    )
    .bind(file)
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_optional(&mut *conn)
    .await?;
    match ok {
        Some(t) if t.starts_with("image/") => Ok(()),
        _ => Err(AppError::invalid(
            "The chat picture must be an image you uploaded.",
        )),
    }
}

/// The picture becomes the chat's: whoever is in the chat may see it.
async fn claim_avatar(
    conn: &mut AnyConnection,
    caller: &Caller,
    chat: ChatId,
    file: FileId,
) -> AppResult<()> {
    crate::files::ssr::claim(conn, caller, file, super::files::FILE_KIND.owner(chat.0))
        .await
        .map(|_| ())
}

async fn add_rows(
    conn: &mut AnyConnection,
    caller: &Caller,
    chat: ChatId,
    people: &[UserId],
    read_seq: i64,
    now: i64,
) -> AppResult<()> {
    for person in people {
        sqlx::query(
            "INSERT INTO chat_members (chat_id, portal_id, user_id, last_read_seq, mailed_seq, joined_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(chat)
        .bind(caller.portal_id())
        .bind(*person)
        .bind(read_seq)
        .bind(read_seq)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A line told by the system in the chat's history: its id, to push it once committed.
pub(super) async fn system(
    conn: &mut AnyConnection,
    state: &AppState,
    caller: &Caller,
    access: &ChatAccess,
    text: &str,
    now: i64,
) -> AppResult<MessageId> {
    let key = format!("system-{}", crate::ssr::tokens::new_token());
    let key: String = key.chars().take(64).collect();
    match insert(
        conn,
        state,
        caller,
        access,
        Insert {
            kind: "system",
            body: text,
            reply_to: None,
            client_key: &key,
            now,
        },
    )
    .await
    {
        Ok((id, _)) => Ok(id),
        Err(Failure::Duplicate) => Err(AppError::Internal),
        Err(Failure::App(e)) => Err(e),
    }
}

/// Tells people the chat changed (they reload it and the list).
async fn changed(state: &AppState, caller: &Caller, chat: ChatId, people: Vec<UserId>) {
    state
        .hub
        .publish(
            caller.portal_id(),
            Audience::Users(people),
            ChatEvent::ChatChanged { chat_id: chat },
        )
        .await;
}
