//! People for pickers (responsible, members, a manager…): searched as one types, a few at a
//! time, and the names of the people a picker already holds. Who is offered: the active
//! people of the caller's portal who are not outside partners (extranet users), and only to
//! employees and admins — an outside partner cannot list the company.

use super::super::types::PersonChoice;
use crate::error::AppResult;
use crate::ids::{FileId, UserId};
use crate::search_terms::{PICKER_RESULTS, picker_ids, picker_query};
use crate::ssr::caller::Caller;
use crate::ssr::db::{Db, Reader};
use sqlx::{Any, QueryBuilder};

/// The people a picker may offer, from `users`, bound to the caller's portal.
const OFFERED: &str = "SELECT id, name, position, photo_file_id FROM users \
     WHERE is_active = 1 AND role <> 'extranet' AND portal_id = ";

#[derive(sqlx::FromRow)]
struct Row {
    id: UserId,
    name: String,
    position: String,
    photo_file_id: Option<FileId>,
}

impl From<Row> for PersonChoice {
    fn from(r: Row) -> Self {
        PersonChoice {
            id: r.id,
            name: r.name,
            position: r.position,
            photo_url: r.photo_file_id.map(crate::files::types::url),
        }
    }
}

/// At most `PICKER_RESULTS` people whose name contains `query`, those whose name or one of
/// its words starts with it first, then by name. An empty query lists the first by name.
#[tracing::instrument(skip_all)]
pub async fn search(pool: &Reader, caller: &Caller, query: &str) -> AppResult<Vec<PersonChoice>> {
    caller.require_employee()?;
    let query = picker_query(query)?;
    let prefix = Db::like_prefix(query);
    let mut qb = QueryBuilder::<Any>::new(OFFERED);
    qb.push_bind(caller.portal_id())
        .push(" AND LOWER(name) LIKE ")
        .push_bind(Db::like_pattern(query))
        .push(" ESCAPE '!' ORDER BY CASE WHEN LOWER(name) LIKE ")
        .push_bind(prefix.clone())
        .push(" ESCAPE '!' OR LOWER(name) LIKE ")
        .push_bind(format!("% {prefix}"))
        .push(" ESCAPE '!' THEN 0 ELSE 1 END, LOWER(name), id LIMIT ")
        .push_bind(PICKER_RESULTS);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(PersonChoice::from).collect())
}

/// The people among `ids` a picker may offer, by name; anyone else is left out, their name
/// never read. At most `MAX_PICKER_IDS` ids, checked before any work.
#[tracing::instrument(skip_all)]
pub async fn by_ids(
    pool: &Reader,
    caller: &Caller,
    ids: &[UserId],
) -> AppResult<Vec<PersonChoice>> {
    caller.require_employee()?;
    let ids = picker_ids(ids)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Any>::new(OFFERED);
    qb.push_bind(caller.portal_id()).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    qb.push(") ORDER BY LOWER(name), id");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(PersonChoice::from).collect())
}
