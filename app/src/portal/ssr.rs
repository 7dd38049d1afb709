//! Portal rules and SQL (server only).

use super::types::{LANGUAGES, PortalSettings, TIME_ZONES};
use crate::error::{AppError, AppResult};
use crate::ids::{FileId, PortalId, UserId};
use crate::ssr::caller::{Caller, PortalCtx};
use crate::ssr::db::Db;
use crate::ssr::db::{Reader, Writer};
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use crate::ssr::tokens::{hash_password, hash_token, new_token};
use crate::validate;
use axum::http::request::Parts;

const PORTAL_COLUMNS: &str =
    "id, slug, name, plan_id, time_zone, language, logo_file_id, is_default";

/// What a Host header addresses.
#[derive(Debug, PartialEq, Eq)]
pub enum HostAddress<'a> {
    /// The bare base domain, `www.<base>`, an IP address literal or a configured alias.
    Default,
    /// `<slug>.<base>`.
    Portal(&'a str),
    /// Anything else: never silently served the default portal.
    Foreign,
}

/// Classifies a Host header (with or without a port) against the base domain and the aliases.
pub fn classify_host<'a>(host: &'a str, base_domain: &str, aliases: &[String]) -> HostAddress<'a> {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_end_matches('.');
    let bracketless = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    if bracketless.parse::<std::net::IpAddr>().is_ok() || host.parse::<std::net::IpAddr>().is_ok() {
        return HostAddress::Default;
    }
    let is = |other: &str| name.eq_ignore_ascii_case(other);
    if is(base_domain) || aliases.iter().any(|alias| is(alias)) {
        return HostAddress::Default;
    }
    let lower_suffix = format!(".{}", base_domain.to_ascii_lowercase());
    if name.len() > lower_suffix.len() && name.to_ascii_lowercase().ends_with(&lower_suffix) {
        let slug = &name[..name.len() - lower_suffix.len()];
        if slug.eq_ignore_ascii_case("www") {
            return HostAddress::Default;
        }
        if !slug.contains('.') {
            return HostAddress::Portal(slug);
        }
    }
    HostAddress::Foreign
}

/// The portal a Host header addresses: `<slug>.<base>` names one; the bare base domain, an IP
/// address or an alias reaches the default portal (`None` before any portal exists).
/// `Err(NotFound)` for an unknown slug or a host that is none of these.
pub async fn portal_for_host(
    pool: &Reader,
    base_domain: &str,
    aliases: &[String],
    host: &str,
) -> AppResult<Option<PortalCtx>> {
    match classify_host(host, base_domain, aliases) {
        HostAddress::Portal(slug) => {
            let sql = format!("SELECT {PORTAL_COLUMNS} FROM portals WHERE slug = ?");
            let portal: Option<PortalCtx> = sqlx::query_as(&sql)
                .bind(slug.to_ascii_lowercase())
                .fetch_optional(pool)
                .await?;
            portal.map(Some).ok_or(AppError::NotFound)
        }
        HostAddress::Default => {
            let sql = format!(
                "SELECT {PORTAL_COLUMNS} FROM portals WHERE is_default = 1 ORDER BY id LIMIT 1"
            );
            Ok(sqlx::query_as(&sql).fetch_optional(pool).await?)
        }
        HostAddress::Foreign => Err(AppError::NotFound),
    }
}

/// The address of a portal as seen from the current request (keeps its scheme and port), for
/// the redirect after sign-up. The Host was already checked by `portal_for_host`; links sent
/// by e-mail never use this but `Config::portal_url`.
pub fn portal_url_for_request(
    state: &AppState,
    parts: &Parts,
    slug: &str,
    is_default: bool,
) -> String {
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let port = host
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, p)| format!(":{p}"))
        .unwrap_or_else(|| state.config.public_port_suffix.clone());
    let scheme = &state.config.public_scheme;
    let base = &state.config.base_domain;
    let requested_bare = !host.contains(&format!(".{base}"));
    if is_default && requested_bare {
        // Keep whatever bare host the visitor used (an IP or the base domain).
        let bare = host.rsplit_once(':').map_or(host, |(h, _)| h);
        let bare = if bare.is_empty() { base.as_str() } else { bare };
        format!("{scheme}{bare}{port}")
    } else {
        format!("{scheme}{slug}.{base}{port}")
    }
}

pub struct SignUp {
    pub company: String,
    pub slug: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Creates the portal, its root department, storage space and administrator; returns the URL
/// that signs the administrator in on the portal's own host.
#[tracing::instrument(skip_all)]
pub async fn sign_up(state: &AppState, parts: &Parts, input: SignUp) -> AppResult<String> {
    let company = validate::required("the company name", &input.company, validate::MAX_NAME)?;
    let slug = validate::portal_slug(&input.slug)?;
    let name = validate::required("your name", &input.name, validate::MAX_NAME)?;
    let email = validate::email(&input.email)?;
    validate::password(&input.password)?;
    // Counted once the form is right, so typos do not use up the allowance.
    state.limits.sign_up(parts)?;
    let password_hash = hash_password(input.password).await?;
    let now = now_ms();

    let mut tx = state.db.begin().await?;
    let plan_id: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE code = 'free'")
        .fetch_one(&mut *tx)
        .await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM portals WHERE is_default = 1")
        .fetch_one(&mut *tx)
        .await?;
    let is_default = i64::from(existing == 0);
    let inserted = crate::ssr::db::insert_id(&mut tx, sqlx::query(
        "INSERT INTO portals (slug, name, plan_id, time_zone, language, storage_used, is_default, created_at) \
         VALUES (?, ?, ?, 'UTC', 'en', 0, ?, ?)",
    )
    .bind(&slug)
    .bind(&company)
    .bind(plan_id)
    .bind(is_default)
    .bind(now))
    .await;
    let portal_id = match inserted {
        Ok(id) => PortalId(id),
        Err(e) if Db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(format!(
                "The address \"{slug}\" is already taken. Please choose another."
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let department_id = crate::ssr::db::insert_id(&mut tx, sqlx::query(
        "INSERT INTO departments (portal_id, name, parent_id, created_at) VALUES (?, ?, NULL, ?)",
    )
    .bind(portal_id)
    .bind(&company)
    .bind(now))
    .await?;
    let user_id = UserId(
        crate::ssr::db::insert_id(&mut tx, sqlx::query(
            "INSERT INTO users (portal_id, email, password_hash, name, role, department_id, position, created_at) \
             VALUES (?, ?, ?, ?, 'admin', ?, 'Administrator', ?)",
        )
        .bind(portal_id)
        .bind(&email)
        .bind(&password_hash)
        .bind(&name)
        .bind(department_id)
        .bind(now))
        .await?,
    );
    sqlx::query("UPDATE departments SET head_user_id = ? WHERE id = ? AND portal_id = ?")
        .bind(user_id)
        .bind(department_id)
        .bind(portal_id)
        .execute(&mut *tx)
        .await?;
    let handoff = new_token();
    sqlx::query(
        "INSERT INTO login_handoffs (portal_id, user_id, token_hash, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(portal_id)
    .bind(user_id)
    .bind(hash_token(&handoff))
    .bind(now + 5 * 60_000)
    .execute(&mut *tx)
    .await?;
    // The portal's bucket or folder exists before the portal does.
    state.storage.create_space(portal_id).await?;
    tx.commit().await?;
    tracing::info!(portal = %portal_id, %slug, "portal created");
    let base = portal_url_for_request(state, parts, &slug, is_default == 1);
    Ok(format!("{base}/auth/handoff?token={handoff}"))
}

#[derive(sqlx::FromRow)]
struct Limits {
    max_users: i64,
    max_storage_bytes: i64,
    storage_used: i64,
    plan_name: String,
}

async fn limits(pool: &Reader, portal: PortalId) -> AppResult<Limits> {
    Ok(sqlx::query_as(
        "SELECT p.max_users, p.max_storage_bytes, o.storage_used, p.name AS plan_name \
         FROM portals o JOIN plans p ON p.id = o.plan_id WHERE o.id = ?",
    )
    .bind(portal)
    .fetch_one(pool)
    .await?)
}

pub async fn active_users(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    portal: PortalId,
) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE portal_id = ? AND is_active = 1")
            .bind(portal)
            .fetch_one(executor)
            .await?,
    )
}

/// Refuses when one more active user would exceed the plan.
pub async fn ensure_user_slot(conn: &mut sqlx::AnyConnection, portal: PortalId) -> AppResult<()> {
    let max: i64 = sqlx::query_scalar(
        "SELECT p.max_users FROM portals o JOIN plans p ON p.id = o.plan_id WHERE o.id = ?",
    )
    .bind(portal)
    .fetch_one(&mut *conn)
    .await?;
    let active = active_users(&mut *conn, portal).await?;
    if active >= max {
        return Err(AppError::LimitReached(format!(
            "Your plan allows {max} active users and all are taken. Deactivate someone or upgrade the plan."
        )));
    }
    Ok(())
}

/// Reserves `bytes` of the portal's storage quota, or refuses if the plan would be exceeded.
pub async fn reserve_storage(db: &Db, portal: PortalId, bytes: i64) -> AppResult<()> {
    let reserved = sqlx::query(
        "UPDATE portals SET storage_used = storage_used + ? WHERE id = ? AND storage_used + ? <= \
         (SELECT max_storage_bytes FROM plans WHERE plans.id = portals.plan_id)",
    )
    .bind(bytes)
    .bind(portal)
    .bind(bytes)
    .execute(&db.writer)
    .await?;
    if reserved.rows_affected() == 1 {
        Ok(())
    } else {
        Err(storage_full(&db.reader, portal).await)
    }
}

pub async fn release_storage(writer: &Writer, portal: PortalId, bytes: i64) -> AppResult<()> {
    sqlx::query("UPDATE portals SET storage_used = storage_used - ? WHERE id = ?")
        .bind(bytes)
        .bind(portal)
        .execute(writer)
        .await?;
    Ok(())
}

/// Bytes the portal may still store.
pub async fn storage_left(pool: &Reader, portal: PortalId) -> AppResult<i64> {
    let l = limits(pool, portal).await?;
    Ok((l.max_storage_bytes - l.storage_used).max(0))
}

pub async fn storage_full(pool: &Reader, portal: PortalId) -> AppError {
    match limits(pool, portal).await {
        Ok(l) => AppError::LimitReached(format!(
            "Not enough storage: your {} plan holds {} and {} is used.",
            l.plan_name,
            human_bytes(l.max_storage_bytes),
            human_bytes(l.storage_used)
        )),
        Err(e) => e,
    }
}

pub use crate::files::types::human_bytes;

pub async fn settings(state: &AppState, caller: &Caller) -> AppResult<PortalSettings> {
    let portal = &caller.portal;
    let l = limits(&state.db.reader, portal.id).await?;
    Ok(PortalSettings {
        name: portal.name.clone(),
        slug: portal.slug.clone(),
        time_zone: portal.time_zone.clone(),
        language: portal.language.clone(),
        logo_url: portal.logo_file_id.map(crate::files::types::url),
        plan_name: l.plan_name,
        max_users: l.max_users,
        active_users: active_users(&state.db.reader, portal.id).await?,
        max_storage_bytes: l.max_storage_bytes,
        storage_used: l.storage_used,
    })
}

pub async fn update_settings(
    state: &AppState,
    caller: &Caller,
    name: &str,
    time_zone: &str,
    language: &str,
) -> AppResult<()> {
    let name = validate::required("the company name", name, validate::MAX_NAME)?;
    if !TIME_ZONES.contains(&time_zone) {
        return Err(AppError::invalid(
            "Please choose a time zone from the list.",
        ));
    }
    if !LANGUAGES.iter().any(|(code, _)| *code == language) {
        return Err(AppError::invalid("Please choose a language from the list."));
    }
    sqlx::query("UPDATE portals SET name = ?, time_zone = ?, language = ? WHERE id = ?")
        .bind(name)
        .bind(time_zone)
        .bind(language)
        .bind(caller.portal_id())
        .execute(&state.db.writer)
        .await?;
    Ok(())
}

/// The portal's new logo, just uploaded by an admin.
pub async fn set_logo(state: &AppState, caller: &Caller, file: FileId) -> AppResult<()> {
    caller.require_admin()?;
    let mut tx = state.db.begin().await?;
    let owner = LOGO_FILES.owner(caller.portal_id().0);
    crate::files::ssr::claim_picture(&mut tx, caller, file, owner).await?;
    sqlx::query("UPDATE portals SET logo_file_id = ? WHERE id = ?")
        .bind(file)
        .bind(caller.portal_id())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The portal's logo: everyone in the portal sees it.
pub const LOGO_FILES: crate::files::ssr::FileKind = crate::files::ssr::FileKind {
    kind: "logo",
    may_read: |_, _, _| Box::pin(async { Ok(true) }),
};

#[cfg(test)]
mod tests {
    use super::{HostAddress, classify_host};

    #[test]
    fn hosts_are_classified_without_falling_back_to_the_default_portal() {
        let aliases = vec!["intranet.acme.com".to_owned()];
        let classify = |host| classify_host(host, "agora.test", &aliases);
        assert_eq!(classify("agora.test"), HostAddress::Default);
        assert_eq!(classify("agora.test:3000"), HostAddress::Default);
        assert_eq!(classify("www.agora.test"), HostAddress::Default);
        assert_eq!(classify("Intranet.Acme.com:443"), HostAddress::Default);
        assert_eq!(classify("10.0.0.7:3000"), HostAddress::Default);
        assert_eq!(classify("[::1]:3000"), HostAddress::Default);
        assert_eq!(classify("[::1]"), HostAddress::Default);
        assert_eq!(
            classify("acme.agora.test:3000"),
            HostAddress::Portal("acme")
        );
        assert_eq!(classify("attacker.example"), HostAddress::Foreign);
        assert_eq!(classify("evil-agora.test"), HostAddress::Foreign);
        assert_eq!(classify("a.b.agora.test"), HostAddress::Foreign);
        assert_eq!(classify(""), HostAddress::Foreign);
    }
}
