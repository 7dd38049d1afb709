//! `/tasks/gantt`: a project's tasks (`?group=`), or the viewer's own open tasks, over time.
//!
//! The chart is an SVG drawn on the server, so it shows before the page's code loads. Once
//! hydrated, a bar can be dragged (or moved with the arrow keys) to move the task, and its
//! ends dragged to change its dates; the new dates go through `set_task_dates`, which refuses
//! a move that breaks a dependency. Others viewing the chart get the change live.
//!
//! The page is as tall as the whole chart but holds only a window of its rows: the ones in
//! view and a margin (`window.rs`). Scrolling loads the next window; a save, a fold or a live
//! change loads the window again. Rows, bars and arrows are keyed by what they show, so a
//! new window redraws only what changed: the bar that moved, the rows scrolled into view.
//! While a bar is dragged, only its own SVG attributes change.

mod dom;
mod draw;
mod scale;
mod window;

use super::live::TaskLive;
use crate::dates::{Zone, short_date};
use crate::ids::{GroupId, TaskId};
use crate::tasks::api::{gantt, set_task_dates};
use crate::tasks::gantt::{
    BarState, DAY_MS, FIRST_ROWS, GanttTask, GanttWindow, Grip, NewDates, Zoom,
};
use crate::ui::mutation::{Mutation, mutation};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use dom::{
    bar_under, capture_pointer, focus_bar, focus_went_elsewhere, focused_bar, grip_under,
    hover_cursor, keep_focus, preview,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use window::Rows;

/// Height of a row, of the date scale, and of a bar, in pixels.
const ROW: f64 = 32.0;
const SCALE: f64 = 44.0;
const BAR: f64 = 18.0;

#[component]
pub fn GanttPage() -> impl IntoView {
    let params = use_query_map();
    let group =
        Memo::new(move |_| params.with(|p| p.get("group").and_then(|g| g.parse::<GroupId>().ok())));
    let zoom = Memo::new(move |_| {
        params.with(|p| {
            p.get("zoom")
                .and_then(|z| Zoom::parse(&z))
                .unwrap_or_default()
        })
    });
    // The first window only: the chart loads the next ones itself.
    let first = Resource::new(
        move || group.get(),
        |group| gantt(group, 0, Some(FIRST_ROWS), Vec::new(), None),
    );
    view! {
        <Transition fallback=|| view! {
            <PageHeader title="Gantt chart"/>
            <p class="muted gantt-loading">"Loading the chart…"</p>
        }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(first) => view! { <Chart first zoom/> }.into_any(),
                    Err(error) => view! { <PageHeader title="Gantt chart"/><ErrorBox error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Title, the way back, zoom, and the legend of colours.
#[component]
fn ChartHeader(title: String, group: Option<GroupId>, zoom: Memo<Zoom>) -> impl IntoView {
    let (subtitle, back) = match group {
        Some(id) => (
            format!("The tasks of “{title}” over time."),
            view! {
                <a class="btn" href=format!("/groups/{id}")>"Project page"</a>
                <a class="btn" href=format!("/tasks?section=all&group={id}")>"Task list"</a>
            }
            .into_any(),
        ),
        None => (
            "Your open tasks — the ones you are responsible for or help with — over time."
                .to_owned(),
            view! { <a class="btn" href="/tasks">"Task list"</a> }.into_any(),
        ),
    };
    let href = move |z: Zoom| {
        let mut parts = Vec::new();
        if let Some(g) = group {
            parts.push(format!("group={g}"));
        }
        if z != Zoom::default() {
            parts.push(format!("zoom={}", z.as_str()));
        }
        if parts.is_empty() {
            "/tasks/gantt".to_owned()
        } else {
            format!("/tasks/gantt?{}", parts.join("&"))
        }
    };
    let title = match group {
        Some(_) => format!("{title} · Gantt chart"),
        None => "My tasks · Gantt chart".to_owned(),
    };
    view! {
        <PageHeader title subtitle>{back}</PageHeader>
        <div class="row between gantt-toolbar">
            <nav class="segmented" aria-label="Zoom">
                {Zoom::ALL.into_iter().map(|z| view! {
                    <a class="segment" class:active=move || zoom.get() == z href=href(z)
                        data-testid=format!("zoom-{}", z.as_str())>{z.label()}</a>
                }).collect_view()}
            </nav>
            <ul class="gantt-legend" aria-label="Colours">
                {BarState::ALL.into_iter().map(|s| view! {
                    <li><span class=format!("swatch {}", s.class())></span>{s.label()}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// A move to save: the task, the part of its bar dragged, its new dates, and the width of a
/// day (to put the bar back if the move is refused).
struct Move {
    id: TaskId,
    grip: Grip,
    dates: NewDates,
    day_width: f64,
}

/// A drag under way: which bar, which part of it, where it began, and by how many days it
/// has moved so far.
#[derive(Debug, Clone, Copy)]
struct Drag {
    id: TaskId,
    grip: Grip,
    from_x: f64,
    days: i64,
}

/// The chart, from its first window (the server's render) on.
#[component]
fn Chart(first: GanttWindow, zoom: Memo<Zoom>) -> impl IntoView {
    let live = expect_context::<TaskLive>();
    // The chart's days are the viewer's (see `draw`).
    let zone = StoredValue::new(crate::shell::layout::use_zone());
    let scroller = NodeRef::<leptos::html::Div>::new();
    let (title, group, now) = (first.title.clone(), first.group, first.now);
    let rows = Rows::new(first, scroller);
    // What the drag or key under way would do, read out to screen readers too.
    let status = RwSignal::new(None::<String>);
    // The bar to focus again once it is redrawn (after a keyboard move).
    let focus = RwSignal::new(None::<TaskId>);
    // The bar that has the keyboard's focus: a new window may put its node elsewhere, which
    // takes the focus away with it, and the bar gets it back.
    let focused = StoredValue::new(None::<TaskId>);
    // The bar drawn where a drag or a key took it, until the chart has its new dates.
    let moved = StoredValue::new(None::<TaskId>);
    let drag = StoredValue::new(None::<Drag>);
    let save: Mutation<Move, ()> = mutation(
        move |m: Move| async move {
            set_task_dates(m.id, m.dates.start_at, m.dates.end_at, m.dates.deadline)
                .await
                .inspect_err(|_| {
                    // Refused: the bar goes back where it was.
                    preview(m.id, m.grip, 0, m.day_width);
                    status.set(None);
                })
        },
        // The window again: the moved bar's new place (a bar moved from the keyboard is
        // followed, wherever its new dates put it).
        move |()| rows.load_showing(focus.get_untracked()),
    );

    // A live change to any task the viewer sees: the window again (only what changed is
    // redrawn). After the socket comes back, too: `version` moves on any event.
    Effect::new(move |seen: Option<u32>| {
        let version = live.version.get();
        if seen.is_some_and(|v| v != version) {
            rows.load();
        }
        version
    });
    // Once a new window is drawn: a bar still drawn where it was dragged goes back to its
    // (unchanged) dates, and a bar moved from the keyboard gets the focus back.
    Effect::new(move |_| {
        rows.window.track();
        if drag.get_value().is_none()
            && !save.pending.get_untracked()
            && let Some(id) = moved.get_value()
        {
            moved.set_value(None);
            preview(id, Grip::Bar, 0, 0.0);
        }
        // (A bar scrolled out of the window is let go: it is not focused again on the way back.)
        if let Some(id) = focus.get_untracked() {
            if rows.task(id).is_some() {
                focus_bar(id);
            } else if !rows.bringing(id) {
                focus.set(None);
            }
        } else if let Some(id) = focused.get_value()
            && rows.task(id).is_some()
        {
            keep_focus(id);
        }
    });
    // Scrolled to today when first shown and at each zoom; the rows follow the view.
    let today = StoredValue::new(None::<Zoom>);
    Effect::new(move |_| {
        let zoom = zoom.get();
        let (first_day, _) = rows.window.with(|w| w.range);
        if let Some(el) = scroller.get()
            && today.get_value() != Some(zoom)
        {
            let x = (zone.with_value(|z| z.wall(now)) - first_day) as f64 / DAY_MS as f64
                * zoom.day_width();
            el.set_scroll_left((x - 240.0).max(0.0) as i32);
            today.set_value(Some(zoom));
            rows.follow_view();
        }
    });
    // A scroll asks for rows at most every 60 ms.
    let armed = StoredValue::new(false);
    let on_scroll = move |_| {
        if !armed.get_value() {
            armed.set_value(true);
            set_timeout(
                move || {
                    if armed.try_set_value(false).is_none() {
                        rows.follow_view();
                    }
                },
                std::time::Duration::from_millis(60),
            );
        }
    };

    let day_width = move || zoom.get_untracked().day_width();
    let run_save = move |id: TaskId, grip: Grip, days: i64| {
        let Some(task) = rows.task(id) else { return };
        moved.set_value(Some(id));
        zone.with_value(|z| save_move(save, &task, grip, days, day_width(), z));
    };
    // What the move would do, in words.
    let describe = move |id: TaskId, grip: Grip, days: i64| {
        let task = rows.task(id)?;
        let dates = zone.with_value(|z| task.dragged(grip, days * DAY_MS, z));
        let moved = GanttTask {
            start_at: dates.start_at,
            end_at: dates.end_at,
            deadline: dates.deadline,
            ..task.clone()
        };
        let (start, end) = moved.span();
        Some(format!(
            "“{}”: {} – {}",
            task.title,
            zone.with_value(|z| short_date(start, now, z)),
            zone.with_value(|z| short_date(end, now, z))
        ))
    };

    let on_pointerdown = move |ev: leptos::ev::PointerEvent| {
        focus.set(None);
        focused.set_value(None);
        if ev.button() != 0 || save.pending.get_untracked() {
            return;
        }
        if let Some((id, grip)) = grip_under(&ev) {
            ev.prevent_default();
            capture_pointer(&ev);
            save.error.set(None);
            drag.set_value(Some(Drag {
                id,
                grip,
                from_x: f64::from(ev.client_x()),
                days: 0,
            }));
        }
    };
    let on_pointermove = move |ev: leptos::ev::PointerEvent| {
        let Some(mut d) = drag.get_value() else {
            hover_cursor(&ev);
            return;
        };
        let days = ((f64::from(ev.client_x()) - d.from_x) / day_width()).round() as i64;
        if days != d.days {
            d.days = days;
            drag.set_value(Some(d));
            moved.set_value(Some(d.id));
            preview(d.id, d.grip, days, day_width());
            status.set(describe(d.id, d.grip, days));
        }
    };
    let on_pointerup = move |_: leptos::ev::PointerEvent| {
        if let Some(d) = drag.get_value() {
            drag.set_value(None);
            if d.days != 0 {
                run_save(d.id, d.grip, d.days);
            }
        }
    };
    let on_pointercancel = move |_: leptos::ev::PointerEvent| {
        if let Some(d) = drag.get_value() {
            drag.set_value(None);
            preview(d.id, d.grip, 0, day_width());
            status.set(None);
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(id) = bar_under(&ev) else { return };
        let step = match ev.key().as_str() {
            "Enter" => {
                navigate(&format!("/tasks/{id}"), Default::default());
                return;
            }
            "ArrowLeft" => -1,
            "ArrowRight" => 1,
            _ => return,
        };
        ev.prevent_default();
        if save.pending.get_untracked() || !rows.task(id).is_some_and(|t| t.movable) {
            return;
        }
        let grip = if ev.shift_key() {
            Grip::End
        } else if ev.alt_key() {
            Grip::Start
        } else {
            Grip::Bar
        };
        preview(id, grip, step, day_width());
        status.set(describe(id, grip, step));
        focus.set(Some(id));
        run_save(id, grip, step);
    };

    // Empty until a task arrives (live), and the other way round.
    let empty = Memo::new(move |_| rows.window.with(|w| w.total_rows == 0));
    let hint = if group.is_some() {
        "Tasks of this project with dates appear here as bars. Create one from the project page."
    } else {
        "Open tasks you are responsible for or help with appear here as bars."
    };
    let body = move || {
        if empty.get() {
            view! { <EmptyState title="No tasks to chart" hint/> }.into_any()
        } else {
            draw::canvas(rows, zoom, now).into_any()
        }
    };
    view! {
        <ChartHeader title group zoom/>
        <p class="gantt-status" aria-live="polite" data-testid="gantt-status">
            {move || status.get()}
        </p>
        {move || save.error.get().or_else(|| rows.error.get()).map(|error| view! { <ErrorBox error/> })}
        <div class="gantt-scroll" node_ref=scroller data-testid="gantt" on:scroll=on_scroll
            on:pointerdown=on_pointerdown on:pointermove=on_pointermove on:pointerup=on_pointerup
            on:pointercancel=on_pointercancel on:keydown=on_keydown
            on:focusin=move |ev| focused.set_value(focused_bar(&ev))
            on:focusout=move |ev| if focus_went_elsewhere(&ev) { focused.set_value(None) }>
            {body}
        </div>
        <p id="gantt-help" class="muted small gantt-help">
            "Drag a bar to move a task, or drag its ends to change its start and end. From the keyboard: Tab to a bar, "
            "then ← and → move it by a day, Shift with an arrow changes its end, Alt with an arrow its start, Enter opens the task."
        </p>
    }
}

/// Saves `task` moved by `days` at `grip`.
fn save_move(
    save: Mutation<Move, ()>,
    task: &GanttTask,
    grip: Grip,
    days: i64,
    day_width: f64,
    zone: &Zone,
) {
    save.run(Move {
        id: task.id,
        grip,
        dates: task.dragged(grip, days * DAY_MS, zone),
        day_width,
    });
}
