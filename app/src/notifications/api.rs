use super::Notification;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn notifications() -> Result<Vec<Notification>, AppError> {
    let caller = caller().await?;
    super::ssr::recent(&state()?.db.reader, &caller).await
}

#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::mark_all_read(&state()?.db.writer, &caller).await
}
