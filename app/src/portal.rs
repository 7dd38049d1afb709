//! Portals: sign-up, host resolution, settings and plan limits.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
