use crate::registry::TOOLS;
use crate::ui::{EmptyState, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A tool that is not built yet says so plainly.
#[component]
pub fn ComingSoon() -> impl IntoView {
    let params = use_params_map();
    let tool = move || {
        let slug = params.with(|p| p.get("tool").unwrap_or_default());
        TOOLS
            .iter()
            .find(|tool| tool.href.trim_start_matches('/') == slug)
            .map(|tool| tool.label)
    };
    move || {
        match tool() {
        Some(label) => view! {
            <PageHeader title=label/>
            <section class="card">
                <EmptyState title=format!("{label} is coming soon")
                    hint="This tool is being built. Your data will be here from day one — nothing to set up.">
                    <a class="btn" href="/">"Back to the feed"</a>
                </EmptyState>
            </section>
        }
        .into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="centered">
            <div class="card narrow">
                <EmptyState title="Page not found" hint="The address may be mistyped, or the page was moved.">
                    <a class="btn btn-primary" href="/">"Go to the start page"</a>
                </EmptyState>
            </div>
        </main>
    }
}
