//! Groups for pickers (a task's project, the task list's filter): searched as one types, a
//! few at a time, and the names of the groups a picker already holds. A picker offers exactly
//! the groups `list` shows the caller: a closed group they may not see never appears, and its
//! name is never read.

use super::push_visible;
use crate::error::AppResult;
use crate::groups::types::GroupChoice;
use crate::ids::GroupId;
use crate::search_terms::{PICKER_RESULTS, picker_ids, picker_query};
use crate::ssr::caller::Caller;
use crate::ssr::db::{Db, Reader};
use sqlx::{Any, QueryBuilder};

#[derive(sqlx::FromRow)]
struct Row {
    id: GroupId,
    name: String,
    is_project: i64,
}

impl From<Row> for GroupChoice {
    fn from(r: Row) -> Self {
        GroupChoice {
            id: r.id,
            name: r.name,
            is_project: r.is_project == 1,
        }
    }
}

/// `SELECT … WHERE` the group is the caller's portal's, not archived, and one they may see
/// (or, with `mine_only`, belong to); the caller's membership is `me`.
fn offered(caller: &Caller, mine_only: bool) -> QueryBuilder<'static, Any> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT g.id, g.name, g.is_project FROM workgroups g \
         LEFT JOIN workgroup_members me ON me.group_id = g.id AND me.portal_id = g.portal_id \
         AND me.user_id = ",
    );
    qb.push_bind(caller.user_id)
        .push(" WHERE g.portal_id = ")
        .push_bind(caller.portal_id())
        .push(" AND g.archived_at IS NULL AND ");
    if mine_only {
        qb.push("me.role IS NOT NULL");
    } else {
        push_visible(&mut qb, caller);
    }
    qb
}

/// At most `PICKER_RESULTS` groups whose name contains `query`, those whose name or one of
/// its words starts with it first, then by name; with `mine_only`, only the caller's groups.
#[tracing::instrument(skip_all)]
pub async fn search(
    pool: &Reader,
    caller: &Caller,
    query: &str,
    mine_only: bool,
) -> AppResult<Vec<GroupChoice>> {
    let query = picker_query(query)?;
    let prefix = Db::like_prefix(query);
    let mut qb = offered(caller, mine_only);
    qb.push(" AND LOWER(g.name) LIKE ")
        .push_bind(Db::like_pattern(query))
        .push(" ESCAPE '!' ORDER BY CASE WHEN LOWER(g.name) LIKE ")
        .push_bind(prefix.clone())
        .push(" ESCAPE '!' OR LOWER(g.name) LIKE ")
        .push_bind(format!("% {prefix}"))
        .push(" ESCAPE '!' THEN 0 ELSE 1 END, LOWER(g.name), g.id LIMIT ")
        .push_bind(PICKER_RESULTS);
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(GroupChoice::from).collect())
}

/// The groups among `ids` the caller may see, by name; any other is left out. At most
/// `MAX_PICKER_IDS` ids, checked before any work.
#[tracing::instrument(skip_all)]
pub async fn by_ids(
    pool: &Reader,
    caller: &Caller,
    ids: &[GroupId],
) -> AppResult<Vec<GroupChoice>> {
    let ids = picker_ids(ids)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = offered(caller, false);
    qb.push(" AND g.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    qb.push(") ORDER BY LOWER(g.name), g.id");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(GroupChoice::from).collect())
}
