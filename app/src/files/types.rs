//! Files as tools and browsers see them.

use crate::ids::FileId;
use serde::{Deserialize, Serialize};

/// The largest single upload for pictures (photos, logos).
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// The largest file attached to anything.
pub const MAX_ATTACHMENT_BYTES: u64 = 100 * 1024 * 1024;

/// Where a file is downloaded from (its owner kind's rule decides who may).
pub fn url(file: FileId) -> String {
    format!("/files/{file}")
}

/// A file attached to something (a post, a comment, a task, a message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub file_id: FileId,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    /// Pictures: a server-made thumbnail, and the picture's size in pixels.
    pub thumb_url: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl Attachment {
    pub fn url(&self) -> String {
        url(self.file_id)
    }

    pub fn is_picture(&self) -> bool {
        self.thumb_url.is_some()
    }
}

/// A size for people: "512 B", "4.2 MB" (quotas, uploads, exports).
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
