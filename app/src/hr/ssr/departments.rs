//! Departments: the tree, saving and deleting, and the checks other parts use on ids.

use super::super::types::Department;
use crate::error::{AppError, AppResult};
use crate::ids::PortalId;
use crate::ssr::caller::Caller;
use crate::ssr::db::{Db, Reader};
use crate::ssr::now_ms;
use crate::validate;

/// Parses an optional id from a form field; an empty field means none.
pub fn parse_id(field: &str, value: Option<&str>) -> AppResult<Option<i64>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(format!("Invalid {field}."))),
    }
}

pub async fn ensure_department(pool: &Reader, portal: PortalId, id: i64) -> AppResult<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM departments WHERE id = ? AND portal_id = ?")
            .bind(id)
            .bind(portal)
            .fetch_optional(pool)
            .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::invalid("That department does not exist."))
}

pub(super) async fn ensure_user(
    pool: &Reader,
    portal: PortalId,
    id: i64,
    field: &str,
) -> AppResult<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE id = ? AND portal_id = ? AND is_active = 1")
            .bind(id)
            .bind(portal)
            .fetch_optional(pool)
            .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::invalid(format!("The {field} is not a member of this portal.")))
}

/// The top of the company tree, where people without a department land.
pub async fn root_department(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    portal: PortalId,
) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM departments WHERE portal_id = ? AND parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .bind(portal)
    .fetch_optional(executor)
    .await?)
}

pub async fn departments(pool: &Reader, caller: &Caller) -> AppResult<Vec<Department>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.name, d.parent_id, d.head_user_id, h.name AS head_name, \
         (SELECT COUNT(*) FROM users m WHERE m.portal_id = d.portal_id AND m.department_id = d.id AND m.is_active = 1) AS members \
         FROM departments d LEFT JOIN users h ON h.id = d.head_user_id AND h.portal_id = d.portal_id \
         WHERE d.portal_id = ? ORDER BY d.name, d.id",
    )
    .bind(caller.portal_id())
    .fetch_all(pool)
    .await?)
}

pub async fn save_department(
    db: &Db,
    caller: &Caller,
    id: Option<String>,
    name: &str,
    parent_id: Option<String>,
    head_user_id: Option<String>,
) -> AppResult<()> {
    let pool = &db.reader;
    let portal = caller.portal_id();
    let name = validate::required("the department name", name, validate::MAX_NAME)?;
    let id = parse_id("department", id.as_deref())?;
    let parent = parse_id("parent department", parent_id.as_deref())?;
    let head = parse_id("head", head_user_id.as_deref())?;
    if let Some(p) = parent {
        ensure_department(pool, portal, p).await?;
    }
    if let Some(h) = head {
        ensure_user(pool, portal, h, "head").await?;
    }
    match id {
        None => {
            let parent = match parent {
                Some(p) => p,
                None => root_department(pool, portal)
                    .await?
                    .ok_or_else(|| AppError::invalid("Choose a parent department."))?,
            };
            sqlx::query(
                "INSERT INTO departments (portal_id, name, parent_id, head_user_id, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(portal)
            .bind(&name)
            .bind(parent)
            .bind(head)
            .bind(now_ms())
            .execute(&db.writer)
            .await?;
        }
        Some(id) => {
            ensure_department(pool, portal, id).await?;
            let is_root = root_department(pool, portal).await? == Some(id);
            if is_root && parent.is_some() {
                return Err(AppError::invalid(
                    "The company itself cannot move under a department.",
                ));
            }
            if !is_root && parent.is_none() {
                return Err(AppError::invalid("Choose a parent department."));
            }
            if let Some(p) = parent
                && is_descendant_or_self(pool, portal, p, id).await?
            {
                {
                    return Err(AppError::invalid(
                        "A department cannot move under itself or its own sub-department.",
                    ));
                }
            }
            sqlx::query(
                "UPDATE departments SET name = ?, parent_id = ?, head_user_id = ? WHERE id = ? AND portal_id = ?",
            )
            .bind(&name)
            .bind(parent)
            .bind(head)
            .bind(id)
            .bind(portal)
            .execute(&db.writer)
            .await?;
        }
    }
    Ok(())
}

/// Whether `candidate` is `ancestor` or lies below it.
async fn is_descendant_or_self(
    pool: &Reader,
    portal: PortalId,
    candidate: i64,
    ancestor: i64,
) -> AppResult<bool> {
    let mut current = Some(candidate);
    for _ in 0..64 {
        match current {
            None => return Ok(false),
            Some(c) if c == ancestor => return Ok(true),
            Some(c) => {
                current = sqlx::query_scalar(
                    "SELECT parent_id FROM departments WHERE id = ? AND portal_id = ?",
                )
                .bind(c)
                .bind(portal)
                .fetch_optional(pool)
                .await?
                .flatten();
            }
        }
    }
    Ok(true)
}

pub async fn delete_department(db: &Db, caller: &Caller, id: i64) -> AppResult<()> {
    let pool = &db.reader;
    let portal = caller.portal_id();
    ensure_department(pool, portal, id).await?;
    if root_department(pool, portal).await? == Some(id) {
        return Err(AppError::invalid("The company itself cannot be deleted."));
    }
    let (children, members): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM departments WHERE portal_id = ? AND parent_id = ?), \
                (SELECT COUNT(*) FROM users WHERE portal_id = ? AND department_id = ? AND is_active = 1)",
    )
    .bind(portal)
    .bind(id)
    .bind(portal)
    .bind(id)
    .fetch_one(pool)
    .await?;
    if children > 0 || members > 0 {
        return Err(AppError::invalid(
            "Move this department's people and sub-departments elsewhere before deleting it.",
        ));
    }
    sqlx::query("DELETE FROM departments WHERE id = ? AND portal_id = ?")
        .bind(id)
        .bind(portal)
        .execute(&db.writer)
        .await?;
    Ok(())
}
