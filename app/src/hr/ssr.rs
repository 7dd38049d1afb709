//! Departments, directory and profiles: rules and SQL (server only).

use super::types::{DirectoryPage, FOLLOW_PORTAL, Person, Profile};
use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::files::ssr::{FileKind, claim_picture};
use crate::ids::{DepartmentId, FileId, UserId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Db;
use crate::ssr::db::Reader;
use crate::validate;
use futures::future::BoxFuture;
use sqlx::{Any, AnyConnection, QueryBuilder};

pub mod choices;
pub mod departments;
pub mod export;

use departments::ensure_user;
pub use departments::{
    delete_department, departments, ensure_department, parse_id, root_department, save_department,
};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: UserId,
    name: String,
    email: String,
    position: String,
    department: Option<String>,
    role: String,
    photo_file_id: Option<FileId>,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Person {
            id: r.id,
            name: r.name,
            email: r.email,
            position: r.position,
            department: r.department,
            role: Role::parse(&r.role).unwrap_or(Role::Employee),
            photo_url: r.photo_file_id.map(crate::files::types::url),
        }
    }
}

const PAGE_SIZE: i64 = 24;
const PERSON_COLUMNS: &str =
    "u.id, u.name, u.email, u.position, d.name AS department, u.role, u.photo_file_id";

/// The directory's filters: words in name, e-mail or position, and a department.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DirectoryFilter {
    pub search: String,
    pub department: Option<i64>,
}

impl DirectoryFilter {
    pub fn parse(search: &str, department_id: Option<String>) -> AppResult<Self> {
        let department = parse_id("department", department_id.as_deref())?;
        let search = search.trim();
        if search.chars().count() > 100 {
            return Err(AppError::invalid("The search is too long."));
        }
        Ok(Self {
            search: search.to_owned(),
            department,
        })
    }

    /// ` FROM users u … WHERE …`: the caller's portal's active people matching the filter.
    fn push_from(&self, qb: &mut QueryBuilder<'_, Any>, caller: &Caller) {
        qb.push(
            " FROM users u LEFT JOIN departments d ON d.id = u.department_id AND d.portal_id = u.portal_id \
             WHERE u.portal_id = ",
        )
        .push_bind(caller.portal_id())
        .push(" AND u.is_active = 1");
        if !self.search.is_empty() {
            let pattern = Db::like_pattern(&self.search);
            qb.push(" AND (LOWER(u.name) LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '!' OR LOWER(u.email) LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '!' OR LOWER(u.position) LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '!')");
        }
        if let Some(d) = self.department {
            qb.push(" AND u.department_id = ").push_bind(d);
        }
    }
}

/// People of the portal by name, with search and a department filter; keyset pages of 24.
pub async fn directory(
    pool: &Reader,
    caller: &Caller,
    search: &str,
    department_id: Option<String>,
    cursor: Option<&str>,
) -> AppResult<DirectoryPage> {
    let filter = DirectoryFilter::parse(search, department_id)?;
    let mut conn = pool.acquire().await?;
    directory_page(&mut conn, caller, &filter, cursor, PAGE_SIZE).await
}

/// A page of `limit` people after `cursor` (exports read larger pages than the screen).
pub async fn directory_page(
    conn: &mut AnyConnection,
    caller: &Caller,
    filter: &DirectoryFilter,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<DirectoryPage> {
    #[derive(sqlx::FromRow)]
    struct Listed {
        #[sqlx(flatten)]
        person: PersonRow,
        sort_name: String,
    }
    // Cursor: "<lower name>\u{1f}<id>" of the last person shown, lowered by the database
    // (SQLite's LOWER leaves non-ASCII letters alone; Rust's would not, and the next page
    // would then skip or repeat names such as "Émile").
    let after = cursor
        .and_then(|c| c.rsplit_once('\u{1f}'))
        .and_then(|(name, id)| id.parse::<i64>().ok().map(|id| (name.to_owned(), id)));
    let mut qb = QueryBuilder::<Any>::new(format!(
        "SELECT {PERSON_COLUMNS}, LOWER(u.name) AS sort_name"
    ));
    filter.push_from(&mut qb, caller);
    if let Some((name, id)) = after {
        qb.push(" AND (LOWER(u.name) > ")
            .push_bind(name.clone())
            .push(" OR (LOWER(u.name) = ")
            .push_bind(name)
            .push(" AND u.id > ")
            .push_bind(id)
            .push("))");
    }
    qb.push(" ORDER BY LOWER(u.name), u.id LIMIT ")
        .push_bind(limit + 1);
    let mut rows: Vec<Listed> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|r| format!("{}\u{1f}{}", r.sort_name, r.person.id))
    } else {
        None
    };
    Ok(DirectoryPage {
        people: rows.into_iter().map(|r| Person::from(r.person)).collect(),
        next_cursor,
    })
}

/// How many people the filter finds.
pub async fn directory_count(
    conn: &mut AnyConnection,
    caller: &Caller,
    filter: &DirectoryFilter,
) -> AppResult<i64> {
    let mut qb = QueryBuilder::<Any>::new("SELECT COUNT(*)");
    filter.push_from(&mut qb, caller);
    Ok(qb.build_query_scalar().fetch_one(&mut *conn).await?)
}

pub async fn profile(pool: &Reader, caller: &Caller, user_id: UserId) -> AppResult<Profile> {
    // Extranet users see only their own profile (their groups' members come with workgroups).
    if caller.role == Role::Extranet && caller.user_id != user_id {
        return Err(AppError::Forbidden);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        person: PersonRow,
        department_id: Option<DepartmentId>,
        manager_id: Option<UserId>,
        manager_name: Option<String>,
        phone: String,
        about: String,
        created_at: i64,
        time_zone: Option<String>,
    }
    let sql = format!(
        "SELECT {PERSON_COLUMNS}, u.department_id, u.manager_id, m.name AS manager_name, u.phone, u.about, u.created_at, \
         u.time_zone \
         FROM users u LEFT JOIN departments d ON d.id = u.department_id AND d.portal_id = u.portal_id \
         LEFT JOIN users m ON m.id = u.manager_id AND m.portal_id = u.portal_id \
         WHERE u.portal_id = ? AND u.id = ?"
    );
    let row: Row = sqlx::query_as(&sql)
        .bind(caller.portal_id())
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_admin = caller.role == Role::Admin;
    Ok(Profile {
        person: row.person.into(),
        department_id: row.department_id,
        manager: row.manager_id.zip(row.manager_name),
        phone: row.phone,
        about: row.about,
        joined_at: row.created_at,
        time_zone: row.time_zone,
        portal_time_zone: caller.portal.time_zone.clone(),
        editable: is_admin || caller.user_id == user_id,
        admin_fields: is_admin,
    })
}

pub struct ProfileUpdate {
    pub name: String,
    pub position: String,
    pub phone: String,
    pub about: String,
    /// A tz database name from `TIME_ZONES`, or `FOLLOW_PORTAL`; None leaves it as it is.
    pub time_zone: Option<String>,
    pub department_id: Option<String>,
    pub manager_id: Option<String>,
}

pub async fn update_profile(
    db: &Db,
    caller: &Caller,
    user_id: UserId,
    update: ProfileUpdate,
) -> AppResult<()> {
    let pool = &db.reader;
    let is_admin = caller.role == Role::Admin;
    if !is_admin && caller.user_id != user_id {
        return Err(AppError::Forbidden);
    }
    let portal = caller.portal_id();
    ensure_user(pool, portal, user_id.0, "person")
        .await
        .map_err(|_| AppError::NotFound)?;
    let name = validate::required("the name", &update.name, validate::MAX_NAME)?;
    let position = validate::optional("the position", &update.position, 100)?;
    let phone = validate::optional("the phone", &update.phone, 40)?;
    if phone
        .chars()
        .any(|c| !(c.is_ascii_digit() || " +-().".contains(c)))
    {
        return Err(AppError::invalid(
            "The phone may contain digits, spaces and + - ( ) only.",
        ));
    }
    let about = validate::optional("the about text", &update.about, 2000)?;
    let time_zone = match update.time_zone.as_deref().map(str::trim) {
        None => None,
        Some("" | FOLLOW_PORTAL) => Some(None),
        Some(zone) if crate::portal::types::TIME_ZONES.contains(&zone) => {
            Some(Some(zone.to_owned()))
        }
        Some(_) => {
            return Err(AppError::invalid(
                "Please choose a time zone from the list.",
            ));
        }
    };
    sqlx::query(
        "UPDATE users SET name = ?, position = ?, phone = ?, about = ? WHERE id = ? AND portal_id = ?",
    )
    .bind(&name)
    .bind(&position)
    .bind(&phone)
    .bind(&about)
    .bind(user_id)
    .bind(portal)
    .execute(&db.writer)
    .await?;
    if let Some(zone) = time_zone {
        sqlx::query("UPDATE users SET time_zone = ? WHERE id = ? AND portal_id = ?")
            .bind(zone)
            .bind(user_id)
            .bind(portal)
            .execute(&db.writer)
            .await?;
    }
    if is_admin {
        let department = parse_id("department", update.department_id.as_deref())?;
        let manager = parse_id("manager", update.manager_id.as_deref())?;
        if let Some(d) = department {
            ensure_department(pool, portal, d).await?;
            sqlx::query("UPDATE users SET department_id = ? WHERE id = ? AND portal_id = ?")
                .bind(d)
                .bind(user_id)
                .bind(portal)
                .execute(&db.writer)
                .await?;
        }
        if manager == Some(user_id.0) {
            return Err(AppError::invalid("A person cannot be their own manager."));
        }
        if let Some(m) = manager {
            ensure_user(pool, portal, m, "manager").await?;
        }
        sqlx::query("UPDATE users SET manager_id = ? WHERE id = ? AND portal_id = ?")
            .bind(manager)
            .bind(user_id)
            .bind(portal)
            .execute(&db.writer)
            .await?;
    }
    Ok(())
}

/// The caller's new profile photo, just uploaded.
pub async fn set_photo(db: &Db, caller: &Caller, file: FileId) -> AppResult<()> {
    let mut tx = db.begin().await?;
    claim_picture(&mut tx, caller, file, PHOTO_FILES.owner(caller.user_id.0)).await?;
    sqlx::query("UPDATE users SET photo_file_id = ? WHERE id = ? AND portal_id = ?")
        .bind(file)
        .bind(caller.user_id)
        .bind(caller.portal_id())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Profile photos belong to their person. Employees see everyone's; an outside partner sees
/// their own and those of people who share a workgroup with them, and no other face (no
/// walking the ids).
pub const PHOTO_FILES: FileKind = FileKind {
    kind: "photo",
    may_read: photo_visible,
};

fn photo_visible<'a>(
    pool: &'a Reader,
    caller: &'a Caller,
    person: i64,
) -> BoxFuture<'a, AppResult<bool>> {
    Box::pin(async move {
        if caller.role != crate::auth::types::Role::Extranet || person == caller.user_id.0 {
            return Ok(true);
        }
        let shared: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM workgroup_members a JOIN workgroup_members b \
             ON b.group_id = a.group_id AND b.portal_id = a.portal_id \
             WHERE a.portal_id = ? AND a.user_id = ? AND b.user_id = ? LIMIT 1",
        )
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .bind(person)
        .fetch_optional(pool)
        .await?;
        Ok(shared.is_some())
    })
}
