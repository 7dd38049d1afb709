//! What every tool shows around what people do: who did it (`Author`) and how others
//! reacted (`Reaction`). The feed, the messenger and tasks all use them.

use crate::ids::{FileId, UserId};
use serde::{Deserialize, Serialize};

/// A person as shown next to what they wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Author {
    pub id: UserId,
    pub name: String,
    pub photo_url: Option<String>,
}

impl Author {
    /// From a user row: id, name and the file id of their photo.
    pub fn new(id: UserId, name: String, photo_file_id: Option<FileId>) -> Self {
        Self {
            id,
            name,
            photo_url: photo_file_id.map(crate::files::types::url),
        }
    }
}

/// Reactions people can leave on posts and comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    Like,
    Love,
    Laugh,
    Wow,
    Sad,
    Celebrate,
}

impl Reaction {
    pub const ALL: [Reaction; 6] = [
        Reaction::Like,
        Reaction::Love,
        Reaction::Laugh,
        Reaction::Wow,
        Reaction::Sad,
        Reaction::Celebrate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reaction::Like => "like",
            Reaction::Love => "love",
            Reaction::Laugh => "laugh",
            Reaction::Wow => "wow",
            Reaction::Sad => "sad",
            Reaction::Celebrate => "celebrate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::Like => "👍",
            Reaction::Love => "❤️",
            Reaction::Laugh => "😄",
            Reaction::Wow => "😮",
            Reaction::Sad => "😢",
            Reaction::Celebrate => "🎉",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reaction::Like => "Like",
            Reaction::Love => "Love",
            Reaction::Laugh => "Haha",
            Reaction::Wow => "Wow",
            Reaction::Sad => "Sad",
            Reaction::Celebrate => "Celebrate",
        }
    }
}
