//! The rules of the messenger and their SQL (server only), always scoped by the caller's portal.

pub mod access;
pub mod calls;
pub mod chats;
pub mod digest;
pub mod files;
pub mod ice;
pub mod list;
pub mod messages;
pub mod presence;
pub mod read;
pub mod search;
pub mod send;
pub mod socket;

use crate::ssr::state::AppState;
use crate::ssr::workers::{Worker, WorkerFuture};

/// Presence leases for this node's sockets (and abandoned calls swept), and e-mail for people
/// away with unread messages.
pub const WORKERS: &[Worker] = &[
    Worker {
        name: "presence",
        run: keep_presence,
    },
    Worker {
        name: "chat-digest",
        run: chat_digest,
    },
];

fn keep_presence(state: AppState) -> WorkerFuture {
    Box::pin(presence::keep_alive(state))
}

fn chat_digest(state: AppState) -> WorkerFuture {
    Box::pin(digest::run(state))
}

/// The menu's number: unread messages in all the caller's chats.
pub const COUNTER: crate::counters::CounterSource = crate::counters::CounterSource {
    tool: crate::chat::types::COUNTER,
    load: load_counter,
};

fn load_counter<'a>(
    state: &'a crate::ssr::state::AppState,
    caller: &'a crate::ssr::caller::Caller,
    cache: &'a crate::ssr::caller::PageCache,
) -> crate::counters::CounterFuture<'a> {
    Box::pin(async move {
        let mut conn = state.db.reader.acquire().await?;
        let unread = list::unread_total(&mut conn, caller).await?;
        // The chat list rendered with this page reuses it.
        cache.put(list::UnreadTotal(unread));
        Ok(unread.into())
    })
}
