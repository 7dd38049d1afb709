//! Workgroups and projects: teams with members in roles. Tasks, the feed and chats attach to
//! them; extranet users reach only the groups they were added to.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
