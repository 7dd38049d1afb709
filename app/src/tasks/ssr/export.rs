//! Exporting the task list, with the filters the person had on screen, as a job.
//!
//! The export walks the list exactly as the screen does (`list::page_of`: the same section,
//! visibility and filters, in keyset pages from the reader), so it never holds a task its
//! owner could not open, and its memory stays flat however long the list is.

use super::list;
use crate::error::{AppError, AppResult};
use crate::ids::{PortalId, TaskId};
use crate::jobs::ssr::table::{
    Cell, Column, ColumnKind, MAX_ROWS, TableWriter, today, too_many_rows,
};
use crate::jobs::ssr::{Job, JobFuture, JobKind, JobOutput};
use crate::jobs::types::{ExportFormat, JobView};
use crate::ssr::caller::Caller;
use crate::ssr::state::AppState;
use crate::tasks::types::TaskQuery;
use serde::{Deserialize, Serialize};
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;

pub const KIND: &str = "tasks.export";

pub const JOB_KIND: JobKind = JobKind {
    name: KIND,
    run: |job| -> JobFuture { Box::pin(export(job)) },
};

/// Tasks read from the database at once.
const PAGE: usize = 500;

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportParams {
    pub query: TaskQuery,
    pub format: ExportFormat,
}

const COLUMNS: &[Column] = &[
    Column {
        title: "ID",
        kind: ColumnKind::Number,
        width: 8.0,
    },
    Column {
        title: "Title",
        kind: ColumnKind::Text,
        width: 48.0,
    },
    Column {
        title: "Status",
        kind: ColumnKind::Text,
        width: 16.0,
    },
    Column {
        title: "Priority",
        kind: ColumnKind::Text,
        width: 10.0,
    },
    Column {
        title: "Responsible",
        kind: ColumnKind::Text,
        width: 22.0,
    },
    Column {
        title: "Created by",
        kind: ColumnKind::Text,
        width: 22.0,
    },
    Column {
        title: "Project",
        kind: ColumnKind::Text,
        width: 24.0,
    },
    Column {
        title: "Deadline",
        kind: ColumnKind::DateTime,
        width: 17.0,
    },
    Column {
        title: "Created",
        kind: ColumnKind::DateTime,
        width: 17.0,
    },
    Column {
        title: "Closed",
        kind: ColumnKind::DateTime,
        width: 17.0,
    },
    Column {
        title: "Time spent (min)",
        kind: ColumnKind::Number,
        width: 16.0,
    },
    Column {
        title: "Tags",
        kind: ColumnKind::Text,
        width: 24.0,
    },
];

/// Queues an export of the caller's task list with `query`'s filters.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    query: &TaskQuery,
    format: ExportFormat,
) -> AppResult<JobView> {
    if query.search.chars().count() > 200 || query.tag.as_ref().is_some_and(|t| t.len() > 100) {
        return Err(AppError::invalid("The filters are too long to export."));
    }
    let params = ExportParams {
        query: query.clone(),
        format,
    };
    let title = format!("Tasks ({})", format.extension().to_uppercase());
    crate::jobs::ssr::enqueue(state, caller, KIND, &title, &params).await
}

async fn export(job: Job) -> AppResult<JobOutput> {
    let params: ExportParams = job.params()?;
    let caller = job.owner().await?;
    // One snapshot for every page: a task edited meanwhile moves in the list's order, and
    // would otherwise be skipped or written twice.
    let mut reader = job.state.db.reader.snapshot().await?;
    let total = list::count(&mut reader, &caller, &params.query).await?;
    if total > i64::from(MAX_ROWS) {
        return Err(too_many_rows());
    }
    job.progress.report(0, total).await?;
    let mut table = TableWriter::create(params.format, "Tasks", COLUMNS, caller.zone())?;
    let mut after = None;
    loop {
        let page = list::page_of(&mut reader, &caller, &params.query, after, PAGE).await?;
        let ids: Vec<TaskId> = page.items.iter().map(|t| t.id).collect();
        let mut more = details(&mut reader, caller.portal_id(), &ids).await?;
        for task in page.items {
            let extra = more.remove(&task.id).unwrap_or_default();
            table.row(&[
                Cell::Number(task.id.0),
                Cell::Text(task.title),
                Cell::Text(task.status.label().to_owned()),
                Cell::Text(task.priority.label().to_owned()),
                Cell::Text(task.responsible.name),
                Cell::Text(extra.creator),
                Cell::Text(task.group.map(|(_, name)| name).unwrap_or_default()),
                Cell::time(task.deadline),
                Cell::time(Some(extra.created_at)),
                Cell::time(extra.closed_at),
                Cell::Number(extra.spent_seconds / 60),
                Cell::Text(task.tags.join(", ")),
            ])?;
        }
        let done = i64::from(table.len());
        // Tasks added meanwhile may carry the count past the total.
        job.progress.report(done, total.max(done)).await?;
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(JobOutput {
        file: table.finish().await?,
        file_name: format!(
            "tasks-{}.{}",
            today(&caller.zone()),
            params.format.extension()
        ),
        content_type: params.format.content_type(),
    })
}

#[derive(Default, sqlx::FromRow)]
struct Details {
    id: i64,
    creator: String,
    created_at: i64,
    closed_at: Option<i64>,
    spent_seconds: i64,
}

/// What the list does not carry: creator, creation and closing times, time spent.
async fn details(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[TaskId],
) -> AppResult<HashMap<TaskId, Details>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT t.id, c.name AS creator, t.created_at, t.closed_at, t.spent_seconds FROM tasks t \
         JOIN users c ON c.id = t.creator_id AND c.portal_id = t.portal_id WHERE t.portal_id = ",
    );
    qb.push_bind(portal).push(" AND t.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<Details> = qb.build_query_as().fetch_all(conn).await?;
    Ok(rows.into_iter().map(|d| (TaskId(d.id), d)).collect())
}
