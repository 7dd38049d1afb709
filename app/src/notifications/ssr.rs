use super::Notification;
use crate::error::AppResult;
use crate::ids::{NotificationId, PortalId, UserId};
use crate::ssr::caller::Caller;
use crate::ssr::db::{Reader, Writer};
use crate::ssr::now_ms;
use sqlx::{Any, Transaction};

/// Stores a notification in the caller's transaction; returns the user's new unread count,
/// to be published once the transaction commits.
pub async fn notify(
    tx: &mut Transaction<'_, Any>,
    portal: PortalId,
    user: UserId,
    kind: &str,
    title: &str,
    link: &str,
) -> AppResult<i64> {
    let title: String = title.chars().take(250).collect();
    sqlx::query(
        "INSERT INTO notifications (portal_id, user_id, kind, title, link, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(portal)
    .bind(user)
    .bind(kind)
    .bind(&title)
    .bind(link)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE portal_id = ? AND user_id = ? AND read_at IS NULL",
    )
    .bind(portal)
    .bind(user)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn unread_count(pool: &Reader, caller: &Caller) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE portal_id = ? AND user_id = ? AND read_at IS NULL",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_one(pool)
    .await?)
}

pub async fn recent(pool: &Reader, caller: &Caller) -> AppResult<Vec<Notification>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: NotificationId,
        kind: String,
        title: String,
        link: String,
        created_at: i64,
        read_at: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, title, link, created_at, read_at FROM notifications \
         WHERE portal_id = ? AND user_id = ? ORDER BY id DESC LIMIT 30",
    )
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            kind: r.kind,
            title: r.title,
            link: r.link,
            created_at: r.created_at,
            read: r.read_at.is_some(),
        })
        .collect())
}

pub async fn mark_all_read(writer: &Writer, caller: &Caller) -> AppResult<()> {
    sqlx::query(
        "UPDATE notifications SET read_at = ? WHERE portal_id = ? AND user_id = ? AND read_at IS NULL",
    )
    .bind(now_ms())
    .bind(caller.portal_id())
    .bind(caller.user_id)
    .execute(writer)
    .await?;
    Ok(())
}

/// Notifications stored inside a transaction, announced live once it has committed.
pub struct Outgoing {
    portal: PortalId,
    items: Vec<(UserId, i64, String, String)>,
}

impl Outgoing {
    pub fn new(portal: PortalId) -> Self {
        Self {
            portal,
            items: Vec::new(),
        }
    }

    pub async fn add(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        user: UserId,
        kind: &str,
        title: &str,
        link: &str,
    ) -> AppResult<()> {
        let unread = notify(tx, self.portal, user, kind, title, link).await?;
        self.items
            .push((user, unread, title.to_owned(), link.to_owned()));
        Ok(())
    }

    /// Call after the commit: each person's bell updates in their open pages.
    pub async fn publish(self, hub: &crate::ssr::hub::Hub) {
        for (user, unread, title, link) in self.items {
            let event = crate::notifications::NotificationEvent::Notification {
                unread,
                title,
                link,
            };
            hub.publish(
                self.portal,
                crate::ssr::hub::Audience::Users(vec![user]),
                event,
            )
            .await;
        }
    }
}

/// The bell's number: unread notifications.
pub const COUNTER: crate::counters::CounterSource = crate::counters::CounterSource {
    tool: super::COUNTER,
    load: load_counter,
};

fn load_counter<'a>(
    state: &'a crate::ssr::state::AppState,
    caller: &'a crate::ssr::caller::Caller,
    _cache: &'a crate::ssr::caller::PageCache,
) -> crate::counters::CounterFuture<'a> {
    Box::pin(async move {
        let unread = unread_count(&state.db.reader, caller).await?;
        Ok(unread.into())
    })
}
