//! The rules of tasks and their SQL (server only), always scoped by the caller's portal.

pub mod access;
pub mod checklist;
pub mod comments;
pub mod export;
pub mod files;
pub mod filters;
pub mod gantt;
pub mod history;
pub mod links;
pub mod list;
pub mod members;
pub mod read;
pub mod stages;
pub mod status;
pub mod templates;
pub mod time;
pub mod write;

use crate::ssr::state::AppState;
use crate::ssr::workers::{Worker, WorkerFuture};

/// Recurring tasks: every node runs it; each due time is claimed once in the database.
pub const WORKERS: &[Worker] = &[Worker {
    name: "recurring-tasks",
    run: recurring_tasks,
}];

fn recurring_tasks(state: AppState) -> WorkerFuture {
    Box::pin(templates::scheduler(state))
}

/// The menu's number, and the task list's sections: what needs attention.
pub const COUNTER: crate::counters::CounterSource = crate::counters::CounterSource {
    tool: crate::tasks::types::COUNTER,
    load: load_counter,
};

fn load_counter<'a>(
    state: &'a crate::ssr::state::AppState,
    caller: &'a crate::ssr::caller::Caller,
    _cache: &'a crate::ssr::caller::PageCache,
) -> crate::counters::CounterFuture<'a> {
    Box::pin(async move {
        let counters = list::counters(&state.db.reader, caller).await?;
        Ok(serde_json::to_value(counters).unwrap_or_default())
    })
}
