//! Time zones for pages: a zone's offsets over the years around now, from the tz database
//! bundled into the server (`jiff`), so every server writes the same dates whatever its own
//! system holds. Built once per zone and year, then shared.

use crate::dates::Zone;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The years on either side of now a zone's table covers. Dates further out take the offset
/// at the table's end (off by at most the summer hour, and only for dates that far away).
const YEARS: i64 = 6;
const YEAR_MS: i64 = 31_556_952_000;

/// Zones built, by name and year.
type Cache = HashMap<(String, i64), Arc<Zone>>;

/// The zone named `name`, or UTC when the tz database does not know it.
pub fn zone(name: &str) -> Arc<Zone> {
    let now = crate::ssr::now_ms();
    let year = now.div_euclid(YEAR_MS);
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(zone) = cache
        .lock()
        .ok()
        .and_then(|c| c.get(&(name.to_owned(), year)).cloned())
    {
        return zone;
    }
    let zone = Arc::new(build(name, now));
    if let Ok(mut c) = cache.lock() {
        c.insert((name.to_owned(), year), zone.clone());
    }
    zone
}

/// Whether the tz database knows `name`.
pub fn known(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

fn build(name: &str, now: i64) -> Zone {
    let Ok(tz) = jiff::tz::TimeZone::get(name) else {
        return Zone::utc();
    };
    let (from, to) = (now - YEARS * YEAR_MS, now + YEARS * YEAR_MS);
    let Ok(start) = jiff::Timestamp::from_millisecond(from) else {
        return Zone::utc();
    };
    let mut offsets = vec![(i64::MIN, tz.to_offset(start).seconds() / 60)];
    for change in tz.following(start) {
        let at = change.timestamp().as_millisecond();
        if at > to {
            break;
        }
        let minutes = change.offset().seconds() / 60;
        if offsets.last().is_some_and(|(_, m)| *m != minutes) {
            offsets.push((at, minutes));
        }
    }
    Zone {
        name: name.to_owned(),
        offsets,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::dates::{datetime_ms, utc_date_time};

    #[test]
    fn zones_follow_the_tz_database() {
        let now = datetime_ms("2026-12-05T12:00", &Zone::utc()).unwrap();
        let berlin = build("Europe/Berlin", now);
        assert_eq!(berlin.name, "Europe/Berlin");
        // Two changes a year, each way.
        assert!(berlin.offsets.len() >= 20, "{:?}", berlin.offsets.len());
        let summer = datetime_ms("2026-07-01T17:05", &berlin).unwrap();
        assert_eq!(utc_date_time(summer), "2026-07-01 15:05 UTC");
        let winter = datetime_ms("2027-01-15T09:00", &berlin).unwrap();
        assert_eq!(utc_date_time(winter), "2027-01-15 08:00 UTC");
        // The change itself, to the minute.
        let change = datetime_ms("2026-03-29T01:00", &Zone::utc()).unwrap();
        assert_eq!(berlin.offset_ms(change - 1), 3_600_000);
        assert_eq!(berlin.offset_ms(change), 7_200_000);
        // A zone without summer time has one offset; an unknown name is UTC.
        let kolkata = build("Asia/Kolkata", now);
        assert_eq!(kolkata.offsets, vec![(i64::MIN, 330)]);
        assert_eq!(build("Mars/Olympus", now), Zone::utc());
        assert!(known("America/New_York") && !known("Mars/Olympus"));
    }
}
