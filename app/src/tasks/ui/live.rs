//! Tasks' live state for the whole tab: the caller's counters (the menu's number and the task
//! list's sections) and a version that open lists, boards and charts follow, bumped by each
//! task event the caller hears.

use crate::auth::types::Me;
use crate::ids::TaskId;
use crate::realtime::use_live;
use crate::shell::menu::MenuCounter;
use crate::tasks::types::{COUNTER, TaskCounters, TaskEvent};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct TaskLive {
    /// The caller's task counters.
    pub counters: RwSignal<TaskCounters>,
    /// Bumped when a task the caller sees changed; open task pages and lists reload.
    pub version: RwSignal<u32>,
    /// The task that changed last (a page showing only that task reloads only then).
    pub changed: RwSignal<Option<TaskId>>,
}

pub fn start(me: &Me) {
    let live = TaskLive {
        counters: RwSignal::new(me.counters.get::<TaskCounters>(COUNTER)),
        version: RwSignal::new(0),
        changed: RwSignal::new(None),
    };
    provide_context(live);
    use_live(move |event: TaskEvent| {
        let (TaskEvent::TaskChanged { task_id } | TaskEvent::TaskRemoved { task_id }) = event;
        live.changed.set(Some(task_id));
        live.version.update(|v| *v += 1);
        refresh_counters(live);
    });
    #[cfg(feature = "hydrate")]
    tick_at_deadlines(live);
}

/// Asks for the counters again when they next change by the clock alone (a deadline
/// passes), so the menu's number turns red at the deadline without a reload.
#[cfg(feature = "hydrate")]
fn tick_at_deadlines(live: TaskLive) {
    use gloo_timers::callback::Timeout;
    // A browser waits at most 2^31 - 1 ms; further changes are waited for in steps.
    const LONGEST_MS: i64 = 2_147_483_647;
    let timer = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let next = live.counters.with(|c| c.next_change);
        // Replacing the timer drops (and so cancels) the one before.
        timer.set_value(next.map(|at| {
            // A second past it, so the server sees the deadline as passed.
            // At least a few seconds: a browser clock ahead of the server's must not ask in a loop.
            let wait = (at - crate::ui::page::now_ms() + 1_000).clamp(5_000, LONGEST_MS);
            Timeout::new(wait as u32, move || refresh_counters(live))
        }));
    });
}

/// Fetches the caller's task counters again (after a task changed, or the caller acted).
pub fn refresh_counters(live: TaskLive) {
    leptos::task::spawn_local(async move {
        if let Ok(counters) = crate::tasks::api::my_task_counters().await {
            live.counters.set(counters);
        }
    });
}

/// The menu's number: tasks needing attention, red when something is overdue.
pub fn counter() -> AnyView {
    let live = expect_context::<TaskLive>();
    let count = Signal::derive(move || live.counters.with(TaskCounters::attention));
    let red = Signal::derive(move || live.counters.with(TaskCounters::any_overdue));
    view! { <MenuCounter count noun="tasks need attention" testid="tasks-counter" red/> }.into_any()
}
