//! The board view: a column per status — or, for a project, per stage of the project. Drag a
//! card to another column (or use its "Move to" menu, from the keyboard) to start, complete,
//! defer or reopen the task, or to move it to another stage.
//!
//! Each column is a page of the task list from the server (its first page rendered with the
//! board) with "Show more" for the next; the number of tasks in every column comes from one
//! grouped count.

use super::live::{TaskLive, refresh_counters};
use super::row::TaskRow;
use crate::error::AppError;
use crate::ids::{GroupId, StageId, TaskId};
use crate::tasks::api::{
    act_on_task, delete_task_stage, save_task_stage, set_task_stage, task_board_counts,
    task_stages, tasks,
};
use crate::tasks::types::{
    BoardBy, BoardColumn, Stage, StatusFilter, TaskAction, TaskItem, TaskPage, TaskQuery,
    TaskStatus,
};
use crate::ui::ErrorBox;
use crate::ui::mutation::mutation;
use crate::ui::page::now_ms;
use crate::ui::paged::{Paged, ShowMore};
use leptos::prelude::*;

/// The value of the "no stage" column.
const NO_STAGE: &str = "none";

/// One column: its value (a status, or a stage id), its title, and the tasks it lists.
#[derive(Clone)]
struct Column {
    value: String,
    key: BoardColumn,
    title: String,
    query: TaskQuery,
    /// A stage the viewer may delete (its id).
    removable: Option<StageId>,
}

/// Which column a card sits in, from the card's task.
type ColumnOf = fn(&TaskItem) -> String;

#[component]
pub fn Board(query: TaskQuery, live: TaskLive, #[prop(optional)] by_stage: bool) -> impl IntoView {
    match (by_stage, query.group) {
        (true, Some(group)) => view! { <StageBoard query group live/> }.into_any(),
        _ => view! { <StatusBoard query live/> }.into_any(),
    }
}

#[component]
fn StatusBoard(query: TaskQuery, live: TaskLive) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let moved = RwSignal::new(0u32);
    let columns = TaskStatus::ALL
        .iter()
        .map(|status| Column {
            value: status.as_str().to_owned(),
            key: BoardColumn::Status(*status),
            title: status.label().to_owned(),
            query: TaskQuery {
                status: StatusFilter::Only(*status),
                ..query.clone()
            },
            removable: None,
        })
        .collect::<Vec<_>>();
    let acted = mutation(
        move |(id, action): (TaskId, TaskAction)| act_on_task(id, action),
        move |_| {
            moved.update(|m| *m += 1);
            refresh_counters(live);
        },
    );
    let move_to = move |id: TaskId, from: String, to: String| {
        let (Some(from), Some(to)) = (TaskStatus::parse(&from), TaskStatus::parse(&to)) else {
            return;
        };
        let Some(action) = TaskAction::towards(from, to) else {
            error.set(Some(AppError::invalid(format!(
                "A task that is “{}” cannot be moved to “{}”.",
                from.label(),
                to.label()
            ))));
            return;
        };
        error.set(None);
        acted.run((id, action));
    };
    // A card offers the statuses its task can be moved to.
    let targets = |item: &TaskItem| -> Vec<(String, String)> {
        TaskStatus::ALL
            .iter()
            .filter(|to| TaskAction::towards(item.status, **to).is_some())
            .map(|to| (to.as_str().to_owned(), to.label().to_owned()))
            .collect()
    };
    let column_of: ColumnOf = |item| item.status.as_str().to_owned();
    view! {
        {move || error.get().or_else(|| acted.error.get()).map(|error| view! { <ErrorBox error/> })}
        <Columns columns query live moved move_to targets column_of by=BoardBy::Status on_remove=None busy=acted.pending/>
    }
}

#[component]
fn StageBoard(query: TaskQuery, group: GroupId, live: TaskLive) -> impl IntoView {
    let moved = RwSignal::new(0u32);
    let stages = Resource::new(move || moved.get(), move |_| task_stages(group));
    let manages = Resource::new(
        || (),
        move |_| async move { crate::groups::api::group(group).await.map(|g| g.can_manage) },
    );
    let removed = mutation(
        move |stage: StageId| delete_task_stage(group, stage),
        move |()| moved.update(|m| *m += 1),
    );
    let staged = mutation(
        move |(id, stage): (TaskId, Option<StageId>)| set_task_stage(id, stage),
        move |()| moved.update(|m| *m += 1),
    );
    let move_to = move |id: TaskId, _from: String, to: String| {
        let stage = if to == NO_STAGE {
            None
        } else {
            to.parse::<StageId>().ok()
        };
        removed.error.set(None);
        staged.run((id, stage));
    };
    let column_of: ColumnOf = |item| {
        item.stage
            .map(|s| s.to_string())
            .unwrap_or_else(|| NO_STAGE.to_owned())
    };
    let on_remove = Callback::new(move |stage: StageId| removed.run(stage));
    let busy = Signal::derive(move || staged.pending.get() || removed.pending.get());
    view! {
        {move || staged.error.get().or_else(|| removed.error.get()).map(|error| view! { <ErrorBox error/> })}
        <Transition fallback=|| view! { <p class="muted">"Loading the stages…"</p> }>
            {move || Suspend::new({
                let query = query.clone();
                async move {
                    let stages: Vec<Stage> = match stages.await {
                        Ok(s) => s,
                        Err(error) => return view! { <ErrorBox error/> }.into_any(),
                    };
                    let manages = manages.await.unwrap_or(false);
                    let mut columns = vec![Column {
                        value: NO_STAGE.to_owned(),
                        key: BoardColumn::Stage(None),
                        title: "No stage".to_owned(),
                        query: TaskQuery { no_stage: true, ..query.clone() },
                        removable: None,
                    }];
                    columns.extend(stages.iter().map(|s| Column {
                        value: s.id.to_string(),
                        key: BoardColumn::Stage(Some(s.id)),
                        title: s.name.clone(),
                        query: TaskQuery { stage: Some(s.id), ..query.clone() },
                        removable: manages.then_some(s.id),
                    }));
                    let options: Vec<(String, String)> =
                        columns.iter().map(|c| (c.value.clone(), c.title.clone())).collect();
                    let targets = move |item: &TaskItem| -> Vec<(String, String)> {
                        let here = column_of(item);
                        options.iter().filter(|(v, _)| *v != here).cloned().collect()
                    };
                    view! {
                        <Columns columns query=query.clone() live moved move_to targets column_of by=BoardBy::Stage on_remove=Some(on_remove) busy/>
                        {manages.then(|| view! { <AddStage group moved/> })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// "+ Add a stage", for the project's managers.
#[component]
fn AddStage(group: GroupId, moved: RwSignal<u32>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let added = mutation(
        move |n: String| save_task_stage(group, None, n),
        move |_| {
            name.set(String::new());
            moved.update(|m| *m += 1);
        },
    );
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.run(name.get_untracked());
    };
    view! {
        <form class="inline-form add-stage" on:submit=add>
            <input type="text" required maxlength="60" placeholder="New stage, e.g. Testing" aria-label="New stage"
                data-testid="stage-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            <button class="btn btn-small" type="submit" data-testid="add-stage" disabled=move || added.pending.get()>"Add stage"</button>
        </form>
        {move || added.error.get().map(|error| view! { <ErrorBox error/> })}
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Columns<M, T>(
    columns: Vec<Column>,
    /// The board's query (the columns add their status or stage to it).
    query: TaskQuery,
    live: TaskLive,
    moved: RwSignal<u32>,
    move_to: M,
    targets: T,
    column_of: ColumnOf,
    /// How the columns divide the tasks (for their counts).
    by: BoardBy,
    on_remove: Option<Callback<StageId>>,
    /// A move or a deletion is on its way: the menus and buttons wait for it.
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView
where
    M: Fn(TaskId, String, String) + Copy + Send + Sync + 'static,
    T: Fn(&TaskItem) -> Vec<(String, String)> + Clone + Send + Sync + 'static,
{
    // The card being dragged: its task and the column it comes from.
    let dragging = RwSignal::new(None::<(TaskId, String)>);
    let counts = Resource::new(
        move || (moved.get(), live.version.get()),
        move |_| task_board_counts(query.clone(), by),
    );
    let count = columns.len();
    let columns = columns
        .into_iter()
        .map(|column| {
            let Column {
                value,
                key,
                title,
                query,
                removable,
            } = column;
            let more = query.clone();
            let cards = Resource::new(
                move || (moved.get(), live.version.get()),
                move |_| tasks(query.clone(), None),
            );
            let over = RwSignal::new(false);
            let target = value.clone();
            let targets = targets.clone();
            view! {
                <section class="board-column" class:drop-target=move || over.get()
                    data-testid=format!("column-{value}")
                    on:dragover=move |ev| { ev.prevent_default(); over.set(true); }
                    on:dragleave=move |_| over.set(false)
                    on:drop=move |ev| {
                        ev.prevent_default();
                        over.set(false);
                        if let Some((id, from)) = dragging.get_untracked()
                            && from != target
                        {
                            move_to(id, from, target.clone());
                        }
                        dragging.set(None);
                    }>
                    <h2 class="board-title">
                        {title}
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                counts.await.ok().map(|counts| view! {
                                    <span class="board-count" data-testid="column-count">{counts.of(key)}</span>
                                })
                            })}
                        </Transition>
                        {removable.zip(on_remove).map(|(stage, remove)| view! {
                            <button type="button" class="chip-x" aria-label="Delete this stage"
                                title="Delete this stage (its tasks move to “No stage”)"
                                disabled=move || busy.get()
                                on:click=move |_| remove.run(stage)>"×"</button>
                        })}
                    </h2>
                    <Transition fallback=|| view! { <p class="muted small">"Loading…"</p> }>
                        {move || cards.get().map(|page| match page {
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <p class="muted small board-empty">"No tasks"</p> }.into_any(),
                            Ok(page) => view! {
                                <Cards page query=more.clone() targets=targets.clone() column_of dragging move_to busy/>
                            }.into_any(),
                        })}
                    </Transition>
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="board" data-testid="board" style=format!("--columns:{count}")
            aria-busy=move || busy.get().to_string()>{columns}</div>
    }
}

/// A column's cards: its first page, and "Show more" for the next ones.
#[component]
fn Cards<M, T>(
    page: TaskPage,
    query: TaskQuery,
    targets: T,
    column_of: ColumnOf,
    dragging: RwSignal<Option<(TaskId, String)>>,
    move_to: M,
    busy: Signal<bool>,
) -> impl IntoView
where
    M: Fn(TaskId, String, String) + Copy + Send + Sync + 'static,
    T: Fn(&TaskItem) -> Vec<(String, String)> + Clone + Send + Sync + 'static,
{
    let list = Paged::new(
        RwSignal::new(page.items),
        RwSignal::new(page.next),
        move |cursor| {
            let query = query.clone();
            Box::pin(async move {
                let page = tasks(query, Some(cursor)).await?;
                Ok((page.items, page.next))
            })
        },
    )
    .skip_shown(|a, b| a.id == b.id);
    view! {
        <ul class="board-cards">
            <For each=move || list.items.get() key=|item: &TaskItem| item.id let:item>
                {
                    let options = targets(&item);
                    let from = column_of(&item);
                    view! { <Card item from options dragging move_to busy/> }
                }
            </For>
        </ul>
        <ShowMore list label="Show more" class="btn btn-small board-more"/>
    }
}

#[component]
fn Card(
    item: TaskItem,
    /// The column the card is in.
    from: String,
    /// Where the "Move to" menu can take it: (column value, label).
    options: Vec<(String, String)>,
    dragging: RwSignal<Option<(TaskId, String)>>,
    move_to: impl Fn(TaskId, String, String) + Copy + Send + Sync + 'static,
    busy: Signal<bool>,
) -> impl IntoView {
    let id = item.id;
    let here = from.clone();
    view! {
        <li class="board-card" draggable="true" data-testid="board-card" data-task=id.to_string()
            on:dragstart=move |_| dragging.set(Some((id, here.clone())))
            on:dragend=move |_| dragging.set(None)>
            <ul class="plain"><TaskRow item now=now_ms()/></ul>
            <select class="board-move" aria-label="Move to" disabled=move || busy.get() on:change=move |ev| {
                let to = event_target_value(&ev);
                if !to.is_empty() {
                    move_to(id, from.clone(), to);
                }
            }>
                <option value="">"Move to…"</option>
                {options.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
            </select>
        </li>
    }
}
