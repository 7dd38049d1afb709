//! Whom a post can be addressed to, searched as the author types: departments, the author's
//! own workgroups and people, a few of each (never the whole company shipped to the browser).

use crate::error::AppResult;
use crate::feed::types::{MentionCandidate, RecipientOptions};
use crate::ids::{DepartmentId, GroupId};
use crate::ssr::caller::Caller;
use crate::ssr::db::{Db, Reader};

/// At most this many of each kind.
const PER_KIND: i64 = 6;

#[tracing::instrument(skip_all)]
pub async fn candidates(
    pool: &Reader,
    caller: &Caller,
    query: &str,
) -> AppResult<RecipientOptions> {
    caller.require_employee()?;
    let query = query.trim();
    if query.chars().count() > 100 {
        return Ok(RecipientOptions::default());
    }
    let pattern = Db::like_pattern(query);
    let departments: Vec<(DepartmentId, String)> = sqlx::query_as(
        "SELECT id, name FROM departments WHERE portal_id = ? AND LOWER(name) LIKE ? ESCAPE '!' \
         ORDER BY name, id LIMIT ?",
    )
    .bind(caller.portal_id())
    .bind(&pattern)
    .bind(PER_KIND)
    .fetch_all(pool)
    .await?;
    // Only groups the author is in: a post to a group goes to its members, guests too.
    let groups: Vec<(GroupId, String)> = sqlx::query_as(
        "SELECT g.id, g.name FROM workgroup_members m \
         JOIN workgroups g ON g.id = m.group_id AND g.portal_id = m.portal_id \
         WHERE m.portal_id = ? AND m.user_id = ? AND g.archived_at IS NULL \
         AND LOWER(g.name) LIKE ? ESCAPE '!' \
         ORDER BY g.name, g.id LIMIT ?",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .bind(&pattern)
    .bind(PER_KIND)
    .fetch_all(pool)
    .await?;
    let people: Vec<MentionCandidate> =
        super::read::mention_candidates(pool, caller, query).await?;
    Ok(RecipientOptions {
        departments,
        groups,
        people,
    })
}
