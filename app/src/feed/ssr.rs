//! The feed's rules and SQL (server only).

pub mod attachments;
pub mod comments;
pub mod entries;
pub mod extras;
pub mod read;
pub mod recipients;
pub mod search;
pub mod unread;
pub mod visibility;
pub mod write;

/// The menu's number: unread posts (at most 100).
pub const COUNTER: crate::counters::CounterSource = crate::counters::CounterSource {
    tool: crate::feed::types::COUNTER,
    load: load_counter,
};

fn load_counter<'a>(
    state: &'a crate::ssr::state::AppState,
    caller: &'a crate::ssr::caller::Caller,
    cache: &'a crate::ssr::caller::PageCache,
) -> crate::counters::CounterFuture<'a> {
    Box::pin(async move {
        let viewer = visibility::Viewer::load(&state.db.reader, caller.clone()).await?;
        let unread = unread::count(&state.db.reader, &viewer).await?;
        // The feed's server functions called while this page renders reuse it.
        cache.put(viewer);
        Ok(unread.into())
    })
}
