//! "My plan": the open tasks the caller does or helps with that are due by the end of the
//! week, grouped as overdue, today, and the rest of the week.

use super::live::TaskLive;
use super::row::TaskRow;
use crate::dates::Zone;
use crate::tasks::api::tasks;
use crate::tasks::types::{Section, TaskItem, TaskQuery, TaskSort};
use crate::ui::page::now_ms;
use crate::ui::{EmptyState, ErrorBox};
use leptos::prelude::*;

/// The end of today and of this week (Monday to Sunday), in the viewer's zone.
fn day_and_week_end(now: i64, zone: &Zone) -> (i64, i64) {
    (
        zone.days_later(now, 1),
        zone.days_later(now, 7 - zone.weekday(now)),
    )
}

#[component]
pub fn Plan(live: TaskLive) -> impl IntoView {
    let now = now_ms();
    let (day_end, week_end) = day_and_week_end(now, &crate::shell::layout::use_zone());
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
    use crate::dates::{Zone, datetime_input, datetime_ms};

    #[test]
    fn week_ends_on_sunday_night() {
        let utc = Zone::utc();
        // Wednesday 2026-11-25 12:00 UTC.
        let now = datetime_ms("2026-11-25T12:00", &utc).unwrap_or_default();
        let (day, week) = super::day_and_week_end(now, &utc);
        assert_eq!(datetime_input(day, &utc), "2026-11-26T00:00");
        assert_eq!(datetime_input(week, &utc), "2026-11-30T00:00");
        // Sunday 23:30 UTC is already Monday in Tokyo: its week runs to the next Sunday.
        let tokyo = Zone {
            name: "Asia/Tokyo".into(),
            offsets: vec![(i64::MIN, 540)],
        };
        let late = datetime_ms("2026-11-29T23:30", &utc).unwrap_or_default();
        let (day, week) = super::day_and_week_end(late, &tokyo);
        assert_eq!(datetime_input(day, &tokyo), "2026-12-01T00:00");
        assert_eq!(datetime_input(week, &tokyo), "2026-12-07T00:00");
        // In UTC it is still Sunday: the week ends at midnight.
        let (_, week) = super::day_and_week_end(late, &utc);
        assert_eq!(datetime_input(week, &utc), "2026-11-30T00:00");
    }
}
