use super::menu::Menu;
use super::topbar::TopBar;
use crate::auth::api::current_session;
use crate::auth::types::{Me, Session};
use crate::realtime::RealtimeEvent;
use crate::ui::ErrorBox;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

/// Live state shared by the shell's pieces, fed by the realtime connection.
#[derive(Clone, Copy)]
pub struct Live {
    pub unread: RwSignal<i64>,
    /// Bumped when the directory changed, so open lists reload.
    pub directory_version: RwSignal<u32>,
    pub connected: RwSignal<bool>,
}

/// The signed-in user, for every page inside the shell.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// Every signed-in page: menu, top bar, and the page itself. Visitors are sent to sign in;
/// a bare domain without any portal is sent to sign-up.
#[component]
pub fn Layout() -> impl IntoView {
    let current = Resource::new_blocking(|| (), |_| current_session());
    view! {
        <Suspense fallback=|| view! { <div class="boot">"Loading…"</div> }>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(Session { me: Some(me), .. }) => view! { <SignedIn me/> }.into_any(),
                    Ok(Session { portal_exists: false, .. }) => view! { <Redirect path="/signup"/> }.into_any(),
                    Ok(_) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <main class="centered"><ErrorBox error/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignedIn(me: Me) -> impl IntoView {
    let live = Live {
        unread: RwSignal::new(me.unread_notifications),
        directory_version: RwSignal::new(0),
        connected: RwSignal::new(false),
    };
    provide_context(live);
    provide_context(me.clone());
    let menu_open = RwSignal::new(false);
    start_realtime(live);
    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            {view! { <Menu me=me.clone() open=menu_open/> }.into_any()}
            <div class="main-col">
                {view! { <TopBar me=me open_menu=menu_open/> }.into_any()}
                <main class="content" id="content">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

/// Opens the tab's realtime connection (in the browser only) and applies incoming events.
fn start_realtime(live: Live) {
    let apply = move |event: RealtimeEvent| match event {
        RealtimeEvent::Notification { unread, .. } => live.unread.set(unread),
        RealtimeEvent::DirectoryChanged => live.directory_version.update(|v| *v += 1),
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| crate::realtime::client::connect(apply, live.connected));
    #[cfg(not(feature = "hydrate"))]
    let _ = apply;
}
