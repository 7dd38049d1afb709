//! Task templates: a task to create again, by hand or every day, week or month. The schedule
//! arithmetic is here, shared by the server's scheduler and the page that shows the next date.

use super::types::TaskForm;
use crate::dates::{Zone, civil, civil_day};
use crate::ids::{TaskId, TemplateId};
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// Templates one person may keep.
pub const MAX_TEMPLATES: i64 = 100;
pub const MAX_TEMPLATE_NAME_CHARS: usize = 250;
/// The stored form (title, description, checklist… as JSON) at most.
pub const MAX_TEMPLATE_CHARS: usize = 16_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    Daily,
    Weekly,
    Monthly,
}

impl Repeat {
    pub const ALL: [Repeat; 3] = [Repeat::Daily, Repeat::Weekly, Repeat::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Repeat::Daily => "daily",
            Repeat::Weekly => "weekly",
            Repeat::Monthly => "monthly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Repeat::Daily => "Every day",
            Repeat::Weekly => "Every week",
            Repeat::Monthly => "Every month",
        }
    }

    /// The `n`-th due time of a schedule that began at `anchor` (n = 0 is the anchor), on the
    /// wall clock of `zone` (a task due at 09:00 stays at 09:00 when the clocks change).
    /// Months keep the anchor's day, or the month's last day when it is shorter (Jan 31 →
    /// Feb 28).
    pub fn occurrence(self, anchor: i64, n: i64, zone: &Zone) -> i64 {
        let wall = zone.wall(anchor);
        let at = match self {
            Repeat::Daily => wall + n * DAY_MS,
            Repeat::Weekly => wall + n * 7 * DAY_MS,
            Repeat::Monthly => {
                let (y, m, d) = civil(wall);
                let time = wall.rem_euclid(DAY_MS);
                let months = y * 12 + (m - 1) + n;
                let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
                let first = civil_day(y, m, 1).unwrap_or(wall);
                let next_first = if m == 12 {
                    civil_day(y + 1, 1, 1)
                } else {
                    civil_day(y, m + 1, 1)
                }
                .unwrap_or(first + 28 * DAY_MS);
                let length = (next_first - first) / DAY_MS;
                first + (d.min(length) - 1) * DAY_MS + time
            }
        };
        zone.instant(at)
    }

    /// The first due time after `t` (the anchor itself when `t` is before it).
    pub fn next_after(self, anchor: i64, t: i64, zone: &Zone) -> i64 {
        if t < anchor {
            return anchor;
        }
        // A guess from the average length of the period, then a step or two to be exact.
        let period = match self {
            Repeat::Daily => DAY_MS,
            Repeat::Weekly => 7 * DAY_MS,
            Repeat::Monthly => 30 * DAY_MS + DAY_MS / 2,
        };
        let mut n = ((t - anchor) / period).max(0);
        while n > 0 && self.occurrence(anchor, n, zone) > t {
            n -= 1;
        }
        while self.occurrence(anchor, n, zone) <= t {
            n += 1;
        }
        self.occurrence(anchor, n, zone)
    }
}

/// A template as its owner edits it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TemplateForm {
    pub name: String,
    /// The task to create. Its own dates are not used: see the offsets below.
    pub task: TaskForm,
    /// The task's deadline, this long after it is created.
    #[serde(default)]
    pub deadline_after_minutes: Option<i64>,
    /// Create the task on a schedule, from `first_at` on.
    #[serde(default)]
    pub repeat: Option<Repeat>,
    #[serde(default)]
    pub first_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskTemplate {
    pub id: TemplateId,
    pub form: TemplateForm,
    /// When the next recurring task is due (None: not scheduled).
    pub next_run_at: Option<i64>,
    /// The task this template created last.
    pub last_task: Option<TaskId>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use crate::dates::{datetime_ms, day_ms};

    fn at(date: &str, hour: i64) -> i64 {
        day_ms(date, &Zone::utc()).unwrap() + hour * 3_600_000
    }

    #[test]
    fn schedules_keep_time_of_day_and_day_of_month() {
        let utc = Zone::utc();
        let anchor = at("2026-01-31", 9);
        assert_eq!(
            Repeat::Monthly.occurrence(anchor, 1, &utc),
            at("2026-02-28", 9)
        );
        assert_eq!(
            Repeat::Monthly.occurrence(anchor, 2, &utc),
            at("2026-03-31", 9)
        );
        assert_eq!(
            Repeat::Monthly.occurrence(anchor, 11, &utc),
            at("2026-12-31", 9)
        );
        assert_eq!(
            Repeat::Monthly.occurrence(anchor, 13, &utc),
            at("2027-02-28", 9)
        );
        assert_eq!(
            Repeat::Weekly.occurrence(anchor, 2, &utc),
            at("2026-02-14", 9)
        );
        // The next due time strictly after a moment.
        assert_eq!(
            Repeat::Daily.next_after(anchor, anchor, &utc),
            at("2026-02-01", 9)
        );
        assert_eq!(Repeat::Daily.next_after(anchor, anchor - 1, &utc), anchor);
        assert_eq!(
            Repeat::Monthly.next_after(anchor, at("2026-03-31", 9), &utc),
            at("2026-04-30", 9)
        );
        assert_eq!(
            Repeat::Monthly.next_after(anchor, at("2028-02-29", 10), &utc),
            at("2028-03-31", 9)
        );
        assert_eq!(
            Repeat::Weekly.next_after(anchor, at("2026-02-07", 8), &utc),
            at("2026-02-07", 9)
        );
    }

    #[test]
    fn schedules_keep_the_wall_clock_when_the_clocks_change() {
        // Berlin: CET (+1) until 2026-03-29 01:00 UTC, then CEST (+2).
        let berlin = Zone {
            name: "Europe/Berlin".into(),
            offsets: vec![
                (i64::MIN, 60),
                (day_ms("2026-03-29", &Zone::utc()).unwrap() + 3_600_000, 120),
            ],
        };
        let anchor = datetime_ms("2026-03-27T09:00", &berlin).unwrap();
        let third = Repeat::Daily.occurrence(anchor, 3, &berlin);
        assert_eq!(
            crate::dates::datetime_input(third, &berlin),
            "2026-03-30T09:00"
        );
        // An hour short of three days: the clocks went forward in between.
        assert_eq!(third - anchor, 3 * DAY_MS - 3_600_000);
        assert_eq!(
            Repeat::Daily.next_after(anchor, anchor + 2 * DAY_MS + 1, &berlin),
            datetime_ms("2026-03-30T09:00", &berlin).unwrap()
        );
    }
}
