//! The rules of tasks and their SQL (server only), always scoped by the caller's portal.

pub mod access;
pub mod checklist;
pub mod comments;
pub mod files;
pub mod filters;
pub mod gantt;
pub mod history;
pub mod links;
pub mod list;
pub mod members;
pub mod read;
pub mod stages;
pub mod status;
pub mod templates;
pub mod time;
pub mod write;
