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
