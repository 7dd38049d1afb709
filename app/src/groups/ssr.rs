//! The rules of workgroups and their SQL, always scoped by the caller's portal.
//!
//! Who sees a group: its members; every employee when it is open; administrators always.
//! Extranet users see only groups they are members of. Owners, moderators and administrators
//! manage a group (name, description, members); owners and administrators change roles.

use super::types::{
    GroupForm, GroupMember, GroupRole, GroupSummary, GroupView, MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS, Visibility,
};
use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{GroupId, UserId};
use crate::social::Author;
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::db::{Db, Writer, insert_id};
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::{Any, QueryBuilder};

pub mod choices;

#[derive(sqlx::FromRow)]
struct GroupRow {
    id: GroupId,
    name: String,
    description: String,
    is_project: i64,
    visibility: String,
    member_count: i64,
    my_role: Option<String>,
}

impl GroupRow {
    fn summary(self) -> GroupSummary {
        GroupSummary {
            id: self.id,
            name: self.name,
            description: self.description,
            is_project: self.is_project == 1,
            visibility: Visibility::parse(&self.visibility).unwrap_or(Visibility::Closed),
            member_count: self.member_count,
            my_role: self.my_role.as_deref().and_then(GroupRole::parse),
        }
    }
}

const GROUP_COLUMNS: &str = "SELECT g.id, g.name, g.description, g.is_project, g.visibility, \
     (SELECT COUNT(*) FROM workgroup_members m WHERE m.group_id = g.id AND m.portal_id = g.portal_id) AS member_count, \
     me.role AS my_role FROM workgroups g \
     LEFT JOIN workgroup_members me ON me.group_id = g.id AND me.portal_id = g.portal_id AND me.user_id = ";

/// Appends the caller's `(…)` visibility condition on `g` / `me`.
fn push_visible(qb: &mut QueryBuilder<'_, Any>, caller: &Caller) {
    match caller.role {
        Role::Admin => qb.push("1 = 1"),
        Role::Employee => qb.push("(g.visibility = 'open' OR me.role IS NOT NULL)"),
        Role::Extranet => qb.push("me.role IS NOT NULL"),
    };
}

/// The groups the caller may see (or only those they belong to), by name.
#[tracing::instrument(skip_all)]
pub async fn list(pool: &Reader, caller: &Caller, mine_only: bool) -> AppResult<Vec<GroupSummary>> {
    let mut qb = QueryBuilder::<Any>::new(GROUP_COLUMNS);
    qb.push_bind(caller.user_id)
        .push(" WHERE g.portal_id = ")
        .push_bind(caller.portal_id())
        .push(" AND g.archived_at IS NULL AND ");
    if mine_only {
        qb.push("me.role IS NOT NULL");
    } else {
        push_visible(&mut qb, caller);
    }
    qb.push(" ORDER BY g.name, g.id LIMIT 500");
    let rows: Vec<GroupRow> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(GroupRow::summary).collect())
}

/// One group the caller may see, or NotFound (also for other portals' groups).
pub async fn visible(pool: &Reader, caller: &Caller, id: GroupId) -> AppResult<GroupSummary> {
    let mut qb = QueryBuilder::<Any>::new(GROUP_COLUMNS);
    qb.push_bind(caller.user_id)
        .push(" WHERE g.portal_id = ")
        .push_bind(caller.portal_id())
        .push(" AND g.id = ")
        .push_bind(id)
        .push(" AND g.archived_at IS NULL AND ");
    push_visible(&mut qb, caller);
    let row: Option<GroupRow> = qb.build_query_as().fetch_optional(pool).await?;
    row.map(GroupRow::summary).ok_or(AppError::NotFound)
}

fn can_manage(caller: &Caller, group: &GroupSummary) -> bool {
    caller.role == Role::Admin
        || matches!(group.my_role, Some(GroupRole::Owner | GroupRole::Moderator))
}

fn can_change_roles(caller: &Caller, group: &GroupSummary) -> bool {
    caller.role == Role::Admin || group.my_role == Some(GroupRole::Owner)
}

#[tracing::instrument(skip_all)]
pub async fn get(pool: &Reader, caller: &Caller, id: GroupId) -> AppResult<GroupView> {
    let group = visible(pool, caller, id).await?;
    let rows: Vec<(UserId, String, Option<crate::ids::FileId>, String, String)> = sqlx::query_as(
        "SELECT u.id, u.name, u.photo_file_id, m.role, u.role FROM workgroup_members m \
         JOIN users u ON u.id = m.user_id AND u.portal_id = m.portal_id \
         WHERE m.group_id = ? AND m.portal_id = ? ORDER BY u.name, u.id",
    )
    .bind(id)
    .bind(caller.portal_id())
    .fetch_all(pool)
    .await?;
    let mut members: Vec<GroupMember> = rows
        .into_iter()
        .filter_map(|(user, name, photo, role, user_role)| {
            Some(GroupMember {
                person: Author::new(user, name, photo),
                role: GroupRole::parse(&role)?,
                extranet: user_role == "extranet",
            })
        })
        .collect();
    // Owner first, then moderators, then members; by name within each.
    members.sort_by_key(|m| m.role);
    Ok(GroupView {
        can_manage: can_manage(caller, &group),
        can_change_roles: can_change_roles(caller, &group),
        can_join: group.my_role.is_none()
            && group.visibility == Visibility::Open
            && caller.role != Role::Extranet,
        can_leave: matches!(
            group.my_role,
            Some(GroupRole::Moderator | GroupRole::Member)
        ),
        group,
        members,
    })
}

fn checked_form(form: &GroupForm) -> AppResult<(String, String)> {
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        return Err(AppError::invalid("Give the group a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::invalid(format!(
            "The name is too long (at most {MAX_NAME_CHARS} characters)."
        )));
    }
    let description = form.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid(format!(
            "The description is too long (at most {MAX_DESCRIPTION_CHARS} characters)."
        )));
    }
    Ok((name, description))
}

/// Active people of the caller's portal among `people`; anyone else is refused by name.
async fn check_people(pool: &Reader, caller: &Caller, people: &[UserId]) -> AppResult<()> {
    if people.is_empty() {
        return Ok(());
    }
    if people.len() > 500 {
        return Err(AppError::invalid("Add at most 500 people at a time."));
    }
    let mut qb =
        QueryBuilder::<Any>::new("SELECT id FROM users WHERE is_active = 1 AND portal_id = ");
    qb.push_bind(caller.portal_id()).push(" AND id IN (");
    let mut ids = qb.separated(", ");
    for id in people {
        ids.push_bind(*id);
    }
    qb.push(")");
    let found: Vec<UserId> = qb.build_query_scalar().fetch_all(pool).await?;
    if people.iter().any(|p| !found.contains(p)) {
        return Err(AppError::invalid(
            "Someone you chose is not a member of this portal.",
        ));
    }
    Ok(())
}

/// Creates a group; the caller becomes its owner and `members` its members.
#[tracing::instrument(skip_all)]
pub async fn create(
    state: &AppState,
    caller: &Caller,
    form: &GroupForm,
    members: &[UserId],
) -> AppResult<GroupId> {
    caller.require_employee()?;
    let (name, description) = checked_form(form)?;
    let pool = &state.db.reader;
    check_people(pool, caller, members).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = GroupId(
        insert_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO workgroups (portal_id, name, description, is_project, visibility, created_by, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(caller.portal_id())
            .bind(&name)
            .bind(description)
            .bind(i64::from(form.is_project))
            .bind(form.visibility.as_str())
            .bind(caller.user_id)
            .bind(now),
        )
        .await?,
    );
    let mut people = vec![(caller.user_id, GroupRole::Owner)];
    people.extend(
        members
            .iter()
            .filter(|m| **m != caller.user_id)
            .map(|m| (*m, GroupRole::Member)),
    );
    people.sort();
    people.dedup_by_key(|p| p.0);
    let mut outgoing = crate::notifications::ssr::Outgoing::new(caller.portal_id());
    let title = format!("{} added you to the group “{}”", caller.name, name);
    for (user, role) in people {
        insert_member(&mut tx, caller, id, user, role, now).await?;
        if user != caller.user_id {
            outgoing
                .add(&mut tx, user, "group", &title, &format!("/groups/{id}"))
                .await?;
        }
    }
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    Ok(id)
}

async fn insert_member(
    tx: &mut sqlx::Transaction<'_, Any>,
    caller: &Caller,
    group: GroupId,
    user: UserId,
    role: GroupRole,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO workgroup_members (group_id, portal_id, user_id, role, added_by, joined_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(group)
    .bind(caller.portal_id())
    .bind(user)
    .bind(role.as_str())
    .bind(caller.user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn update(db: &Db, caller: &Caller, id: GroupId, form: &GroupForm) -> AppResult<()> {
    let pool = &db.reader;
    let group = visible(pool, caller, id).await?;
    if !can_manage(caller, &group) {
        return Err(AppError::Forbidden);
    }
    let (name, description) = checked_form(form)?;
    sqlx::query(
        "UPDATE workgroups SET name = ?, description = ?, is_project = ?, visibility = ? \
         WHERE id = ? AND portal_id = ?",
    )
    .bind(name)
    .bind(description)
    .bind(i64::from(form.is_project))
    .bind(form.visibility.as_str())
    .bind(id)
    .bind(caller.portal_id())
    .execute(&db.writer)
    .await?;
    Ok(())
}

/// Adds people (employees or extranet users: this is how outsiders are invited to a group).
/// Moderators add members; only owners and administrators add moderators.
#[tracing::instrument(skip_all)]
pub async fn add_members(
    state: &AppState,
    caller: &Caller,
    id: GroupId,
    people: &[UserId],
    role: GroupRole,
) -> AppResult<()> {
    let pool = &state.db.reader;
    let group = visible(pool, caller, id).await?;
    if !can_manage(caller, &group) {
        return Err(AppError::Forbidden);
    }
    match role {
        GroupRole::Owner => {
            return Err(AppError::invalid(
                "A group has one owner: hand over ownership instead.",
            ));
        }
        GroupRole::Moderator if !can_change_roles(caller, &group) => {
            return Err(AppError::Forbidden);
        }
        _ => {}
    }
    check_people(pool, caller, people).await?;
    let existing = member_roles(pool, caller, id).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let mut added: Vec<UserId> = Vec::new();
    for user in people {
        if existing.iter().any(|(u, _)| u == user) || added.contains(user) {
            continue;
        }
        insert_member(&mut tx, caller, id, *user, role, now).await?;
        added.push(*user);
    }
    let mut outgoing = crate::notifications::ssr::Outgoing::new(caller.portal_id());
    let title = format!("{} added you to the group “{}”", caller.name, group.name);
    for user in added.iter().filter(|u| **u != caller.user_id) {
        outgoing
            .add(&mut tx, *user, "group", &title, &format!("/groups/{id}"))
            .await?;
    }
    tx.commit().await?;
    outgoing.publish(&state.hub).await;
    Ok(())
}

async fn member_roles(
    pool: &Reader,
    caller: &Caller,
    id: GroupId,
) -> AppResult<Vec<(UserId, GroupRole)>> {
    let rows: Vec<(UserId, String)> = sqlx::query_as(
        "SELECT user_id, role FROM workgroup_members WHERE group_id = ? AND portal_id = ?",
    )
    .bind(id)
    .bind(caller.portal_id())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, r)| Some((u, GroupRole::parse(&r)?)))
        .collect())
}

/// Changes a member's role. Making someone the owner hands the group over: the previous owner
/// stays on as a moderator.
#[tracing::instrument(skip_all)]
pub async fn set_role(
    state: &AppState,
    caller: &Caller,
    id: GroupId,
    user: UserId,
    role: GroupRole,
) -> AppResult<()> {
    let pool = &state.db.reader;
    let group = visible(pool, caller, id).await?;
    if !can_change_roles(caller, &group) {
        return Err(AppError::Forbidden);
    }
    let roles = member_roles(pool, caller, id).await?;
    let Some((_, current)) = roles.iter().find(|(u, _)| *u == user) else {
        return Err(AppError::invalid(
            "That person is not a member of this group.",
        ));
    };
    if *current == GroupRole::Owner {
        return Err(AppError::invalid(
            "The owner's role changes when ownership is handed to someone else.",
        ));
    }
    let mut tx = state.db.begin().await?;
    if role == GroupRole::Owner {
        sqlx::query(
            "UPDATE workgroup_members SET role = 'moderator' WHERE group_id = ? AND portal_id = ? AND role = 'owner'",
        )
        .bind(id)
        .bind(caller.portal_id())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE workgroup_members SET role = ? WHERE group_id = ? AND portal_id = ? AND user_id = ?",
    )
    .bind(role.as_str())
    .bind(id)
    .bind(caller.portal_id())
    .bind(user)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a member. The owner cannot be removed; moderators remove only plain members.
#[tracing::instrument(skip_all)]
pub async fn remove_member(db: &Db, caller: &Caller, id: GroupId, user: UserId) -> AppResult<()> {
    let pool = &db.reader;
    let group = visible(pool, caller, id).await?;
    if !can_manage(caller, &group) {
        return Err(AppError::Forbidden);
    }
    let roles = member_roles(pool, caller, id).await?;
    match roles.iter().find(|(u, _)| *u == user).map(|(_, r)| *r) {
        None => Err(AppError::invalid(
            "That person is not a member of this group.",
        )),
        Some(GroupRole::Owner) => Err(AppError::invalid(
            "The owner cannot be removed: hand over ownership first.",
        )),
        Some(GroupRole::Moderator) if !can_change_roles(caller, &group) => Err(AppError::Forbidden),
        Some(_) => delete_member(&db.writer, caller, id, user).await,
    }
}

async fn delete_member(
    writer: &Writer,
    caller: &Caller,
    id: GroupId,
    user: UserId,
) -> AppResult<()> {
    sqlx::query(
        "DELETE FROM workgroup_members WHERE group_id = ? AND portal_id = ? AND user_id = ?",
    )
    .bind(id)
    .bind(caller.portal_id())
    .bind(user)
    .execute(writer)
    .await?;
    Ok(())
}

/// An employee joins an open group as a member.
#[tracing::instrument(skip_all)]
pub async fn join(state: &AppState, caller: &Caller, id: GroupId) -> AppResult<()> {
    caller.require_employee()?;
    let group = visible(&state.db.reader, caller, id).await?;
    if group.my_role.is_some() {
        return Ok(());
    }
    if group.visibility != Visibility::Open {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    insert_member(
        &mut tx,
        caller,
        id,
        caller.user_id,
        GroupRole::Member,
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A member leaves; the owner must hand the group over first.
#[tracing::instrument(skip_all)]
pub async fn leave(db: &Db, caller: &Caller, id: GroupId) -> AppResult<()> {
    let pool = &db.reader;
    let group = visible(pool, caller, id).await?;
    match group.my_role {
        None => Err(AppError::invalid("You are not a member of this group.")),
        Some(GroupRole::Owner) => Err(AppError::invalid(
            "Hand over ownership to someone else before leaving.",
        )),
        Some(_) => delete_member(&db.writer, caller, id, caller.user_id).await,
    }
}
