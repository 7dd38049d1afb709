//! Who may see a post: the rule every feed query, event and download goes through.
//!
//! A post is visible to its author; to every employee when addressed to everyone; to the
//! members of an addressed department and of its sub-departments; to addressed people.
//! Extranet users see only what is addressed to them by name (workgroups come later).

use crate::auth::types::Role;
use crate::error::AppResult;
use crate::ids::{DepartmentId, GroupId, PortalId, PostId, UserId};
use crate::ssr::caller::Caller;
use crate::ssr::db::Reader;
use crate::ssr::hub::Audience;
use sqlx::{Any, QueryBuilder};
use std::collections::HashMap;

/// The caller with what decides visibility: their department and its ancestors.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub caller: Caller,
    pub departments: Vec<DepartmentId>,
    /// The workgroups the viewer is a member of.
    pub groups: Vec<GroupId>,
}

impl Viewer {
    #[tracing::instrument(skip_all)]
    /// One statement: the viewer's department with its ancestors (walked up by a recursive
    /// query; `UNION` stops on a cycle) and the workgroups they belong to.
    pub async fn load(pool: &Reader, caller: Caller) -> AppResult<Self> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "WITH RECURSIVE up (id, parent_id) AS ( \
               SELECT d.id, d.parent_id FROM users u \
               JOIN departments d ON d.id = u.department_id AND d.portal_id = u.portal_id \
               WHERE u.id = ? AND u.portal_id = ? \
               UNION \
               SELECT d.id, d.parent_id FROM departments d JOIN up ON d.id = up.parent_id \
               WHERE d.portal_id = ? \
             ) \
             SELECT 'd' AS kind, id FROM up \
             UNION ALL \
             SELECT 'g' AS kind, group_id AS id FROM workgroup_members \
             WHERE portal_id = ? AND user_id = ?",
        )
        .bind(caller.user_id)
        .bind(caller.portal_id())
        .bind(caller.portal_id())
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .fetch_all(pool)
        .await?;
        let (mut departments, mut groups) = (Vec::new(), Vec::new());
        for (kind, id) in rows {
            if kind == "d" {
                departments.push(DepartmentId(id));
            } else {
                groups.push(GroupId(id));
            }
        }
        Ok(Self {
            caller,
            departments,
            groups,
        })
    }

    pub fn portal(&self) -> PortalId {
        self.caller.portal_id()
    }

    pub fn user(&self) -> UserId {
        self.caller.user_id
    }

    pub fn is_admin(&self) -> bool {
        self.caller.role == Role::Admin
    }

    pub fn is_extranet(&self) -> bool {
        self.caller.role == Role::Extranet
    }

    /// Appends `(…)`: true when the viewer may see post `p` (alias of `feed_posts`).
    ///
    /// Feed queries walk posts newest first and stop after a page, so for employees the
    /// addressees are probed per post (a correlated `(SELECT 1 … LIMIT 1) IS NOT NULL` on the
    /// audience's primary key); most posts go to everyone and never need the probe. A list of
    /// every post addressed to the viewer's departments would be built in full for each query:
    /// 17–22 ms at 1,000,000 posts on SQLite (docs/PERFORMANCE.md). Not `EXISTS`: MariaDB turns
    /// it into exactly that list (3 ms per query). Extranet users see only posts naming them: a
    /// short list, so for them the list is the fast shape.
    pub fn push_visible(&self, qb: &mut QueryBuilder<'_, Any>) {
        qb.push("(p.author_id = ").push_bind(self.user());
        if self.is_extranet() {
            qb.push(" OR p.id IN (SELECT va.post_id FROM feed_audience va WHERE va.portal_id = ")
                .push_bind(self.portal())
                .push(" AND ((va.kind = 'user' AND va.target_id = ")
                .push_bind(self.user())
                .push(")");
            self.push_groups(qb);
            qb.push(")))");
            return;
        }
        qb.push(
            " OR p.to_all = 1 OR (SELECT 1 FROM feed_audience va \
             WHERE va.post_id = p.id AND va.portal_id = ",
        )
        .push_bind(self.portal())
        .push(" AND ((va.kind = 'user' AND va.target_id = ")
        .push_bind(self.user())
        .push(")");
        if !self.departments.is_empty() {
            qb.push(" OR (va.kind = 'department' AND va.target_id IN (");
            let mut ids = qb.separated(", ");
            for id in &self.departments {
                ids.push_bind(*id);
            }
            qb.push("))");
        }
        self.push_groups(qb);
        qb.push(") LIMIT 1) IS NOT NULL)");
    }

    /// ` OR (va.kind = 'group' AND va.target_id IN (…))` for the viewer's groups, if any.
    fn push_groups(&self, qb: &mut QueryBuilder<'_, Any>) {
        if self.groups.is_empty() {
            return;
        }
        qb.push(" OR (va.kind = 'group' AND va.target_id IN (");
        let mut ids = qb.separated(", ");
        for id in &self.groups {
            ids.push_bind(*id);
        }
        qb.push("))");
    }

    /// Whether the viewer may see this post (for direct links, comments, reactions).
    pub async fn can_see(&self, pool: &Reader, post: PostId) -> AppResult<bool> {
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM feed_posts p WHERE p.portal_id = ");
        qb.push_bind(self.portal())
            .push(" AND p.id = ")
            .push_bind(post)
            .push(" AND ");
        self.push_visible(&mut qb);
        let n: i64 = qb.build_query_scalar().fetch_one(pool).await?;
        Ok(n > 0)
    }
}

/// The company tree as (id → parent), for walking up and down.
pub struct DepartmentTree {
    parent: HashMap<DepartmentId, Option<DepartmentId>>,
}

impl DepartmentTree {
    pub async fn load(pool: &Reader, portal: PortalId) -> AppResult<Self> {
        let rows: Vec<(DepartmentId, Option<DepartmentId>)> =
            sqlx::query_as("SELECT id, parent_id FROM departments WHERE portal_id = ?")
                .bind(portal)
                .fetch_all(pool)
                .await?;
        Ok(Self {
            parent: rows.into_iter().collect(),
        })
    }

    pub fn ancestors_and_self(&self, id: DepartmentId) -> Vec<DepartmentId> {
        let mut out = vec![id];
        let mut current = id;
        while let Some(Some(parent)) = self.parent.get(&current) {
            if out.contains(parent) {
                break;
            }
            out.push(*parent);
            current = *parent;
        }
        out
    }

    /// The departments and everything under them.
    pub fn subtrees(&self, roots: &[DepartmentId]) -> Vec<DepartmentId> {
        self.parent
            .keys()
            .copied()
            .filter(|d| {
                self.ancestors_and_self(*d)
                    .iter()
                    .any(|a| roots.contains(a))
            })
            .collect()
    }
}

/// Who receives live events about a post: the same people who may read it.
#[tracing::instrument(skip_all)]
pub async fn post_audience(pool: &Reader, portal: PortalId, post: PostId) -> AppResult<Audience> {
    let row: Option<(UserId, i64)> =
        sqlx::query_as("SELECT author_id, to_all FROM feed_posts WHERE id = ? AND portal_id = ?")
            .bind(post)
            .bind(portal)
            .fetch_optional(pool)
            .await?;
    let Some((author, to_all)) = row else {
        return Ok(Audience::Users(Vec::new()));
    };
    let targets: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, target_id FROM feed_audience WHERE post_id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(portal)
    .fetch_all(pool)
    .await?;
    let mut users: Vec<UserId> = vec![author];
    users.extend(
        targets
            .iter()
            .filter(|(kind, _)| kind == "user")
            .map(|(_, id)| UserId(*id)),
    );
    let groups: Vec<i64> = targets
        .iter()
        .filter(|(kind, _)| kind == "group")
        .map(|(_, id)| *id)
        .collect();
    if !groups.is_empty() {
        let mut qb =
            QueryBuilder::<Any>::new("SELECT user_id FROM workgroup_members WHERE portal_id = ");
        qb.push_bind(portal).push(" AND group_id IN (");
        let mut ids = qb.separated(", ");
        for id in groups {
            ids.push_bind(id);
        }
        qb.push(")");
        let members: Vec<UserId> = qb.build_query_scalar().fetch_all(pool).await?;
        users.extend(members);
    }
    if to_all == 1 {
        // Everyone employed, plus named extranet people and the author.
        return Ok(Audience::EmployeesAnd(users));
    }
    let departments: Vec<DepartmentId> = targets
        .iter()
        .filter(|(kind, _)| kind == "department")
        .map(|(_, id)| DepartmentId(*id))
        .collect();
    if !departments.is_empty() {
        let tree = DepartmentTree::load(pool, portal).await?;
        let all = tree.subtrees(&departments);
        let mut qb = QueryBuilder::<Any>::new(
            "SELECT id FROM users WHERE is_active = 1 AND role <> 'extranet' AND portal_id = ",
        );
        qb.push_bind(portal).push(" AND department_id IN (");
        let mut ids = qb.separated(", ");
        for id in all {
            ids.push_bind(id);
        }
        qb.push(")");
        let members: Vec<UserId> = qb.build_query_scalar().fetch_all(pool).await?;
        users.extend(members);
    }
    users.sort();
    users.dedup();
    Ok(Audience::Users(users))
}

/// Everyone who may read a post, as a list (for announcements: who must confirm).
pub async fn post_readers(pool: &Reader, portal: PortalId, post: PostId) -> AppResult<Vec<UserId>> {
    match post_audience(pool, portal, post).await? {
        Audience::Users(users) => Ok(users),
        Audience::EmployeesAnd(mut users) => {
            let employees: Vec<UserId> = sqlx::query_scalar(
                "SELECT id FROM users WHERE portal_id = ? AND is_active = 1 AND role <> 'extranet'",
            )
            .bind(portal)
            .fetch_all(pool)
            .await?;
            users.extend(employees);
            users.sort();
            users.dedup();
            Ok(users)
        }
        Audience::Employees | Audience::Admins => Ok(Vec::new()),
    }
}
