//! "My plan": the open tasks the caller does or helps with that are due by the end of the
//! week, grouped as overdue, today, and the rest of the week.

use super::live::TaskLive;
use super::row::TaskRow;
use crate::tasks::api::tasks;
use crate::tasks::types::{Section, TaskItem, TaskQuery, TaskSort};
use crate::ui::page::now_ms;
use crate::ui::{EmptyState, ErrorBox};
use leptos::prelude::*;

const DAY_MS: i64 = 86_400_000;

/// The end of today and of this week (Monday to Sunday), UTC.
fn day_and_week_end(now: i64) -> (i64, i64) {
    let today = now.div_euclid(DAY_MS);
    // 1970-01-01 was a Thursday: weekday 0 = Monday.
    let weekday = (today + 3).rem_euclid(7);
    ((today + 1) * DAY_MS, (today + 7 - weekday) * DAY_MS)
}

#[component]
pub fn Plan(live: TaskLive) -> impl IntoView {
    let now = now_ms();
    let (day_end, week_end) = day_and_week_end(now);
    let load = move |section: Section| {
        tasks(
            TaskQuery {
                section,
                sort: TaskSort::Deadline,
                deadline_to: Some(week_end),
                ..Default::default()
            },
            None,
        )
    };
    let plan = Resource::new(
        move || live.version.get(),
        move |_| async move {
            let mut items: Vec<TaskItem> = load(Section::Doing).await?.items;
            items.extend(load(Section::Helping).await?.items);
            items.sort_by_key(|i| (i.deadline, i.id));
            items.dedup_by_key(|i| i.id);
            Ok::<_, crate::error::AppError>(items)
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading your plan…"</p> }>
            {move || plan.get().map(|result| match result {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(items) if items.is_empty() => view! {
                    <EmptyState title="Nothing due this week" hint="Tasks you do or help with that are due by Sunday appear here, with today's first."/>
                }.into_any(),
                Ok(items) => {
                    let bucket = |from: i64, to: i64| -> Vec<TaskItem> {
                        items.iter().filter(|i| i.deadline.is_some_and(|d| d >= from && d < to)).cloned().collect()
                    };
                    let groups = [
                        ("Overdue", bucket(i64::MIN, now)),
                        ("Today", bucket(now, day_end)),
                        ("Later this week", bucket(day_end, week_end)),
                    ];
                    groups.into_iter().filter(|(_, list)| !list.is_empty()).map(|(title, list)| view! {
                        <section class="plan-group">
                            <h2 class="plan-title">{title}<span class="muted small">{format!(" · {}", list.len())}</span></h2>
                            <ul class="task-list card">
                                {list.into_iter().map(|item| view! { <TaskRow item now/> }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view().into_any()
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn week_ends_on_sunday_night() {
        // Wednesday 2026-11-25 12:00 UTC.
        let now = crate::dates::datetime_ms("2026-11-25T12:00").unwrap_or_default();
        let (day, week) = super::day_and_week_end(now);
        assert_eq!(crate::dates::datetime_input(day), "2026-11-26T00:00");
        assert_eq!(crate::dates::datetime_input(week), "2026-11-30T00:00");
    }
}
