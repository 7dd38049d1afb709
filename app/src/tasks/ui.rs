//! Pages of tasks: the list (sections, counters, filters; list, board and plan views), one
//! task, and the form for a new or edited task.

mod board;
mod checklist;
mod files;
mod form;
mod gantt;
mod list;
pub mod live;
mod page;
mod plan;
mod row;
mod templates;
mod time;

pub use form::{EditTaskPage, NewTaskPage};
pub use gantt::GanttPage;
pub use list::TasksPage;
pub use page::TaskPage;
pub use row::TaskRow;
pub use templates::{EditTemplatePage, NewTemplatePage, TemplatesPage};

use super::types::{Section, StatusFilter, TaskItem, TaskQuery, TaskSort, TaskStatus};
use crate::dates::{Zone, date_input, day_ms, short_datetime};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// A status as a coloured tag.
#[component]
fn StatusTag(status: TaskStatus) -> impl IntoView {
    let class = match status {
        TaskStatus::New => "tag",
        TaskStatus::InProgress => "tag tag-accent",
        TaskStatus::Review => "tag tag-amber",
        TaskStatus::Done => "tag tag-green",
        TaskStatus::Deferred => "tag tag-outline",
    };
    view! { <span class=class data-status=status.as_str()>{status.label()}</span> }
}

/// The deadline, red when overdue, amber within a day; "No deadline" in grey. The colour
/// follows the page's clock, so it turns red at the deadline without a reload.
#[component]
fn Deadline(item: TaskItem, now: i64) -> impl IntoView {
    match item.deadline {
        None => view! { <span class="deadline deadline-none">"No deadline"</span> }.into_any(),
        Some(deadline) => {
            let open = item.status.is_open();
            let clock = crate::ui::page::use_clock();
            let class = move || {
                let now = clock.get();
                if open && deadline < now {
                    "deadline deadline-overdue"
                } else if open && deadline < now + 86_400_000 {
                    "deadline deadline-soon"
                } else {
                    "deadline"
                }
            };
            let title = move || {
                if open && deadline < clock.get() {
                    "Overdue"
                } else {
                    "Deadline"
                }
            };
            let text = short_datetime(deadline, now, &crate::shell::layout::use_zone());
            view! { <span class=class title=title>{text}</span> }.into_any()
        }
    }
}

/// The list's query from the address, its days read in the viewer's zone.
fn query_from(params: &ParamsMap) -> TaskQuery {
    query_in(params, &crate::shell::layout::use_zone())
}

/// The address of a list query (the inverse of `query_from`), keeping the view.
fn href_of(query: &TaskQuery, view: &str) -> String {
    href_in(query, view, &crate::shell::layout::use_zone())
}

/// The list's query from the address: `?section=helping&status=any&sort=deadline&q=…`; the
/// deadline days (`from`, `to`) are days in `zone`, the last one whole.
fn query_in(params: &ParamsMap, zone: &Zone) -> TaskQuery {
    let flag = |name: &str| params.get(name).is_some_and(|v| v == "1");
    TaskQuery {
        section: params
            .get("section")
            .and_then(|s| Section::parse(&s))
            .unwrap_or_default(),
        status: match params.get("status").as_deref() {
            Some("any") => StatusFilter::Any,
            Some(s) => TaskStatus::parse(s)
                .map(StatusFilter::Only)
                .unwrap_or_default(),
            None => StatusFilter::Open,
        },
        sort: params
            .get("sort")
            .and_then(|s| TaskSort::parse(&s))
            .unwrap_or_default(),
        deadline_from: params.get("from").and_then(|d| day_ms(&d, zone)),
        deadline_to: params
            .get("to")
            .and_then(|d| day_ms(&d, zone))
            .map(|ms| zone.days_later(ms, 1)),
        tag: params.get("tag").filter(|t| !t.is_empty()),
        group: params.get("group").and_then(|g| g.parse().ok()),
        responsible: params.get("responsible").and_then(|r| r.parse().ok()),
        search: params.get("q").unwrap_or_default(),
        overdue: flag("overdue"),
        unseen: flag("unseen"),
        due_soon: flag("soon"),
        no_deadline: flag("nodeadline"),
        stage: None,
        no_stage: false,
    }
}

/// The address of a list query in `zone` (the inverse of `query_in`), keeping the view.
fn href_in(query: &TaskQuery, view: &str, zone: &Zone) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |name: &str, value: String| {
        parts.push(format!("{name}={}", encode(&value)));
    };
    if query.section != Section::Doing {
        add("section", query.section.as_str().to_owned());
    }
    match query.status {
        StatusFilter::Open => {}
        StatusFilter::Any => add("status", "any".to_owned()),
        StatusFilter::Only(s) => add("status", s.as_str().to_owned()),
    }
    if query.sort != TaskSort::Activity {
        add("sort", query.sort.as_str().to_owned());
    }
    if let Some(from) = query.deadline_from {
        add("from", date_input(from, zone));
    }
    if let Some(to) = query.deadline_to {
        // The last whole day: the one that ends where the range does.
        add("to", date_input(to - 1, zone));
    }
    if let Some(tag) = &query.tag {
        add("tag", tag.clone());
    }
    if let Some(group) = query.group {
        add("group", group.to_string());
    }
    if let Some(person) = query.responsible {
        add("responsible", person.to_string());
    }
    if !query.search.is_empty() {
        add("q", query.search.clone());
    }
    for (flag, name) in [
        (query.overdue, "overdue"),
        (query.unseen, "unseen"),
        (query.due_soon, "soon"),
        (query.no_deadline, "nodeadline"),
    ] {
        if flag {
            add(name, "1".to_owned());
        }
    }
    if view != "list" {
        add("view", view.to_owned());
    }
    if parts.is_empty() {
        "/tasks".to_owned()
    } else {
        format!("/tasks?{}", parts.join("&"))
    }
}

use crate::ui::encode_query_value as encode;

/// The task pages, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn TaskRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/tasks") view=TasksPage/>
        <Route path=path!("/tasks/new") view=NewTaskPage/>
        <Route path=path!("/tasks/gantt") view=GanttPage/>
        <Route path=path!("/tasks/templates") view=TemplatesPage/>
        <Route path=path!("/tasks/templates/new") view=NewTemplatePage/>
        <Route path=path!("/tasks/templates/:id") view=EditTemplatePage/>
        <Route path=path!("/tasks/:id") view=TaskPage/>
        <Route path=path!("/tasks/:id/edit") view=EditTaskPage/>
    }
    .into_inner()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn list_addresses_round_trip() {
        // Days in the viewer's zone (an hour ahead of UTC here).
        let zone = Zone {
            name: "Europe/Paris".into(),
            offsets: vec![(i64::MIN, 60)],
        };
        let query = TaskQuery {
            section: Section::Assigned,
            status: StatusFilter::Only(TaskStatus::Review),
            sort: TaskSort::Deadline,
            deadline_from: day_ms("2026-11-01", &zone),
            deadline_to: day_ms("2026-12-01", &zone),
            tag: Some("q4 plan".to_owned()),
            search: "fix & ship".to_owned(),
            overdue: true,
            ..Default::default()
        };
        let href = href_in(&query, "board", &zone);
        assert!(href.contains("from=2026-11-01&to=2026-11-30"), "{href}");
        let params = ParamsMap::from_iter(
            href.trim_start_matches("/tasks?")
                .split('&')
                .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
                .map(|(k, v)| {
                    let v = v.replace("%20", " ").replace("%26", "&");
                    (k.to_owned(), v)
                }),
        );
        assert_eq!(query_in(&params, &zone), query);
        assert_eq!(params.get("view").as_deref(), Some("board"));
        assert_eq!(href_in(&TaskQuery::default(), "list", &zone), "/tasks");
    }
}
