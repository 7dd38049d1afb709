//! The messenger: one-to-one and group chats, and the chat of each workgroup and task —
//! history, unread counters, read receipts, typing, presence, reactions, files and search,
//! live over the realtime socket, with an e-mail digest for people who are away.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
