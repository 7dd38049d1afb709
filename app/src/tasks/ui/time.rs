//! Time on a task's page: the viewer's timer (ticking while it runs), time entered by hand,
//! and who spent how long.

use super::page::{Changes, run};
use crate::error::AppError;
use crate::ids::TaskId;
use crate::tasks::api::{add_task_time, remove_task_time, start_task_timer, stop_task_timer};
use crate::tasks::types::{TimeEntry, hours_text};
use crate::ui::page::{now_ms, time_ago};
use leptos::prelude::*;

/// "0:12:05" since `started_at`.
fn clock(started_at: i64, now: i64) -> String {
    let s = ((now - started_at) / 1000).max(0);
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

#[component]
pub fn TimeTracker(
    id: TaskId,
    entries: Vec<TimeEntry>,
    my_timer: Option<i64>,
    can_track: bool,
    change: Changes,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let now = RwSignal::new(now_ms());
    // The running clock ticks once a second in the browser.
    #[cfg(feature = "hydrate")]
    if my_timer.is_some()
        && let Ok(handle) =
            set_interval_with_handle(move || now.set(now_ms()), std::time::Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let minutes = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if change.pending.get_untracked() {
            return; // Keep what was typed until the change under way is done.
        }
        let text = minutes.get_untracked();
        let value = text.trim().replace(',', ".");
        // "90" is minutes; "1.5h" or "1:30" are hours.
        let parsed = if let Some((h, m)) = value.split_once(':') {
            h.parse::<i64>()
                .ok()
                .zip(m.parse::<i64>().ok())
                .map(|(h, m)| h * 60 + m)
        } else if let Some(h) = value.strip_suffix('h') {
            h.trim()
                .parse::<f64>()
                .ok()
                .map(|h| (h * 60.0).round() as i64)
        } else {
            value.parse::<i64>().ok()
        };
        let Some(parsed) = parsed else {
            error.set(Some(AppError::invalid(
                "Enter minutes (90), hours (1.5h) or h:mm (1:30).",
            )));
            return;
        };
        let n = note.get_untracked();
        minutes.set(String::new());
        note.set(String::new());
        run(change, error, async move {
            add_task_time(id, parsed, n).await.map(|_| ())
        });
    };
    view! {
        <section class="card time-card" data-testid="time">
            <h2>"Time"</h2>
            {can_track.then(|| match my_timer {
                Some(started) => view! {
                    <button class="btn btn-primary btn-block" data-testid="timer-stop" disabled=move || change.pending.get()
                        on:click=move |_| run(change, error, stop_task_timer(id))>
                        {move || format!("Stop timer · {}", clock(started, now.get()))}
                    </button>
                }.into_any(),
                None => view! {
                    <button class="btn btn-block" data-testid="timer-start" disabled=move || change.pending.get()
                        on:click=move |_| run(change, error, start_task_timer(id))>"Start timer"</button>
                }.into_any(),
            })}
            {can_track.then(|| view! {
                <form class="time-add" on:submit=add>
                    <input type="text" placeholder="1:30" aria-label="Time spent (minutes, or h:mm)" class="narrow"
                        data-testid="time-minutes" prop:value=minutes on:input=move |ev| minutes.set(event_target_value(&ev))/>
                    <input type="text" placeholder="What you did (optional)" aria-label="Note" maxlength="500"
                        prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button class="btn btn-small" type="submit" disabled=move || change.pending.get()>"Add time"</button>
                </form>
            })}
            {if entries.is_empty() {
                view! { <p class="muted small">"No time recorded yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="time-list">
                        {entries.into_iter().map(|e| {
                            let entry = e.id;
                            let amount = match e.stopped_at {
                                Some(_) => hours_text(e.seconds),
                                None => "running".to_owned(),
                            };
                            view! {
                                <li>
                                    <span><strong>{e.who.name.clone()}</strong>" · "{amount}</span>
                                    <span class="muted small">{time_ago(e.stopped_at.unwrap_or(e.started_at))}{(!e.note.is_empty()).then(|| format!(" · {}", e.note))}</span>
                                    {(e.removable && e.stopped_at.is_some()).then(|| view! {
                                        <button type="button" class="link-btn danger small" aria-label="Delete this time entry"
                                            disabled=move || change.pending.get()
                                            on:click=move |_| run(change, error, remove_task_time(entry))>"×"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
