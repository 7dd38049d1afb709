//! One task in a list: status, title, what needs attention, who, when, progress.

use super::{Deadline, StatusTag};
use crate::tasks::types::{Priority, TaskItem, progress_label};
use crate::ui::Avatar;
use leptos::prelude::*;

#[component]
pub fn TaskRow(item: TaskItem, now: i64) -> impl IntoView {
    let href = format!("/tasks/{}", item.id);
    // Follows the page's clock: the row turns overdue at its deadline.
    let clock = crate::ui::page::use_clock();
    let (open, deadline) = (item.status.is_open(), item.deadline);
    let overdue = move || open && deadline.is_some_and(|d| d < clock.get());
    let progress = progress_label(item.checklist_done, item.checklist_total);
    let complete = item.checklist_total > 0 && item.checklist_done == item.checklist_total;
    let group = item.group.clone();
    view! {
        <li class="task-row" class:task-overdue=overdue data-testid="task-row" data-task=item.id.to_string()>
            <div class="task-main">
                <div class="task-title-line">
                    {item.unseen.then(|| view! { <span class="unseen-dot" title="Changed since you last looked"></span> })}
                    {(item.priority == Priority::High).then(|| view! { <span class="priority-high" title="High priority">"!"</span> })}
                    <a class="task-title" href=href>{item.title.clone()}</a>
                </div>
                <div class="task-meta">
                    <StatusTag status=item.status/>
                    {group.map(|(id, name)| view! { <a class="tag tag-outline" href=format!("/groups/{id}")>{name}</a> })}
                    {item.tags.iter().map(|t| view! {
                        <a class="task-tag" href=format!("/tasks?tag={}&status=any", super::encode(t))>{format!("#{t}")}</a>
                    }).collect_view()}
                    {progress.map(|p| view! {
                        <span class="checklist-progress" class:complete=complete title="Checklist">{format!("☑ {p}")}</span>
                    })}
                </div>
            </div>
            <Deadline item=item.clone() now/>
            <span class="task-person" title=format!("Responsible: {}", item.responsible.name)>
                <Avatar name=item.responsible.name.clone() photo=item.responsible.photo_url.clone() size="sm"/>
                <span class="task-person-name">{item.responsible.name.clone()}</span>
            </span>
        </li>
    }
}
