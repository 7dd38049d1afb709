//! Wire types of tasks: the task itself, the people on it, list sections, filters, counters.

use crate::ids::{
    ChecklistItemId, GroupId, StageId, TaskCommentId, TaskFilterId, TaskId, TimeEntryId, UserId,
};
use crate::rich::Block;
use crate::social::Author;
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 250;
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// Co-executors plus observers on one task.
pub const MAX_PARTICIPANTS: usize = 100;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
/// Items in one task's checklist, all sections together.
pub const MAX_CHECKLIST_ITEMS: usize = 300;
pub const MAX_CHECKLIST_ITEM_CHARS: usize = 500;
/// A task list page.
pub const PAGE_SIZE: usize = 50;

macro_rules! str_enum {
    ($name:ident { $($variant:ident => $text:literal, $label:literal),* $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    New,
    InProgress,
    Review,
    Done,
    Deferred,
}

str_enum!(TaskStatus {
    New => "new", "New",
    InProgress => "in_progress", "In progress",
    Review => "review", "Awaiting review",
    Done => "done", "Done",
    Deferred => "deferred", "Deferred",
});

impl TaskStatus {
    /// Open tasks count in the sections' counters; done and deferred ones do not.
    pub fn is_open(self) -> bool {
        matches!(self, Self::New | Self::InProgress | Self::Review)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
}

str_enum!(Priority {
    Low => "low", "Low",
    Normal => "normal", "Normal",
    High => "high", "High",
});

/// A person's part in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Responsible,
    /// A co-executor, who helps.
    Accomplice,
    /// An observer, who watches.
    Auditor,
    /// Who assigned the task (stored only when not also the responsible).
    Creator,
}

str_enum!(MemberRole {
    Responsible => "responsible", "Responsible",
    Accomplice => "accomplice", "Co-executor",
    Auditor => "auditor", "Observer",
    Creator => "creator", "Creator",
});

/// The sections of the task list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    #[default]
    Doing,
    Helping,
    Observing,
    Assigned,
    All,
}

str_enum!(Section {
    Doing => "doing", "I'm doing",
    Helping => "helping", "I'm helping",
    Observing => "observing", "I'm observing",
    Assigned => "assigned", "I assigned",
    All => "all", "All",
});

impl Section {
    /// The member role a section lists, or None for "All".
    pub fn role(self) -> Option<MemberRole> {
        match self {
            Self::Doing => Some(MemberRole::Responsible),
            Self::Helping => Some(MemberRole::Accomplice),
            Self::Observing => Some(MemberRole::Auditor),
            Self::Assigned => Some(MemberRole::Creator),
            Self::All => None,
        }
    }
}

/// Which statuses a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// New, in progress and awaiting review.
    #[default]
    Open,
    Only(TaskStatus),
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskSort {
    /// Latest change first.
    #[default]
    Activity,
    /// Nearest deadline first; tasks without one last.
    Deadline,
}

str_enum!(TaskSort {
    Activity => "activity", "Latest activity",
    Deadline => "deadline", "Deadline",
});

/// What the list shows: a section and filters. Also what a saved filter stores.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskQuery {
    #[serde(default)]
    pub section: Section,
    #[serde(default)]
    pub status: StatusFilter,
    #[serde(default)]
    pub sort: TaskSort,
    /// Deadline on or after (unix ms).
    #[serde(default)]
    pub deadline_from: Option<i64>,
    /// Deadline before (unix ms).
    #[serde(default)]
    pub deadline_to: Option<i64>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub group: Option<GroupId>,
    #[serde(default)]
    pub responsible: Option<UserId>,
    /// Words in the title.
    #[serde(default)]
    pub search: String,
    /// Only overdue tasks (the red counter's link).
    #[serde(default)]
    pub overdue: bool,
    /// Only tasks with changes the caller has not seen.
    #[serde(default)]
    pub unseen: bool,
    /// Only open tasks due within the next 24 hours.
    #[serde(default)]
    pub due_soon: bool,
    /// Only tasks without a deadline.
    #[serde(default)]
    pub no_deadline: bool,
    /// Only tasks in this stage of their project (the board's stage columns).
    #[serde(default)]
    pub stage: Option<StageId>,
    /// Only tasks in no stage.
    #[serde(default)]
    pub no_stage: bool,
}

/// Where the next page starts: the last row's sort key and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCursor {
    pub key: i64,
    pub id: TaskId,
}

/// A task as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskItem {
    pub id: TaskId,
    pub title: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub deadline: Option<i64>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub responsible: Author,
    pub group: Option<(GroupId, String)>,
    pub parent: Option<TaskId>,
    pub checklist_total: i64,
    pub checklist_done: i64,
    pub activity_at: i64,
    /// Something changed that the viewer has not looked at yet.
    pub unseen: bool,
    pub tags: Vec<String>,
    /// The project's stage (a column of its board) the task is in.
    #[serde(default)]
    pub stage: Option<StageId>,
}

impl TaskItem {
    pub fn is_overdue(&self, now: i64) -> bool {
        self.status.is_open() && self.deadline.is_some_and(|d| d < now)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub items: Vec<TaskItem>,
    pub next: Option<TaskCursor>,
}

/// How a board divides its tasks into columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardBy {
    Status,
    /// The stages of the project (and "no stage").
    Stage,
}

/// A column of a board: a status, or a stage of the project (None: no stage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardColumn {
    Status(TaskStatus),
    Stage(Option<StageId>),
}

/// How many tasks each column of a board holds (a column that holds none is left out).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BoardCounts {
    pub columns: Vec<(BoardColumn, i64)>,
}

impl BoardCounts {
    pub fn of(&self, column: BoardColumn) -> i64 {
        self.columns
            .iter()
            .find(|(c, _)| *c == column)
            .map_or(0, |(_, n)| *n)
    }
}

/// What needs attention in one section (open tasks only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SectionCounters {
    pub overdue: i64,
    pub unseen: i64,
    /// Deadline within the next 24 hours.
    pub due_soon: i64,
    pub no_deadline: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskCounters {
    pub doing: SectionCounters,
    pub helping: SectionCounters,
    pub observing: SectionCounters,
    pub assigned: SectionCounters,
    /// The next moment one of these numbers changes by the clock alone: the nearest deadline
    /// ahead (a task turns overdue) or the nearest one entering the next 24 hours. The page
    /// asks for the counters again then, so they tick over without a reload.
    #[serde(default)]
    pub next_change: Option<i64>,
}

impl TaskCounters {
    pub fn of(&self, section: Section) -> Option<SectionCounters> {
        match section {
            Section::Doing => Some(self.doing),
            Section::Helping => Some(self.helping),
            Section::Observing => Some(self.observing),
            Section::Assigned => Some(self.assigned),
            Section::All => None,
        }
    }

    /// The menu's number: tasks the caller does or helps with that are overdue or unseen.
    pub fn attention(&self) -> i64 {
        self.doing.overdue + self.doing.unseen + self.helping.overdue + self.helping.unseen
    }

    /// Whether anything in the menu's number is overdue (shown red rather than green).
    pub fn any_overdue(&self) -> bool {
        self.doing.overdue + self.helping.overdue > 0
    }
}

/// A new task or the edited fields of one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Defaults to the creator.
    #[serde(default)]
    pub responsible: Option<UserId>,
    #[serde(default)]
    pub accomplices: Vec<UserId>,
    #[serde(default)]
    pub auditors: Vec<UserId>,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub group: Option<GroupId>,
    #[serde(default)]
    pub parent: Option<TaskId>,
    #[serde(default)]
    pub start_at: Option<i64>,
    #[serde(default)]
    pub end_at: Option<i64>,
    #[serde(default)]
    pub deadline: Option<i64>,
    #[serde(default)]
    pub estimate_minutes: Option<i64>,
    #[serde(default)]
    pub require_review: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only when creating: the first checklist items (in the default section).
    #[serde(default)]
    pub checklist: Vec<String>,
}

/// A status change, as the buttons on a task offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    Start,
    /// Back from "in progress" to "new".
    Pause,
    /// Done, or "awaiting review" when the creator reviews the work.
    Complete,
    /// The creator accepts reviewed work.
    Approve,
    /// The creator sends reviewed work back.
    ReturnToWork,
    Defer,
    /// Reopen a done or deferred task.
    Renew,
}

str_enum!(TaskAction {
    Start => "start", "Start",
    Pause => "pause", "Pause",
    Complete => "complete", "Complete",
    Approve => "approve", "Accept the work",
    ReturnToWork => "return_to_work", "Return for rework",
    Defer => "defer", "Defer",
    Renew => "renew", "Reopen",
});

impl TaskAction {
    /// The action that moves a task from one status to another (a card dropped on another
    /// column of the board), if there is one.
    pub fn towards(from: TaskStatus, to: TaskStatus) -> Option<Self> {
        use TaskStatus::*;
        match (from, to) {
            (New | Deferred, InProgress) => Some(Self::Start),
            (Review, InProgress) => Some(Self::ReturnToWork),
            (InProgress, New) => Some(Self::Pause),
            (Done | Deferred, New) => Some(Self::Renew),
            (New | InProgress, Done | Review) => Some(Self::Complete),
            (Review, Done) => Some(Self::Approve),
            (New | InProgress, Deferred) => Some(Self::Defer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: ChecklistItemId,
    pub section: String,
    pub text: String,
    /// Who ticked it and when.
    pub done: Option<(Author, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskComment {
    pub id: TaskCommentId,
    pub author: Author,
    pub body: Vec<Block>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub who: Author,
    pub at: i64,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

/// What the viewer may do with a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskRights {
    /// Title, description, people, priority, project, tags.
    pub edit: bool,
    /// Start, end and deadline (also by dragging on the Gantt chart).
    pub change_dates: bool,
    pub delegate: bool,
    /// Add, edit and tick checklist items.
    pub checklist: bool,
    pub comment: bool,
    pub delete: bool,
    /// Start and stop a timer, enter time by hand.
    #[serde(default)]
    pub track_time: bool,
}

/// One task with everything its page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub item: TaskItem,
    pub description: Vec<Block>,
    /// The source of the description, for editing.
    pub description_source: String,
    pub creator: Author,
    pub accomplices: Vec<Author>,
    pub auditors: Vec<Author>,
    pub require_review: bool,
    pub estimate_minutes: Option<i64>,
    pub spent_seconds: i64,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub parent_title: Option<String>,
    pub subtasks: Vec<TaskItem>,
    pub checklist: Vec<ChecklistItem>,
    pub comments: Vec<TaskComment>,
    pub history: Vec<HistoryEntry>,
    /// Tasks this one waits on, and tasks waiting on it.
    pub predecessors: Vec<TaskLink>,
    pub successors: Vec<TaskLink>,
    /// Time spent, newest first.
    #[serde(default)]
    pub time: Vec<TimeEntry>,
    /// When the viewer's timer on this task started, if it is running.
    #[serde(default)]
    pub my_timer: Option<i64>,
    /// Attached files, oldest first.
    #[serde(default)]
    pub files: Vec<TaskFile>,
    pub rights: TaskRights,
    /// The status changes the viewer may make now.
    pub actions: Vec<TaskAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: TaskFilterId,
    pub name: String,
    pub query: TaskQuery,
}

/// The checklist's completion, "3/5".
pub fn progress_label(done: i64, total: i64) -> Option<String> {
    (total > 0).then(|| format!("{done}/{total}"))
}

/// How one task waits on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The successor starts after the predecessor finishes.
    FinishToStart,
    /// The successor starts after the predecessor starts.
    StartToStart,
    /// The successor finishes after the predecessor finishes.
    FinishToFinish,
}

str_enum!(LinkKind {
    FinishToStart => "fs", "Finish to start",
    StartToStart => "ss", "Start to start",
    FinishToFinish => "ff", "Finish to finish",
});

/// A dependency as the task page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskLink {
    pub predecessor: TaskId,
    pub successor: TaskId,
    pub kind: LinkKind,
    /// The other task's title.
    pub title: String,
}

/// Stages one project may have (the columns of its board).
pub const MAX_STAGES: i64 = 20;
pub const MAX_STAGE_NAME_CHARS: usize = 60;

/// A stage of a project: a column of its board ("Backlog", "Design", "Testing"…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
}

/// A file on a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskFile {
    pub file: crate::files::types::Attachment,
    /// The viewer may take it off (they attached it, or they manage the task).
    pub removable: bool,
}

/// The longest time entered by hand at once.
pub const MAX_MANUAL_MINUTES: i64 = 24 * 60;

/// Time someone spent on a task: a finished timer run or an entry by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub id: TimeEntryId,
    pub who: Author,
    pub started_at: i64,
    /// None while the timer runs.
    pub stopped_at: Option<i64>,
    pub seconds: i64,
    pub note: String,
    /// The viewer may delete it (their own, or they manage the task).
    pub removable: bool,
}

/// "1:05 h" for a number of seconds.
pub fn hours_text(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    format!("{}:{:02} h", minutes / 60, minutes % 60)
}

/// Tasks' live events: a task the receiver is on, or one of their groups' tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaskEvent {
    /// The task changed (fetch it again; the counters too).
    TaskChanged { task_id: TaskId },
    /// The task was deleted.
    TaskRemoved { task_id: TaskId },
}

impl crate::realtime::LiveMessage for TaskEvent {
    const DOMAIN: &'static str = "tasks";
}

/// Tasks' menu counter in the page (`crate::counters`): a `TaskCounters`.
pub const COUNTER: &str = "tasks";
