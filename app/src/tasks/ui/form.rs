//! `/tasks/new` and `/tasks/:id/edit`: the task form. A new task may come with its project
//! (`?group=`) or parent (`?parent=`) already chosen.

use super::live::{TaskLive, refresh_counters};
use crate::dates::{Zone, date_input, datetime_input, datetime_ms, day_ms};
use crate::error::AppError;
use crate::groups::ui::GroupPicker;
use crate::hr::ui::{PeoplePicker, PersonPicker};
use crate::ids::TemplateId;
use crate::ids::{GroupId, TaskId};
use crate::rich::RichEditor;
use crate::shell::layout::use_me;
use crate::social::Author;
use crate::tasks::api::save_task_template;
use crate::tasks::api::{create_task, task, update_task};
use crate::tasks::templates::{Repeat, TemplateForm};
use crate::tasks::types::{Priority, TaskForm};
use crate::ui::mutation::mutation;
use crate::ui::{ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn NewTaskPage() -> impl IntoView {
    let query = use_query_map();
    let (group, parent) = query.with_untracked(|q| {
        (
            q.get("group").and_then(|g| g.parse::<GroupId>().ok()),
            q.get("parent").and_then(|p| p.parse::<TaskId>().ok()),
        )
    });
    let me = use_me();
    let initial = TaskForm {
        responsible: Some(me.user_id),
        group,
        parent,
        ..Default::default()
    };
    view! {
        <PageHeader title="New task"/>
        <TaskEditor initial id=None/>
    }
}

#[component]
pub fn EditTaskPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|id| id.parse::<TaskId>().ok()));
    let loaded = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => task(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <PageHeader title="Edit task"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading the task…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(view) if !view.rights.edit => view! { <ErrorBox error=AppError::Forbidden/> }.into_any(),
                    Ok(view) => {
                        let initial = TaskForm {
                            title: view.item.title.clone(),
                            description: view.description_source.clone(),
                            responsible: Some(view.item.responsible.id),
                            accomplices: view.accomplices.iter().map(|a| a.id).collect(),
                            auditors: view.auditors.iter().map(|a| a.id).collect(),
                            priority: view.item.priority,
                            group: view.item.group.as_ref().map(|g| g.0),
                            parent: view.item.parent,
                            start_at: view.item.start_at,
                            end_at: view.item.end_at,
                            deadline: view.item.deadline,
                            estimate_minutes: view.estimate_minutes,
                            require_review: view.require_review,
                            tags: view.item.tags.clone(),
                            checklist: Vec::new(),
                        };
                        let mut known = vec![view.item.responsible.clone()];
                        known.extend(view.accomplices.iter().cloned());
                        known.extend(view.auditors.iter().cloned());
                        let group = view.item.group.clone();
                        view! { <TaskEditor initial id=Some(view.item.id) known_people=known known_group=group/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A template being written: its id when it exists, and its fields.
#[derive(Debug, Clone, Default)]
pub(super) struct TemplateDraft {
    pub id: Option<TemplateId>,
    pub form: TemplateForm,
}

/// The task form; with `template`, it writes a template instead (name, schedule, and a
/// deadline relative to when each task is created, in place of the task's dates).
/// `known_people` and `known_group`: names the page already has for the form's people and
/// group (the others are looked up).
#[component]
pub(super) fn TaskEditor(
    initial: TaskForm,
    id: Option<TaskId>,
    #[prop(optional)] template: Option<TemplateDraft>,
    #[prop(optional)] known_people: Vec<Author>,
    #[prop(optional_no_strip)] known_group: Option<(GroupId, String)>,
) -> impl IntoView {
    let me = use_me();
    // Dates are read and shown in the viewer's zone.
    let zone = StoredValue::new(me.zone.clone());
    let zone_note = format!("Times are in your time zone ({}).", me.zone.name);
    let live = expect_context::<TaskLive>();
    let title = RwSignal::new(initial.title.clone());
    let description = RwSignal::new(initial.description.clone());
    let responsible = RwSignal::new(Some(initial.responsible.unwrap_or(me.user_id)));
    let accomplices = RwSignal::new(initial.accomplices.clone());
    let auditors = RwSignal::new(initial.auditors.clone());
    let priority = RwSignal::new(initial.priority);
    let group = RwSignal::new(initial.group);
    let shown = |at: Option<i64>, as_text: fn(i64, &Zone) -> String| {
        at.map(|t| zone.with_value(|z| as_text(t, z)))
            .unwrap_or_default()
    };
    let deadline = RwSignal::new(shown(initial.deadline, datetime_input));
    let start = RwSignal::new(shown(initial.start_at, date_input));
    let end = RwSignal::new(shown(initial.end_at, date_input));
    let tags = RwSignal::new(initial.tags.join(", "));
    let estimate = RwSignal::new(
        initial
            .estimate_minutes
            .map(|m| format!("{}", m as f64 / 60.0))
            .unwrap_or_default(),
    );
    let review = RwSignal::new(initial.require_review);
    let checklist = RwSignal::new(initial.checklist.join("\n"));
    let template_id = template.as_ref().and_then(|t| t.id);
    let is_template = template.is_some();
    let draft = template.map(|t| t.form).unwrap_or_default();
    let template_name = RwSignal::new(draft.name.clone());
    let repeat = RwSignal::new(draft.repeat);
    let first_at = RwSignal::new(shown(draft.first_at, datetime_input));
    let deadline_days = RwSignal::new(
        draft
            .deadline_after_minutes
            .map(|m| format!("{}", m as f64 / 1440.0))
            .unwrap_or_default(),
    );
    let parent = initial.parent;
    let error = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    let template_saved = mutation(
        move |template: TemplateForm| save_task_template(template_id, template),
        {
            let navigate = navigate.clone();
            move |_| navigate("/tasks/templates", Default::default())
        },
    );
    let task_saved = mutation(
        move |form: TaskForm| async move {
            match id {
                Some(id) => update_task(id, form).await.map(|_| id),
                None => create_task(form).await,
            }
        },
        move |id| {
            refresh_counters(live);
            navigate(&format!("/tasks/{id}"), Default::default());
        },
    );
    let saving = move || template_saved.pending.get() || task_saved.pending.get();

    let form = move || -> Result<TaskForm, AppError> {
        let date = |value: String, what: &str, parse: fn(&str, &Zone) -> Option<i64>| {
            if value.trim().is_empty() {
                Ok(None)
            } else {
                zone.with_value(|z| parse(&value, z))
                    .map(Some)
                    .ok_or_else(|| AppError::invalid(format!("The {what} is not a valid date.")))
            }
        };
        let estimate = estimate.get_untracked();
        let estimate_minutes = if estimate.trim().is_empty() {
            None
        } else {
            let hours: f64 =
                estimate.trim().replace(',', ".").parse().map_err(|_| {
                    AppError::invalid("The estimate is a number of hours, like 1.5.")
                })?;
            Some((hours * 60.0).round() as i64)
        };
        let responsible = responsible
            .get_untracked()
            .ok_or_else(|| AppError::invalid("Choose who is responsible for the task."))?;
        Ok(TaskForm {
            title: title.get_untracked(),
            description: description.get_untracked(),
            responsible: Some(responsible),
            accomplices: accomplices.get_untracked(),
            auditors: auditors.get_untracked(),
            priority: priority.get_untracked(),
            group: group.get_untracked(),
            parent,
            start_at: date(start.get_untracked(), "start", day_ms)?,
            // The end date is inclusive: the task ends at the close of that day.
            end_at: date(end.get_untracked(), "end", day_ms)?
                .map(|ms| zone.with_value(|z| z.days_later(ms, 1)) - 60_000),
            deadline: date(deadline.get_untracked(), "deadline", datetime_ms)?,
            estimate_minutes,
            require_review: review.get_untracked(),
            tags: tags
                .get_untracked()
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            checklist: checklist
                .get_untracked()
                .lines()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
        })
    };
    let template_form = move |task: TaskForm| -> Result<TemplateForm, AppError> {
        let days = deadline_days.get_untracked();
        let deadline_after_minutes = if days.trim().is_empty() {
            None
        } else {
            let days: f64 = days.trim().replace(',', ".").parse().map_err(|_| {
                AppError::invalid("The deadline is a number of days, like 2 or 0.5.")
            })?;
            Some((days * 1440.0).round() as i64)
        };
        let first = first_at.get_untracked();
        Ok(TemplateForm {
            name: template_name.get_untracked(),
            task,
            deadline_after_minutes,
            repeat: repeat.get_untracked(),
            first_at: if first.trim().is_empty() {
                None
            } else {
                Some(
                    zone.with_value(|z| datetime_ms(&first, z))
                        .ok_or_else(|| AppError::invalid("The first date is not a valid date."))?,
                )
            },
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = match form() {
            Ok(f) => f,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        if is_template {
            match template_form(form) {
                Ok(template) => template_saved.run(template),
                Err(e) => error.set(Some(e)),
            }
        } else {
            task_saved.run(form);
        }
    };
    let cancel_href = match id {
        Some(id) => format!("/tasks/{id}"),
        None if is_template => "/tasks/templates".to_owned(),
        None => "/tasks".to_owned(),
    };
    let template_fields = is_template.then(|| {
        view! {
            <label>"Template name"
                <input type="text" required maxlength="250" placeholder="e.g. Weekly report"
                    data-testid="template-name" prop:value=template_name
                    on:input=move |ev| template_name.set(event_target_value(&ev))/>
            </label>
        }
    });
    view! {
        <form class="card form task-form" on:submit=submit data-testid="task-form">
            {template_fields}
            <label>"What needs to be done"
                <input type="text" required maxlength="250" placeholder="e.g. Prepare the Q4 report"
                    data-testid="task-title" prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <div class="field">
                <span class="field-label">"Description"</span>
                <RichEditor value=description placeholder="Details, links, @mentions…" label="Description" rows=5 on_submit=Callback::new(|_| ()) toolbar=true/>
            </div>
            <div class="grid-2">
                <div class="form-column">
                    <div class="field">
                        <label class="field-label" for="task-responsible">"Responsible"</label>
                        <PersonPicker id="task-responsible" label="Responsible" chosen=responsible
                            known=known_people.clone() placeholder="Type a name" testid="task-responsible"/>
                    </div>
                    <fieldset class="people-picker" data-testid="task-accomplices">
                        <legend>"Co-executors"</legend>
                        <PeoplePicker id="task-accomplices-input" label="Add a co-executor" chosen=accomplices
                            known=known_people.clone() placeholder="+ Add a co-executor"/>
                    </fieldset>
                    <fieldset class="people-picker" data-testid="task-auditors">
                        <legend>"Observers"</legend>
                        <PeoplePicker id="task-auditors-input" label="Add an observer" chosen=auditors
                            known=known_people placeholder="+ Add an observer"/>
                    </fieldset>
                </div>
                <div class="form-column">
                    {if is_template {
                        view! {
                            <label>"Deadline (days after the task is created)"
                                <input type="text" inputmode="decimal" placeholder="e.g. 2 — empty for none" data-testid="template-deadline-days"
                                    prop:value=deadline_days on:input=move |ev| deadline_days.set(event_target_value(&ev))/>
                            </label>
                            <div class="grid-2 tight">
                                <label>"Repeat"
                                    <select data-testid="template-repeat" on:change=move |ev| repeat.set(Repeat::parse(&event_target_value(&ev)))>
                                        <option value="" selected=repeat.get_untracked().is_none()>"Only when I use it"</option>
                                        {Repeat::ALL.into_iter().map(|r| view! {
                                            <option value=r.as_str() selected=repeat.get_untracked() == Some(r)>{r.label()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                                <label class:hidden=move || repeat.get().is_none()>"First on"
                                    <input type="datetime-local" data-testid="template-first" prop:value=first_at
                                        on:input=move |ev| first_at.set(event_target_value(&ev))/>
                                </label>
                            </div>
                            <p class="muted small">{format!("Each recurring task is created at the same time of day (and day of the month), in your time zone ({}).", zone.with_value(|z| z.name.clone()))}</p>
                        }.into_any()
                    } else {
                        view! {
                            <label>"Deadline"
                                <input type="datetime-local" data-testid="task-deadline" prop:value=deadline
                                    on:input=move |ev| deadline.set(event_target_value(&ev))/>
                            </label>
                            <div class="grid-2 tight">
                                <label>"Starts"
                                    <input type="date" data-testid="task-start" prop:value=start on:input=move |ev| start.set(event_target_value(&ev))/>
                                </label>
                                <label>"Ends"
                                    <input type="date" data-testid="task-end" prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/>
                                </label>
                            </div>
                            <p class="muted small">{zone_note.clone()}</p>
                        }.into_any()
                    }}
                    <label>"Priority"
                        <select on:change=move |ev| priority.set(Priority::parse(&event_target_value(&ev)).unwrap_or_default())>
                            {Priority::ALL.iter().map(|p| view! {
                                <option value=p.as_str() selected=priority.get_untracked() == *p>{p.label()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <div class="field">
                        <label class="field-label" for="task-group">"Project or group"</label>
                        <GroupPicker id="task-group" label="Project or group" chosen=group mine=true
                            known=known_group placeholder="None (a personal task)" testid="task-group"/>
                    </div>
                    <label>"Tags"
                        <input type="text" placeholder="design, q4" prop:value=tags on:input=move |ev| tags.set(event_target_value(&ev))/>
                    </label>
                    <label>"Estimate (hours)"
                        <input type="text" inputmode="decimal" placeholder="e.g. 4" prop:value=estimate on:input=move |ev| estimate.set(event_target_value(&ev))/>
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=review on:change=move |ev| review.set(event_target_checked(&ev))/>
                        "I review the result before it counts as done"
                    </label>
                </div>
            </div>
            {id.is_none().then(|| view! {
                <label>"Checklist (one item per line)"
                    <textarea rows="4" data-testid="task-checklist" placeholder="Draft\nReview with the team\nPublish"
                        prop:value=checklist on:input=move |ev| checklist.set(event_target_value(&ev))></textarea>
                </label>
            })}
            {move || {
                error
                    .get()
                    .or_else(|| template_saved.error.get())
                    .or_else(|| task_saved.error.get())
                    .map(|error| view! { <ErrorBox error/> })
            }}
            <div class="row">
                <button class="btn btn-primary" type="submit" data-testid="task-save" disabled=saving>
                    {match (is_template, id) {
                        (true, _) => "Save template",
                        (false, Some(_)) => "Save changes",
                        (false, None) => "Create task",
                    }}
                </button>
                <a class="btn" href=cancel_href>"Cancel"</a>
            </div>
        </form>
    }
}
