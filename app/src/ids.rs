//! Typed ids, so a user id can never be passed where a portal id belongs.
//! Ids are auto-increment BIGINTs; nothing assumes they are contiguous.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )*};
}

typed_id!(
    PortalId,
    UserId,
    DepartmentId,
    InvitationId,
    NotificationId,
    FileId,
    PlanId,
    PostId,
    CommentId,
    PollOptionId,
    GroupId,
    TaskId,
    TemplateId,
    ChecklistItemId,
    TaskCommentId,
    TimeEntryId,
    StageId,
    TaskFilterId,
    ChatId,
    MessageId,
    JobId
);
