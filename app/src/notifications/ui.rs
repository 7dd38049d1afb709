//! The bell in the top bar and the notifications page.

pub mod live;
mod page;

pub use page::NotificationsPage;

use super::api::{mark_notifications_read, notifications};
use crate::ui::icons::Icon;
use leptos::prelude::*;
use live::BellLive;

/// The bell in the top bar: unread count (live), and the latest notifications on click.
#[component]
pub fn Bell() -> impl IntoView {
    let live = expect_context::<BellLive>();
    let open = RwSignal::new(false);
    let list = Resource::new(
        move || (open.get(), live.unread.get()),
        |(open, _)| async move {
            if open {
                notifications().await.ok()
            } else {
                None
            }
        },
    );
    let mark = Action::new(|_: &()| mark_notifications_read());
    Effect::new(move |_| {
        if mark.value().get().is_some_and(|r| r.is_ok()) {
            live.unread.set(0);
        }
    });
    view! {
        <div class="bell">
            <button class="icon-btn" data-testid="bell" aria-label=move || format!("Notifications, {} unread", live.unread.get())
                on:click=move |_| open.update(|o| *o = !*o)>
                <Icon name="bell"/>
                <span class="badge" data-testid="bell-count" class:hidden=move || live.unread.get() == 0>
                    {move || live.unread.get().to_string()}
                </span>
            </button>
            <div class="dropdown dropdown-wide" class:open=move || open.get()>
                <div class="dropdown-head row between">
                    <strong>"Notifications"</strong>
                    <button class="link-btn" on:click=move |_| { mark.dispatch(()); }>"Mark all read"</button>
                </div>
                <Transition fallback=|| ()>
                    {move || list.get().flatten().map(|items| {
                        if items.is_empty() {
                            view! { <p class="muted pad">"Nothing yet."</p> }.into_any()
                        } else {
                            items.into_iter().take(8).map(|n| view! {
                                <a class="notice" class:unread=!n.read href=n.link.clone()
                                    on:click=move |_| open.set(false)>{n.title.clone()}</a>
                            }).collect_view().into_any()
                        }
                    })}
                </Transition>
                <a class="dropdown-foot" href="/notifications" on:click=move |_| open.set(false)>"All notifications"</a>
            </div>
        </div>
    }
}

/// The notifications page, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn NotificationRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/notifications") view=NotificationsPage/>
    }
    .into_inner()
}
