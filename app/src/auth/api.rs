//! Account server functions.

use super::types::{InvitationInfo, InvitationRow, InvitationSent, Session};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "session")]
pub async fn current_session() -> Result<Session, AppError> {
    super::ssr::session(&state()?).await
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] remember: Option<String>,
) -> Result<(), AppError> {
    let state = state()?;
    let portal = crate::ssr::caller::portal()?;
    super::ssr::login(&state, portal, &email, password, remember.is_some()).await?;
    crate::ssr::caller::redirect_plain_form("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    super::ssr::logout(&state()?).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Always answers the same, so it cannot be used to probe which addresses have accounts.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = state()?;
    let portal = crate::ssr::caller::portal()?;
    super::ssr::request_password_reset(&state, &portal, &email).await
}

#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = state()?;
    let portal = crate::ssr::caller::portal()?;
    super::ssr::reset_password(&state, portal, &token, password).await?;
    crate::ssr::caller::redirect_plain_form("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "invite")]
pub async fn invite(
    email: String,
    role: String,
    #[server(default)] department_id: Option<String>,
) -> Result<InvitationSent, AppError> {
    let caller = caller().await?;
    caller.require_admin()?;
    super::ssr::invite(&state()?, &caller, &email, &role, department_id).await
}

#[server(prefix = "/api", endpoint = "invitations")]
pub async fn invitations() -> Result<Vec<InvitationRow>, AppError> {
    let caller = caller().await?;
    caller.require_admin()?;
    super::ssr::invitations(&state()?, &caller).await
}

#[server(prefix = "/api", endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationInfo, AppError> {
    let portal = crate::ssr::caller::portal()?;
    super::ssr::invitation_info(&state()?, &portal, &token).await
}

#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<(), AppError> {
    let portal = crate::ssr::caller::portal()?;
    super::ssr::accept_invitation(&state()?, portal, &token, &name, password).await?;
    crate::ssr::caller::redirect_plain_form("/");
    Ok(())
}
