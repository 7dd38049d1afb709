//! Reading the feed: pages of posts, one post, comments — always through `Viewer::push_visible`.

use super::visibility::Viewer;
use crate::error::{AppError, AppResult};
use crate::feed::types::{
    Addressee, Author, CommentView, PAGE_SIZE, PREVIEW_COMMENTS, PostKind, PostView, PostsPage,
    Reaction, ReactionSummary,
};
use crate::ids::{CommentId, DepartmentId, FileId, GroupId, PostId, UserId};
use crate::ssr::db::Reader;
use sqlx::{Any, QueryBuilder};
use std::collections::HashMap;

const POST_COLUMNS: &str = "SELECT p.id, p.kind, p.author_id, u.name AS author_name, \
     u.photo_file_id AS author_photo, p.body, p.entry_type, p.entry_data, p.to_all, p.pinned_at, \
     p.comment_count, p.reaction_summary, p.created_at, p.edited_at \
     FROM feed_posts p JOIN users u ON u.id = p.author_id AND u.portal_id = p.portal_id \
     WHERE p.portal_id = ";

#[derive(sqlx::FromRow)]
struct PostRow {
    id: PostId,
    kind: String,
    author_id: UserId,
    author_name: String,
    author_photo: Option<FileId>,
    body: String,
    entry_type: Option<String>,
    entry_data: Option<String>,
    to_all: i64,
    pinned_at: Option<i64>,
    comment_count: i64,
    reaction_summary: String,
    created_at: i64,
    edited_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: CommentId,
    post_id: PostId,
    author_id: UserId,
    author_name: String,
    author_photo: Option<FileId>,
    body: String,
    reaction_summary: String,
    created_at: i64,
    edited_at: Option<i64>,
}

/// What narrows the feed (all optional).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub author: Option<UserId>,
    pub kind: Option<PostKind>,
    pub mentions_me: bool,
    /// Posts addressed to this department.
    pub department: Option<DepartmentId>,
    /// Posts addressed to this workgroup.
    pub group: Option<GroupId>,
    /// Posted at or after / before (unix ms).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Words that must all occur in the post or one of its comments.
    pub words: Vec<String>,
}

impl Filter {
    fn is_empty(&self) -> bool {
        self.author.is_none()
            && self.kind.is_none()
            && !self.mentions_me
            && self.department.is_none()
            && self.group.is_none()
            && self.from.is_none()
            && self.to.is_none()
            && self.words.is_empty()
    }
}

/// One page of the feed, newest first; pinned posts come separately on the first page.
#[tracing::instrument(skip_all)]
pub async fn page(
    pool: &Reader,
    backend: crate::ssr::db::Backend,
    viewer: &Viewer,
    filter: &Filter,
    before: Option<PostId>,
) -> AppResult<PostsPage> {
    let mut qb = QueryBuilder::<Any>::new(POST_COLUMNS);
    qb.push_bind(viewer.portal()).push(" AND ");
    viewer.push_visible(&mut qb);
    if let Some(before) = before {
        qb.push(" AND p.id < ").push_bind(before);
    }
    if let Some(author) = filter.author {
        qb.push(" AND p.author_id = ").push_bind(author);
    }
    if let Some(kind) = filter.kind {
        qb.push(" AND p.kind = ").push_bind(kind.as_str());
    }
    if filter.mentions_me {
        qb.push(" AND p.id IN (SELECT m.post_id FROM feed_mentions m WHERE m.portal_id = ")
            .push_bind(viewer.portal())
            .push(" AND m.user_id = ")
            .push_bind(viewer.user())
            .push(")");
    }
    if let Some(department) = filter.department {
        qb.push(" AND p.id IN (SELECT d.post_id FROM feed_audience d WHERE d.portal_id = ")
            .push_bind(viewer.portal())
            .push(" AND d.kind = 'department' AND d.target_id = ")
            .push_bind(department)
            .push(")");
    }
    if let Some(group) = filter.group {
        qb.push(" AND p.id IN (SELECT g.post_id FROM feed_audience g WHERE g.portal_id = ")
            .push_bind(viewer.portal())
            .push(" AND g.kind = 'group' AND g.target_id = ")
            .push_bind(group)
            .push(")");
    }
    if let Some(from) = filter.from {
        qb.push(" AND p.created_at >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        qb.push(" AND p.created_at < ").push_bind(to);
    }
    if !filter.words.is_empty() {
        qb.push(" AND ");
        crate::feed::ssr::search::push_matching_posts(
            &mut qb,
            backend,
            viewer.portal(),
            &filter.words,
        );
    }
    let unfiltered = filter.is_empty();
    if unfiltered {
        // Pinned posts are shown above the feed instead.
        qb.push(" AND p.pinned_at IS NULL");
    }
    qb.push(" ORDER BY p.id DESC LIMIT ")
        .push_bind(PAGE_SIZE as i64 + 1);
    let mut rows: Vec<PostRow> = qb.build_query_as().fetch_all(pool).await?;
    let next_cursor = if rows.len() > PAGE_SIZE {
        rows.truncate(PAGE_SIZE);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let pinned_rows = if before.is_none() && unfiltered {
        let mut qb = QueryBuilder::<Any>::new(POST_COLUMNS);
        qb.push_bind(viewer.portal())
            .push(" AND p.pinned_at IS NOT NULL AND ");
        viewer.push_visible(&mut qb);
        qb.push(" ORDER BY p.pinned_at DESC LIMIT 10");
        qb.build_query_as().fetch_all(pool).await?
    } else {
        Vec::new()
    };
    // Announcements still to confirm stay on top until confirmed.
    let confirm_rows = if before.is_none() && unfiltered {
        let mut qb = QueryBuilder::<Any>::new(POST_COLUMNS);
        qb.push_bind(viewer.portal())
            .push(" AND p.kind = 'announcement' AND p.author_id <> ")
            .push_bind(viewer.user())
            .push(
                " AND p.id NOT IN (SELECT c.post_id FROM feed_confirmations c WHERE c.portal_id = ",
            )
            .push_bind(viewer.portal())
            .push(" AND c.user_id = ")
            .push_bind(viewer.user())
            .push(") AND ");
        viewer.push_visible(&mut qb);
        qb.push(" ORDER BY p.id DESC LIMIT 5");
        qb.build_query_as().fetch_all(pool).await?
    } else {
        Vec::new()
    };
    let to_confirm_ids: Vec<PostId> = confirm_rows.iter().map(|r: &PostRow| r.id).collect();
    let (confirm_count, pinned_count) = (confirm_rows.len(), pinned_rows.len());
    // One assembly for all three lists: each step is one query for the whole page.
    let mut posts = assemble(
        pool,
        viewer,
        confirm_rows
            .into_iter()
            .chain(pinned_rows)
            .chain(rows.into_iter().filter(|r| !to_confirm_ids.contains(&r.id)))
            .collect(),
        PREVIEW_COMMENTS,
    )
    .await?;
    let mut pinned = posts.split_off(confirm_count);
    let to_confirm = posts;
    let posts = pinned.split_off(pinned_count);
    Ok(PostsPage {
        posts,
        pinned,
        to_confirm,
        next_cursor,
    })
}

/// One post with its latest comments, if the viewer may see it.
#[tracing::instrument(skip_all)]
pub async fn post(
    pool: &Reader,
    viewer: &Viewer,
    id: PostId,
    comments: usize,
) -> AppResult<PostView> {
    let mut qb = QueryBuilder::<Any>::new(POST_COLUMNS);
    qb.push_bind(viewer.portal())
        .push(" AND p.id = ")
        .push_bind(id)
        .push(" AND ");
    viewer.push_visible(&mut qb);
    let row: Option<PostRow> = qb.build_query_as().fetch_optional(pool).await?;
    let row = row.ok_or(AppError::NotFound)?;
    assemble(pool, viewer, vec![row], comments)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Older comments of a post, oldest first, before `before` (the oldest one shown).
#[tracing::instrument(skip_all)]
pub async fn earlier_comments(
    pool: &Reader,
    viewer: &Viewer,
    post: PostId,
    before: CommentId,
) -> AppResult<Vec<CommentView>> {
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let mut rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT c.id, c.post_id, c.author_id, u.name AS author_name, u.photo_file_id AS author_photo, \
         c.body, c.reaction_summary, c.created_at, c.edited_at FROM feed_comments c \
         JOIN users u ON u.id = c.author_id AND u.portal_id = c.portal_id \
         WHERE c.portal_id = ? AND c.post_id = ? AND c.id < ? ORDER BY c.id DESC LIMIT 50",
    )
    .bind(viewer.portal())
    .bind(post)
    .bind(before)
    .fetch_all(pool)
    .await?;
    rows.reverse();
    let targets: Vec<(PostId, i64)> = rows.iter().map(|c| (post, c.id.0)).collect();
    let my = my_reactions(pool, viewer, &targets).await?;
    let mut files = super::attachments::load(pool, viewer, &[post]).await?;
    let mut comments: Vec<CommentView> = rows
        .into_iter()
        .map(|c| {
            let attached = files.remove(&(post, c.id.0)).unwrap_or_default();
            comment_view(viewer, c, &my, attached)
        })
        .collect();
    let bodies: Vec<_> = comments.iter_mut().map(|c| &mut c.body).collect();
    crate::rich::names::resolve(pool, viewer.portal(), bodies).await?;
    Ok(comments)
}

/// Adds addressees, reactions and the newest comments to a set of posts.
async fn assemble(
    pool: &Reader,
    viewer: &Viewer,
    rows: Vec<PostRow>,
    comments_per_post: usize,
) -> AppResult<Vec<PostView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<PostId> = rows.iter().map(|r| r.id).collect();
    let everyone: Vec<PostId> = rows
        .iter()
        .filter(|r| r.to_all == 1)
        .map(|r| r.id)
        .collect();
    let addressees = addressees_for(pool, viewer, &ids, &everyone).await?;
    let mut comments = comments_for(pool, viewer, &ids, comments_per_post).await?;
    let targets: Vec<(PostId, i64)> = ids
        .iter()
        .map(|id| (*id, 0))
        .chain(comments.values().flatten().map(|c| (c.post_id, c.id.0)))
        .collect();
    let my = my_reactions(pool, viewer, &targets).await?;
    let of_kind = |kind: PostKind| -> Vec<PostId> {
        rows.iter()
            .filter(|r| r.kind == kind.as_str())
            .map(|r| r.id)
            .collect()
    };
    let mut extras = super::extras::load(
        pool,
        viewer,
        &ids,
        &of_kind(PostKind::Announcement),
        &of_kind(PostKind::Appreciation),
    )
    .await?;
    let mut files = super::attachments::load(pool, viewer, &ids).await?;
    let mut posts: Vec<PostView> = rows
        .into_iter()
        .map(|r| {
            let kind = PostKind::parse(&r.kind).unwrap_or(PostKind::Post);
            let mine = r.author_id == viewer.user();
            let post_comments = comments
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    let attached = files.remove(&(c.post_id, c.id.0)).unwrap_or_default();
                    comment_view(viewer, c, &my, attached)
                })
                .collect();
            let entry = (kind == PostKind::Entry).then(|| {
                super::entries::render(
                    r.entry_type.as_deref().unwrap_or_default(),
                    r.entry_data.as_deref().unwrap_or_default(),
                )
            });
            PostView {
                id: r.id,
                kind,
                author: Author::new(r.author_id, r.author_name, r.author_photo),
                body: crate::rich::parse(&r.body),
                source: (mine && kind != PostKind::Entry).then_some(r.body),
                entry,
                addressees: addressees.get(&r.id).cloned().unwrap_or_default(),
                created_at: r.created_at,
                edited_at: r.edited_at,
                pinned: r.pinned_at.is_some(),
                reactions: summary(&r.reaction_summary, my.get(&(r.id, 0)).copied()),
                comment_count: r.comment_count,
                comments: post_comments,
                can_edit: mine && kind != PostKind::Entry,
                can_delete: mine || viewer.is_admin(),
                can_pin: viewer.is_admin(),
                attachments: files.remove(&(r.id, 0)).unwrap_or_default(),
                poll: extras.polls.remove(&r.id),
                announcement: extras.announcement(viewer, r.id, r.author_id, kind),
                appreciation: extras.appreciations.remove(&r.id),
            }
        })
        .collect();
    let mut bodies = Vec::new();
    for post in &mut posts {
        bodies.push(&mut post.body);
        for comment in &mut post.comments {
            bodies.push(&mut comment.body);
        }
    }
    crate::rich::names::resolve(pool, viewer.portal(), bodies).await?;
    Ok(posts)
}

fn comment_view(
    viewer: &Viewer,
    c: CommentRow,
    my: &HashMap<(PostId, i64), Reaction>,
    attachments: Vec<crate::feed::types::Attachment>,
) -> CommentView {
    let mine = c.author_id == viewer.user();
    CommentView {
        id: c.id,
        post_id: c.post_id,
        author: Author::new(c.author_id, c.author_name, c.author_photo),
        body: crate::rich::parse(&c.body),
        source: mine.then_some(c.body),
        created_at: c.created_at,
        edited_at: c.edited_at,
        reactions: summary(&c.reaction_summary, my.get(&(c.post_id, c.id.0)).copied()),
        can_edit: mine,
        can_delete: mine || viewer.is_admin(),
        attachments,
    }
}

pub(super) fn push_ids<T>(qb: &mut QueryBuilder<'_, Any>, ids: &[T])
where
    T: Copy + Send + for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + 'static,
{
    qb.push("(");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
}

async fn addressees_for(
    pool: &Reader,
    viewer: &Viewer,
    ids: &[PostId],
    everyone: &[PostId],
) -> AppResult<HashMap<PostId, Vec<Addressee>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        post_id: PostId,
        kind: String,
        target_id: i64,
        label: Option<String>,
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT a.post_id, a.kind, a.target_id, COALESCE(d.name, u.name, g.name) AS label \
         FROM feed_audience a \
         LEFT JOIN workgroups g ON a.kind = 'group' AND g.id = a.target_id AND g.portal_id = a.portal_id \
         LEFT JOIN departments d ON a.kind = 'department' AND d.id = a.target_id AND d.portal_id = a.portal_id \
         LEFT JOIN users u ON a.kind = 'user' AND u.id = a.target_id AND u.portal_id = a.portal_id \
         WHERE a.portal_id = ",
    );
    qb.push_bind(viewer.portal()).push(" AND a.post_id IN ");
    push_ids(&mut qb, ids);
    qb.push(" ORDER BY a.kind, label");
    let rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    let mut out: HashMap<PostId, Vec<Addressee>> = HashMap::new();
    for id in everyone {
        out.entry(*id).or_default().push(Addressee::Everyone);
    }
    for r in rows {
        let Some(label) = r.label else { continue };
        let addressee = match r.kind.as_str() {
            "department" => Addressee::Department(DepartmentId(r.target_id), label),
            "user" => Addressee::Person(UserId(r.target_id), label),
            "group" => Addressee::Group(GroupId(r.target_id), label),
            _ => continue,
        };
        out.entry(r.post_id).or_default().push(addressee);
    }
    Ok(out)
}

/// Counts by reaction as kept on a post or comment row: `like:12 love:3`.
pub(super) fn summary_text(counts: &[(Reaction, i64)]) -> String {
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{}:{n}", r.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The reactions line of a post or comment: total, the three most given, the viewer's own.
fn summary(text: &str, mine: Option<Reaction>) -> ReactionSummary {
    let mut counts: Vec<(Reaction, i64)> = text
        .split_whitespace()
        .filter_map(|part| {
            let (reaction, n) = part.split_once(':')?;
            Some((Reaction::parse(reaction)?, n.parse().ok()?))
        })
        .collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    ReactionSummary {
        total: counts.iter().map(|(_, n)| n).sum(),
        top: counts.into_iter().map(|(r, _)| r).take(3).collect(),
        mine,
    }
}

/// The viewer's own reactions to these posts and comments (comment id 0 = the post): one
/// primary-key lookup each.
async fn my_reactions(
    pool: &Reader,
    viewer: &Viewer,
    targets: &[(PostId, i64)],
) -> AppResult<HashMap<(PostId, i64), Reaction>> {
    if targets.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT post_id, comment_id, reaction FROM feed_reactions WHERE portal_id = ",
    );
    qb.push_bind(viewer.portal())
        .push(" AND user_id = ")
        .push_bind(viewer.user())
        .push(" AND (");
    for (i, (post, comment)) in targets.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push("(post_id = ")
            .push_bind(*post)
            .push(" AND comment_id = ")
            .push_bind(*comment)
            .push(")");
    }
    qb.push(")");
    let rows: Vec<(PostId, i64, String)> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, c, r)| Reaction::parse(&r).map(|r| ((p, c), r)))
        .collect())
}

/// The newest `limit` comments of each post, oldest first: one indexed `ORDER BY id DESC LIMIT`
/// per post, joined by `UNION ALL` into one round trip. Busy posts have thousands of comments,
/// and numbering them all (a window function) cost tens of milliseconds per page at 1,000,000
/// posts (docs/PERFORMANCE.md).
async fn comments_for(
    pool: &Reader,
    viewer: &Viewer,
    ids: &[PostId],
    limit: usize,
) -> AppResult<HashMap<PostId, Vec<CommentRow>>> {
    let mut out: HashMap<PostId, Vec<CommentRow>> = HashMap::new();
    if ids.is_empty() || limit == 0 {
        return Ok(out);
    }
    let mut qb = QueryBuilder::<Any>::new("");
    for (i, post) in ids.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push(
            "SELECT * FROM (SELECT c.id, c.post_id, c.author_id, u.name AS author_name, \
             u.photo_file_id AS author_photo, c.body, c.reaction_summary, c.created_at, c.edited_at FROM feed_comments c \
             JOIN users u ON u.id = c.author_id AND u.portal_id = c.portal_id \
             WHERE c.portal_id = ",
        )
        .push_bind(viewer.portal())
        .push(" AND c.post_id = ")
        .push_bind(*post)
        .push(" ORDER BY c.id DESC LIMIT ")
        .push_bind(limit as i64)
        .push(format!(") newest{i}"));
    }
    let rows: Vec<CommentRow> = qb.build_query_as().fetch_all(pool).await?;
    for row in rows {
        out.entry(row.post_id).or_default().push(row);
    }
    for comments in out.values_mut() {
        comments.sort_by_key(|c| c.id);
    }
    Ok(out)
}

/// Who reacted to a post or comment, newest first (at most 200).
#[tracing::instrument(skip_all)]
pub async fn who_reacted(
    pool: &Reader,
    viewer: &Viewer,
    post: PostId,
    comment: Option<CommentId>,
) -> AppResult<Vec<crate::feed::types::ReactionEntry>> {
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let rows: Vec<(UserId, String, Option<FileId>, String)> = sqlx::query_as(
        "SELECT u.id, u.name, u.photo_file_id, r.reaction FROM feed_reactions r \
         JOIN users u ON u.id = r.user_id AND u.portal_id = r.portal_id \
         WHERE r.portal_id = ? AND r.post_id = ? AND r.comment_id = ? ORDER BY r.created_at DESC LIMIT 200",
    )
    .bind(viewer.portal())
    .bind(post)
    .bind(comment.map(|c| c.0).unwrap_or(0))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, photo, reaction)| {
            Some(crate::feed::types::ReactionEntry {
                author: Author::new(id, name, photo),
                reaction: Reaction::parse(&reaction)?,
            })
        })
        .collect())
}

/// People matching `query` by name, for @mention autocomplete.
#[tracing::instrument(skip_all)]
pub async fn mention_candidates(
    pool: &Reader,
    caller: &crate::ssr::caller::Caller,
    query: &str,
) -> AppResult<Vec<crate::feed::types::MentionCandidate>> {
    let query = query.trim();
    if query.chars().count() > 100 {
        return Ok(Vec::new());
    }
    let pattern = crate::ssr::db::Db::like_pattern(query);
    let rows: Vec<(UserId, String, String, Option<FileId>)> = sqlx::query_as(
        "SELECT id, name, position, photo_file_id FROM users \
         WHERE portal_id = ? AND is_active = 1 AND LOWER(name) LIKE ? ESCAPE '!' ORDER BY name, id LIMIT 8",
    )
    .bind(caller.portal_id())
    .bind(pattern)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, position, photo)| crate::feed::types::MentionCandidate {
                id,
                name,
                position,
                photo_url: photo.map(crate::files::types::url),
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaction_summaries_round_trip_most_given_first() {
        let text = summary_text(&[
            (Reaction::Like, 2),
            (Reaction::Love, 5),
            (Reaction::Laugh, 0),
            (Reaction::Celebrate, 1),
        ]);
        assert_eq!(text, "like:2 love:5 celebrate:1");
        let line = summary(&text, Some(Reaction::Like));
        assert_eq!(line.total, 8);
        assert_eq!(
            line.top,
            vec![Reaction::Love, Reaction::Like, Reaction::Celebrate]
        );
        assert_eq!(line.mine, Some(Reaction::Like));
        // Unknown kinds and junk are skipped, not trusted.
        assert_eq!(summary("zap:3 like:x love:1", None).total, 1);
        assert_eq!(summary("", None).total, 0);
    }
}
