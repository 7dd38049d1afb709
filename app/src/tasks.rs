//! Tasks and projects: who does what by when — sections and counters, checklists, comments,
//! history, dependencies, and the board and Gantt views of a project.

pub mod api;
pub mod gantt;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod templates;
pub mod types;
pub mod ui;
