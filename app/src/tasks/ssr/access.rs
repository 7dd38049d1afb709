//! Who sees a task and what they may do with it.
//!
//! A task is seen by the people on it (creator, responsible, co-executors, observers), by the
//! members of its workgroup, and by administrators. Everyone else gets NotFound, so a private
//! task cannot even be confirmed to exist.
//!
//! Rights: the creator, administrators and the group's owner and moderators edit everything;
//! the responsible changes status and dates, delegates, and works the checklist; co-executors
//! start the task and work the checklist; observers only read and comment.

use crate::auth::types::Role;
use crate::error::{AppError, AppResult};
use crate::groups::types::GroupRole;
use crate::ids::{GroupId, TaskId, UserId};
use crate::ssr::caller::Caller;
use crate::tasks::types::{MemberRole, TaskAction, TaskRights, TaskStatus};
use sqlx::AnyConnection;

/// A task's row as far as the rules need it, with the caller's part in it.
#[derive(Debug, Clone)]
pub struct TaskAccess {
    pub id: TaskId,
    pub title: String,
    pub group: Option<GroupId>,
    pub creator: UserId,
    pub responsible: UserId,
    pub status: TaskStatus,
    pub require_review: bool,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub deadline: Option<i64>,
    /// The caller's roles on the task.
    pub roles: Vec<MemberRole>,
    /// The caller's role in the task's group.
    pub group_role: Option<GroupRole>,
    caller: UserId,
    admin: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: TaskId,
    title: String,
    group_id: Option<GroupId>,
    creator_id: UserId,
    responsible_id: UserId,
    status: String,
    require_review: i64,
    start_at: Option<i64>,
    end_at: Option<i64>,
    deadline: Option<i64>,
    group_role: Option<String>,
}

impl TaskAccess {
    /// The task if the caller may see it; NotFound otherwise (also for other portals' tasks).
    /// Pass a transaction's connection to read under its lock.
    pub async fn load(conn: &mut AnyConnection, caller: &Caller, id: TaskId) -> AppResult<Self> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT t.id, t.title, t.group_id, t.creator_id, t.responsible_id, t.status, \
             t.require_review, t.start_at, t.end_at, t.deadline, gm.role AS group_role \
             FROM tasks t LEFT JOIN workgroup_members gm ON gm.group_id = t.group_id \
             AND gm.portal_id = t.portal_id AND gm.user_id = ? \
             WHERE t.id = ? AND t.portal_id = ?",
        )
        .bind(caller.user_id)
        .bind(id)
        .bind(caller.portal_id())
        .fetch_optional(&mut *conn)
        .await?;
        let row = row.ok_or(AppError::NotFound)?;
        let roles: Vec<String> = sqlx::query_scalar(
            "SELECT role FROM task_members WHERE task_id = ? AND portal_id = ? AND user_id = ?",
        )
        .bind(id)
        .bind(caller.portal_id())
        .bind(caller.user_id)
        .fetch_all(&mut *conn)
        .await?;
        let access = Self {
            id: row.id,
            title: row.title,
            group: row.group_id,
            creator: row.creator_id,
            responsible: row.responsible_id,
            status: TaskStatus::parse(&row.status).ok_or(AppError::Internal)?,
            require_review: row.require_review == 1,
            start_at: row.start_at,
            end_at: row.end_at,
            deadline: row.deadline,
            roles: roles.iter().filter_map(|r| MemberRole::parse(r)).collect(),
            group_role: row.group_role.as_deref().and_then(GroupRole::parse),
            caller: caller.user_id,
            admin: caller.role == Role::Admin,
        };
        if access.admin || !access.roles.is_empty() || access.group_role.is_some() {
            Ok(access)
        } else {
            Err(AppError::NotFound)
        }
    }

    pub fn is_creator(&self) -> bool {
        self.creator == self.caller
    }

    pub fn is_responsible(&self) -> bool {
        self.responsible == self.caller
    }

    fn is_accomplice(&self) -> bool {
        self.roles.contains(&MemberRole::Accomplice)
    }

    /// Edits everything: the creator, administrators, the group's owner and moderators.
    pub fn manages(&self) -> bool {
        self.admin
            || self.is_creator()
            || matches!(
                self.group_role,
                Some(GroupRole::Owner | GroupRole::Moderator)
            )
    }

    pub fn rights(&self) -> TaskRights {
        let manages = self.manages();
        TaskRights {
            edit: manages,
            change_dates: manages || self.is_responsible(),
            delegate: manages || self.is_responsible(),
            checklist: manages || self.is_responsible() || self.is_accomplice(),
            comment: true,
            delete: self.admin || self.is_creator(),
            track_time: manages || self.is_responsible() || self.is_accomplice(),
        }
    }

    pub fn require(&self, allowed: bool) -> AppResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The status changes the caller may make now, in the order the page offers them.
    pub fn actions(&self) -> Vec<TaskAction> {
        use TaskAction::*;
        let works = self.manages() || self.is_responsible();
        let helps = works || self.is_accomplice();
        // Accepting or returning reviewed work is the creator's (or an administrator's) call.
        let reviews = self.is_creator() || self.admin;
        let mut actions = Vec::new();
        match self.status {
            TaskStatus::New => {
                if helps {
                    actions.push(Start);
                }
                if works {
                    actions.extend([Complete, Defer]);
                }
            }
            TaskStatus::InProgress => {
                if works {
                    actions.push(Complete);
                }
                if helps {
                    actions.push(Pause);
                }
                if works {
                    actions.push(Defer);
                }
            }
            TaskStatus::Review => {
                if reviews {
                    actions.extend([Approve, ReturnToWork]);
                }
            }
            TaskStatus::Done => {
                if works {
                    actions.push(Renew);
                }
            }
            TaskStatus::Deferred => {
                if helps {
                    actions.push(Start);
                }
                if works {
                    actions.push(Renew);
                }
            }
        }
        actions
    }

    /// The status an action leads to, or Forbidden when the caller may not take it now.
    pub fn apply(&self, action: TaskAction) -> AppResult<TaskStatus> {
        if !self.actions().contains(&action) {
            // Someone else could take this step (the creator, say): not the caller's right.
            // Nobody could: the task is not in a state that allows it.
            let anyone = Self {
                admin: true,
                caller: self.creator,
                ..self.clone()
            };
            return Err(if anyone.actions().contains(&action) {
                AppError::Forbidden
            } else {
                AppError::invalid(format!(
                    "A task that is “{}” cannot be changed with “{}”.",
                    self.status.label(),
                    action.label()
                ))
            });
        }
        Ok(match action {
            TaskAction::Start | TaskAction::ReturnToWork => TaskStatus::InProgress,
            TaskAction::Pause | TaskAction::Renew => TaskStatus::New,
            TaskAction::Complete if self.require_review && !self.is_creator() => TaskStatus::Review,
            TaskAction::Complete | TaskAction::Approve => TaskStatus::Done,
            TaskAction::Defer => TaskStatus::Deferred,
        })
    }
}
