//! The chart's date scale: two bands (months over days, or years over months), the vertical
//! grid lines under them, and the weekends.

use super::SCALE;
use crate::dates::{civil, month_name};
use crate::tasks::gantt::{DAY_MS, Zoom};
use leptos::prelude::*;

/// One tick of the date scale: where, and the label under it (if any).
pub(super) struct Tick {
    pub x: f64,
    pub label: Option<String>,
    pub today: bool,
}

/// The scale's bands, the grid lines, and where each weekend begins.
pub(super) struct Scale {
    pub upper: Vec<(f64, String)>,
    pub lower: Vec<Tick>,
    pub weekends: Vec<f64>,
}

/// The scale from `first` to `last`, days of the viewer's wall clock (as `now` is).
pub(super) fn scale(first: i64, last: i64, zoom: Zoom, now: i64) -> Scale {
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

/// The scale over the chart, `width` wide, with today's dot at `today_x`.
pub(super) fn scale_view(scale: &Scale, zoom: Zoom, width: f64, today_x: f64) -> AnyView {
    let day_width = zoom.day_width();
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
        <svg class="gantt-scale" width=width height=SCALE aria-hidden="true">
            {upper}
            <line class="gantt-scale-line" x1="0" x2=width y1="22" y2="22"/>
            {lower}
            <circle class="gantt-today-dot" cx=today_x cy={SCALE - 3.0} r="3"/>
        </svg>
    }
    .into_any()
}
