//! The Gantt chart's data and its date arithmetic, shared by the server render and the
//! browser so both draw the same bars, and a drag computes the same dates the server checks.
//!
//! A chart is sent a window at a time: the rows around the view, with the whole chart's
//! number of rows and its dates, so the page can be as tall and as wide as the whole chart
//! while it holds only what is on screen (`rows` works out the order).

pub mod rows;

use super::types::{LinkKind, TaskStatus};
use crate::dates::Zone;
use crate::ids::{GroupId, TaskId};
use serde::{Deserialize, Serialize};

pub use rows::{GanttNode, Row, links_across, visible_rows, window_range};

pub const DAY_MS: i64 = 86_400_000;

/// The rows the page is drawn with at first (the server's render): more than any screen holds.
pub const FIRST_ROWS: u32 = 80;
/// The most rows one window holds; a request for more gets this many.
pub const MAX_WINDOW_ROWS: u32 = 500;
/// The most folded tasks a request may name.
pub const MAX_FOLDED: usize = 5_000;

/// A window of a chart (one project's tasks, or the viewer's own open work): some of its
/// rows, and what the page needs to draw them in place in the whole chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GanttWindow {
    /// The project's name, or "My tasks".
    pub title: String,
    pub group: Option<GroupId>,
    /// The server's clock when the chart was read, so the page draws "today" the same way on
    /// the server and in the browser.
    pub now: i64,
    /// The days the whole chart covers (`chart_range` of every task on it), so the scale
    /// stays put while the rows change. On the viewer's wall clock (`Zone::wall`): the chart's
    /// days are the viewer's days.
    pub range: (i64, i64),
    /// How many rows the whole chart has, with the folds asked for.
    pub total_rows: u32,
    /// The row the window starts at.
    pub first_row: u32,
    /// The window's rows, in order from `first_row`.
    pub rows: Vec<GanttRow>,
    /// Every dependency whose arrow crosses the window, with the rows of both its ends.
    pub links: Vec<GanttLink>,
}

/// A row of a window: where it is, how deep, whether it can fold, and its task.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GanttRow {
    /// The row's number in the whole chart.
    pub row: u32,
    pub depth: u32,
    pub has_children: bool,
    pub task: GanttTask,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GanttTask {
    pub id: TaskId,
    pub title: String,
    pub parent: Option<TaskId>,
    pub status: TaskStatus,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub deadline: Option<i64>,
    pub created_at: i64,
    /// The responsible person's name.
    pub responsible: String,
    /// The viewer may move and resize the bar (they may change the task's dates).
    pub movable: bool,
}

/// A dependency: `successor` waits on `predecessor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GanttLink {
    pub predecessor: LinkEnd,
    pub successor: LinkEnd,
    pub kind: LinkKind,
}

/// One end of a dependency's arrow: the task, its row in the whole chart, and its bar's span
/// (the row may be out of the window: the arrow is drawn to where it would be).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LinkEnd {
    pub task: TaskId,
    pub row: u32,
    pub start: i64,
    pub end: i64,
}

/// Which part of a bar a drag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grip {
    /// The whole bar: the task moves, its length kept.
    Bar,
    /// The left end: the start changes.
    Start,
    /// The right end: the end (or the deadline, when that is where the bar ends) changes.
    End,
}

/// A task's dates as `set_task_dates` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NewDates {
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub deadline: Option<i64>,
}

/// How a bar is coloured; the page's legend names each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarState {
    Done,
    Overdue,
    InProgress,
    Review,
    Deferred,
    New,
    /// Open, with neither an end nor a deadline: drawn as a faded, open-ended bar.
    NoDeadline,
}

impl BarState {
    pub const ALL: [BarState; 7] = [
        BarState::New,
        BarState::InProgress,
        BarState::Review,
        BarState::Done,
        BarState::Overdue,
        BarState::Deferred,
        BarState::NoDeadline,
    ];

    pub fn class(self) -> &'static str {
        match self {
            BarState::Done => "bar-done",
            BarState::Overdue => "bar-overdue",
            BarState::InProgress => "bar-progress",
            BarState::Review => "bar-review",
            BarState::Deferred => "bar-deferred",
            BarState::New => "bar-new",
            BarState::NoDeadline => "bar-open",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BarState::Done => "Done",
            BarState::Overdue => "Overdue",
            BarState::InProgress => "In progress",
            BarState::Review => "Awaiting review",
            BarState::Deferred => "Deferred",
            BarState::New => "New",
            BarState::NoDeadline => "No deadline",
        }
    }
}

/// A bar's span. It starts at the task's start (else when it was created) and ends at its
/// planned end (else its deadline); a task with neither is drawn one day long.
pub fn span(
    start_at: Option<i64>,
    end_at: Option<i64>,
    deadline: Option<i64>,
    created_at: i64,
) -> (i64, i64) {
    match end_at.or(deadline) {
        Some(end) => {
            let start = start_at.unwrap_or_else(|| created_at.min(end - DAY_MS));
            (start.min(end), end)
        }
        None => {
            let start = start_at.unwrap_or(created_at);
            (start, start + DAY_MS)
        }
    }
}

impl GanttTask {
    /// Where the bar ends: the planned end, else the deadline.
    fn planned_end(&self) -> Option<i64> {
        self.end_at.or(self.deadline)
    }

    /// The bar's span (`span`).
    pub fn span(&self) -> (i64, i64) {
        span(self.start_at, self.end_at, self.deadline, self.created_at)
    }

    pub fn state(&self, now: i64) -> BarState {
        match self.status {
            TaskStatus::Done => BarState::Done,
            _ if self.deadline.is_some_and(|d| d < now) => BarState::Overdue,
            _ if self.planned_end().is_none() => BarState::NoDeadline,
            TaskStatus::InProgress => BarState::InProgress,
            TaskStatus::Review => BarState::Review,
            TaskStatus::Deferred => BarState::Deferred,
            TaskStatus::New => BarState::New,
        }
    }

    /// The dates after dragging `grip` by `delta` milliseconds of `zone`'s wall clock (a day
    /// later is the same time of day, whatever the clocks do meanwhile). Moving the bar moves
    /// the start, the end and the deadline together; an end never goes before the start.
    pub fn dragged(&self, grip: Grip, delta: i64, zone: &Zone) -> NewDates {
        let shift = |t: i64| zone.instant(zone.wall(t) + delta);
        let (start, end) = self.span();
        let mut dates = NewDates {
            start_at: self.start_at,
            end_at: self.end_at,
            deadline: self.deadline,
        };
        match grip {
            Grip::Bar => {
                dates.start_at = Some(shift(start));
                dates.end_at = self.end_at.map(shift);
                dates.deadline = self.deadline.map(shift);
            }
            Grip::Start => {
                let new_start = shift(start).min(end);
                dates.start_at = Some(new_start);
                // A deadline before the new start would be refused: it moves along.
                dates.deadline = self.deadline.map(|d| d.max(new_start));
            }
            Grip::End => {
                let new_end = shift(end).max(start);
                if self.end_at.is_some() || self.deadline.is_none() {
                    dates.end_at = Some(new_end);
                    dates.start_at = Some(start);
                } else {
                    dates.deadline = Some(new_end);
                    dates.start_at = self.start_at.map(|s| s.min(new_end));
                }
            }
        }
        dates
    }
}

/// How much of the calendar one pixel holds, and how the header is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Zoom {
    Day,
    #[default]
    Week,
    Month,
}

impl Zoom {
    pub const ALL: [Zoom; 3] = [Zoom::Day, Zoom::Week, Zoom::Month];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "day" => Some(Zoom::Day),
            "week" => Some(Zoom::Week),
            "month" => Some(Zoom::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Zoom::Day => "day",
            Zoom::Week => "week",
            Zoom::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Zoom::Day => "Days",
            Zoom::Week => "Weeks",
            Zoom::Month => "Months",
        }
    }

    /// Pixels per day.
    pub fn day_width(self) -> f64 {
        match self {
            Zoom::Day => 36.0,
            Zoom::Week => 14.0,
            Zoom::Month => 4.0,
        }
    }
}

/// The days a chart covers: from a little before its first bar (or today) to a little after
/// its last, whole days, at most four years.
pub fn chart_range(spans: impl IntoIterator<Item = (i64, i64)>, now: i64) -> (i64, i64) {
    let today = now.div_euclid(DAY_MS) * DAY_MS;
    let (mut first, mut last) = (today, today + DAY_MS);
    for (start, end) in spans {
        first = first.min(start);
        last = last.max(end);
    }
    let first = first.div_euclid(DAY_MS) * DAY_MS - 7 * DAY_MS;
    let last = (last + DAY_MS - 1).div_euclid(DAY_MS) * DAY_MS + 21 * DAY_MS;
    let longest = 4 * 366 * DAY_MS;
    if last - first <= longest {
        (first, last)
    } else if today - first > longest / 2 {
        // Keep today in view: cut the far past first.
        let first = (last - longest).max(today - longest / 2);
        (first, first + longest)
    } else {
        (first, first + longest)
    }
}

/// Which side of a bar a dependency arrow leaves or enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// The sides a dependency arrow joins: from the predecessor's end (or start), to the
/// successor's start (or end).
pub fn link_sides(kind: LinkKind) -> (Side, Side) {
    match kind {
        LinkKind::FinishToStart => (Side::Right, Side::Left),
        LinkKind::StartToStart => (Side::Left, Side::Left),
        LinkKind::FinishToFinish => (Side::Right, Side::Right),
    }
}

/// An SVG path for a dependency arrow with square elbows, from `(x1, y1)` leaving towards
/// `out` to `(x2, y2)` arriving from `into`, stepping around bars in its way.
pub fn link_path(x1: f64, y1: f64, out: Side, x2: f64, y2: f64, into: Side) -> String {
    const STUB: f64 = 10.0;
    let leave = match out {
        Side::Right => x1 + STUB,
        Side::Left => x1 - STUB,
    };
    let enter = match into {
        Side::Left => x2 - STUB,
        Side::Right => x2 + STUB,
    };
    let straight = match (out, into) {
        (Side::Right, Side::Left) => leave <= enter,
        (Side::Left, Side::Left) => true,
        (Side::Right, Side::Right) => true,
        (Side::Left, Side::Right) => leave >= enter,
    };
    if straight {
        let turn = match (out, into) {
            (Side::Left, Side::Left) => leave.min(enter),
            (Side::Right, Side::Right) => leave.max(enter),
            _ => leave,
        };
        format!("M{x1:.1},{y1:.1}H{turn:.1}V{y2:.1}H{x2:.1}")
    } else {
        // Back in time: drop to between the rows, cross, then come down.
        let mid = (y1 + y2) / 2.0;
        format!("M{x1:.1},{y1:.1}H{leave:.1}V{mid:.1}H{enter:.1}V{y2:.1}H{x2:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_1: i64 = 1_793_491_200_000; // 2026-11-01 00:00 UTC

    fn task(start: Option<i64>, end: Option<i64>, deadline: Option<i64>) -> GanttTask {
        GanttTask {
            id: TaskId(1),
            title: "t".into(),
            parent: None,
            status: TaskStatus::New,
            start_at: start,
            end_at: end,
            deadline,
            created_at: NOV_1 - 10 * DAY_MS,
            responsible: "r".into(),
            movable: true,
        }
    }

    #[test]
    fn bars_span_start_to_end_or_deadline() {
        let d = |n: i64| NOV_1 + n * DAY_MS;
        assert_eq!(task(Some(d(1)), Some(d(4)), None).span(), (d(1), d(4)));
        assert_eq!(task(Some(d(1)), None, Some(d(6))).span(), (d(1), d(6)));
        // No start: from creation; no end nor deadline: a day long.
        assert_eq!(task(None, None, Some(d(2))).span(), (d(-10), d(2)));
        assert_eq!(task(Some(d(3)), None, None).span(), (d(3), d(4)));
        // Created after its deadline: the bar still runs forwards.
        assert_eq!(task(None, None, Some(d(-20))).span(), (d(-21), d(-20)));
    }

    #[test]
    fn colours_follow_the_state() {
        let now = NOV_1;
        assert_eq!(
            task(None, None, Some(now - 1)).state(now),
            BarState::Overdue
        );
        assert_eq!(task(None, None, None).state(now), BarState::NoDeadline);
        let mut done = task(None, None, Some(now - 1));
        done.status = TaskStatus::Done;
        assert_eq!(done.state(now), BarState::Done);
        let mut going = task(None, Some(now + 1), None);
        going.status = TaskStatus::InProgress;
        assert_eq!(going.state(now), BarState::InProgress);
    }

    #[test]
    fn dragging_moves_all_dates_or_one_end() {
        let utc = Zone::utc();
        let d = |n: i64| NOV_1 + n * DAY_MS;
        let t = task(Some(d(1)), Some(d(4)), Some(d(5)));
        let moved = t.dragged(Grip::Bar, 2 * DAY_MS, &utc);
        assert_eq!(
            moved,
            NewDates {
                start_at: Some(d(3)),
                end_at: Some(d(6)),
                deadline: Some(d(7))
            }
        );
        let longer = t.dragged(Grip::End, DAY_MS, &utc);
        assert_eq!(longer.end_at, Some(d(5)));
        assert_eq!(longer.deadline, Some(d(5)));
        // An end dragged past the start stops at the start.
        assert_eq!(t.dragged(Grip::End, -10 * DAY_MS, &utc).end_at, Some(d(1)));
        // Without an end, the right edge is the deadline.
        let by_deadline = task(Some(d(1)), None, Some(d(3))).dragged(Grip::End, DAY_MS, &utc);
        assert_eq!(by_deadline.deadline, Some(d(4)));
        assert_eq!(by_deadline.end_at, None);
        // The start dragged past the deadline takes the deadline along.
        let late_start =
            task(Some(d(1)), Some(d(9)), Some(d(3))).dragged(Grip::Start, 4 * DAY_MS, &utc);
        assert_eq!(late_start.start_at, Some(d(5)));
        assert_eq!(late_start.deadline, Some(d(5)));
        // A bar with no dates at all gets a start when moved.
        let open = task(None, None, None).dragged(Grip::Bar, DAY_MS, &utc);
        assert_eq!(open.start_at, Some(d(-9)));
        assert_eq!(open.end_at, None);
    }

    #[test]
    fn a_bar_dragged_over_a_clock_change_keeps_its_time_of_day() {
        // Paris: +1 until 2026-03-29 01:00 UTC, then +2.
        let paris = Zone {
            name: "Europe/Paris".into(),
            offsets: vec![(i64::MIN, 60), (1_774_746_000_000, 120)],
        };
        let start = crate::dates::datetime_ms("2026-03-30T00:00", &paris).unwrap_or_default();
        let t = task(Some(start), Some(start + DAY_MS), None);
        // Two days back is midnight of Mar 28 there: 47 hours earlier, as a day was 23 hours.
        let moved = t.dragged(Grip::Bar, -2 * DAY_MS, &paris);
        let moved_start = moved.start_at.unwrap_or_default();
        assert_eq!(
            crate::dates::datetime_input(moved_start, &paris),
            "2026-03-28T00:00"
        );
        assert_eq!(start - moved_start, 47 * 3_600_000);
    }

    #[test]
    fn range_covers_bars_and_today_within_four_years() {
        let d = |n: i64| NOV_1 + n * DAY_MS;
        let (first, last) = chart_range([task(Some(d(3)), Some(d(40)), None).span()], NOV_1);
        assert_eq!(first, d(-7));
        assert_eq!(last, d(61));
        let ancient = task(Some(d(-5000)), Some(d(-4990)), None);
        let (first, last) = chart_range([ancient.span()], NOV_1);
        assert!(first <= NOV_1 && NOV_1 < last);
        assert!(last - first <= 4 * 366 * DAY_MS);
    }

    #[test]
    fn arrows_step_around_when_going_back_in_time() {
        assert_eq!(
            link_path(100.0, 10.0, Side::Right, 200.0, 42.0, Side::Left),
            "M100.0,10.0H110.0V42.0H200.0"
        );
        assert_eq!(
            link_path(100.0, 10.0, Side::Right, 50.0, 42.0, Side::Left),
            "M100.0,10.0H110.0V26.0H40.0V42.0H50.0"
        );
    }
}
