//! The board view: a column per status; drag a card to another column (or use its "Move to"
//! menu, from the keyboard) to start, complete, defer or reopen the task.

use super::row::TaskRow;
use crate::error::AppError;
use crate::ids::TaskId;
use crate::shell::layout::{Live, refresh_task_counters};
use crate::tasks::api::{act_on_task, tasks};
use crate::tasks::types::{StatusFilter, TaskAction, TaskItem, TaskQuery, TaskStatus};
use crate::ui::ErrorBox;
use crate::ui::page::now_ms;
use leptos::prelude::*;

#[component]
pub fn Board(query: TaskQuery, live: Live) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    // The card being dragged: its id and status.
    let dragging = RwSignal::new(None::<(TaskId, TaskStatus)>);
    let moved = RwSignal::new(0u32);
    let move_to = move |id: TaskId, from: TaskStatus, to: TaskStatus| {
        if from == to {
            return;
        }
        let Some(action) = TaskAction::towards(from, to) else {
            error.set(Some(AppError::invalid(format!(
                "A task that is “{}” cannot be moved to “{}”.",
                from.label(),
                to.label()
            ))));
            return;
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match act_on_task(id, action).await {
                Ok(_) => {
                    moved.update(|m| *m += 1);
                    refresh_task_counters(live);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let columns = TaskStatus::ALL
        .iter()
        .map(|status| {
            let status = *status;
            let q = TaskQuery {
                status: StatusFilter::Only(status),
                ..query.clone()
            };
            let cards = Resource::new(
                move || (moved.get(), live.task_version.get()),
                move |_| tasks(q.clone(), None),
            );
            let over = RwSignal::new(false);
            view! {
                <section class="board-column" class:drop-target=move || over.get()
                    data-testid=format!("column-{}", status.as_str())
                    on:dragover=move |ev| { ev.prevent_default(); over.set(true); }
                    on:dragleave=move |_| over.set(false)
                    on:drop=move |ev| {
                        ev.prevent_default();
                        over.set(false);
                        if let Some((id, from)) = dragging.get_untracked() {
                            move_to(id, from, status);
                        }
                        dragging.set(None);
                    }>
                    <h2 class="board-title">{status.label()}</h2>
                    <Transition fallback=|| view! { <p class="muted small">"Loading…"</p> }>
                        {move || cards.get().map(|page| match page {
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <p class="muted small board-empty">"No tasks"</p> }.into_any(),
                            Ok(page) => view! {
                                <ul class="board-cards">
                                    {page.items.into_iter().map(|item| view! { <Card item dragging move_to/> }).collect_view()}
                                </ul>
                                {page.next.is_some().then(|| view! { <p class="muted small">"Showing the latest 50."</p> })}
                            }.into_any(),
                        })}
                    </Transition>
                </section>
            }
        })
        .collect_view();
    view! {
        {move || error.get().map(|error| view! { <ErrorBox error/> })}
        <div class="board" data-testid="board">{columns}</div>
    }
}

#[component]
fn Card(
    item: TaskItem,
    dragging: RwSignal<Option<(TaskId, TaskStatus)>>,
    move_to: impl Fn(TaskId, TaskStatus, TaskStatus) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (id, status) = (item.id, item.status);
    let targets: Vec<TaskStatus> = TaskStatus::ALL
        .iter()
        .copied()
        .filter(|to| TaskAction::towards(status, *to).is_some())
        .collect();
    view! {
        <li class="board-card" draggable="true" data-testid="board-card" data-task=id.to_string()
            on:dragstart=move |_| dragging.set(Some((id, status)))
            on:dragend=move |_| dragging.set(None)>
            <ul class="plain"><TaskRow item now=now_ms()/></ul>
            <select class="board-move" aria-label="Move to" on:change=move |ev| {
                if let Some(to) = TaskStatus::parse(&event_target_value(&ev)) {
                    move_to(id, status, to);
                }
            }>
                <option value="">"Move to…"</option>
                {targets.into_iter().map(|to| view! { <option value=to.as_str()>{to.label()}</option> }).collect_view()}
            </select>
        </li>
    }
}
