//! Account rules and SQL (server only).

use super::types::{
    InvitationInfo, InvitationRow, InvitationSent, InvitationStatus, Me, Role, Session,
};
use crate::counters::Counters;
use crate::error::{AppError, AppResult};
use crate::ids::{InvitationId, PortalId, UserId};
use crate::notifications::ssr::notify;
use crate::ssr::caller::{
    Caller, PageCache, PageSession, PortalCtx, SESSION_COOKIE, caller_from_parts,
    portal_from_parts, session_token,
};
use crate::ssr::hub::{Audience, Ended};
use crate::ssr::state::AppState;
use crate::ssr::tokens::{hash_password, hash_token, new_token};
use crate::ssr::{mailer, now_ms};
use crate::validate;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use leptos::prelude::*;

mod login;
pub use login::login;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const REMEMBER_MS: i64 = 30 * DAY_MS;
const SESSION_MS: i64 = DAY_MS / 2;
const INVITATION_MS: i64 = 7 * DAY_MS;
const RESET_MS: i64 = 60 * 60 * 1000;
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// The session of a page request, resolved before rendering (see `page_session`).
pub async fn page_session(state: &AppState, parts: &Parts) -> AppResult<PageSession> {
    let port = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map(|(_, port)| format!(":{port}"))
        .unwrap_or_default();
    let address_suffix = format!(".{}{port}", state.config.base_domain);
    let Ok(portal) = portal_from_parts(parts) else {
        return Ok(PageSession {
            session: Session {
                portal_exists: false,
                portal_name: None,
                me: None,
                address_suffix,
            },
            caller: None,
            cache: PageCache::default(),
        });
    };
    let caller = match caller_from_parts(state, parts).await {
        Ok(caller) => Some(caller),
        Err(AppError::Unauthenticated | AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let cache = PageCache::default();
    let me = match &caller {
        Some(caller) => Some(me(state, caller, &cache).await?),
        None => None,
    };
    Ok(PageSession {
        session: Session {
            portal_exists: true,
            portal_name: Some(portal.name),
            me,
            address_suffix,
        },
        caller,
        cache,
    })
}

pub async fn session(state: &AppState) -> AppResult<Session> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    Ok(page_session(state, &parts).await?.session)
}

async fn me(state: &AppState, caller: &Caller, cache: &PageCache) -> AppResult<Me> {
    // Side by side: on MariaDB each is a round trip of its own.
    let sources = crate::registry::counters();
    let values = futures::future::try_join_all(
        sources
            .iter()
            .map(|source| (source.load)(state, caller, cache)),
    )
    .await?;
    let mut counters = Counters::default();
    for (source, value) in sources.iter().zip(values) {
        counters.set(source.tool, &value);
    }
    let me = Me {
        portal_id: caller.portal_id(),
        portal_name: caller.portal.name.clone(),
        portal_logo: caller.portal.logo_file_id.map(crate::files::types::url),
        user_id: caller.user_id,
        name: caller.name.clone(),
        email: caller.email.clone(),
        role: caller.role,
        photo_url: caller.photo_file_id.map(crate::files::types::url),
        zone: (*caller.zone()).clone(),
        own_zone: caller.time_zone.is_some(),
        counters,
    };
    Ok(me)
}

/// Creates a session row and returns the Set-Cookie value carrying its token.
pub async fn create_session(
    state: &AppState,
    portal: PortalId,
    user: UserId,
    remember: bool,
) -> AppResult<HeaderValue> {
    let token = new_token();
    let now = now_ms();
    let lifetime = if remember { REMEMBER_MS } else { SESSION_MS };
    sqlx::query(
        "INSERT INTO sessions (portal_id, user_id, token_hash, remember, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(portal)
    .bind(user)
    .bind(hash_token(&token))
    .bind(i64::from(remember))
    .bind(now)
    .bind(now + lifetime)
    .execute(&state.db.writer)
    .await?;
    let max_age = if remember {
        format!("; Max-Age={}", REMEMBER_MS / 1000)
    } else {
        String::new()
    };
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}"
    ))
    .map_err(|_| AppError::Internal)
}

fn clear_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("agora_session=; Max-Age=0"))
}

fn set_cookie(value: HeaderValue) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(SET_COOKIE, value);
    }
}

pub async fn logout(state: &AppState) -> AppResult<()> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    if let Some(token) = session_token(&parts.headers) {
        let hash = hash_token(&token);
        let portal: Option<PortalId> =
            sqlx::query_scalar("SELECT portal_id FROM sessions WHERE token_hash = ?")
                .bind(&hash)
                .fetch_optional(&state.db.reader)
                .await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(&hash)
            .execute(&state.db.writer)
            .await?;
        // The tabs of this session stop receiving events at once.
        if let Some(portal) = portal {
            state.hub.end_sessions(portal, Ended::Session(hash)).await;
        }
    }
    set_cookie(clear_cookie(state));
    Ok(())
}

pub async fn request_password_reset(
    state: &AppState,
    portal: &PortalCtx,
    email: &str,
) -> AppResult<()> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    state.limits.auth_attempt(&parts)?;
    let email = validate::email(email)?;
    // Limited whether or not the account exists, so the answer reveals nothing.
    state.limits.reset_mail(portal.id, &email)?;
    let user: Option<(UserId, String)> = sqlx::query_as(
        "SELECT id, name FROM users WHERE portal_id = ? AND email = ? AND is_active = 1",
    )
    .bind(portal.id)
    .bind(&email)
    .fetch_optional(&state.db.reader)
    .await?;
    let Some((user_id, name)) = user else {
        return Ok(());
    };
    let token = new_token();
    let now = now_ms();
    // From the configuration, never from the request's Host (docs/SECURITY.md).
    let link = format!(
        "{}/reset/{token}",
        state
            .config
            .portal_url(&portal.slug, portal.is_default == 1)
    );
    let mut tx = state.db.begin().await?;
    // Only the newest link works: older ones, perhaps lying in an old mailbox, are revoked.
    sqlx::query(
        "UPDATE password_resets SET used_at = ? WHERE portal_id = ? AND user_id = ? AND used_at IS NULL",
    )
    .bind(now)
    .bind(portal.id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO password_resets (portal_id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(portal.id)
    .bind(user_id)
    .bind(hash_token(&token))
    .bind(now)
    .bind(now + RESET_MS)
    .execute(&mut *tx)
    .await?;
    let body = format!(
        "Hello {name},\n\nsomeone asked to reset your password for {}. Follow this link within an hour \
         to choose a new one:\n\n{link}\n\nIf it wasn't you, ignore this message.\n",
        portal.name
    );
    mailer::enqueue(
        &mut *tx,
        portal.id,
        &email,
        "Reset your Agora password",
        &body,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reset_password(
    state: &AppState,
    portal: PortalCtx,
    token: &str,
    password: String,
) -> AppResult<()> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    state.limits.auth_attempt(&parts)?;
    validate::password(&password)?;
    let now = now_ms();
    let row: Option<(i64, UserId)> = sqlx::query_as(
        "SELECT id, user_id FROM password_resets WHERE token_hash = ? AND portal_id = ? \
         AND used_at IS NULL AND expires_at > ?",
    )
    .bind(hash_token(token))
    .bind(portal.id)
    .bind(now)
    .fetch_optional(&state.db.reader)
    .await?;
    let (reset_id, user_id) = row.ok_or(AppError::LinkExpired)?;
    let hash = hash_password(password).await?;
    let mut tx = state.db.begin().await?;
    let used =
        sqlx::query("UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL")
            .bind(now)
            .bind(reset_id)
            .execute(&mut *tx)
            .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::LinkExpired);
    }
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ? AND portal_id = ?")
        .bind(hash)
        .bind(user_id)
        .bind(portal.id)
        .execute(&mut *tx)
        .await?;
    // A new password signs out every other device.
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND portal_id = ?")
        .bind(user_id)
        .bind(portal.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state
        .hub
        .end_sessions(portal.id, Ended::User(user_id))
        .await;
    set_cookie(create_session(state, portal.id, user_id, false).await?);
    Ok(())
}

pub async fn invite(
    state: &AppState,
    caller: &Caller,
    email: &str,
    role: &str,
    department_id: Option<String>,
) -> AppResult<InvitationSent> {
    let email = validate::email(email)?;
    let role = match Role::parse(role) {
        Some(r @ (Role::Employee | Role::Extranet)) => r,
        _ => return Err(AppError::invalid("Choose the role: employee or extranet.")),
    };
    let pool = &state.db.reader;
    let portal = caller.portal_id();
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE portal_id = ? AND email = ?")
            .bind(portal)
            .bind(&email)
            .fetch_one(pool)
            .await?;
    if taken > 0 {
        return Err(AppError::Conflict(format!(
            "{email} is already a member of this portal."
        )));
    }
    let department_id = crate::hr::ssr::parse_id("department", department_id.as_deref())?;
    if let Some(dep) = department_id {
        crate::hr::ssr::ensure_department(pool, portal, dep).await?;
    }
    let mut conn = pool.acquire().await?;
    crate::portal::ssr::ensure_user_slot(&mut conn, portal).await?;
    drop(conn);
    state.limits.invitation(portal)?;
    let token = new_token();
    let now = now_ms();
    let link = format!(
        "{}/invite/{token}",
        state
            .config
            .portal_url(&caller.portal.slug, caller.portal.is_default == 1)
    );
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO invitations (portal_id, email, role, department_id, token_hash, invited_by, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(portal)
    .bind(&email)
    .bind(role.as_str())
    .bind(department_id)
    .bind(hash_token(&token))
    .bind(caller.user_id)
    .bind(now)
    .bind(now + INVITATION_MS)
    .execute(&mut *tx)
    .await?;
    let body = format!(
        "Hello,\n\n{} invites you to join {} on Agora. Follow this link within 7 days to set your \
         password and join:\n\n{link}\n",
        caller.name, caller.portal.name
    );
    let subject = format!("{} invites you to {}", caller.name, caller.portal.name);
    mailer::enqueue(&mut *tx, portal, &email, &subject, &body).await?;
    tx.commit().await?;
    // Without a mail server the admin passes the link on by hand.
    let link = state.config.smtp.is_none().then_some(link);
    Ok(InvitationSent { email, link })
}

pub async fn invitations(state: &AppState, caller: &Caller) -> AppResult<Vec<InvitationRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: InvitationId,
        email: String,
        role: String,
        invited_by: String,
        created_at: i64,
        expires_at: i64,
        accepted_at: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT i.id, i.email, i.role, u.name AS invited_by, i.created_at, i.expires_at, i.accepted_at \
         FROM invitations i JOIN users u ON u.id = i.invited_by AND u.portal_id = i.portal_id \
         WHERE i.portal_id = ? ORDER BY i.id DESC LIMIT 100",
    )
    .bind(caller.portal_id())
    .fetch_all(&state.db.reader)
    .await?;
    let now = now_ms();
    Ok(rows
        .into_iter()
        .map(|r| InvitationRow {
            id: r.id,
            email: r.email,
            role: Role::parse(&r.role).unwrap_or(Role::Employee),
            invited_by: r.invited_by,
            created_at: r.created_at,
            status: match r.accepted_at {
                Some(_) => InvitationStatus::Accepted,
                None if r.expires_at < now => InvitationStatus::Expired,
                None => InvitationStatus::Pending,
            },
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PendingInvitation {
    id: InvitationId,
    email: String,
    role: String,
    department_id: Option<i64>,
    invited_by: UserId,
    inviter_name: String,
}

async fn pending_invitation(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    portal: PortalId,
    token: &str,
) -> AppResult<PendingInvitation> {
    let row: Option<PendingInvitation> = sqlx::query_as(
        "SELECT i.id, i.email, i.role, i.department_id, i.invited_by, u.name AS inviter_name \
         FROM invitations i JOIN users u ON u.id = i.invited_by AND u.portal_id = i.portal_id \
         WHERE i.token_hash = ? AND i.portal_id = ? AND i.accepted_at IS NULL AND i.expires_at > ?",
    )
    .bind(hash_token(token))
    .bind(portal)
    .bind(now_ms())
    .fetch_optional(executor)
    .await?;
    row.ok_or(AppError::LinkExpired)
}

pub async fn invitation_info(
    state: &AppState,
    portal: &PortalCtx,
    token: &str,
) -> AppResult<InvitationInfo> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    state.limits.auth_attempt(&parts)?;
    let inv = pending_invitation(&state.db.reader, portal.id, token).await?;
    Ok(InvitationInfo {
        portal_name: portal.name.clone(),
        email: inv.email,
        role: Role::parse(&inv.role).unwrap_or(Role::Employee),
        invited_by: inv.inviter_name,
    })
}

#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    state: &AppState,
    portal: PortalCtx,
    token: &str,
    name: &str,
    password: String,
) -> AppResult<()> {
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    state.limits.auth_attempt(&parts)?;
    let name = validate::required("your name", name, validate::MAX_NAME)?;
    validate::password(&password)?;
    let hash = hash_password(password).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let inv = pending_invitation(&mut *tx, portal.id, token).await?;
    crate::portal::ssr::ensure_user_slot(&mut tx, portal.id).await?;
    let claimed =
        sqlx::query("UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL")
            .bind(now)
            .bind(inv.id)
            .execute(&mut *tx)
            .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::LinkExpired);
    }
    let department = match inv.department_id {
        Some(d) => Some(d),
        None => crate::hr::ssr::root_department(&mut *tx, portal.id).await?,
    };
    let position = if inv.role == "extranet" { "Guest" } else { "" };
    let inserted = crate::ssr::db::insert_id(&mut tx, sqlx::query(
        "INSERT INTO users (portal_id, email, password_hash, name, role, department_id, position, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(portal.id)
    .bind(&inv.email)
    .bind(&hash)
    .bind(&name)
    .bind(&inv.role)
    .bind(department)
    .bind(position)
    .bind(now))
    .await;
    let user_id = match inserted {
        Ok(id) => UserId(id),
        Err(e) if crate::ssr::db::Db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(format!(
                "{} is already a member of this portal.",
                inv.email
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let admins: Vec<UserId> = sqlx::query_scalar(
        "SELECT id FROM users WHERE portal_id = ? AND role = 'admin' AND is_active = 1 AND id <> ?",
    )
    .bind(portal.id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut to_notify = admins;
    if !to_notify.contains(&inv.invited_by) {
        to_notify.push(inv.invited_by);
    }
    let title = format!("{name} accepted your invitation and joined {}", portal.name);
    let link = format!("/people/{user_id}");
    let mut notified = Vec::new();
    for user in &to_notify {
        notified.push((
            *user,
            notify(&mut tx, portal.id, *user, "joined", &title, &link).await?,
        ));
    }
    crate::feed::ssr::unread::start_at_now(&mut tx, portal.id, user_id).await?;
    // Employees are introduced in the feed; extranet guests are not announced company-wide.
    let entry = if inv.role == "extranet" {
        None
    } else {
        let data = serde_json::json!({ "user_id": user_id.0 });
        let everyone = crate::feed::types::Recipients {
            everyone: true,
            ..Default::default()
        };
        Some(
            crate::feed::ssr::entries::publish(
                &mut tx,
                portal.id,
                user_id,
                crate::feed::ssr::entries::USER_JOINED,
                &data,
                &everyone,
            )
            .await?,
        )
    };
    tx.commit().await?;
    if let Some(entry) = entry {
        crate::feed::ssr::entries::announce(state, portal.id, entry, user_id).await;
    }
    for (user, unread) in notified {
        let event = crate::notifications::NotificationEvent::Notification {
            unread,
            title: title.clone(),
            link: link.clone(),
        };
        state
            .hub
            .publish(portal.id, Audience::Users(vec![user]), event)
            .await;
    }
    state
        .hub
        .publish(
            portal.id,
            Audience::Employees,
            crate::hr::types::DirectoryEvent::DirectoryChanged,
        )
        .await;
    set_cookie(create_session(state, portal.id, user_id, false).await?);
    Ok(())
}

/// `GET /auth/handoff?token=…`: the one-time link a new portal's owner lands on after sign-up,
/// which turns into a session cookie on the portal's own host.
pub async fn handoff(
    axum::extract::State(state): axum::extract::State<AppState>,
    parts: Parts,
) -> axum::response::Response {
    use axum::response::{IntoResponse, Redirect};
    let token = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("token=")))
        .unwrap_or_default()
        .to_owned();
    let Ok(portal) = portal_from_parts(&parts) else {
        return Redirect::to("/signup").into_response();
    };
    let claimed: AppResult<Option<UserId>> = async {
        let row: Option<(i64, UserId)> = sqlx::query_as(
            "SELECT id, user_id FROM login_handoffs WHERE token_hash = ? AND portal_id = ? AND expires_at > ?",
        )
        .bind(hash_token(&token))
        .bind(portal.id)
        .bind(now_ms())
        .fetch_optional(&state.db.reader)
        .await?;
        let Some((id, user)) = row else { return Ok(None) };
        let deleted = sqlx::query("DELETE FROM login_handoffs WHERE id = ?")
            .bind(id)
            .execute(&state.db.writer)
            .await?;
        Ok((deleted.rows_affected() == 1).then_some(user))
    }
    .await;
    match claimed {
        Ok(Some(user)) => match create_session(&state, portal.id, user, true).await {
            Ok(cookie) => {
                let mut response = Redirect::to("/").into_response();
                response.headers_mut().append(SET_COOKIE, cookie);
                response
            }
            Err(_) => Redirect::to("/login").into_response(),
        },
        _ => Redirect::to("/login").into_response(),
    }
}
