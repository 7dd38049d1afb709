//! The rows the page holds: the window last received from the server, and the next one,
//! loaded when the view comes near the window's edge, and again after a save, a fold or a
//! live change. One load at a time: what is asked for meanwhile is loaded once it answers,
//! for the view as it is then (so a fast scroll costs a few loads, not one per event).

use super::{ROW, SCALE};
use crate::error::AppError;
use crate::ids::{GroupId, TaskId};
use crate::tasks::api::gantt;
use crate::tasks::gantt::{GanttTask, GanttWindow, MAX_WINDOW_ROWS};
use leptos::prelude::*;
use std::collections::HashSet;

/// Rows loaded beyond each edge of the view.
const MARGIN: u32 = 40;
/// How close (in rows) the view may come to the window's edge before the next window loads.
const SLACK: u32 = MARGIN / 2;

#[derive(Clone, Copy)]
pub(super) struct Rows {
    /// The window drawn.
    pub window: RwSignal<GanttWindow>,
    /// The tasks whose subtasks are folded away (the server leaves them out of the rows).
    pub folded: RwSignal<HashSet<TaskId>>,
    /// Why the last load failed, until one succeeds.
    pub error: RwSignal<Option<AppError>>,
    group: Option<GroupId>,
    scroller: NodeRef<leptos::html::Div>,
    /// A load is on its way.
    busy: StoredValue<bool>,
    /// Load again when it answers: something changed since it was asked.
    again: StoredValue<bool>,
    /// The task the next load must show (moved from the keyboard: it may have changed rows).
    show: StoredValue<Option<TaskId>>,
    /// The task the load under way is to show.
    showing: StoredValue<Option<TaskId>>,
}

impl Rows {
    /// The rows of `first` (the server's render), following the view of `scroller`.
    pub fn new(first: GanttWindow, scroller: NodeRef<leptos::html::Div>) -> Self {
        Self {
            group: first.group,
            window: RwSignal::new(first),
            folded: RwSignal::new(HashSet::new()),
            error: RwSignal::new(None),
            scroller,
            busy: StoredValue::new(false),
            again: StoredValue::new(false),
            show: StoredValue::new(None),
            showing: StoredValue::new(None),
        }
    }

    /// Whether a load is yet to bring `task` into the window.
    pub fn bringing(&self, task: TaskId) -> bool {
        self.show.get_value() == Some(task) || self.showing.get_value() == Some(task)
    }

    /// A task of the window.
    pub fn task(&self, id: TaskId) -> Option<GanttTask> {
        self.window.with_untracked(|w| {
            w.rows
                .iter()
                .find(|r| r.task.id == id)
                .map(|r| r.task.clone())
        })
    }

    /// The rows on screen: (first, last + 1), from the scroller's position.
    fn in_view(&self) -> Option<(u32, u32)> {
        #[cfg(feature = "hydrate")]
        {
            let el = self.scroller.get_untracked()?;
            let (top, height) = (f64::from(el.scroll_top()), f64::from(el.client_height()));
            // The scale stays at the top of the scroller, over the rows scrolled under it.
            let first = (top / ROW).floor().max(0.0) as u32;
            let last = ((top + height - SCALE) / ROW).ceil().max(0.0) as u32;
            Some((first, last.max(first + 1)))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (self.scroller, ROW, SCALE);
            None
        }
    }

    /// Loads the rows around the view when the window does not reach far enough past it.
    pub fn follow_view(&self) {
        let Some((first, last)) = self.in_view() else {
            return;
        };
        let covered = self.window.with_untracked(|w| {
            let (from, to) = (w.first_row, w.first_row + w.rows.len() as u32);
            (from == 0 || from + SLACK <= first) && (to >= w.total_rows || last + SLACK <= to)
        });
        if !covered {
            self.load();
        }
    }

    /// Folds a task's subtasks away, or shows them again.
    pub fn fold(&self, id: TaskId) {
        self.folded.update(|f| {
            if !f.remove(&id) {
                f.insert(id);
            }
        });
        self.load();
    }

    /// Loads the rows around the view afresh, and scrolls to `task` if it has moved out of
    /// view (after a move from the keyboard: the bar keeps the focus wherever it goes).
    pub fn load_showing(&self, task: Option<TaskId>) {
        if task.is_some() {
            self.show.set_value(task);
        }
        self.load();
    }

    /// Brings row `row` into view, if it is not.
    fn reveal(&self, row: u32) {
        #[cfg(feature = "hydrate")]
        if let (Some((first, last)), Some(el)) = (self.in_view(), self.scroller.get_untracked())
            && !(first..last).contains(&row)
        {
            let height = f64::from(el.client_height()) - SCALE;
            el.set_scroll_top((f64::from(row) * ROW - height / 2.0).max(0.0) as i32);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = row;
    }

    /// Loads the rows around the view afresh (after a save or a live change).
    pub fn load(&self) {
        let this = *self;
        if this.busy.get_value() {
            this.again.set_value(true);
            return;
        }
        let (first, last) = this
            .in_view()
            .unwrap_or_else(|| this.window.with_untracked(|w| (w.first_row, w.first_row)));
        let from = first.saturating_sub(MARGIN);
        let count = (last + MARGIN - from).min(MAX_WINDOW_ROWS);
        let folded: Vec<TaskId> = this.folded.with_untracked(|f| f.iter().copied().collect());
        let show = this.show.try_update_value(Option::take).flatten();
        this.showing.set_value(show);
        this.busy.set_value(true);
        leptos::task::spawn_local(async move {
            let answer = gantt(this.group, from, Some(count), folded, show).await;
            if this.busy.try_set_value(false).is_some() {
                return; // the chart is gone
            }
            this.showing.set_value(None);
            let ok = answer.is_ok();
            match answer {
                Ok(window) => {
                    let shown = show
                        .and_then(|id| window.rows.iter().find(|r| r.task.id == id).map(|r| r.row));
                    this.error.set(None);
                    this.window.set(window);
                    if let Some(row) = shown {
                        this.reveal(row);
                    }
                }
                Err(error) => this.error.set(Some(error)),
            }
            if this.again.try_update_value(std::mem::take) == Some(true) {
                this.load();
            } else if ok {
                // The view may have moved on while this loaded.
                this.follow_view();
            }
        });
    }
}
