//! Exporting the employee directory, with the search and department on screen, as a job.
//! Employees and admins only, as the directory itself: extranet partners cannot export it.

use super::{DirectoryFilter, directory_count, directory_page};
use crate::error::AppResult;
use crate::ids::{PortalId, UserId};
use crate::jobs::ssr::table::{
    Cell, Column, ColumnKind, MAX_ROWS, TableWriter, today, too_many_rows,
};
use crate::jobs::ssr::{Job, JobFuture, JobKind, JobOutput};
use crate::jobs::types::{ExportFormat, JobView};
use crate::ssr::caller::Caller;
use crate::ssr::state::AppState;
use serde::{Deserialize, Serialize};
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::HashMap;

pub const KIND: &str = "directory.export";

pub const JOB_KIND: JobKind = JobKind {
    name: KIND,
    run: |job| -> JobFuture { Box::pin(export(job)) },
};

/// People read from the database at once.
const PAGE: i64 = 500;

#[derive(Debug, Serialize, Deserialize)]
pub struct ExportParams {
    pub filter: DirectoryFilter,
    pub format: ExportFormat,
}

const COLUMNS: &[Column] = &[
    Column {
        title: "ID",
        kind: ColumnKind::Number,
        width: 8.0,
    },
    Column {
        title: "Name",
        kind: ColumnKind::Text,
        width: 26.0,
    },
    Column {
        title: "E-mail",
        kind: ColumnKind::Text,
        width: 30.0,
    },
    Column {
        title: "Department",
        kind: ColumnKind::Text,
        width: 24.0,
    },
    Column {
        title: "Position",
        kind: ColumnKind::Text,
        width: 24.0,
    },
    Column {
        title: "Phone",
        kind: ColumnKind::Text,
        width: 18.0,
    },
    Column {
        title: "Manager",
        kind: ColumnKind::Text,
        width: 24.0,
    },
    Column {
        title: "Role",
        kind: ColumnKind::Text,
        width: 12.0,
    },
    Column {
        title: "Joined",
        kind: ColumnKind::Date,
        width: 12.0,
    },
];

/// Queues an export of the directory as the caller filters it.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    search: &str,
    department_id: Option<String>,
    format: ExportFormat,
) -> AppResult<JobView> {
    caller.require_employee()?;
    let filter = DirectoryFilter::parse(search, department_id)?;
    if let Some(d) = filter.department {
        super::ensure_department(&state.db.reader, caller.portal_id(), d).await?;
    }
    let params = ExportParams { filter, format };
    let title = format!("Employee directory ({})", format.extension().to_uppercase());
    crate::jobs::ssr::enqueue(state, caller, KIND, &title, &params).await
}

async fn export(job: Job) -> AppResult<JobOutput> {
    let params: ExportParams = job.params()?;
    let caller = job.owner().await?;
    // Rights are checked again as they are now: someone made a partner meanwhile is refused.
    caller.require_employee()?;
    // One snapshot for every page (see the task export).
    let mut reader = job.state.db.reader.snapshot().await?;
    let total = directory_count(&mut reader, &caller, &params.filter).await?;
    if total > i64::from(MAX_ROWS) {
        return Err(too_many_rows());
    }
    job.progress.report(0, total).await?;
    let mut table = TableWriter::create(params.format, "People", COLUMNS, caller.zone())?;
    let mut cursor: Option<String> = None;
    loop {
        let page = directory_page(
            &mut reader,
            &caller,
            &params.filter,
            cursor.as_deref(),
            PAGE,
        )
        .await?;
        let ids: Vec<UserId> = page.people.iter().map(|p| p.id).collect();
        let mut more = details(&mut reader, caller.portal_id(), &ids).await?;
        for person in page.people {
            let extra = more.remove(&person.id).unwrap_or_default();
            table.row(&[
                Cell::Number(person.id.0),
                Cell::Text(person.name),
                Cell::Text(person.email),
                Cell::Text(person.department.unwrap_or_default()),
                Cell::Text(person.position),
                Cell::Text(extra.phone),
                Cell::Text(extra.manager.unwrap_or_default()),
                Cell::Text(person.role.label().to_owned()),
                Cell::time(Some(extra.created_at)),
            ])?;
        }
        let done = i64::from(table.len());
        job.progress.report(done, total.max(done)).await?;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(JobOutput {
        file: table.finish().await?,
        file_name: format!(
            "people-{}.{}",
            today(&caller.zone()),
            params.format.extension()
        ),
        content_type: params.format.content_type(),
    })
}

#[derive(Default, sqlx::FromRow)]
struct Details {
    id: i64,
    phone: String,
    manager: Option<String>,
    created_at: i64,
}

/// What the directory's list does not carry: phone, manager, when they joined.
async fn details(
    conn: &mut AnyConnection,
    portal: PortalId,
    ids: &[UserId],
) -> AppResult<HashMap<UserId, Details>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut qb = QueryBuilder::<Any>::new(
        "SELECT u.id, u.phone, m.name AS manager, u.created_at FROM users u \
         LEFT JOIN users m ON m.id = u.manager_id AND m.portal_id = u.portal_id WHERE u.portal_id = ",
    );
    qb.push_bind(portal).push(" AND u.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<Details> = qb.build_query_as().fetch_all(conn).await?;
    Ok(rows.into_iter().map(|d| (UserId(d.id), d)).collect())
}
