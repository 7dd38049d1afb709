//! Durable background jobs: long work a person starts (exports), run by a worker on some node,
//! with live progress, resumed by another node after a crash, ending in a notification.
//!
//! This folder is platform: it never names a tool. A tool registers its job kinds in
//! `registry::job_kinds()` and starts them from its own server functions (`ssr::enqueue`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
