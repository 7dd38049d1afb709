//! Server functions of tasks: the caller from the session, then the rules in `ssr`.

use super::gantt::GanttWindow;
use super::templates::{TaskTemplate, TemplateForm};
use super::types::{
    BoardBy, BoardCounts, LinkKind, SavedFilter, Stage, TaskAction, TaskCounters, TaskCursor,
    TaskForm, TaskPage, TaskQuery, TaskStatus, TaskView,
};
use crate::error::AppError;
use crate::ids::{
    ChecklistItemId, FileId, GroupId, StageId, TaskCommentId, TaskFilterId, TaskId, TemplateId,
    TimeEntryId, UserId,
};
#[cfg(feature = "ssr")]
use crate::ssr::caller::{caller, state};
use leptos::prelude::*;
use server_fn::codec::Json;

/// A page of a task list section; `after` is the previous page's `next`.
#[server(prefix = "/api", endpoint = "tasks", input = Json)]
pub async fn tasks(
    query: TaskQuery,
    #[server(default)] after: Option<TaskCursor>,
) -> Result<TaskPage, AppError> {
    let caller = caller().await?;
    super::ssr::list::page(&state()?.db.reader, &caller, &query, after).await
}

/// How many tasks each column of a board holds (the board's query, by status or by stage).
#[server(prefix = "/api", endpoint = "task_board_counts", input = Json)]
pub async fn task_board_counts(query: TaskQuery, by: BoardBy) -> Result<BoardCounts, AppError> {
    let caller = caller().await?;
    super::ssr::list::board_counts(&state()?.db.reader, &caller, &query, by).await
}

/// Exports the caller's task list with these filters, as a background job.
#[server(prefix = "/api", endpoint = "export_tasks", input = Json)]
pub async fn export_tasks(
    query: TaskQuery,
    format: crate::jobs::types::ExportFormat,
) -> Result<crate::jobs::types::JobView, AppError> {
    let caller = caller().await?;
    super::ssr::export::start(&state()?, &caller, &query, format).await
}

/// What needs the caller's attention, per section.
#[server(prefix = "/api", endpoint = "my_task_counters", input = Json)]
pub async fn my_task_counters() -> Result<TaskCounters, AppError> {
    let caller = caller().await?;
    super::ssr::list::counters(&state()?.db.reader, &caller).await
}

#[server(prefix = "/api", endpoint = "task", input = Json)]
pub async fn task(id: TaskId) -> Result<TaskView, AppError> {
    let caller = caller().await?;
    super::ssr::read::get(&state()?.db, &caller, id).await
}

#[server(prefix = "/api", endpoint = "create_task", input = Json)]
pub async fn create_task(form: TaskForm) -> Result<TaskId, AppError> {
    let caller = caller().await?;
    super::ssr::write::create(&state()?, &caller, &form).await
}

#[server(prefix = "/api", endpoint = "update_task", input = Json)]
pub async fn update_task(id: TaskId, form: TaskForm) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::write::update(&state()?, &caller, id, &form).await
}

#[server(prefix = "/api", endpoint = "delete_task", input = Json)]
pub async fn delete_task(id: TaskId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::write::delete(&state()?, &caller, id).await
}

/// Start, complete, accept, defer… a task; answers with its new status.
#[server(prefix = "/api", endpoint = "act_on_task", input = Json)]
pub async fn act_on_task(id: TaskId, action: TaskAction) -> Result<TaskStatus, AppError> {
    let caller = caller().await?;
    super::ssr::status::act(&state()?, &caller, id, action).await
}

#[server(prefix = "/api", endpoint = "delegate_task", input = Json)]
pub async fn delegate_task(id: TaskId, to: UserId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::status::delegate(&state()?, &caller, id, to).await
}

/// A window of the Gantt chart of a project, or of the caller's own open tasks when `group`
/// is None: `rows` rows (default `FIRST_ROWS`) from `first_row`, with the subtasks of the
/// `folded` tasks left out; moved to hold the task `show` (one just moved) if it would not.
#[server(prefix = "/api", endpoint = "gantt", input = Json)]
pub async fn gantt(
    #[server(default)] group: Option<GroupId>,
    #[server(default)] first_row: u32,
    #[server(default)] rows: Option<u32>,
    #[server(default)] folded: Vec<TaskId>,
    #[server(default)] show: Option<TaskId>,
) -> Result<GanttWindow, AppError> {
    let caller = caller().await?;
    let want = super::ssr::gantt::Want {
        first_row,
        rows,
        folded,
        show,
    };
    super::ssr::gantt::window(&state()?.db.reader, &caller, group, &want).await
}

/// New dates for a task (the Gantt chart's drag and resize use this too).
#[server(prefix = "/api", endpoint = "set_task_dates", input = Json)]
pub async fn set_task_dates(
    id: TaskId,
    #[server(default)] start_at: Option<i64>,
    #[server(default)] end_at: Option<i64>,
    #[server(default)] deadline: Option<i64>,
) -> Result<(), AppError> {
    let caller = caller().await?;
    let dates = super::ssr::write::Dates {
        start_at,
        end_at,
        deadline,
    };
    super::ssr::status::set_dates(&state()?, &caller, id, dates).await
}

#[server(prefix = "/api", endpoint = "add_checklist_items", input = Json)]
pub async fn add_checklist_items(
    id: TaskId,
    #[server(default)] section: String,
    items: Vec<String>,
) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::checklist::add(&state()?, &caller, id, &section, &items).await
}

#[server(prefix = "/api", endpoint = "tick_checklist_item", input = Json)]
pub async fn tick_checklist_item(item: ChecklistItemId, done: bool) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::checklist::tick(&state()?, &caller, item, done).await
}

#[server(prefix = "/api", endpoint = "edit_checklist_item", input = Json)]
pub async fn edit_checklist_item(item: ChecklistItemId, text: String) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::checklist::edit(&state()?, &caller, item, &text).await
}

#[server(prefix = "/api", endpoint = "remove_checklist_item", input = Json)]
pub async fn remove_checklist_item(item: ChecklistItemId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::checklist::remove(&state()?, &caller, item).await
}

#[server(prefix = "/api", endpoint = "comment_task", input = Json)]
pub async fn comment_task(id: TaskId, body: String) -> Result<TaskCommentId, AppError> {
    let caller = caller().await?;
    super::ssr::comments::add(&state()?, &caller, id, &body).await
}

/// `successor` waits on `predecessor`.
#[server(prefix = "/api", endpoint = "link_tasks", input = Json)]
pub async fn link_tasks(
    predecessor: TaskId,
    successor: TaskId,
    kind: LinkKind,
) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::links::add(&state()?, &caller, predecessor, successor, kind).await
}

#[server(prefix = "/api", endpoint = "unlink_tasks", input = Json)]
pub async fn unlink_tasks(predecessor: TaskId, successor: TaskId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::links::remove(&state()?, &caller, predecessor, successor).await
}

#[server(prefix = "/api", endpoint = "task_filters", input = Json)]
pub async fn task_filters() -> Result<Vec<SavedFilter>, AppError> {
    let caller = caller().await?;
    super::ssr::filters::list(&state()?.db.reader, &caller).await
}

#[server(prefix = "/api", endpoint = "save_task_filter", input = Json)]
pub async fn save_task_filter(name: String, query: TaskQuery) -> Result<TaskFilterId, AppError> {
    let caller = caller().await?;
    super::ssr::filters::save(&state()?, &caller, &name, &query).await
}

#[server(prefix = "/api", endpoint = "delete_task_filter", input = Json)]
pub async fn delete_task_filter(id: TaskFilterId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::filters::delete(&state()?.db.writer, &caller, id).await
}

/// Starts the caller's timer on a task (stopping one running on another task).
#[server(prefix = "/api", endpoint = "start_task_timer", input = Json)]
pub async fn start_task_timer(id: TaskId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::time::start(&state()?, &caller, id).await
}

#[server(prefix = "/api", endpoint = "stop_task_timer", input = Json)]
pub async fn stop_task_timer(id: TaskId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::time::stop(&state()?, &caller, id).await
}

/// Time spent, entered by hand: `minutes` ending now.
#[server(prefix = "/api", endpoint = "add_task_time", input = Json)]
pub async fn add_task_time(
    id: TaskId,
    minutes: i64,
    #[server(default)] note: String,
) -> Result<TimeEntryId, AppError> {
    let caller = caller().await?;
    super::ssr::time::add(&state()?, &caller, id, minutes, &note).await
}

#[server(prefix = "/api", endpoint = "remove_task_time", input = Json)]
pub async fn remove_task_time(entry: TimeEntryId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::time::remove(&state()?, &caller, entry).await
}

/// The caller's task templates.
#[server(prefix = "/api", endpoint = "task_templates", input = Json)]
pub async fn task_templates() -> Result<Vec<TaskTemplate>, AppError> {
    let caller = caller().await?;
    super::ssr::templates::list(&state()?.db.reader, &caller).await
}

/// Creates a template, or changes one (`id`).
#[server(prefix = "/api", endpoint = "save_task_template", input = Json)]
pub async fn save_task_template(
    #[server(default)] id: Option<TemplateId>,
    form: TemplateForm,
) -> Result<TemplateId, AppError> {
    let caller = caller().await?;
    super::ssr::templates::save(&state()?, &caller, id, &form).await
}

#[server(prefix = "/api", endpoint = "delete_task_template", input = Json)]
pub async fn delete_task_template(id: TemplateId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::templates::delete(&state()?.db.writer, &caller, id).await
}

/// A new task from a template, now.
#[server(prefix = "/api", endpoint = "create_task_from_template", input = Json)]
pub async fn create_task_from_template(id: TemplateId) -> Result<TaskId, AppError> {
    let caller = caller().await?;
    super::ssr::templates::use_template(&state()?, &caller, id).await
}

/// Attaches the caller's uploads (from `/uploads/attachment`) to a task.
#[server(prefix = "/api", endpoint = "attach_task_files", input = Json)]
pub async fn attach_task_files(id: TaskId, files: Vec<FileId>) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::files::attach(&state()?, &caller, id, &files).await
}

#[server(prefix = "/api", endpoint = "remove_task_file", input = Json)]
pub async fn remove_task_file(id: TaskId, file: FileId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::files::remove(&state()?, &caller, id, file).await
}

/// A project's stages (the columns of its board), in order.
#[server(prefix = "/api", endpoint = "task_stages", input = Json)]
pub async fn task_stages(group: GroupId) -> Result<Vec<Stage>, AppError> {
    let caller = caller().await?;
    super::ssr::stages::list(&state()?.db.reader, &caller, group).await
}

/// Adds a stage to a project, or (with `id`) renames one.
#[server(prefix = "/api", endpoint = "save_task_stage", input = Json)]
pub async fn save_task_stage(
    group: GroupId,
    #[server(default)] id: Option<StageId>,
    name: String,
) -> Result<StageId, AppError> {
    let caller = caller().await?;
    super::ssr::stages::save(&state()?, &caller, group, id, &name).await
}

#[server(prefix = "/api", endpoint = "delete_task_stage", input = Json)]
pub async fn delete_task_stage(group: GroupId, id: StageId) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::stages::delete(&state()?, &caller, group, id).await
}

/// Moves a task to a stage of its project (None: to no stage).
#[server(prefix = "/api", endpoint = "set_task_stage", input = Json)]
pub async fn set_task_stage(
    id: TaskId,
    #[server(default)] stage: Option<StageId>,
) -> Result<(), AppError> {
    let caller = caller().await?;
    super::ssr::stages::set_task_stage(&state()?, &caller, id, stage).await
}
