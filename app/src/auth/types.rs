//! Roles and the signed-in user as the browser sees them.

use crate::ids::{PortalId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Employee,
    /// An outside client or partner: sees only the workgroups they are invited to.
    Extranet,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Employee => "employee",
            Role::Extranet => "extranet",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "employee" => Some(Role::Employee),
            "extranet" => Some(Role::Extranet),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Employee => "Employee",
            Role::Extranet => "Extranet",
        }
    }
}

/// Who is signed in, for the shell (menu, avatar, admin links).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub portal_id: PortalId,
    pub portal_name: String,
    pub portal_logo: Option<String>,
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub photo_url: Option<String>,
    /// The zone every date is shown and read in: their own, else the portal's.
    pub zone: crate::dates::Zone,
    /// They chose that zone themselves (else it is the portal's).
    pub own_zone: bool,
    /// Each tool's numbers for the shell (menu counters, the bell), as the page was rendered.
    pub counters: crate::counters::Counters,
}

impl Me {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// What the shell needs on every page: the portal (if the host has one) and the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub portal_exists: bool,
    pub portal_name: Option<String>,
    pub me: Option<Me>,
    /// What follows a portal's address on this server, e.g. `.localhost:3000`.
    #[serde(default)]
    pub address_suffix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub portal_name: String,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: crate::ids::InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: i64,
    pub status: InvitationStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
}

/// Returned to the admin who invited: the link to pass on when no mail server is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationSent {
    pub email: String,
    pub link: Option<String>,
}
