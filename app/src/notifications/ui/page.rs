//! `/notifications`: every notification, newest first.

use super::live::BellLive;
use crate::notifications::api::{mark_notifications_read, notifications};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let live = expect_context::<BellLive>();
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
                                        <time class="muted" datetime=n.created_at.to_string()>{crate::dates::date_time(n.created_at, &crate::shell::layout::use_zone())}</time>
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
