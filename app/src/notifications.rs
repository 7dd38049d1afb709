//! The notifications bell: per-user notices, pushed live over the realtime channel.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod ui;

use crate::ids::NotificationId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: String,
    pub title: String,
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// The bell's live events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NotificationEvent {
    /// A new notification for the receiving user; `unread` is their new bell count.
    Notification {
        unread: i64,
        title: String,
        link: String,
    },
}

impl crate::realtime::LiveMessage for NotificationEvent {
    const DOMAIN: &'static str = "notifications";
}

/// The bell's counter in the page (`crate::counters`).
pub const COUNTER: &str = "notifications";
