//! Server-only infrastructure: state, database, realtime hub, storage, mail.

pub mod caller;
pub mod config;
pub mod db;
pub mod headers;
pub mod housekeeping;
pub mod hub;
pub mod limits;
pub mod mailer;
pub mod socket;
pub mod state;
pub mod storage;
pub mod tokens;
pub mod workers;
pub mod zones;

/// Current time as unix milliseconds (UTC); every stored time uses this unit.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
