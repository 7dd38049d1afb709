//! Server functions of workgroups: the caller from the session, then the rules in `ssr`.

use super::types::{GroupChoice, GroupForm, GroupRole, GroupSummary, GroupView};
use crate::error::AppError;
use crate::ids::{GroupId, UserId};
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;
use server_fn::codec::Json;

/// The groups the caller may see, or (`mine`) only those they belong to.
#[server(prefix = "/api", endpoint = "groups", input = Json)]
pub async fn groups(#[server(default)] mine: bool) -> Result<Vec<GroupSummary>, AppError> {
    let caller = caller().await?;
    super::ssr::list(&state()?.db.reader, &caller, mine).await
}

/// Groups whose name contains `query`, for pickers: at most 12 of those the caller may see
/// (or, `mine`, belongs to), those whose name or one of its words starts with it first. A
/// query over 100 characters is refused.
#[server(prefix = "/api", endpoint = "search_groups", input = Json)]
pub async fn search_groups(
    query: String,
    #[server(default)] mine: bool,
) -> Result<Vec<GroupChoice>, AppError> {
    let caller = caller().await?;
    super::ssr::choices::search(&state()?.db.reader, &caller, &query, mine).await
}

/// The groups among `ids` the caller may see (at most 100 ids), to name those a picker holds.
#[server(prefix = "/api", endpoint = "groups_by_ids", input = Json)]
pub async fn groups_by_ids(ids: Vec<GroupId>) -> Result<Vec<GroupChoice>, AppError> {
    let caller = caller().await?;
    super::ssr::choices::by_ids(&state()?.db.reader, &caller, &ids).await
}

#[server(prefix = "/api", endpoint = "group", input = Json)]
pub async fn group(id: GroupId) -> Result<GroupView, AppError> {
    let caller = caller().await?;
    super::ssr::get(&state()?.db.reader, &caller, id).await
}

#[server(prefix = "/api", endpoint = "create_group", input = Json)]
pub async fn create_group(
    form: GroupForm,
    #[server(default)] members: Vec<UserId>,
) -> Result<GroupId, AppError> {
    let caller = caller().await?;
    super::ssr::create(&state()?, &caller, &form, &members).await
}

#[server(prefix = "/api", endpoint = "update_group", input = Json)]
pub async fn update_group(id: GroupId, form: GroupForm) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::update(&state()?.db, &caller, id, &form).await
}

#[server(prefix = "/api", endpoint = "add_group_members", input = Json)]
pub async fn add_group_members(
    id: GroupId,
    people: Vec<UserId>,
    role: GroupRole,
) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::add_members(&state()?, &caller, id, &people, role).await
}

#[server(prefix = "/api", endpoint = "set_group_role", input = Json)]
pub async fn set_group_role(id: GroupId, user: UserId, role: GroupRole) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::set_role(&state()?, &caller, id, user, role).await
}

#[server(prefix = "/api", endpoint = "remove_group_member", input = Json)]
pub async fn remove_group_member(id: GroupId, user: UserId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::remove_member(&state()?.db, &caller, id, user).await
}

#[server(prefix = "/api", endpoint = "join_group", input = Json)]
pub async fn join_group(id: GroupId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::join(&state()?, &caller, id).await
}

#[server(prefix = "/api", endpoint = "leave_group", input = Json)]
pub async fn leave_group(id: GroupId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::leave(&state()?.db, &caller, id).await
}
