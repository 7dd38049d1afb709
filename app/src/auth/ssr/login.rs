//! Signing in with a password: attempts counted before the check, a lock-out after
//! `MAX_FAILED_LOGINS` wrong passwords, and a mail telling the owner how to get back in.

use super::{THROTTLE_WINDOW_MS, create_session, set_cookie};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::ssr::caller::PortalCtx;
use crate::ssr::state::AppState;
use crate::ssr::tokens::verify_password;
use crate::ssr::{mailer, now_ms};
use crate::validate;
use axum::http::request::Parts;
use leptos::prelude::*;

/// Failed sign-ins allowed per address within the window before further tries are refused.
const MAX_FAILED_LOGINS: i64 = 5;

#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    portal: PortalCtx,
    email: &str,
    password: String,
    remember: bool,
) -> AppResult<()> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    state.limits.auth_attempt(&parts)?;
    let email = validate::email(email)?;
    if password.is_empty() {
        return Err(AppError::invalid("Please enter your password."));
    }
    if password.len() > validate::MAX_PASSWORD_BYTES {
        return Err(AppError::invalid(
            "The password is too long (at most 256 characters).",
        ));
    }
    let now = now_ms();
    // The attempt is counted before the password is checked, one attempt at a time per
    // account: guesses sent at once cannot all slip in under the limit.
    let attempts = reserve_attempt(state, &portal, &email, now).await?;
    let user: Option<(UserId, String, String)> = sqlx::query_as(
        "SELECT id, password_hash, name FROM users WHERE portal_id = ? AND email = ? AND is_active = 1",
    )
    .bind(portal.id)
    .bind(&email)
    .fetch_optional(&state.db.reader)
    .await?;
    // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
    let (user_id, hash) = match &user {
        Some((id, hash, _)) => (Some(*id), hash.clone()),
        None => (None, DUMMY_HASH.to_owned()),
    };
    let valid = verify_password(password, hash).await && user_id.is_some();
    let Some(user_id) = user_id.filter(|_| valid) else {
        if attempts == MAX_FAILED_LOGINS
            && let Some((_, _, name)) = &user
        {
            tell_of_lock(state, &portal, &email, name).await?;
        }
        return Err(AppError::BadCredentials);
    };
    sqlx::query("DELETE FROM login_attempts WHERE portal_id = ? AND email = ?")
        .bind(portal.id)
        .bind(&email)
        .execute(&state.db.writer)
        .await?;
    set_cookie(create_session(state, portal.id, user_id, remember).await?);
    Ok(())
}

/// Records a sign-in attempt unless the account already had `MAX_FAILED_LOGINS` failures in the
/// window; answers how many there are with this one. The account's row is locked for the count
/// and the insert (on SQLite the writer is exclusive anyway), so concurrent attempts queue.
async fn reserve_attempt(
    state: &AppState,
    portal: &PortalCtx,
    email: &str,
    now: i64,
) -> AppResult<i64> {
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE users SET is_active = is_active WHERE portal_id = ? AND email = ?")
        .bind(portal.id)
        .bind(email)
        .execute(&mut *tx)
        .await?;
    let (failures, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM login_attempts \
         WHERE portal_id = ? AND email = ? AND created_at > ?",
    )
    .bind(portal.id)
    .bind(email)
    .bind(now - THROTTLE_WINDOW_MS)
    .fetch_one(&mut *tx)
    .await?;
    if failures >= MAX_FAILED_LOGINS {
        let wait = oldest.unwrap_or(now) + THROTTLE_WINDOW_MS - now;
        return Err(AppError::Throttled((wait / 1000).max(1) as u64));
    }
    sqlx::query("INSERT INTO login_attempts (portal_id, email, created_at) VALUES (?, ?, ?)")
        .bind(portal.id)
        .bind(email)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(failures + 1)
}

/// The account just locked itself against more sign-in tries: its owner learns why and how to
/// get back in at once (a password reset), or that someone else is guessing.
async fn tell_of_lock(
    state: &AppState,
    portal: &PortalCtx,
    email: &str,
    name: &str,
) -> AppResult<()> {
    let minutes = THROTTLE_WINDOW_MS / 60_000;
    let reset = format!(
        "{}/reset",
        state
            .config
            .portal_url(&portal.slug, portal.is_default == 1)
    );
    let body = format!(
        "Hello {name},\n\nafter {MAX_FAILED_LOGINS} wrong passwords in a row, signing in to your \
         account on {portal_name} is paused for {minutes} minutes.\n\nIf it was you: wait, or \
         choose a new password now and sign in at once:\n\n{reset}\n\nIf it wasn't you, someone \
         may be guessing your password; choosing a new one is a good idea.\n",
        portal_name = portal.name
    );
    mailer::enqueue(
        &state.db.writer,
        portal.id,
        email,
        "Signing in to your Agora account is paused",
        &body,
    )
    .await?;
    Ok(())
}

/// An argon2 hash of a random string, verified when the e-mail is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$H5s3S4b5u0yoQf6gq0wE1qJ0j2k5m6bJ7pQ6x8zG5Yc";
