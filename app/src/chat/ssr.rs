//! The rules of the messenger and their SQL (server only), always scoped by the caller's portal.

pub mod access;
pub mod calls;
pub mod chats;
pub mod digest;
pub mod files;
pub mod ice;
pub mod list;
pub mod messages;
pub mod presence;
pub mod read;
pub mod search;
pub mod send;
