use super::menu::TOOLS;
use crate::notifications::api::{mark_notifications_read, notifications};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
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
            .find(|(href, ..)| href.trim_start_matches('/') == slug)
            .map(|(_, label, ..)| *label)
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

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let live = expect_context::<super::layout::Live>();
    let list = Resource::new(move || live.unread.get(), |_| notifications());
    let mark = Action::new(|_: &()| mark_notifications_read());
    Effect::new(move |_| {
        if mark.value().get().is_some_and(|r| r.is_ok()) {
            live.unread.set(0);
        }
    });
    view! {
        <PageHeader title="Notifications">
            <button class="btn" on:click=move |_| { mark.dispatch(()); }>"Mark all as read"</button>
        </PageHeader>
        <section class="card">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) if items.is_empty() => view! {
                            <EmptyState title="No notifications yet" hint="You'll be told here when something needs you."/>
                        }.into_any(),
                        Ok(items) => view! {
                            <ul class="list">
                                {items.into_iter().map(|n| view! {
                                    <li class="list-item" class:unread=!n.read>
                                        <a href=n.link.clone()>{n.title.clone()}</a>
                                        <time class="muted" datetime=n.created_at.to_string()>{crate::dates::utc_date_time(n.created_at)}</time>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
