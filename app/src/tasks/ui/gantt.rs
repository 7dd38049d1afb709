//! `/tasks/gantt`: a project's tasks (`?group=`), or the viewer's own open tasks, over time.
//!
//! The chart is an SVG drawn on the server, so it shows before the page's code loads. Once
//! hydrated, a bar can be dragged (or moved with the arrow keys) to move the task, and its
//! ends dragged to change its dates; the new dates go through `set_task_dates`, which refuses
//! a move that breaks a dependency. Others viewing the chart get the change live.
//!
//! While a bar is dragged, only its own SVG attributes change (no re-render of the other
//! thousand bars); the chart is redrawn from the server's data once the move is saved.

use super::live::TaskLive;
use crate::dates::{civil, date_input, month_name, short_date};
use crate::ids::{GroupId, TaskId};
use crate::tasks::api::{gantt, set_task_dates};
use crate::tasks::gantt::{
    BarState, DAY_MS, GanttChart, GanttTask, Grip, NewDates, Zoom, chart_range, link_path,
    link_sides, visible_rows,
};
use crate::ui::mutation::{Mutation, mutation};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Height of a row, of the date scale, and of a bar, in pixels.
const ROW: f64 = 32.0;
const SCALE: f64 = 44.0;
const BAR: f64 = 18.0;

/// What outlives a reload of the chart (after a save or a live change).
#[derive(Clone, Copy)]
struct ChartState {
    folded: RwSignal<HashSet<TaskId>>,
    /// The bar to focus again once the chart is redrawn (after a keyboard move).
    focus: RwSignal<Option<TaskId>>,
    /// Saving a move: one at a time; a refused one shows why.
    save: Mutation<Move, ()>,
    /// Bumped after a save, to reload the chart.
    saved: RwSignal<u32>,
    /// What the drag under way would do, read out to screen readers too.
    status: RwSignal<Option<String>>,
    scroller: NodeRef<leptos::html::Div>,
    /// The chart (group and zoom) last scrolled to today, so a reload keeps the position.
    scrolled: StoredValue<Option<(Option<GroupId>, Zoom)>>,
}

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
    let live = expect_context::<TaskLive>();
    let saved = RwSignal::new(0);
    let status = RwSignal::new(None);
    let save = mutation(
        move |m: Move| async move {
            set_task_dates(m.id, m.dates.start_at, m.dates.end_at, m.dates.deadline)
                .await
                .inspect_err(|_| {
                    // Refused: the bar goes back where it was.
                    preview(m.id, m.grip, 0, m.day_width);
                    status.set(None);
                })
        },
        move |()| saved.update(|v| *v += 1),
    );
    let state = ChartState {
        folded: RwSignal::new(HashSet::new()),
        focus: RwSignal::new(None),
        save,
        saved,
        status,
        scroller: NodeRef::new(),
        scrolled: StoredValue::new(None),
    };
    let chart = Resource::new(
        move || (group.get(), live.version.get(), state.saved.get()),
        |(group, _, _)| gantt(group),
    );
    view! {
        <Transition fallback=|| view! { <PageHeader title="Gantt chart"/> }>
            {move || Suspend::new(async move {
                match chart.await {
                    Ok(chart) => view! { <ChartHeader chart zoom/> }.into_any(),
                    Err(_) => view! { <PageHeader title="Gantt chart"/> }.into_any(),
                }
            })}
        </Transition>
        <p class="gantt-status" aria-live="polite" data-testid="gantt-status">
            {move || state.status.get()}
        </p>
        {move || state.save.error.get().map(|error| view! { <ErrorBox error/> })}
        <div class="gantt-scroll" node_ref=state.scroller data-testid="gantt">
            <Transition fallback=|| view! { <p class="muted gantt-loading">"Loading the chart…"</p> }>
                {move || {
                    let zoom = zoom.get();
                    Suspend::new(async move {
                        match chart.await {
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                            Ok(chart) => view! { <Chart chart zoom state/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </div>
        <p id="gantt-help" class="muted small gantt-help">
            "Drag a bar to move a task, or drag its ends to change its start and end. From the keyboard: Tab to a bar, "
            "then ← and → move it by a day, Shift with an arrow changes its end, Alt with an arrow its start, Enter opens the task."
        </p>
    }
}

/// Title, the way back, zoom, and the legend of colours.
#[component]
fn ChartHeader(chart: GanttChart, zoom: Memo<Zoom>) -> impl IntoView {
    let group = chart.group;
    let (subtitle, back) = match group {
        Some(id) => (
            format!("The tasks of “{}” over time.", chart.title),
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
        Some(_) => format!("{} · Gantt chart", chart.title),
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
        {chart.truncated.then(|| view! {
            <p class="alert alert-warning">{format!(
                "This project has more tasks than one chart shows; the first {} are drawn.",
                crate::tasks::gantt::MAX_GANTT_TASKS
            )}</p>
        })}
    }
}

/// One tick of the date scale: where, and the label under it (if any).
struct Tick {
    x: f64,
    label: Option<String>,
    today: bool,
}

/// The date scale's two bands (months over days, or years over months), the vertical grid
/// lines, and the weekends.
struct Scale {
    upper: Vec<(f64, String)>,
    lower: Vec<Tick>,
    weekends: Vec<f64>,
}

fn scale(first: i64, last: i64, zoom: Zoom, now: i64) -> Scale {
    let day_width = zoom.day_width();
    let today = now.div_euclid(DAY_MS);
    let mut scale = Scale {
        upper: Vec::new(),
        lower: Vec::new(),
        weekends: Vec::new(),
    };
    let mut day = first.div_euclid(DAY_MS);
    let mut x = 0.0;
    while day * DAY_MS < last {
        let (y, m, d) = civil(day * DAY_MS);
        let weekday = (day + 3).rem_euclid(7); // 0 = Monday; 1970-01-01 was a Thursday.
        let at_start = day * DAY_MS == first;
        match zoom {
            Zoom::Day | Zoom::Week => {
                if d == 1 || at_start {
                    scale.upper.push((x, format!("{} {y}", month_name(m))));
                }
                if weekday == 5 {
                    scale.weekends.push(x);
                }
            }
            Zoom::Month => {
                if (m == 1 && d == 1) || at_start {
                    scale.upper.push((x, y.to_string()));
                }
            }
        }
        let tick = match zoom {
            Zoom::Day => Some(d.to_string()),
            Zoom::Week => (weekday == 0).then(|| format!("{} {d}", month_name(m))),
            Zoom::Month => (d == 1).then(|| month_name(m).to_owned()),
        };
        if let Some(label) = tick {
            scale.lower.push(Tick {
                x,
                label: Some(label),
                today: zoom == Zoom::Day && day == today,
            });
        }
        day += 1;
        x += day_width;
    }
    scale
}

#[component]
fn Chart(chart: GanttChart, zoom: Zoom, state: ChartState) -> impl IntoView {
    if chart.tasks.is_empty() {
        let hint = if chart.group.is_some() {
            "Tasks of this project with dates appear here as bars. Create one from the project page."
        } else {
            "Open tasks you are responsible for or help with appear here as bars."
        };
        return view! { <EmptyState title="No tasks to chart" hint/> }.into_any();
    }
    let now = chart.now;
    let (first, last) = chart_range(&chart.tasks, now);
    let day_width = zoom.day_width();
    let width = ((last - first) / DAY_MS) as f64 * day_width;
    let x_of = move |ms: i64| (ms - first) as f64 / DAY_MS as f64 * day_width;
    let scale = Arc::new(scale(first, last, zoom, now));
    let chart = Arc::new(chart);
    let lookup: Arc<HashMap<TaskId, GanttTask>> =
        Arc::new(chart.tasks.iter().map(|t| (t.id, t.clone())).collect());

    // Scroll to today when this chart is first shown; keep the position on reloads.
    let today_x = x_of(now);
    let key = (chart.group, zoom);
    Effect::new(move |_| {
        if let Some(el) = state.scroller.get()
            && state.scrolled.get_value() != Some(key)
        {
            el.set_scroll_left((today_x - 240.0).max(0.0) as i32);
            state.scrolled.set_value(Some(key));
        }
        // A keyboard move redraws the chart (and a live change may redraw it again): the bar
        // gets the focus back, unless the user has gone on to something else.
        if let Some(id) = state.focus.get_untracked() {
            focus_bar(id);
        }
    });

    let drag = StoredValue::new(None::<Drag>);
    let save = {
        let lookup = lookup.clone();
        move |id: TaskId, grip: Grip, days: i64| {
            let Some(task) = lookup.get(&id) else { return };
            let dates = task.dragged(grip, days * DAY_MS);
            state.save.run(Move {
                id,
                grip,
                dates,
                day_width,
            });
        }
    };
    // What the move would do, in words.
    let describe = {
        let lookup = lookup.clone();
        move |id: TaskId, grip: Grip, days: i64| {
            let task = lookup.get(&id)?;
            let dates = task.dragged(grip, days * DAY_MS);
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
                short_date(start, now),
                short_date(end, now)
            ))
        }
    };

    let on_pointerdown = move |ev: leptos::ev::PointerEvent| {
        state.focus.set(None);
        if ev.button() != 0 || state.save.pending.get_untracked() {
            return;
        }
        if let Some((id, grip)) = grip_under(&ev) {
            ev.prevent_default();
            capture_pointer(&ev);
            state.save.error.set(None);
            drag.set_value(Some(Drag {
                id,
                grip,
                from_x: f64::from(ev.client_x()),
                days: 0,
            }));
        }
    };
    let on_pointermove = {
        let describe = describe.clone();
        move |ev: leptos::ev::PointerEvent| {
            let Some(mut d) = drag.get_value() else {
                hover_cursor(&ev);
                return;
            };
            let days = ((f64::from(ev.client_x()) - d.from_x) / day_width).round() as i64;
            if days != d.days {
                d.days = days;
                drag.set_value(Some(d));
                preview(d.id, d.grip, days, day_width);
                state.status.set(describe(d.id, d.grip, days));
            }
        }
    };
    let on_pointerup = {
        let save = save.clone();
        move |_: leptos::ev::PointerEvent| {
            if let Some(d) = drag.get_value() {
                drag.set_value(None);
                if d.days != 0 {
                    save(d.id, d.grip, d.days);
                }
            }
        }
    };
    let on_pointercancel = move |_: leptos::ev::PointerEvent| {
        if let Some(d) = drag.get_value() {
            drag.set_value(None);
            preview(d.id, d.grip, 0, day_width);
            state.status.set(None);
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let on_keydown = {
        let lookup = lookup.clone();
        move |ev: leptos::ev::KeyboardEvent| {
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
            if state.save.pending.get_untracked() || !lookup.get(&id).is_some_and(|t| t.movable) {
                return;
            }
            let grip = if ev.shift_key() {
                Grip::End
            } else if ev.alt_key() {
                Grip::Start
            } else {
                Grip::Bar
            };
            preview(id, grip, step, day_width);
            state.status.set(describe(id, grip, step));
            state.focus.set(Some(id));
            save(id, grip, step);
        }
    };

    let grid = scale.clone();
    let draw = move || {
        let folded = state.folded.get();
        let rows = visible_rows(&chart.tasks, &folded);
        let height = rows.len() as f64 * ROW;
        let row_of: HashMap<TaskId, usize> = rows
            .iter()
            .enumerate()
            .map(|(r, row)| (chart.tasks[row.index].id, r))
            .collect();
        let names = rows
            .iter()
            .map(|row| {
                let task = &chart.tasks[row.index];
                let id = task.id;
                let open = !folded.contains(&id);
                let toggle = row.has_children.then(|| {
                    view! {
                        <button type="button" class="gantt-fold" aria-expanded=open.to_string()
                            aria-label=if open { "Fold the subtasks" } else { "Show the subtasks" }
                            on:click=move |_| state.folded.update(|f| if !f.remove(&id) { f.insert(id); })>
                            {if open { "▾" } else { "▸" }}
                        </button>
                    }
                });
                view! {
                    <div class="gantt-name" style=format!("padding-left:{}px", 8 + row.depth * 18)>
                        {toggle}
                        <a href=format!("/tasks/{id}") class="gantt-title" class:gantt-parent=row.has_children>{task.title.clone()}</a>
                        <span class="gantt-who">{task.responsible.clone()}</span>
                    </div>
                }
            })
            .collect_view();
        let links = chart
            .links
            .iter()
            .filter_map(|link| {
                let (from, to) = (row_of.get(&link.predecessor)?, row_of.get(&link.successor)?);
                let (out, into) = link_sides(link.kind);
                let side_x = |task: &GanttTask, side| {
                    let (s, e) = task.span();
                    match side {
                        crate::tasks::gantt::Side::Left => x_of(s),
                        crate::tasks::gantt::Side::Right => x_of(s).max(x_of(e)).max(x_of(s) + 4.0),
                    }
                };
                let (a, b) = (lookup.get(&link.predecessor)?, lookup.get(&link.successor)?);
                let mid = |r: usize| r as f64 * ROW + ROW / 2.0;
                let d = link_path(
                    side_x(a, out),
                    mid(*from),
                    out,
                    side_x(b, into),
                    mid(*to),
                    into,
                );
                Some(view! { <path class="gantt-link" d=d marker-end="url(#gantt-arrow)"/> })
            })
            .collect_view();
        let bars = rows
            .iter()
            .enumerate()
            .map(|(r, row)| bar(&chart.tasks[row.index], r as f64 * ROW, now, x_of))
            .collect_view();
        let weekends = (zoom != Zoom::Month).then(|| {
            grid.weekends
                .iter()
                .map(|x| view! { <rect class="gantt-weekend" x=*x y="0" width={2.0 * day_width} height=height/> })
                .collect_view()
        });
        let lines = grid
            .lower
            .iter()
            .map(|t| view! { <line class="gantt-line" x1=t.x x2=t.x y1="0" y2=height/> })
            .collect_view();
        view! {
            <div class="gantt-body">
                <div class="gantt-names">{names}</div>
                <svg class="gantt-bars" width=width height=height role="group" aria-label="Task bars"
                    on:pointerdown=on_pointerdown on:pointermove=on_pointermove.clone()
                    on:pointerup=on_pointerup.clone() on:pointercancel=on_pointercancel
                    on:keydown=on_keydown.clone()>
                    <defs>
                        <marker id="gantt-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                            <path d="M0,0L8,4L0,8z"/>
                        </marker>
                        <pattern id="gantt-rows" width="8" height=ROW patternUnits="userSpaceOnUse">
                            <line class="gantt-row-line" x1="0" x2="8" y1={ROW - 0.5} y2={ROW - 0.5}/>
                        </pattern>
                    </defs>
                    {weekends}
                    <rect class="gantt-rows" width=width height=height fill="url(#gantt-rows)"/>
                    {lines}
                    <line class="gantt-today" x1=today_x x2=today_x y1="0" y2=height/>
                    <g class="gantt-links">{links}</g>
                    <g>{bars}</g>
                </svg>
            </div>
        }
    };

    let upper = scale
        .upper
        .iter()
        .map(|(x, label)| {
            view! {
                <line class="gantt-scale-line" x1=*x x2=*x y1="0" y2=SCALE/>
                <text class="gantt-scale-upper" x={x + 6.0} y="16">{label.clone()}</text>
            }
        })
        .collect_view();
    let lower = scale
        .lower
        .iter()
        .map(|t| {
            let x = if zoom == Zoom::Day { t.x + day_width / 2.0 } else { t.x + 4.0 };
            let anchor = if zoom == Zoom::Day { "middle" } else { "start" };
            view! {
                <text class="gantt-scale-lower" class:gantt-scale-today=t.today x=x y="37" text-anchor=anchor>
                    {t.label.clone()}
                </text>
            }
        })
        .collect_view();
    view! {
        <div class="gantt-canvas" style=format!("width:{}px", width + 300.0)>
            <div class="gantt-head">
                <div class="gantt-corner">"Task"<span class="muted">"Responsible"</span></div>
                <svg class="gantt-scale" width=width height=SCALE aria-hidden="true">
                    {upper}
                    <line class="gantt-scale-line" x1="0" x2=width y1="22" y2="22"/>
                    {lower}
                    <circle class="gantt-today-dot" cx=today_x cy={SCALE - 3.0} r="3"/>
                </svg>
            </div>
            {draw}
        </div>
    }
    .into_any()
}

/// One task's bar, its deadline mark, and its title.
fn bar(task: &GanttTask, y: f64, now: i64, x_of: impl Fn(i64) -> f64) -> AnyView {
    let (start, end) = task.span();
    let state = task.state(now);
    // A tenth of a pixel is precise enough, and keeps a thousand bars' markup short.
    let tenth = |v: f64| (v * 10.0).round() / 10.0;
    let x = tenth(x_of(start));
    let w = tenth((x_of(end) - x).max(4.0));
    let top = y + (ROW - BAR) / 2.0;
    let label = format!(
        "{}: {} – {}, {}{}",
        task.title,
        short_date(start, now),
        short_date(end, now),
        state.label(),
        if task.movable {
            ""
        } else {
            " (you cannot move it)"
        }
    );
    // The deadline, when the bar ends somewhere else (at a planned end).
    let deadline = task
        .deadline
        .filter(|d| task.end_at.is_some_and(|e| e != *d))
        .map(|d| {
            let dx = tenth(x_of(d));
            let mid = y + ROW / 2.0;
            view! {
                <path class="gantt-deadline" d=format!("M{dx:.1},{:.1}l5,6l-5,6l-5,-6z", mid - 6.0)>
                    <title>{format!("Deadline {}", short_date(d, now))}</title>
                </path>
            }
        });
    view! {
        <g class=format!("gantt-bar {}", state.class()) data-task=task.id.to_string()
            data-start=date_input(start) data-end=date_input(end) data-x=x data-w=w
            data-movable=task.movable.then_some("true") tabindex="0" role="button"
            aria-label=label aria-describedby="gantt-help">
            <rect class="bar" x=x y=top width=w height=BAR rx="4"/>
            {deadline}
            <text class="gantt-label" x={x + w + 8.0} y={top + 13.0}>{task.title.clone()}</text>
        </g>
    }
    .into_any()
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

/// The movable bar (and which part of it) under a pointer: its ends are the few pixels at
/// either side (the bars carry no grip elements, to keep a thousand of them light).
fn grip_under(ev: &leptos::ev::PointerEvent) -> Option<(TaskId, Grip)> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let bar = target.closest(".gantt-bar[data-movable]").ok()??;
        let id = bar.get_attribute("data-task")?.parse().ok()?;
        let chart: web_sys::Element = ev.current_target()?.dyn_into().ok()?;
        let number = |name: &str| bar.get_attribute(name)?.parse::<f64>().ok();
        let (x, w) = (number("data-x")?, number("data-w")?);
        let at = f64::from(ev.client_x()) - chart.get_bounding_client_rect().left();
        let edge = (w / 4.0).min(7.0);
        let grip = if at - x < edge {
            Grip::Start
        } else if x + w - at < edge {
            Grip::End
        } else {
            Grip::Bar
        };
        Some((id, grip))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// Shows a resize cursor over a bar's ends (the chart's `data-hover`, styled in CSS).
fn hover_cursor(ev: &leptos::ev::PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(chart) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let hover = match grip_under(ev) {
            Some((_, Grip::Start | Grip::End)) => "edge",
            Some((_, Grip::Bar)) => "bar",
            None => "",
        };
        if chart.get_attribute("data-hover").as_deref() != Some(hover) {
            let _ = chart.set_attribute("data-hover", hover);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// The bar that has the keyboard focus.
fn bar_under(ev: &leptos::ev::KeyboardEvent) -> Option<TaskId> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let bar = target.closest(".gantt-bar").ok()??;
        bar.get_attribute("data-task")?.parse().ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// Keeps the pointer's events coming to the chart while it is outside it.
fn capture_pointer(ev: &leptos::ev::PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(chart) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = chart.set_pointer_capture(ev.pointer_id());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Draws a bar as if `grip` were dragged by `days` (0 puts it back).
fn preview(id: TaskId, grip: Grip, days: i64, day_width: f64) {
    #[cfg(feature = "hydrate")]
    {
        let Some(bar) = find_bar(id) else { return };
        let Ok(Some(rect)) = bar.query_selector("rect.bar") else {
            return;
        };
        let number = |name: &str| {
            bar.get_attribute(name)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let (x, w) = (number("data-x"), number("data-w"));
        let dx = days as f64 * day_width;
        let (new_x, new_w, shift) = match grip {
            Grip::Bar => (x, w, dx),
            Grip::Start => {
                let nx = (x + dx).min(x + w);
                (nx, (x + w - nx).max(4.0), 0.0)
            }
            Grip::End => (x, (w + dx).max(4.0), 0.0),
        };
        let _ = rect.set_attribute("x", &new_x.to_string());
        let _ = rect.set_attribute("width", &new_w.to_string());
        if shift == 0.0 {
            let _ = bar.remove_attribute("transform");
        } else {
            let _ = bar.set_attribute("transform", &format!("translate({shift},0)"));
        }
        let _ = bar
            .class_list()
            .toggle_with_force("gantt-moving", days != 0);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, grip, days, day_width);
}

#[cfg(feature = "hydrate")]
fn find_bar(id: TaskId) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(&format!(".gantt-bar[data-task=\"{id}\"]"))
        .ok()?
}

/// Focuses a bar again after a redraw (once the new chart is in the page), if the focus was
/// lost with the old one.
fn focus_bar(id: TaskId) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let lost = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_none_or(|e| e.tag_name() == "BODY");
        if lost
            && let Some(bar) = find_bar(id).and_then(|b| b.dyn_into::<web_sys::SvgElement>().ok())
        {
            let _ = bar.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
