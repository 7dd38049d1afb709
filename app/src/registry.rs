//! Every tool, one line per concern. Shared code (`ssr/`, the shell, realtime) never names a
//! tool; the places that need all of them ask here. A new tool adds its line to each list it
//! takes part in (docs/ARCHITECTURE.md).

#[cfg(feature = "ssr")]
use crate::ssr::workers::Worker;

/// The background workers of every tool (the platform's own are started by `server`).
#[cfg(feature = "ssr")]
pub fn workers() -> Vec<Worker> {
    [crate::tasks::ssr::WORKERS, crate::chat::ssr::WORKERS].concat()
}
