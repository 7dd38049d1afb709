//! Dates as forms, lists and messages show them. Times are UTC for now (the portal's zone is a later
//! step); the helpers are shared by the server render and the browser, so both agree.

const DAY_MS: i64 = 86_400_000;

/// A unix-millisecond time as `YYYY-MM-DD HH:MM UTC`.
pub fn utc_date_time(ms: i64) -> String {
    let (y, m, d) = civil(ms);
    let minutes = ms.div_euclid(60_000).rem_euclid(1440);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// `YYYY-MM-DD` as unix milliseconds at 00:00 UTC.
pub fn day_ms(date: &str) -> Option<i64> {
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

/// `YYYY-MM-DDTHH:MM` (a datetime-local input) as unix milliseconds, read as UTC.
pub fn datetime_ms(value: &str) -> Option<i64> {
    let (date, time) = value
        .trim()
        .split_once('T')
        .unwrap_or((value.trim(), "00:00"));
    let day = day_ms(date)?;
    let mut hm = time.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, m) = (hm.next()??, hm.next()??);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(day + h * 3_600_000 + m * 60_000)
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

/// `YYYY-MM-DD`, for date inputs.
pub fn date_input(ms: i64) -> String {
    let (y, m, d) = civil(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM`, for datetime-local inputs.
pub fn datetime_input(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(1440);
    format!("{}T{:02}:{:02}", date_input(ms), minutes / 60, minutes % 60)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub fn month_name(month: i64) -> &'static str {
    MONTHS[((month - 1).rem_euclid(12)) as usize]
}

/// "Nov 30" (or "Nov 30, 2027" in another year than `now`'s).
pub fn short_date(ms: i64, now: i64) -> String {
    let (y, m, d) = civil(ms);
    if y == civil(now).0 {
        format!("{} {d}", month_name(m))
    } else {
        format!("{} {d}, {y}", month_name(m))
    }
}

/// "Nov 30, 17:00" — a deadline; the time is left out at midnight.
pub fn short_datetime(ms: i64, now: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(1440);
    if minutes == 0 {
        short_date(ms, now)
    } else {
        format!(
            "{}, {:02}:{:02}",
            short_date(ms, now),
            minutes / 60,
            minutes % 60
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn utc_date_time_reads_as_utc() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date_time(1_796_454_779_999), "2026-12-05 07:12 UTC");
    }

    #[test]
    fn dates_round_trip() {
        let ms = datetime_ms("2026-11-30T17:05").unwrap();
        assert_eq!(datetime_input(ms), "2026-11-30T17:05");
        assert_eq!(date_input(day_ms("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(short_datetime(ms, ms), "Nov 30, 17:05");
        assert_eq!(short_date(day_ms("2027-01-02").unwrap(), ms), "Jan 2, 2027");
        assert_eq!(datetime_ms("2026-13-01T00:00"), None);
        assert_eq!(datetime_ms("2026-11-30T24:00"), None);
        assert_eq!(day_ms("yesterday"), None);
    }
}
