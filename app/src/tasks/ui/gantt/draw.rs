//! Drawing the chart: the scale, then the names column and the SVG of bars and arrows, each
//! as tall as the whole chart, with the window's rows in their places. Rows, bars and arrows
//! are keyed by everything they show, so a new window adds and removes only what differs.

use super::scale::{scale, scale_view};
use super::window::Rows;
use super::{BAR, ROW};
use crate::dates::{Zone, date_input, short_date};
use crate::tasks::gantt::{
    DAY_MS, GanttLink, GanttRow, GanttTask, LinkEnd, Side, Zoom, link_path, link_sides,
};
use leptos::prelude::*;

/// The chart: drawn anew when its scale changes (another zoom, or a bar moved past its
/// dates); otherwise only the rows, bars and arrows that differ from the last window change.
pub(super) fn canvas(rows: Rows, zoom: Memo<Zoom>, now: i64) -> impl IntoView {
    // The days drawn are the viewer's: everything is placed by its wall clock time.
    let zone = StoredValue::new(crate::shell::layout::use_zone());
    let geometry = Memo::new(move |_| (zoom.get(), rows.window.with(|w| w.range)));
    let height = Memo::new(move |_| rows.window.with(|w| w.total_rows) as f64 * ROW);
    move || {
        let (zoom, (first, last)) = geometry.get();
        let day_width = zoom.day_width();
        let width = ((last - first) / DAY_MS) as f64 * day_width;
        let x_of = move |ms: i64| {
            (zone.with_value(|z| z.wall(ms)) - first) as f64 / DAY_MS as f64 * day_width
        };
        let today_x = x_of(now);
        let scale = scale(first, last, zoom, zone.with_value(|z| z.wall(now)));
        let weekends = (zoom != Zoom::Month).then(|| {
            scale
                .weekends
                .iter()
                .map(|x| view! { <rect class="gantt-weekend" x=*x y="0" width={2.0 * day_width} height=height/> })
                .collect_view()
        });
        let lines = scale
            .lower
            .iter()
            .map(|t| view! { <line class="gantt-line" x1=t.x x2=t.x y1="0" y2=height/> })
            .collect_view();
        let shown = move || rows.window.with(|w| w.rows.clone());
        view! {
            <div class="gantt-canvas" style=format!("width:{}px", width + 300.0)>
                <div class="gantt-head">
                    <div class="gantt-corner">"Task"<span class="muted">"Responsible"</span></div>
                    {scale_view(&scale, zoom, width, today_x)}
                </div>
                <div class="gantt-body">
                    <div class="gantt-names" style:height=move || format!("{}px", height.get())>
                        <For each=shown key=|row: &GanttRow| row.clone() let:row>
                            {name(&row, rows)}
                        </For>
                    </div>
                    <svg class="gantt-bars" width=width height=height role="group" aria-label="Task bars">
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
                        <g class="gantt-links">
                            <For each=move || rows.window.with(|w| w.links.clone()) key=|link: &GanttLink| *link let:link>
                                {arrow(&link, x_of)}
                            </For>
                        </g>
                        <g>
                            <For each=shown key=|row: &GanttRow| row.clone() let:row>
                                {zone.with_value(|z| bar(&row.task, row.row, now, z, x_of))}
                            </For>
                        </g>
                    </svg>
                </div>
            </div>
        }
    }
}

/// A row of the names column: the fold button, the title (a link to the task) and the
/// responsible person.
fn name(row: &GanttRow, rows: Rows) -> AnyView {
    let id = row.task.id;
    let open = move || !rows.folded.with(|f| f.contains(&id));
    let toggle = row.has_children.then(|| {
        view! {
            <button type="button" class="gantt-fold" aria-expanded=move || open().to_string()
                aria-label=move || if open() { "Fold the subtasks" } else { "Show the subtasks" }
                on:click=move |_| rows.fold(id)>
                {move || if open() { "▾" } else { "▸" }}
            </button>
        }
    });
    let style = format!(
        "top:{}px;padding-left:{}px",
        f64::from(row.row) * ROW,
        8 + row.depth * 18
    );
    view! {
        <div class="gantt-name" style=style>
            {toggle}
            <a href=format!("/tasks/{id}") class="gantt-title" class:gantt-parent=row.has_children>{row.task.title.clone()}</a>
            <span class="gantt-who">{row.task.responsible.clone()}</span>
        </div>
    }
    .into_any()
}

/// A dependency's arrow, between the rows of its ends (either may be out of the window).
fn arrow(link: &GanttLink, x_of: impl Fn(i64) -> f64) -> AnyView {
    let (out, into) = link_sides(link.kind);
    let side_x = |end: &LinkEnd, side| match side {
        Side::Left => x_of(end.start),
        Side::Right => x_of(end.start)
            .max(x_of(end.end))
            .max(x_of(end.start) + 4.0),
    };
    let mid = |end: &LinkEnd| f64::from(end.row) * ROW + ROW / 2.0;
    let (from, to) = (&link.predecessor, &link.successor);
    let d = link_path(
        side_x(from, out),
        mid(from),
        out,
        side_x(to, into),
        mid(to),
        into,
    );
    view! {
        <path class="gantt-link" d=d marker-end="url(#gantt-arrow)"
            data-from=from.task.to_string() data-to=to.task.to_string()/>
    }
    .into_any()
}

/// One task's bar on row `row`, its deadline mark, and its title.
fn bar(task: &GanttTask, row: u32, now: i64, zone: &Zone, x_of: impl Fn(i64) -> f64) -> AnyView {
    let y = f64::from(row) * ROW;
    let (start, end) = task.span();
    let state = task.state(now);
    // A tenth of a pixel is precise enough, and keeps the markup short.
    let tenth = |v: f64| (v * 10.0).round() / 10.0;
    let x = tenth(x_of(start));
    let w = tenth((x_of(end) - x).max(4.0));
    let top = y + (ROW - BAR) / 2.0;
    let label = format!(
        "{}: {} – {}, {}{}",
        task.title,
        short_date(start, now, zone),
        short_date(end, now, zone),
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
                    <title>{format!("Deadline {}", short_date(d, now, zone))}</title>
                </path>
            }
        });
    view! {
        <g class=format!("gantt-bar {}", state.class()) data-task=task.id.to_string() data-row=row
            data-start=date_input(start, zone) data-end=date_input(end, zone) data-x=x data-w=w
            data-movable=task.movable.then_some("true") tabindex="0" role="button"
            aria-label=label aria-describedby="gantt-help">
            <rect class="bar" x=x y=top width=w height=BAR rx="4"/>
            {deadline}
            <text class="gantt-label" x={x + w + 8.0} y={top + 13.0}>{task.title.clone()}</text>
        </g>
    }
    .into_any()
}
