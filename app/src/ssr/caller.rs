//! Who is calling: the portal (from the Host header) and the user (from the session cookie).
//! Every server function starts here; nothing the browser sends names a portal or a user.

use super::now_ms;
use super::state::AppState;
use super::tokens::hash_token;
use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::ids::{PortalId, UserId};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use leptos::prelude::*;

pub const SESSION_COOKIE: &str = "agora_session";

/// The portal a request is addressed to, resolved from the Host by the portal middleware.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PortalCtx {
    pub id: PortalId,
    pub slug: String,
    pub name: String,
    pub plan_id: i64,
    pub time_zone: String,
    pub language: String,
    pub logo_file_id: Option<crate::ids::FileId>,
    pub is_default: i64,
}

/// Request extension set by the portal middleware: `None` on the bare base domain when no
/// portal exists yet (the sign-up page is shown).
#[derive(Debug, Clone)]
pub struct HostPortal(pub Option<PortalCtx>);

/// A signed-in user of the request's portal.
#[derive(Debug, Clone)]
pub struct Caller {
    pub portal: PortalCtx,
    pub user_id: UserId,
    pub role: Role,
    pub name: String,
    pub email: String,
    /// Their photo, read with the session (the top bar shows it on every page).
    pub photo_file_id: Option<crate::ids::FileId>,
    /// Their own time zone; None follows the portal's (`zone`).
    pub time_zone: Option<String>,
}

impl Caller {
    pub fn portal_id(&self) -> PortalId {
        self.portal.id
    }

    /// The zone their dates are shown and read in: their own, else the portal's.
    pub fn zone(&self) -> std::sync::Arc<crate::dates::Zone> {
        crate::ssr::zones::zone(self.time_zone.as_deref().unwrap_or(&self.portal.time_zone))
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Admins and employees; extranet users only see their workgroups.
    pub fn require_employee(&self) -> AppResult<()> {
        if self.role == Role::Extranet {
            Err(AppError::Forbidden)
        } else {
            Ok(())
        }
    }
}

pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

fn parts() -> AppResult<Parts> {
    use_context::<Parts>().ok_or(AppError::Internal)
}

/// The portal of the current request, or NotFound on a bare domain without portals.
pub fn portal() -> AppResult<PortalCtx> {
    let parts = parts()?;
    portal_from_parts(&parts)
}

pub fn portal_from_parts(parts: &Parts) -> AppResult<PortalCtx> {
    parts
        .extensions
        .get::<HostPortal>()
        .and_then(|h| h.0.clone())
        .ok_or(AppError::NotFound)
}

/// Request extension on page requests: the session resolved once before rendering, shared by
/// the shell and every server function the page calls while rendering.
#[derive(Debug, Clone)]
pub struct PageSession {
    pub session: crate::auth::types::Session,
    pub caller: Option<Caller>,
    /// What tools loaded once for this page, for the server functions it calls while
    /// rendering (the feed keeps the caller's visibility here).
    pub cache: PageCache,
}

/// Values a page computes once, one per type. Shared code stores them without knowing what
/// they are; each tool puts and takes its own.
#[derive(Clone, Default)]
pub struct PageCache(
    std::sync::Arc<
        std::sync::Mutex<
            std::collections::HashMap<
                std::any::TypeId,
                std::sync::Arc<dyn std::any::Any + Send + Sync>,
            >,
        >,
    >,
);

impl PageCache {
    pub fn put<T: Clone + Send + Sync + 'static>(&self, value: T) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(std::any::TypeId::of::<T>(), std::sync::Arc::new(value));
        }
    }

    pub fn get<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        let map = self.0.lock().ok()?;
        map.get(&std::any::TypeId::of::<T>())?
            .downcast_ref::<T>()
            .cloned()
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.0.lock().map(|map| map.len()).unwrap_or_default();
        f.debug_struct("PageCache")
            .field("entries", &entries)
            .finish()
    }
}

/// A value of type `T` the current page loaded already (see `PageCache`).
pub fn page_cached<T: Clone + Send + Sync + 'static>() -> Option<T> {
    parts()
        .ok()?
        .extensions
        .get::<PageSession>()?
        .cache
        .get::<T>()
}

/// The signed-in caller of the current server function or page.
pub async fn caller() -> AppResult<Caller> {
    let parts = parts()?;
    if let Some(page) = parts.extensions.get::<PageSession>() {
        return page.caller.clone().ok_or(AppError::Unauthenticated);
    }
    caller_from_parts(&state()?, &parts).await
}

pub async fn caller_from_parts(state: &AppState, parts: &Parts) -> AppResult<Caller> {
    let portal = portal_from_parts(parts).map_err(|_| AppError::Unauthenticated)?;
    let token = session_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
    caller_for_token(state, portal, &token).await
}

pub async fn caller_for_token(
    state: &AppState,
    portal: PortalCtx,
    token: &str,
) -> AppResult<Caller> {
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: UserId,
        role: String,
        name: String,
        email: String,
        photo_file_id: Option<crate::ids::FileId>,
        time_zone: Option<String>,
    }
    // The session must belong to this portal: a cookie from another portal's host is refused.
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.id AS user_id, u.role, u.name, u.email, u.photo_file_id, u.time_zone \
         FROM sessions s \
         JOIN users u ON u.id = s.user_id AND u.portal_id = s.portal_id \
         WHERE s.token_hash = ? AND s.portal_id = ? AND s.expires_at > ? AND u.is_active = 1",
    )
    .bind(hash_token(token))
    .bind(portal.id)
    .bind(now_ms())
    .fetch_optional(&state.db.reader)
    .await?;
    let row = row.ok_or(AppError::Unauthenticated)?;
    let role = Role::parse(&row.role).ok_or(AppError::Internal)?;
    Ok(Caller {
        portal,
        user_id: row.user_id,
        role,
        name: row.name,
        email: row.email,
        photo_file_id: row.photo_file_id,
        time_zone: row.time_zone,
    })
}

/// Whether the session behind an open socket still stands: not signed out, not expired, its
/// user still active.
pub async fn session_alive(
    state: &AppState,
    portal: PortalId,
    user: UserId,
    token_hash: &str,
) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id AND u.portal_id = s.portal_id \
         WHERE s.token_hash = ? AND s.portal_id = ? AND s.user_id = ? AND s.expires_at > ? \
         AND u.is_active = 1",
    )
    .bind(token_hash)
    .bind(portal)
    .bind(user)
    .bind(now_ms())
    .fetch_optional(&state.db.reader)
    .await?;
    Ok(found.is_some())
}

/// A user acting without a request (the scheduler creating a recurring task in its owner's
/// name): None when the user or the portal is gone, or the user was deactivated.
pub async fn caller_for_user(
    pool: &crate::ssr::db::Reader,
    portal: PortalId,
    user: UserId,
) -> AppResult<Option<Caller>> {
    let portal: Option<PortalCtx> = sqlx::query_as(
        "SELECT id, slug, name, plan_id, time_zone, language, logo_file_id, is_default          FROM portals WHERE id = ?",
    )
    .bind(portal)
    .fetch_optional(pool)
    .await?;
    let Some(portal) = portal else {
        return Ok(None);
    };
    type Row = (
        String,
        String,
        String,
        Option<crate::ids::FileId>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT role, name, email, photo_file_id, time_zone FROM users \
         WHERE id = ? AND portal_id = ? AND is_active = 1",
    )
    .bind(user)
    .bind(portal.id)
    .fetch_optional(pool)
    .await?;
    Ok(
        row.and_then(|(role, name, email, photo_file_id, time_zone)| {
            Some(Caller {
                role: Role::parse(&role)?,
                portal,
                user_id: user,
                name,
                email,
                photo_file_id,
                time_zone,
            })
        }),
    )
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// Redirects a plain (JavaScript-less) form post; hydrated pages navigate by themselves
/// (the client-side router must not take over server routes such as the sign-up hand-off).
pub fn redirect_plain_form(url: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(url);
    } else if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(url),
    ) {
        // Informational for API clients; a 200 with Location is not followed by browsers.
        response.insert_header(axum::http::header::LOCATION, value);
    }
}

/// Whether the request accepts HTML: a browser posting a form without JavaScript, as opposed
/// to the server-function client or an API client.
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// `accepts_html` for the current server function's request.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| accepts_html(&parts.headers))
}
