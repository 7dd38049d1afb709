//! Dates as forms, lists and messages show them, in the viewer's time zone. The helpers are
//! shared by the server render and the browser, so both write the same dates; the zone comes
//! with the page as a short table of offsets (`Zone`), worked out on the server from the tz
//! database, so the browser carries no database and both sides agree to the minute.

use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// A time zone as pages need it: its name and its offsets from UTC over the years around now
/// (`ssr::zones` builds it). A time before the first change takes the first offset; after
/// the last, the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// The tz database's name, e.g. `Europe/Berlin`.
    pub name: String,
    /// (from, offset in minutes): each offset holds from its time (unix ms) until the next.
    pub offsets: Vec<(i64, i32)>,
}

impl Default for Zone {
    fn default() -> Self {
        Self::utc()
    }
}

impl Zone {
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            offsets: vec![(i64::MIN, 0)],
        }
    }

    /// The offset from UTC at a moment, in milliseconds.
    pub fn offset_ms(&self, at: i64) -> i64 {
        let after = self.offsets.partition_point(|(from, _)| *from <= at);
        let i = after.saturating_sub(1);
        self.offsets
            .get(i)
            .map_or(0, |(_, minutes)| i64::from(*minutes) * 60_000)
    }

    /// The wall clock at a moment, as the unix ms of that same clock reading in UTC (so
    /// `civil` reads its day).
    pub fn wall(&self, at: i64) -> i64 {
        at + self.offset_ms(at)
    }

    /// The moment a wall clock reading stands for. A reading the clocks skip (moved forward)
    /// is read with the offset before the change (so 02:30 on a spring night is 03:30); a
    /// reading that happens twice (moved back) is the first.
    pub fn instant(&self, wall: i64) -> i64 {
        let before = wall - self.offset_ms(wall - DAY_MS);
        let after = wall - self.offset_ms(wall + DAY_MS);
        match (self.wall(before) == wall, self.wall(after) == wall) {
            (true, true) => before.min(after),
            (false, true) => after,
            _ => before,
        }
    }

    /// (year, month, day) of a moment here.
    pub fn civil(&self, at: i64) -> (i64, i64, i64) {
        civil(self.wall(at))
    }

    /// The minutes since midnight of a moment here.
    pub fn minute_of_day(&self, at: i64) -> i64 {
        self.wall(at).div_euclid(60_000).rem_euclid(1440)
    }

    /// The midnight that begins the day of `at`, here.
    pub fn day_start(&self, at: i64) -> i64 {
        self.instant(self.wall(at).div_euclid(DAY_MS) * DAY_MS)
    }

    /// The midnight `days` days after the one that begins the day of `at` (a day is not always
    /// 24 hours long).
    pub fn days_later(&self, at: i64, days: i64) -> i64 {
        self.instant((self.wall(at).div_euclid(DAY_MS) + days) * DAY_MS)
    }

    /// The day of the week of `at` here: 0 is Monday.
    pub fn weekday(&self, at: i64) -> i64 {
        // 1970-01-01 was a Thursday.
        (self.wall(at).div_euclid(DAY_MS) + 3).rem_euclid(7)
    }

    /// Whether two moments fall on the same day here.
    pub fn same_day(&self, a: i64, b: i64) -> bool {
        self.wall(a).div_euclid(DAY_MS) == self.wall(b).div_euclid(DAY_MS)
    }
}

/// A unix-millisecond time as `YYYY-MM-DD HH:MM UTC` (text stored for everyone, such as a
/// task's history, where no one viewer's zone applies).
pub fn utc_date_time(ms: i64) -> String {
    format!("{} UTC", date_time(ms, &Zone::utc()))
}

/// A moment as `YYYY-MM-DD HH:MM`, here.
pub fn date_time(ms: i64, zone: &Zone) -> String {
    let minutes = zone.minute_of_day(ms);
    format!(
        "{} {:02}:{:02}",
        date_input(ms, zone),
        minutes / 60,
        minutes % 60
    )
}

/// `YYYY-MM-DD` as unix milliseconds at 00:00 UTC.
fn utc_day_ms(date: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * DAY_MS)
}

/// `YYYY-MM-DD` (a date input) as the moment its day begins, here.
pub fn day_ms(date: &str, zone: &Zone) -> Option<i64> {
    utc_day_ms(date).map(|wall| zone.instant(wall))
}

/// The unix ms at 00:00 UTC of a civil date (for date arithmetic on wall clocks).
pub fn civil_day(y: i64, m: i64, d: i64) -> Option<i64> {
    utc_day_ms(&format!("{y:04}-{m:02}-{d:02}"))
}

/// `YYYY-MM-DDTHH:MM` (a datetime-local input) as a moment, read here.
pub fn datetime_ms(value: &str, zone: &Zone) -> Option<i64> {
    let (date, time) = value
        .trim()
        .split_once('T')
        .unwrap_or((value.trim(), "00:00"));
    let day = utc_day_ms(date)?;
    let mut hm = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, m) = (hm.next()??, hm.next()??);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(zone.instant(day + h * 3_600_000 + m * 60_000))
}

/// (year, month, day) of a unix-millisecond time, UTC.
pub fn civil(ms: i64) -> (i64, i64, i64) {
    let z = ms.div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD`, for date inputs, here.
pub fn date_input(ms: i64, zone: &Zone) -> String {
    let (y, m, d) = zone.civil(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM`, for datetime-local inputs, here.
pub fn datetime_input(ms: i64, zone: &Zone) -> String {
    let minutes = zone.minute_of_day(ms);
    format!(
        "{}T{:02}:{:02}",
        date_input(ms, zone),
        minutes / 60,
        minutes % 60
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn month_name(month: i64) -> &'static str {
    MONTHS[((month - 1).rem_euclid(12)) as usize]
}

/// "Nov 30" (or "Nov 30, 2027" in another year than `now`'s), here.
pub fn short_date(ms: i64, now: i64, zone: &Zone) -> String {
    let (y, m, d) = zone.civil(ms);
    if y == zone.civil(now).0 {
        format!("{} {d}", month_name(m))
    } else {
        format!("{} {d}, {y}", month_name(m))
    }
}

/// "Nov 30, 17:00" — a deadline, here; the time is left out at midnight.
pub fn short_datetime(ms: i64, now: i64, zone: &Zone) -> String {
    let minutes = zone.minute_of_day(ms);
    if minutes == 0 {
        short_date(ms, now, zone)
    } else {
        format!(
            "{}, {:02}:{:02}",
            short_date(ms, now, zone),
            minutes / 60,
            minutes % 60
        )
    }
}

/// "17:05", here.
pub fn clock_time(ms: i64, zone: &Zone) -> String {
    let minutes = zone.minute_of_day(ms);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Berlin in 2026: CET (+1) until Mar 29 01:00 UTC, CEST (+2) until Oct 25 01:00 UTC.
    fn berlin() -> Zone {
        Zone {
            name: "Europe/Berlin".into(),
            offsets: vec![
                (utc_day_ms("2025-10-26").unwrap() + 3_600_000, 60),
                (utc_day_ms("2026-03-29").unwrap() + 3_600_000, 120),
                (utc_day_ms("2026-10-25").unwrap() + 3_600_000, 60),
            ],
        }
    }

    #[test]
    fn utc_date_time_reads_as_utc() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date_time(1_796_454_779_999), "2026-12-05 07:12 UTC");
    }

    #[test]
    fn dates_round_trip() {
        let utc = Zone::utc();
        let ms = datetime_ms("2026-11-30T17:05", &utc).unwrap();
        assert_eq!(datetime_input(ms, &utc), "2026-11-30T17:05");
        assert_eq!(
            date_input(day_ms("2024-02-29", &utc).unwrap(), &utc),
            "2024-02-29"
        );
        assert_eq!(short_datetime(ms, ms, &utc), "Nov 30, 17:05");
        assert_eq!(
            short_date(day_ms("2027-01-02", &utc).unwrap(), ms, &utc),
            "Jan 2, 2027"
        );
        assert_eq!(datetime_ms("2026-13-01T00:00", &utc), None);
        assert_eq!(datetime_ms("2026-11-30T24:00", &utc), None);
        assert_eq!(day_ms("yesterday", &utc), None);
    }

    #[test]
    fn a_zone_reads_and_writes_its_own_wall_clock() {
        let z = berlin();
        // Winter: 17:05 in Berlin is 16:05 UTC; summer: 15:05 UTC.
        let winter = datetime_ms("2026-11-30T17:05", &z).unwrap();
        assert_eq!(utc_date_time(winter), "2026-11-30 16:05 UTC");
        assert_eq!(datetime_input(winter, &z), "2026-11-30T17:05");
        let summer = datetime_ms("2026-07-01T17:05", &z).unwrap();
        assert_eq!(utc_date_time(summer), "2026-07-01 15:05 UTC");
        assert_eq!(short_datetime(summer, winter, &z), "Jul 1, 17:05");
        // 23:30 UTC on Nov 30 is already Dec 1 in Berlin.
        let late = datetime_ms("2026-11-30T23:30", &Zone::utc()).unwrap();
        assert_eq!(date_input(late, &z), "2026-12-01");
        assert_eq!(date_input(late, &Zone::utc()), "2026-11-30");
        // A day begins at local midnight.
        assert_eq!(
            utc_date_time(day_ms("2026-12-01", &z).unwrap()),
            "2026-11-30 23:00 UTC"
        );
        assert_eq!(z.day_start(late), day_ms("2026-12-01", &z).unwrap());
    }

    #[test]
    fn clock_changes_skip_and_repeat_hours() {
        let z = berlin();
        // Mar 29: 02:30 does not exist; it is read as 03:30 (01:30 UTC).
        let skipped = datetime_ms("2026-03-29T02:30", &z).unwrap();
        assert_eq!(utc_date_time(skipped), "2026-03-29 01:30 UTC");
        // Oct 25: 02:30 happens twice; the first (00:30 UTC) is taken.
        let twice = datetime_ms("2026-10-25T02:30", &z).unwrap();
        assert_eq!(utc_date_time(twice), "2026-10-25 00:30 UTC");
        // That day is 25 hours long, and the next midnight is found all the same.
        let day = day_ms("2026-10-25", &z).unwrap();
        assert_eq!(z.days_later(day, 1) - day, 25 * 3_600_000);
        assert_eq!(z.weekday(day), 6, "Oct 25, 2026 is a Sunday");
    }
}
