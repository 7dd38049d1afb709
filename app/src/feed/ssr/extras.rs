//! What some posts carry besides text: a poll, an announcement's confirmations, the people an
//! appreciation thanks. Stored with the post, voted and confirmed later, loaded in batches.

use super::read::push_ids;
use super::visibility::{Viewer, post_readers};
use crate::error::{AppError, AppResult};
use crate::feed::types::{
    AnnouncementView, AppreciationView, Author, Badge, MAX_POLL_OPTION, MAX_POLL_OPTIONS,
    MAX_POLL_QUESTION, NewAppreciation, NewPoll, PollOptionView, PollView, PostKind, ReadersView,
    ReceivedAppreciation,
};
use crate::ids::{FileId, PollOptionId, PortalId, PostId, UserId};
use crate::ssr::db::Reader;
use crate::ssr::now_ms;
use crate::ssr::state::AppState;
use sqlx::{Any, QueryBuilder, Transaction};
use std::collections::{HashMap, HashSet};

/// Checks a poll before anything is stored; returns the trimmed question and options.
pub fn checked_poll(poll: &NewPoll) -> AppResult<NewPoll> {
    let question =
        crate::validate::required("the poll question", &poll.question, MAX_POLL_QUESTION)?;
    // The size first (empty lines, dropped below, count too: no form sends that many).
    if poll.options.len() > MAX_POLL_OPTIONS {
        return Err(AppError::invalid(format!(
            "A poll can have at most {MAX_POLL_OPTIONS} options."
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let mut options: Vec<String> = Vec::new();
    for option in &poll.options {
        let option = option.trim();
        if option.is_empty() {
            continue;
        }
        if option.chars().count() > MAX_POLL_OPTION {
            return Err(AppError::invalid(format!(
                "A poll option is too long (at most {MAX_POLL_OPTION} characters)."
            )));
        }
        if !seen.insert(option.to_lowercase()) {
            return Err(AppError::invalid(format!(
                "The option \u{201c}{option}\u{201d} is there twice."
            )));
        }
        options.push(option.to_owned());
    }
    if options.len() < 2 {
        return Err(AppError::invalid("A poll needs at least two options."));
    }
    if options.len() > MAX_POLL_OPTIONS {
        return Err(AppError::invalid(format!(
            "A poll can have at most {MAX_POLL_OPTIONS} options."
        )));
    }
    Ok(NewPoll {
        question,
        options,
        multiple: poll.multiple,
        anonymous: poll.anonymous,
    })
}

pub async fn store_poll(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    post: PostId,
    poll: &NewPoll,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO feed_polls (post_id, portal_id, question, multiple, anonymous) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(post)
    .bind(viewer.portal())
    .bind(&poll.question)
    .bind(i64::from(poll.multiple))
    .bind(i64::from(poll.anonymous))
    .execute(&mut **tx)
    .await?;
    for (position, label) in poll.options.iter().enumerate() {
        sqlx::query(
            "INSERT INTO feed_poll_options (portal_id, post_id, position, label) VALUES (?, ?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(post)
        .bind(position as i64)
        .bind(label)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn store_thanks(
    tx: &mut Transaction<'_, Any>,
    viewer: &Viewer,
    post: PostId,
    appreciation: &NewAppreciation,
) -> AppResult<()> {
    for person in &appreciation.people {
        sqlx::query(
            "INSERT INTO feed_thanks (portal_id, post_id, user_id, badge) VALUES (?, ?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(post)
        .bind(*person)
        .bind(appreciation.badge.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Replaces the viewer's vote; an empty choice takes it back.
#[tracing::instrument(skip_all)]
pub async fn vote(
    state: &AppState,
    viewer: &Viewer,
    post: PostId,
    mut choice: Vec<PollOptionId>,
) -> AppResult<()> {
    let pool = &state.db.reader;
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let multiple: Option<i64> =
        sqlx::query_scalar("SELECT multiple FROM feed_polls WHERE post_id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_optional(pool)
            .await?;
    let multiple = multiple.ok_or_else(|| AppError::invalid("This post has no poll."))? == 1;
    choice.sort();
    choice.dedup();
    if !multiple && choice.len() > 1 {
        return Err(AppError::invalid("This poll takes one answer only."));
    }
    let options: Vec<PollOptionId> =
        sqlx::query_scalar("SELECT id FROM feed_poll_options WHERE post_id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_all(pool)
            .await?;
    if choice.iter().any(|c| !options.contains(c)) {
        return Err(AppError::invalid("That answer is not part of this poll."));
    }
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM feed_poll_votes WHERE post_id = ? AND user_id = ? AND portal_id = ?")
        .bind(post)
        .bind(viewer.user())
        .bind(viewer.portal())
        .execute(&mut *tx)
        .await?;
    for option in &choice {
        sqlx::query(
            "INSERT INTO feed_poll_votes (portal_id, post_id, option_id, user_id, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(viewer.portal())
        .bind(post)
        .bind(*option)
        .bind(viewer.user())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE feed_poll_options SET votes = (SELECT COUNT(*) FROM feed_poll_votes v \
         WHERE v.option_id = feed_poll_options.id) WHERE post_id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(viewer.portal())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    super::write::announce_change(state, viewer, post).await
}

/// Who chose an option (not for anonymous polls).
#[tracing::instrument(skip_all)]
pub async fn voters(
    pool: &Reader,
    viewer: &Viewer,
    post: PostId,
    option: PollOptionId,
) -> AppResult<Vec<Author>> {
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let anonymous: Option<i64> =
        sqlx::query_scalar("SELECT anonymous FROM feed_polls WHERE post_id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_optional(pool)
            .await?;
    match anonymous {
        None => return Err(AppError::NotFound),
        Some(1) => {
            return Err(AppError::invalid(
                "This poll is anonymous: votes are not shown.",
            ));
        }
        Some(_) => {}
    }
    let rows: Vec<(UserId, String, Option<FileId>)> = sqlx::query_as(
        "SELECT u.id, u.name, u.photo_file_id FROM feed_poll_votes v \
         JOIN users u ON u.id = v.user_id AND u.portal_id = v.portal_id \
         WHERE v.portal_id = ? AND v.post_id = ? AND v.option_id = ? ORDER BY u.name LIMIT 500",
    )
    .bind(viewer.portal())
    .bind(post)
    .bind(option)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(author).collect())
}

fn author((id, name, photo): (UserId, String, Option<FileId>)) -> Author {
    Author::new(id, name, photo)
}

/// "I've read it" on an announcement (again is fine).
#[tracing::instrument(skip_all)]
pub async fn confirm(state: &AppState, viewer: &Viewer, post: PostId) -> AppResult<()> {
    let pool = &state.db.reader;
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let kind: String =
        sqlx::query_scalar("SELECT kind FROM feed_posts WHERE id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_one(pool)
            .await?;
    if PostKind::parse(&kind) != Some(PostKind::Announcement) {
        return Err(AppError::invalid("Only announcements are confirmed."));
    }
    let inserted = sqlx::query(
        "INSERT INTO feed_confirmations (portal_id, post_id, user_id, confirmed_at) VALUES (?, ?, ?, ?)",
    )
    .bind(viewer.portal())
    .bind(post)
    .bind(viewer.user())
    .bind(now_ms())
    .execute(&state.db.writer)
    .await;
    match inserted {
        Ok(_) => super::write::announce_change(state, viewer, post).await,
        Err(e) if crate::ssr::db::Db::is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Who has and hasn't confirmed (the author and admins only).
#[tracing::instrument(skip_all)]
pub async fn readers(pool: &Reader, viewer: &Viewer, post: PostId) -> AppResult<ReadersView> {
    if !viewer.can_see(pool, post).await? {
        return Err(AppError::NotFound);
    }
    let (author_id, kind): (UserId, String) =
        sqlx::query_as("SELECT author_id, kind FROM feed_posts WHERE id = ? AND portal_id = ?")
            .bind(post)
            .bind(viewer.portal())
            .fetch_one(pool)
            .await?;
    if PostKind::parse(&kind) != Some(PostKind::Announcement) {
        return Err(AppError::invalid("Only announcements are confirmed."));
    }
    if author_id != viewer.user() && !viewer.is_admin() {
        return Err(AppError::Forbidden);
    }
    let recipients: HashSet<UserId> = post_readers(pool, viewer.portal(), post)
        .await?
        .into_iter()
        .filter(|u| *u != author_id)
        .collect();
    let confirmed: HashSet<UserId> = sqlx::query_scalar(
        "SELECT user_id FROM feed_confirmations WHERE post_id = ? AND portal_id = ?",
    )
    .bind(post)
    .bind(viewer.portal())
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let people: Vec<(UserId, String, Option<FileId>)> = sqlx::query_as(
        "SELECT id, name, photo_file_id FROM users WHERE portal_id = ? AND is_active = 1 ORDER BY name, id",
    )
    .bind(viewer.portal())
    .fetch_all(pool)
    .await?;
    let mut view = ReadersView {
        confirmed: Vec::new(),
        pending: Vec::new(),
    };
    for person in people {
        if !recipients.contains(&person.0) {
            continue;
        }
        if confirmed.contains(&person.0) {
            view.confirmed.push(author(person));
        } else {
            view.pending.push(author(person));
        }
    }
    Ok(view)
}

/// Appreciations someone received that the viewer may see, newest first.
#[tracing::instrument(skip_all)]
pub async fn received(
    pool: &Reader,
    viewer: &Viewer,
    user: UserId,
) -> AppResult<Vec<ReceivedAppreciation>> {
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT p.id, t.badge, u.id AS author_id, u.name, u.photo_file_id, p.created_at \
         FROM feed_thanks t JOIN feed_posts p ON p.id = t.post_id AND p.portal_id = t.portal_id \
         JOIN users u ON u.id = p.author_id AND u.portal_id = p.portal_id WHERE t.portal_id = ",
    );
    qb.push_bind(viewer.portal())
        .push(" AND t.user_id = ")
        .push_bind(user)
        .push(" AND ");
    viewer.push_visible(&mut qb);
    qb.push(" ORDER BY p.id DESC LIMIT 50");
    let rows: Vec<(PostId, String, UserId, String, Option<FileId>, i64)> =
        qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(post_id, badge, id, name, photo, created_at)| {
            Some(ReceivedAppreciation {
                post_id,
                badge: Badge::parse(&badge)?,
                from: author((id, name, photo)),
                created_at,
            })
        })
        .collect())
}

/// Polls, confirmations and appreciations of a page of posts.
pub struct Extras {
    pub polls: HashMap<PostId, PollView>,
    pub confirmations: HashMap<PostId, (i64, bool)>,
    pub appreciations: HashMap<PostId, AppreciationView>,
}

impl Extras {
    pub fn announcement(
        &self,
        viewer: &Viewer,
        post: PostId,
        author: UserId,
        kind: PostKind,
    ) -> Option<AnnouncementView> {
        (kind == PostKind::Announcement).then(|| {
            let (confirmed, mine) = self.confirmations.get(&post).copied().unwrap_or((0, false));
            AnnouncementView {
                confirmed_by_me: mine,
                confirmed,
                must_confirm: author != viewer.user(),
                can_see_readers: author == viewer.user() || viewer.is_admin(),
            }
        })
    }
}

/// `ids` are all the posts; confirmations and thanks are looked up only for the
/// announcements and appreciations among them.
pub async fn load(
    pool: &Reader,
    viewer: &Viewer,
    ids: &[PostId],
    announcements: &[PostId],
    appreciations: &[PostId],
) -> AppResult<Extras> {
    let portal = viewer.portal();
    // Polls and their options, with the viewer's choices and the number of voters.
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT post_id, question, multiple, anonymous FROM feed_polls WHERE portal_id = ",
    );
    qb.push_bind(portal).push(" AND post_id IN ");
    push_ids(&mut qb, ids);
    let polls: Vec<(PostId, String, i64, i64)> = qb.build_query_as().fetch_all(pool).await?;
    let mut out = Extras {
        polls: HashMap::new(),
        confirmations: HashMap::new(),
        appreciations: HashMap::new(),
    };
    if !polls.is_empty() {
        let poll_ids: Vec<PostId> = polls.iter().map(|p| p.0).collect();
        let mut qb = QueryBuilder::<Any>::new(
            "SELECT post_id, id, label, votes FROM feed_poll_options WHERE portal_id = ",
        );
        qb.push_bind(portal).push(" AND post_id IN ");
        push_ids(&mut qb, &poll_ids);
        qb.push(" ORDER BY post_id, position");
        let options: Vec<(PostId, PollOptionId, String, i64)> =
            qb.build_query_as().fetch_all(pool).await?;
        let mut qb =
            QueryBuilder::<Any>::new("SELECT option_id FROM feed_poll_votes WHERE portal_id = ");
        qb.push_bind(portal)
            .push(" AND user_id = ")
            .push_bind(viewer.user())
            .push(" AND post_id IN ");
        push_ids(&mut qb, &poll_ids);
        let mine: HashSet<PollOptionId> = qb
            .build_query_scalar()
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
        let mut qb = QueryBuilder::<Any>::new(
            "SELECT post_id, COUNT(DISTINCT user_id) FROM feed_poll_votes WHERE portal_id = ",
        );
        qb.push_bind(portal).push(" AND post_id IN ");
        push_ids(&mut qb, &poll_ids);
        qb.push(" GROUP BY post_id");
        let voters: HashMap<PostId, i64> = qb
            .build_query_as::<(PostId, i64)>()
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
        for (post, question, multiple, anonymous) in polls {
            let options: Vec<PollOptionView> = options
                .iter()
                .filter(|o| o.0 == post)
                .map(|(_, id, label, votes)| PollOptionView {
                    id: *id,
                    label: label.clone(),
                    votes: *votes,
                    mine: mine.contains(id),
                })
                .collect();
            let voted = options.iter().any(|o| o.mine);
            out.polls.insert(
                post,
                PollView {
                    question,
                    multiple: multiple == 1,
                    anonymous: anonymous == 1,
                    options,
                    voters: voters.get(&post).copied().unwrap_or(0),
                    voted,
                },
            );
        }
    }
    if !announcements.is_empty() {
        out.confirmations = confirmations(pool, viewer, announcements).await?;
    }
    if !appreciations.is_empty() {
        out.appreciations = thanks(pool, portal, appreciations).await?;
    }
    Ok(out)
}

/// How many confirmed each announcement, and whether the viewer did.
async fn confirmations(
    pool: &Reader,
    viewer: &Viewer,
    ids: &[PostId],
) -> AppResult<HashMap<PostId, (i64, bool)>> {
    let mut qb = QueryBuilder::<Any>::new("SELECT post_id, COUNT(*), COUNT(CASE WHEN user_id = ");
    qb.push_bind(viewer.user())
        .push(" THEN 1 END) FROM feed_confirmations WHERE portal_id = ")
        .push_bind(viewer.portal())
        .push(" AND post_id IN ");
    push_ids(&mut qb, ids);
    qb.push(" GROUP BY post_id");
    let rows: Vec<(PostId, i64, i64)> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(p, n, mine)| (p, (n, mine > 0)))
        .collect())
}

/// The badge and the people each appreciation thanks.
async fn thanks(
    pool: &Reader,
    portal: PortalId,
    ids: &[PostId],
) -> AppResult<HashMap<PostId, AppreciationView>> {
    let mut out: HashMap<PostId, AppreciationView> = HashMap::new();
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT t.post_id, t.badge, u.id, u.name, u.photo_file_id FROM feed_thanks t \
         JOIN users u ON u.id = t.user_id AND u.portal_id = t.portal_id WHERE t.portal_id = ",
    );
    qb.push_bind(portal).push(" AND t.post_id IN ");
    push_ids(&mut qb, ids);
    qb.push(" ORDER BY u.name");
    let rows: Vec<(PostId, String, UserId, String, Option<FileId>)> =
        qb.build_query_as().fetch_all(pool).await?;
    for (post, badge, id, name, photo) in rows {
        let Some(badge) = Badge::parse(&badge) else {
            continue;
        };
        out.entry(post)
            .or_insert_with(|| AppreciationView {
                badge,
                people: Vec::new(),
            })
            .people
            .push(author((id, name, photo)));
    }
    Ok(out)
}
