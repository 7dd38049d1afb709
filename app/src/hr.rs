//! Company structure and people: departments, the employee directory, profiles.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
