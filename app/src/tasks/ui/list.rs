//! `/tasks`: the sections with their counters, filters and saved filters, and the tasks as a
//! list, a board or a plan. Everything the page shows is in its address, so every view can
//! be linked and works before the page's code has loaded.

use super::board::Board;
use super::live::TaskLive;
use super::plan::Plan;
use super::row::TaskRow;
use super::{href_of, query_from};
use crate::dates::date_input;
use crate::groups::ui::GroupPicker;
use crate::hr::ui::PersonPicker;
use crate::tasks::api::{delete_task_filter, save_task_filter, task_filters, tasks};
use crate::tasks::types::{
    Section, SectionCounters, StatusFilter, TaskQuery, TaskSort, TaskStatus,
};
use crate::ui::mutation::mutation;
use crate::ui::page::now_ms;
use crate::ui::paged::{Paged, ShowMore};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TasksPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(query_from));
    let view_name = Memo::new(move |_| {
        params.with(|p| match p.get("view").as_deref() {
            Some("board") => "board",
            Some("plan") => "plan",
            _ => "list",
        })
    });
    let live = expect_context::<TaskLive>();
    let new_href = move || match query.with(|q| q.group) {
        Some(group) => format!("/tasks/new?group={group}"),
        None => "/tasks/new".to_owned(),
    };
    // The export takes the section and filters on screen.
    let export = Action::new(move |format: &crate::jobs::types::ExportFormat| {
        crate::tasks::api::export_tasks(query.get_untracked(), *format)
    });
    view! {
        <PageHeader title="Tasks" subtitle="What needs you now, and everything you are working on.">
            <crate::jobs::ui::ExportMenu action=export label="Export tasks"/>
            <a class="btn" href="/tasks/templates" data-testid="templates-link">"Templates"</a>
            <a class="btn btn-primary" href=new_href data-testid="new-task">"New task"</a>
        </PageHeader>
        <SectionTabs query view_name live/>
        <Toolbar query view_name/>
        {move || match view_name.get() {
            "board" => {
                let q = query.get();
                let by_stage = params.with(|p| p.get("columns").as_deref() == Some("stages"));
                let switch = q.group.map(|_| {
                    let base = href_of(&q, "board");
                    let stages = format!("{base}&columns=stages");
                    view! {
                        <nav class="board-switch" aria-label="Columns">
                            "Columns:"
                            <span class="segmented">
                                <a class="segment" class:active=!by_stage href=base>"By status"</a>
                                <a class="segment" class:active=by_stage href=stages data-testid="columns-stages">"By stage"</a>
                            </span>
                        </nav>
                    }
                });
                view! { {switch} <Board query=q live by_stage/> }.into_any()
            }
            "plan" => view! { <Plan live/> }.into_any(),
            _ => view! { <TaskList query live/> }.into_any(),
        }}
    }
}

/// The five sections, each with what needs attention in it.
#[component]
fn SectionTabs(
    query: Memo<TaskQuery>,
    view_name: Memo<&'static str>,
    live: TaskLive,
) -> impl IntoView {
    let tab = move |section: Section| {
        let href = move || {
            href_of(
                &TaskQuery {
                    section,
                    ..Default::default()
                },
                view_name.get(),
            )
        };
        let count = move || {
            live.counters
                .with(|c| c.of(section))
                .map(|c| (c.overdue, c.unseen))
        };
        view! {
            <a class="tab" class:active=move || query.with(|q| q.section == section) href=href
                data-testid=format!("section-{}", section.as_str())>
                {section.label()}
                {move || count().map(|(overdue, unseen)| view! {
                    {(overdue > 0).then(|| view! { <span class="counter counter-red" title="Overdue">{overdue}</span> })}
                    {(unseen > 0).then(|| view! { <span class="counter" title="Not viewed">{unseen}</span> })}
                })}
            </a>
        }
    };
    view! {
        <nav class="tabs task-sections" aria-label="Task sections">
            {Section::ALL.iter().map(|s| tab(*s)).collect_view()}
        </nav>
        {move || {
            let q = query.get();
            live.counters.with(|c| c.of(q.section)).map(|c| view! { <CounterChips counters=c query=q view_name/> })
        }}
    }
}

/// "2 overdue · 1 not viewed · 3 due within 24 h · 5 without deadline", each a filter.
#[component]
fn CounterChips(
    counters: SectionCounters,
    query: TaskQuery,
    view_name: Memo<&'static str>,
) -> impl IntoView {
    let chip = |n: i64,
                label: &'static str,
                class: &'static str,
                set: fn(&mut TaskQuery),
                on: bool,
                testid: &'static str| {
        let mut target = TaskQuery {
            section: query.section,
            ..Default::default()
        };
        if !on {
            set(&mut target);
        }
        let href = href_of(&target, view_name.get_untracked());
        view! {
            <a class=format!("chip {class}") class:chip-on=on class:chip-zero=n == 0 href=href data-testid=testid>
                <span class="chip-count">{n}</span>" "{label}
            </a>
        }
    };
    view! {
        <div class="counter-chips" aria-label="What needs attention">
            {chip(counters.overdue, "overdue", "chip-red", |q| q.overdue = true, query.overdue, "count-overdue")}
            {chip(counters.unseen, "not viewed", "chip-blue", |q| q.unseen = true, query.unseen, "count-unseen")}
            {chip(counters.due_soon, "due within 24 h", "chip-amber", |q| q.due_soon = true, query.due_soon, "count-soon")}
            {chip(counters.no_deadline, "without deadline", "chip-grey", |q| q.no_deadline = true, query.no_deadline, "count-nodeadline")}
        </div>
    }
}

/// Search, status, order, more filters, and saved filters.
#[component]
fn Toolbar(query: Memo<TaskQuery>, view_name: Memo<&'static str>) -> impl IntoView {
    let more_open = RwSignal::new(false);
    // The deadline range as days in the viewer's zone (the last one whole).
    let zone = crate::shell::layout::use_zone();
    let days = Memo::new(move |_| {
        query.with(|q| {
            (
                q.deadline_from.map(|t| date_input(t, &zone)),
                q.deadline_to.map(|t| date_input(t - 1, &zone)),
            )
        })
    });
    let group = Memo::new(move |_| query.with(|q| q.group));
    let responsible = Memo::new(move |_| query.with(|q| q.responsible));
    let q = move || query.get();
    let status_value = move || match q().status {
        StatusFilter::Open => "open".to_owned(),
        StatusFilter::Any => "any".to_owned(),
        StatusFilter::Only(s) => s.as_str().to_owned(),
    };
    let has_more = move || {
        let q = q();
        q.deadline_from.is_some()
            || q.deadline_to.is_some()
            || q.tag.is_some()
            || q.group.is_some()
            || q.responsible.is_some()
    };
    view! {
        <form class="toolbar task-toolbar" method="get" action="/tasks">
            <input type="hidden" name="section" value=move || q().section.as_str()/>
            {move || (view_name.get() != "list").then(|| view! { <input type="hidden" name="view" value=view_name.get()/> })}
            <input type="search" name="q" placeholder="Search task titles" aria-label="Search task titles" value=move || q().search/>
            <select name="status" aria-label="Status" prop:value=status_value>
                <option value="open">"Open tasks"</option>
                {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                <option value="any">"Any status"</option>
            </select>
            <select name="sort" aria-label="Order" prop:value=move || q().sort.as_str()>
                {TaskSort::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            <button type="button" class="btn" aria-expanded=move || more_open.get().to_string()
                on:click=move |_| more_open.update(|o| *o = !*o)>"More filters"</button>
            <button class="btn btn-primary" type="submit">"Apply"</button>
            <div class="filter-fields" class:hidden=move || !more_open.get() && !has_more()>
                <label class="inline">"Deadline from"
                    <input type="date" name="from" value=move || days.get().0.unwrap_or_default()/>
                </label>
                <label class="inline">"to"
                    <input type="date" name="to" value=move || days.get().1.unwrap_or_default()/>
                </label>
                <input type="text" name="tag" placeholder="Tag" aria-label="Tag" value=move || q().tag.unwrap_or_default()/>
                // Each follows the address: a new filter opened (a saved one, say) starts afresh.
                <span class="inline">
                    <label for="filter-group">"Project"</label>
                    {move || view! {
                        <GroupPicker id="filter-group" label="Project or group" chosen=RwSignal::new(group.get())
                            mine=true name="group" placeholder="Any project"/>
                    }}
                </span>
                <span class="inline">
                    <label for="filter-responsible">"Responsible"</label>
                    {move || view! {
                        <PersonPicker id="filter-responsible" label="Responsible" chosen=RwSignal::new(responsible.get())
                            name="responsible" placeholder="Anyone"/>
                    }}
                </span>
            </div>
        </form>
        <div class="row between task-views">
            <SavedFilters query view_name/>
            <nav class="segmented" aria-label="View">
                {[("list", "List"), ("board", "Board"), ("plan", "My plan")].into_iter().map(|(name, label)| view! {
                    <a class="segment" class:active=move || view_name.get() == name
                        href=move || href_of(&q(), name) data-testid=format!("view-{name}")>{label}</a>
                }).collect_view()}
                <a class="segment" data-testid="view-gantt" href=move || match q().group {
                    Some(group) => format!("/tasks/gantt?group={group}"),
                    None => "/tasks/gantt".to_owned(),
                }>"Gantt"</a>
            </nav>
        </div>
    }
}

/// The caller's saved filters as links, and saving the current one under a name.
#[component]
fn SavedFilters(query: Memo<TaskQuery>, view_name: Memo<&'static str>) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let saved = Resource::new(move || version.get(), |_| task_filters());
    let naming = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let saved_now = mutation(
        move |(n, q): (String, TaskQuery)| save_task_filter(n, q),
        move |_| {
            naming.set(false);
            name.set(String::new());
            version.update(|v| *v += 1);
        },
    );
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved_now.run((name.get_untracked(), query.get_untracked()));
    };
    let removed = mutation(delete_task_filter, move |()| version.update(|v| *v += 1));
    let failed = move || saved_now.error.get().or_else(|| removed.error.get());
    view! {
        <div class="saved-filters">
            <Transition fallback=|| ()>
                {move || saved.get().and_then(Result::ok).map(|list| list.into_iter().map(|f| {
                    let id = f.id;
                    let href = href_of(&f.query, view_name.get_untracked());
                    view! {
                        <span class="chip chip-saved">
                            <a href=href>{f.name}</a>
                            <button type="button" class="chip-x" aria-label="Delete this saved filter"
                                disabled=move || removed.pending.get() on:click=move |_| removed.run(id)>"×"</button>
                        </span>
                    }
                }).collect_view())}
            </Transition>
            {move || if naming.get() {
                view! {
                    <form class="inline-form" on:submit=save>
                        <input type="text" required maxlength="60" placeholder="Name this filter" aria-label="Filter name"
                            prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                        <button class="btn btn-small" type="submit" disabled=move || saved_now.pending.get()>"Save"</button>
                        <button class="link-btn" type="button" on:click=move |_| naming.set(false)>"Cancel"</button>
                    </form>
                }.into_any()
            } else {
                view! { <button type="button" class="link-btn" on:click=move |_| naming.set(true)>"+ Save this filter"</button> }.into_any()
            }}
            {move || failed().map(|error| view! { <ErrorBox error/> })}
        </div>
    }
}

/// The list view: rows, and "Show more" for the next page.
#[component]
fn TaskList(query: Memo<TaskQuery>, live: TaskLive) -> impl IntoView {
    let first = Resource::new(
        move || (query.get(), live.version.get()),
        |(q, _)| tasks(q, None),
    );
    let now = now_ms();
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading tasks…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => {
                        let q = query.get_untracked();
                        let filtered = q != TaskQuery { section: q.section, ..Default::default() };
                        let (title, hint) = if filtered {
                            ("No tasks match", "Try another filter, or show tasks of any status.")
                        } else {
                            match q.section {
                                Section::Doing => ("Nothing on your plate", "Tasks you are responsible for appear here. Create one, or ask a colleague to assign you one."),
                                Section::Helping => ("You're not helping on any task", "Tasks that name you as a co-executor appear here."),
                                Section::Observing => ("You're not observing any task", "Tasks that name you as an observer appear here."),
                                Section::Assigned => ("You haven't assigned any task", "Tasks you create for others appear here, so you can follow them."),
                                Section::All => ("No tasks yet", "Create the first one."),
                            }
                        };
                        view! {
                            <EmptyState title hint>
                                <a class="btn btn-primary" href="/tasks/new">"New task"</a>
                            </EmptyState>
                        }.into_any()
                    }
                    Ok(page) => {
                        let q = query.get_untracked();
                        let rows = Paged::new(RwSignal::new(page.items), RwSignal::new(page.next), move |cursor| {
                            let q = q.clone();
                            Box::pin(async move {
                                let page = tasks(q, Some(cursor)).await?;
                                Ok((page.items, page.next))
                            })
                        });
                        view! {
                            <ul class="task-list card" data-testid="task-list">
                                {move || rows.items.get().into_iter().map(|item| view! { <TaskRow item now/> }).collect_view()}
                            </ul>
                            <ShowMore list=rows label="Show more"/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
