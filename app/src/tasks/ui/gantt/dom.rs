//! The chart's glue to the page: which bar (and which part of it) is under the pointer or
//! has the focus, and drawing a bar where a drag would take it, by changing that bar's own
//! SVG attributes (no re-render while the pointer moves).

use crate::ids::TaskId;
use crate::tasks::gantt::Grip;
#[cfg(feature = "hydrate")]
use leptos::prelude::request_animation_frame;

/// The movable bar (and which part of it) under a pointer: its ends are the few pixels at
/// either side (the bars carry no grip elements, to keep a thousand of them light).
pub(super) fn grip_under(ev: &leptos::ev::PointerEvent) -> Option<(TaskId, Grip)> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let bar = target.closest(".gantt-bar[data-movable]").ok()??;
        let id = bar.get_attribute("data-task")?.parse().ok()?;
        let chart = bar.closest("svg.gantt-bars").ok()??;
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

/// Shows a resize cursor over a bar's ends (the scroller's `data-hover`, styled in CSS).
pub(super) fn hover_cursor(ev: &leptos::ev::PointerEvent) {
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
pub(super) fn bar_under(ev: &leptos::ev::KeyboardEvent) -> Option<TaskId> {
    #[cfg(feature = "hydrate")]
    {
        bar_of(ev.target())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The bar the focus moved into (a focus event inside the chart).
pub(super) fn focused_bar(ev: &leptos::ev::FocusEvent) -> Option<TaskId> {
    #[cfg(feature = "hydrate")]
    {
        bar_of(ev.target())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The bar an event happened in (its target, or an element inside the bar).
#[cfg(feature = "hydrate")]
fn bar_of(target: Option<web_sys::EventTarget>) -> Option<TaskId> {
    use wasm_bindgen::JsCast;
    let target: web_sys::Element = target?.dyn_into().ok()?;
    let bar = target.closest(".gantt-bar").ok()??;
    bar.get_attribute("data-task")?.parse().ok()
}

/// Whether the focus left for another element, rather than being lost with a node the chart
/// redrew (then it goes nowhere).
pub(super) fn focus_went_elsewhere(ev: &leptos::ev::FocusEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        ev.related_target().is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// Keeps the pointer's events coming to the chart's scroller while it is outside it.
pub(super) fn capture_pointer(ev: &leptos::ev::PointerEvent) {
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
pub(super) fn preview(id: TaskId, grip: Grip, days: i64, day_width: f64) {
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
/// lost with the old one; the view follows it there.
pub(super) fn focus_bar(id: TaskId) {
    refocus(id, false);
}

/// Gives the focus back to a bar whose node a new window replaced, where it is: the view stays
/// where the person scrolled it.
pub(super) fn keep_focus(id: TaskId) {
    refocus(id, true);
}

fn refocus(id: TaskId, stay: bool) {
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
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(stay);
            let _ = bar.focus_with_options(&options);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, stay);
}
