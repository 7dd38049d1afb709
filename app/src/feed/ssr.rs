//! The feed's rules and SQL (server only).

pub mod attachments;
pub mod comments;
pub mod entries;
pub mod extras;
pub mod read;
pub mod search;
pub mod unread;
pub mod visibility;
pub mod write;
