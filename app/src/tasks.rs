//! Tasks and projects: who does what by when — sections and counters, checklists, comments,
//! history, dependencies, and the board and Gantt views of a project.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
