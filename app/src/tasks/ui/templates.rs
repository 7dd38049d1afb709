//! `/tasks/templates`: the caller's task templates — use one now, or let it create its task
//! every day, week or month; `/tasks/templates/new` and `/tasks/templates/:id` edit one.

use super::form::{TaskEditor, TemplateDraft};
use super::live::{TaskLive, refresh_counters};
use crate::dates::short_datetime;
use crate::error::AppError;
use crate::ids::TemplateId;
use crate::shell::layout::use_me;
use crate::tasks::api::{create_task_from_template, delete_task_template, task_templates};
use crate::tasks::templates::TaskTemplate;
use crate::tasks::types::TaskForm;
use crate::ui::mutation::mutation;
use crate::ui::page::now_ms;
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = Resource::new(move || version.get(), |_| task_templates());
    view! {
        <PageHeader title="Task templates" subtitle="Tasks you set up once and create again — when you need one, or every day, week or month.">
            <a class="btn" href="/tasks">"Tasks"</a>
            <a class="btn btn-primary" href="/tasks/templates/new" data-testid="new-template">"New template"</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="No templates yet"
                            hint="A template keeps a task's title, people, checklist and deadline, to create it in one click — or on a schedule, like a weekly report.">
                            <a class="btn btn-primary" href="/tasks/templates/new">"New template"</a>
                        </EmptyState>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="template-list card" data-testid="templates">
                            {list.into_iter().map(|t| view! { <TemplateRow template=t version/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TemplateRow(template: TaskTemplate, version: RwSignal<u32>) -> impl IntoView {
    let id = template.id;
    let live = expect_context::<TaskLive>();
    let navigate = use_navigate();
    let used = mutation(
        move |()| create_task_from_template(id),
        move |task| {
            refresh_counters(live);
            navigate(&format!("/tasks/{task}"), Default::default());
        },
    );
    let removed = mutation(
        move |()| delete_task_template(id),
        move |()| version.update(|v| *v += 1),
    );
    let failed = move || used.error.get().or_else(|| removed.error.get());
    let now = now_ms();
    let form = template.form;
    let schedule = match (form.repeat, template.next_run_at) {
        (Some(repeat), Some(next)) => {
            format!(
                "{} · next {}",
                repeat.label(),
                short_datetime(next, now, &crate::shell::layout::use_zone())
            )
        }
        (Some(repeat), None) => format!("{} · stopped", repeat.label()),
        (None, _) => "When you use it".to_owned(),
    };
    let deadline = form.deadline_after_minutes.map(|m| {
        let days = m as f64 / 1440.0;
        if days == 1.0 {
            "deadline a day later".to_owned()
        } else {
            format!("deadline {days} days later")
        }
    });
    view! {
        <li class="template-row" data-testid="template-row">
            <div class="template-main">
                <a class="task-title" href=format!("/tasks/templates/{id}")>{form.name.clone()}</a>
                <div class="task-meta">
                    <span class="muted">{form.task.title.clone()}</span>
                    <span class="tag" class:tag-accent=form.repeat.is_some() data-testid="template-schedule">{schedule}</span>
                    {deadline.map(|d| view! { <span class="muted small">{d}</span> })}
                    {(!form.task.checklist.is_empty()).then(|| view! {
                        <span class="checklist-progress">{format!("☑ {} items", form.task.checklist.len())}</span>
                    })}
                    {template.last_task.map(|t| view! { <a class="small" href=format!("/tasks/{t}")>"Last task"</a> })}
                </div>
                {move || failed().map(|error| view! { <ErrorBox error/> })}
            </div>
            <div class="row gap">
                <button type="button" class="btn btn-primary btn-small" disabled=move || used.pending.get()
                    data-testid="use-template" on:click=move |_| used.run(())>"Create task now"</button>
                <a class="btn btn-small" href=format!("/tasks/templates/{id}")>"Edit"</a>
                <button type="button" class="link-btn danger small" disabled=move || removed.pending.get()
                    on:click=move |_| removed.run(())>"Delete"</button>
            </div>
        </li>
    }
}

#[component]
pub fn NewTemplatePage() -> impl IntoView {
    let me = use_me();
    let initial = TaskForm {
        responsible: Some(me.user_id),
        ..Default::default()
    };
    view! {
        <PageHeader title="New template"/>
        <TaskEditor initial id=None template=TemplateDraft::default()/>
    }
}

#[component]
pub fn EditTemplatePage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<TemplateId>().ok()));
    let list = Resource::new(|| (), |_| task_templates());
    view! {
        <PageHeader title="Edit template"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading the template…"</p> }>
            {move || Suspend::new(async move {
                let found = list.await.and_then(|list| {
                    list.into_iter().find(|t| Some(t.id) == id).ok_or(AppError::NotFound)
                });
                match found {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(template) => {
                        let initial = template.form.task.clone();
                        let draft = TemplateDraft { id: Some(template.id), form: template.form };
                        view! { <TaskEditor initial id=None template=draft/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
