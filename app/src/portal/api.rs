//! Portal server functions: thin — caller from session, permission, then the service.

use super::types::PortalSettings;
use crate::error::AppError;
use leptos::prelude::*;

/// Creates a portal and its administrator; returns the hand-off URL that signs them in on the
/// portal's own host.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    company: String,
    slug: String,
    name: String,
    email: String,
    password: String,
) -> Result<String, AppError> {
    use crate::ssr::caller::state;
    let state = state()?;
    let parts = use_context::<axum::http::request::Parts>().ok_or(AppError::Internal)?;
    let input = super::ssr::SignUp {
        company,
        slug,
        name,
        email,
        password,
    };
    let url = super::ssr::sign_up(&state, &parts, input).await?;
    // A plain form post is redirected; the hydrated page loads the URL itself, since the
    // client-side router must not handle the hand-off route.
    crate::ssr::caller::redirect_plain_form(&url);
    Ok(url)
}

#[server(prefix = "/api", endpoint = "get_portal_settings")]
pub async fn get_portal_settings() -> Result<PortalSettings, AppError> {
    let caller = crate::ssr::caller::caller().await?;
    caller.require_admin()?;
    super::ssr::settings(&crate::ssr::caller::state()?, &caller).await
}

#[server(prefix = "/api", endpoint = "update_portal_settings")]
pub async fn update_portal_settings(
    name: String,
    time_zone: String,
    language: String,
) -> Result<(), AppError> {
    let caller = crate::ssr::caller::caller().await?;
    caller.require_admin()?;
    super::ssr::update_settings(
        &crate::ssr::caller::state()?,
        &caller,
        &name,
        &time_zone,
        &language,
    )
    .await
}
