//! Wire types of workgroups.

use crate::ids::GroupId;
use crate::social::Author;
use serde::{Deserialize, Serialize};

/// Longest group name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    Owner,
    Moderator,
    Member,
}

impl GroupRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Moderator => "moderator",
            Self::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "moderator" => Some(Self::Moderator),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Moderator => "Moderator",
            Self::Member => "Member",
        }
    }
}

/// Who sees a group: every employee (who may also join it), or only its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Open,
    Closed,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// A group as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    pub is_project: bool,
    pub visibility: Visibility,
    pub member_count: i64,
    /// The viewer's role, if a member.
    pub my_role: Option<GroupRole>,
}

/// A group a picker offers (a task's project, a filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: GroupId,
    pub name: String,
    pub is_project: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMember {
    pub person: Author,
    pub role: GroupRole,
    /// An outside client or partner (extranet user).
    pub extranet: bool,
}

/// One group with its members and what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupView {
    pub group: GroupSummary,
    pub members: Vec<GroupMember>,
    /// Rename, describe, change visibility, add and remove members.
    pub can_manage: bool,
    /// Change roles and hand over ownership.
    pub can_change_roles: bool,
    pub can_join: bool,
    pub can_leave: bool,
}

/// A new group, as the form sends it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub is_project: bool,
    #[serde(default)]
    pub visibility: Visibility,
}
