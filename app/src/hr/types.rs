use crate::auth::types::Role;
use crate::ids::{DepartmentId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub parent_id: Option<DepartmentId>,
    pub head_user_id: Option<UserId>,
    pub head_name: Option<String>,
    pub members: i64,
}

/// A person as listed in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub position: String,
    pub department: Option<String>,
    pub role: Role,
    pub photo_url: Option<String>,
}

/// A person a picker offers (responsible, members, manager…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonChoice {
    pub id: UserId,
    pub name: String,
    pub position: String,
    pub photo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryPage {
    pub people: Vec<Person>,
    /// Pass back to get the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub person: Person,
    pub department_id: Option<DepartmentId>,
    pub manager: Option<(UserId, String)>,
    pub phone: String,
    pub about: String,
    pub joined_at: i64,
    /// The zone their dates are shown in: their own choice, or None for the portal's
    /// (`portal_time_zone`).
    pub time_zone: Option<String>,
    pub portal_time_zone: String,
    /// Whether the viewer may edit this profile (themselves, or an admin).
    pub editable: bool,
    /// Whether the viewer may change department and manager (admins).
    pub admin_fields: bool,
}

/// The profile form's choice of the portal's time zone (rather than one of one's own).
pub const FOLLOW_PORTAL: &str = "portal";

/// Orders departments as a tree: parents before children, with their depth.
pub fn tree_order(departments: &[Department]) -> Vec<(usize, Department)> {
    fn walk(
        all: &[Department],
        parent: Option<DepartmentId>,
        depth: usize,
        out: &mut Vec<(usize, Department)>,
    ) {
        for d in all.iter().filter(|d| d.parent_id == parent) {
            out.push((depth, d.clone()));
            if depth < 32 {
                walk(all, Some(d.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(departments.len());
    walk(departments, None, 0, &mut out);
    out
}

/// The directory's live events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DirectoryEvent {
    /// Someone joined or left: open lists of people reload.
    DirectoryChanged,
}

impl crate::realtime::LiveMessage for DirectoryEvent {
    const DOMAIN: &'static str = "hr";
}
