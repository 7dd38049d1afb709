use leptos::prelude::*;
use leptos_meta::Title;

/// The title row of a page, with optional actions on the right.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into, optional)] subtitle: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=title.clone()/>
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                {subtitle.map(|s| view! { <p class="muted">{s}</p> })}
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </header>
    }
}

/// The current time in unix milliseconds, on the server or in the browser.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default()
    }
}

/// The time, for marks that change with it (an overdue deadline turns red at its minute,
/// without a reload). The shell keeps one for the page; in the browser it ticks every ten
/// seconds. The server's render and the browser's first pass read the same moment.
#[derive(Clone, Copy)]
pub struct Clock(pub RwSignal<i64>);

impl Clock {
    /// Starts the page's clock (the shell does, once).
    pub fn start() -> Self {
        let clock = Clock(RwSignal::new(now_ms()));
        provide_context(clock);
        #[cfg(feature = "hydrate")]
        {
            let tick = set_interval_with_handle(
                move || clock.0.set(now_ms()),
                std::time::Duration::from_secs(10),
            );
            if let Ok(tick) = tick {
                on_cleanup(move || tick.clear());
            }
        }
        clock
    }
}

/// The page's clock (a still one outside the shell).
pub fn use_clock() -> Signal<i64> {
    match use_context::<Clock>() {
        Some(clock) => clock.0.into(),
        None => Signal::stored(now_ms()),
    }
}

/// "just now", "5 min ago", "3 h ago", "2 d ago", then the date (in the viewer's zone).
pub fn time_ago(ms: i64) -> String {
    let seconds = (now_ms() - ms).max(0) / 1000;
    match seconds {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        86_400..604_800 => format!("{} d ago", seconds / 86_400),
        _ => crate::dates::date_input(ms, &crate::shell::layout::use_zone()),
    }
}
