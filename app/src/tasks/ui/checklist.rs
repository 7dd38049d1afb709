//! A task's checklist on its page: sections of items, who ticked what, adding and removing.

use super::page::{Changes, run};
use crate::error::AppError;
use crate::ids::{ChecklistItemId, TaskId};
use crate::tasks::api::{add_checklist_items, remove_checklist_item, tick_checklist_item};
use crate::tasks::types::ChecklistItem;
use crate::ui::page::time_ago;
use leptos::prelude::*;

#[component]
pub fn Checklist(
    task: TaskId,
    items: Vec<ChecklistItem>,
    can_edit: bool,
    change: Changes,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let done = items.iter().filter(|i| i.done.is_some()).count();
    let total = items.len();
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    // Sections in order of first appearance; the unnamed one first.
    let mut sections: Vec<String> = Vec::new();
    for item in &items {
        if !sections.contains(&item.section) {
            sections.push(item.section.clone());
        }
    }
    let new_item = RwSignal::new(String::new());
    let new_section = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if change.pending.get_untracked() {
            return; // Keep what was typed until the change under way is done.
        }
        let lines: Vec<String> = new_item
            .get_untracked()
            .lines()
            .map(str::to_owned)
            .collect();
        let section = new_section.get_untracked();
        new_item.set(String::new());
        run(change, error, add_checklist_items(task, section, lines));
    };
    let items = StoredValue::new(items);
    view! {
        <section class="card" data-testid="checklist">
            <div class="row between">
                <h2>"Checklist"</h2>
                {(total > 0).then(|| view! {
                    <span class="muted small" data-testid="checklist-progress">{format!("{done} of {total} done")}</span>
                })}
            </div>
            {(total > 0).then(|| view! {
                <div class="progress" role="progressbar" aria-valuenow=percent aria-valuemin="0" aria-valuemax="100">
                    <div class="progress-bar" style=format!("width:{percent}%")></div>
                </div>
            })}
            {sections.into_iter().map(|section| {
                let list: Vec<ChecklistItem> = items.with_value(|i| i.iter().filter(|x| x.section == section).cloned().collect());
                view! {
                    {(!section.is_empty()).then(|| view! { <h3 class="checklist-section">{section.clone()}</h3> })}
                    <ul class="checklist">
                        {list.into_iter().map(|item| {
                            let id: ChecklistItemId = item.id;
                            let is_done = item.done.is_some();
                            let who = item.done.as_ref().map(|(who, at)| format!("{} · {}", who.name, time_ago(*at)));
                            view! {
                                <li class="checklist-item" class:done=is_done>
                                    <label class="check">
                                        <input type="checkbox" checked=is_done disabled=move || !can_edit || change.pending.get() data-testid="checklist-box"
                                            on:change=move |ev| run(change, error, tick_checklist_item(id, event_target_checked(&ev)))/>
                                        <span>{item.text.clone()}</span>
                                    </label>
                                    {who.map(|w| view! { <span class="muted small">{w}</span> })}
                                    {can_edit.then(|| view! {
                                        <button type="button" class="link-btn danger small" aria-label=format!("Remove “{}”", item.text)
                                            disabled=move || change.pending.get()
                                            on:click=move |_| run(change, error, remove_checklist_item(id))>"Remove"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            }).collect_view()}
            {(total == 0 && !can_edit).then(|| view! { <p class="muted">"No checklist."</p> })}
            {can_edit.then(|| view! {
                <form class="inline-form checklist-add" on:submit=add>
                    <input type="text" placeholder="Add an item" aria-label="New checklist item" maxlength="500" data-testid="checklist-new"
                        prop:value=new_item on:input=move |ev| new_item.set(event_target_value(&ev))/>
                    <input type="text" placeholder="Section (optional)" aria-label="Section" maxlength="100" class="narrow"
                        prop:value=new_section on:input=move |ev| new_section.set(event_target_value(&ev))/>
                    <button class="btn btn-small" type="submit" disabled=move || change.pending.get()>"Add"</button>
                </form>
            })}
        </section>
    }
}
