//! `/tasks/:id`: one task — what to do, who, by when, the checklist, subtasks, dependencies,
//! comments and history — with the status changes the viewer may make. It reloads live when
//! someone else changes the task.

use super::checklist::Checklist;
use super::live::{TaskLive, refresh_counters};
use super::row::TaskRow;
use super::{Deadline, StatusTag};
use crate::dates::short_datetime;
use crate::error::AppError;
use crate::hr::ui::PersonPicker;
use crate::ids::{TaskId, UserId};
use crate::rich::{RichEditor, RichText};
use crate::social::Author;
use crate::tasks::api::{
    act_on_task, comment_task, delegate_task, delete_task, link_tasks, task, unlink_tasks,
};
use crate::tasks::types::{LinkKind, TaskLink, TaskView, hours_text};
use crate::ui::mutation::{Mutation, mutation};
use crate::ui::page::{now_ms, time_ago};
use crate::ui::{Avatar, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn TaskPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<TaskId>().ok()));
    let live = expect_context::<TaskLive>();
    // Bumped after the viewer's own changes and when someone else changed this task.
    let changed = RwSignal::new(0u32);
    Effect::new(move |_| {
        live.version.track();
        if live.changed.get_untracked().is_some() && live.changed.get_untracked() == id() {
            changed.update(|c| *c += 1);
        }
    });
    let loaded = Resource::new(
        move || (id(), changed.get()),
        |(id, _)| async move {
            match id {
                Some(id) => task(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // Opening the task marked it seen: the counters change.
    Effect::new(move |_| {
        if loaded.get().is_some_and(|r| r.is_ok()) {
            refresh_counters(live);
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the task…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(view) => view! { <TaskDetails view changed/> }.into_any(),
                    Err(error) => view! {
                        <PageHeader title="Task"/>
                        <ErrorBox error/>
                        <p><a href="/tasks">"All tasks"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A change to the task, made on its page: each control sends its own server function.
pub(super) type Change = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>;

/// The page's changes: one at a time; the task reloads after each, or the page shows why it
/// was refused.
pub(super) type Changes = Mutation<Change, ()>;

/// Sends a change (clearing what the page's forms last complained about).
pub(super) fn run<F>(change: Changes, error: RwSignal<Option<AppError>>, work: F)
where
    F: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    error.set(None);
    change.run(Box::pin(work));
}

#[component]
fn TaskDetails(view: TaskView, changed: RwSignal<u32>) -> impl IntoView {
    let id = view.item.id;
    let error = RwSignal::new(None::<AppError>);
    let change: Changes = mutation(|work: Change| work, move |()| changed.update(|n| *n += 1));
    let now = now_ms();
    let zone = crate::shell::layout::use_zone();
    let rights = view.rights;
    let live = expect_context::<TaskLive>();
    let navigate = use_navigate();
    let removed = mutation(
        move |()| delete_task(id),
        move |()| {
            refresh_counters(live);
            navigate("/tasks", Default::default());
        },
    );
    let remove = move |_| {
        error.set(None);
        removed.run(());
    };
    // A form's complaint is cleared when a change is sent, so it is the newer one.
    let failed = move || {
        error
            .get()
            .or_else(|| change.error.get())
            .or_else(|| removed.error.get())
    };
    let busy = move || change.pending.get() || removed.pending.get();
    let actions = view.actions.clone();
    let title = view.item.title.clone();
    let responsible = view.item.responsible.clone();
    let responsible_id = responsible.id;
    let creator = view.creator.clone();
    let (accomplices, auditors) = (view.accomplices.clone(), view.auditors.clone());
    let when = |at: Option<i64>, none: &str| {
        at.map(|d| short_datetime(d, now, &zone))
            .unwrap_or_else(|| none.to_owned())
    };
    let deadline_text = when(view.item.deadline, "None");
    let start_text = when(view.item.start_at, "—");
    let end_text = when(view.item.end_at, "—");
    let me = crate::shell::layout::use_me().user_id;
    let on_task = creator.id == me
        || responsible_id == me
        || accomplices
            .iter()
            .chain(auditors.iter())
            .any(|a| a.id == me);
    view! {
        <PageHeader title=title>
            {actions.into_iter().map(|action| {
                let primary = matches!(action, crate::tasks::types::TaskAction::Start | crate::tasks::types::TaskAction::Complete | crate::tasks::types::TaskAction::Approve);
                view! {
                    <button class=if primary { "btn btn-primary" } else { "btn" } data-testid=format!("action-{}", action.as_str())
                        disabled=busy
                        on:click=move |_| run(change, error, async move { act_on_task(id, action).await.map(|_| ()) })>
                        {action.label()}
                    </button>
                }
            }).collect_view()}
            {on_task.then(|| view! {
                <crate::chat::ui::OpenChatButton with=crate::chat::ui::ChatWith::Task(id) label="Chat"/>
            })}
            {rights.edit.then(|| view! { <a class="btn" href=format!("/tasks/{id}/edit") data-testid="edit-task">"Edit"</a> })}
        </PageHeader>
        <p class="task-crumbs">
            <a href="/tasks">"← Tasks"</a>
            {view.item.group.clone().map(|(g, name)| view! { " · " <a href=format!("/groups/{g}")>{name}</a> })}
            {view.item.parent.map(|p| view! { " · subtask of " <a href=format!("/tasks/{p}")>{view.parent_title.clone().unwrap_or_default()}</a> })}
        </p>
        <div class="task-status-line">
            <StatusTag status=view.item.status/>
            <Deadline item=view.item.clone() now/>
            {view.require_review.then(|| view! { <span class="tag tag-outline">"Reviewed by the creator"</span> })}
        </div>
        {move || failed().map(|error| view! { <ErrorBox error/> })}
        <div class="task-layout">
            <div class="task-body">
                <section class="card">
                    {if view.description.is_empty() {
                        view! { <p class="muted">"No description."</p> }.into_any()
                    } else {
                        view! { <div class="rich"><RichText blocks=view.description.clone()/></div> }.into_any()
                    }}
                </section>
                <Checklist task=id items=view.checklist.clone() can_edit=rights.checklist change error/>
                <section class="card">
                    <div class="row between">
                        <h2>"Subtasks"</h2>
                        <a class="link-btn" href=format!("/tasks/new?parent={id}{}", view.item.group.as_ref().map(|g| format!("&group={}", g.0)).unwrap_or_default())>"+ Add a subtask"</a>
                    </div>
                    {if view.subtasks.is_empty() {
                        view! { <p class="muted">"No subtasks."</p> }.into_any()
                    } else {
                        view! { <ul class="task-list">{view.subtasks.clone().into_iter().map(|item| view! { <TaskRow item now/> }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <Dependencies id predecessors=view.predecessors.clone() successors=view.successors.clone() can_edit=rights.change_dates change error/>
                <Comments id comments=view.comments.clone() change error/>
                <details class="card history">
                    <summary><h2 class="inline">"History"</h2><span class="muted small">{format!(" · {} changes", view.history.len())}</span></summary>
                    <ul class="history-list">
                        {view.history.iter().rev().map(|h| view! {
                            <li>
                                <span class="muted small">{time_ago(h.at)}</span>" "
                                <strong>{h.who.name.clone()}</strong>" "
                                {history_text(&h.field, &h.old_value, &h.new_value)}
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            </div>
            <aside class="task-side">
                <section class="card task-facts">
                    <Fact label="Responsible"><Person person=responsible/></Fact>
                    {rights.delegate.then(|| view! { <Delegate id current=responsible_id change error/> })}
                    <Fact label="Created by"><Person person=creator/></Fact>
                    <Fact label="Co-executors"><People people=accomplices/></Fact>
                    <Fact label="Observers"><People people=auditors/></Fact>
                    <Fact label="Deadline">{deadline_text}</Fact>
                    <Fact label="Starts">{start_text}</Fact>
                    <Fact label="Ends">{end_text}</Fact>
                    <Fact label="Priority">{view.item.priority.label()}</Fact>
                    <Fact label="Tags">
                        {if view.item.tags.is_empty() { "—".to_owned() } else { view.item.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ") }}
                    </Fact>
                    <Fact label="Time spent">{time_text(view.spent_seconds, view.estimate_minutes)}</Fact>
                    <Fact label="Created">{time_ago(view.created_at)}</Fact>
                </section>
                <super::time::TimeTracker id entries=view.time.clone() my_timer=view.my_timer can_track=rights.track_time change error/>
                <super::files::TaskFiles id files=view.files.clone() can_attach=rights.checklist change error/>
                {rights.delete.then(|| view! {
                    <button class="link-btn danger" data-testid="delete-task" disabled=busy on:click=remove>"Delete this task"</button>
                })}
            </aside>
        </div>
    }
}

fn history_text(field: &str, old: &str, new: &str) -> String {
    match (field, old.is_empty(), new.is_empty()) {
        ("created", _, _) => "created the task".to_owned(),
        ("checklist", true, _) => format!("checklist: {new}"),
        ("description", _, _) => "edited the description".to_owned(),
        ("project" | "parent task", _, _) => format!("changed the {field}"),
        (_, true, false) => format!("set the {field} to {new}"),
        (_, false, true) => format!("removed the {field} ({old})"),
        _ => format!("changed the {field} from {old} to {new}"),
    }
}

fn time_text(spent_seconds: i64, estimate_minutes: Option<i64>) -> String {
    match estimate_minutes {
        Some(e) => format!(
            "{} of {} estimated",
            hours_text(spent_seconds),
            hours_text(e * 60)
        ),
        None => hours_text(spent_seconds),
    }
}

#[component]
fn Fact(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="task-fact">
            <span class="task-fact-label">{label}</span>
            <span class="task-fact-value">{children()}</span>
        </div>
    }
}

#[component]
fn Person(person: Author) -> impl IntoView {
    view! {
        <a class="task-person-link" href=format!("/people/{}", person.id)>
            <Avatar name=person.name.clone() photo=person.photo_url.clone() size="sm"/>
            <span>{person.name.clone()}</span>
        </a>
    }
}

#[component]
fn People(people: Vec<Author>) -> impl IntoView {
    if people.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! { <span class="task-people">{people.into_iter().map(|p| view! { <Person person=p/> }).collect_view()}</span> }.into_any()
    }
}

/// Hands the task to someone else: as soon as someone is picked.
#[component]
fn Delegate(
    id: TaskId,
    current: UserId,
    change: Changes,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let hand_over = Callback::new(move |to: UserId| {
        open.set(false);
        run(change, error, delegate_task(id, to));
    });
    view! {
        <div class="delegate">
            {move || if open.get() {
                view! {
                    <PersonPicker id="delegate-to" label="Hand the task to" on_pick=hand_over
                        placeholder="Hand it to…" testid="delegate-to"
                        exclude=Signal::stored(vec![current]) disabled=change.pending autofocus=true/>
                    <button type="button" class="link-btn small" on:click=move |_| open.set(false)>"Cancel"</button>
                }.into_any()
            } else {
                view! { <button type="button" class="link-btn small" data-testid="delegate" on:click=move |_| open.set(true)>"Delegate…"</button> }.into_any()
            }}
        </div>
    }
}

#[component]
fn Dependencies(
    id: TaskId,
    predecessors: Vec<TaskLink>,
    successors: Vec<TaskLink>,
    can_edit: bool,
    change: Changes,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let other = RwSignal::new(String::new());
    let kind = RwSignal::new(LinkKind::FinishToStart);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if change.pending.get_untracked() {
            return; // Keep what was typed until the change under way is done.
        }
        let Ok(before) = other
            .get_untracked()
            .trim()
            .trim_start_matches('#')
            .parse::<TaskId>()
        else {
            error.set(Some(AppError::invalid(
                "Enter the number of the task this one waits for.",
            )));
            return;
        };
        other.set(String::new());
        run(change, error, link_tasks(before, id, kind.get_untracked()));
    };
    let empty = predecessors.is_empty() && successors.is_empty();
    let link_row = move |link: TaskLink, waits: bool| {
        let other_id = if waits {
            link.predecessor
        } else {
            link.successor
        };
        let (p, s) = (link.predecessor, link.successor);
        view! {
            <li>
                <span class="muted small">{if waits { "Waits for" } else { "Needed by" }}</span>" "
                <a href=format!("/tasks/{other_id}")>{format!("#{other_id} {}", link.title)}</a>" "
                <span class="tag tag-outline">{link.kind.label()}</span>
                {can_edit.then(|| view! {
                    <button type="button" class="link-btn danger small" disabled=move || change.pending.get()
                        on:click=move |_| run(change, error, unlink_tasks(p, s))>"Remove"</button>
                })}
            </li>
        }
    };
    view! {
        <section class="card">
            <h2>"Dependencies"</h2>
            {empty.then(|| view! { <p class="muted">"This task does not wait for another, and none waits for it."</p> })}
            <ul class="links">
                {predecessors.into_iter().map(|l| link_row(l, true)).collect_view()}
                {successors.into_iter().map(|l| link_row(l, false)).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <form class="inline-form" on:submit=add>
                    <span class="muted small">"This task waits for task #"</span>
                    <input type="text" inputmode="numeric" class="narrow" aria-label="Number of the task this one waits for"
                        prop:value=other on:input=move |ev| other.set(event_target_value(&ev))/>
                    <select aria-label="Kind of dependency" on:change=move |ev| kind.set(LinkKind::parse(&event_target_value(&ev)).unwrap_or(LinkKind::FinishToStart))>
                        {LinkKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                    <button class="btn btn-small" type="submit" disabled=move || change.pending.get()>"Add"</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn Comments(
    id: TaskId,
    comments: Vec<crate::tasks::types::TaskComment>,
    change: Changes,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let send = move || {
        let text = body.get_untracked();
        if text.trim().is_empty() || change.pending.get_untracked() {
            return;
        }
        body.set(String::new());
        run(change, error, async move {
            comment_task(id, text).await.map(|_| ())
        });
    };
    view! {
        <section class="card" data-testid="task-comments">
            <h2>{format!("Comments · {}", comments.len())}</h2>
            <ul class="task-comments">
                {comments.into_iter().map(|c| view! {
                    <li class="task-comment">
                        <Avatar name=c.author.name.clone() photo=c.author.photo_url.clone() size="sm"/>
                        <div>
                            <div><strong>{c.author.name.clone()}</strong>" "<span class="muted small">{time_ago(c.created_at)}</span></div>
                            <div class="rich"><RichText blocks=c.body/></div>
                        </div>
                    </li>
                }).collect_view()}
            </ul>
            <form class="comment-form" on:submit=move |ev| { ev.prevent_default(); send(); }>
                <RichEditor value=body placeholder="Write a comment… (@ to mention)" label="Comment" rows=2 on_submit=Callback::new(move |_| send())/>
                <button class="btn btn-primary btn-small" type="submit" disabled=move || change.pending.get()>"Send"</button>
            </form>
        </section>
    }
}
