use super::menu::Menu;
use super::topbar::TopBar;
use crate::auth::page_session::page_session;
use crate::auth::types::{Me, Session};
use crate::error::AppError;
use crate::realtime::Connected;
use crate::ui::ErrorBox;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

/// The signed-in user, for every page inside the shell.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// The zone the signed-in user's dates are shown and read in (UTC outside the shell).
pub fn use_zone() -> crate::dates::Zone {
    use_context::<Me>().map(|me| me.zone).unwrap_or_default()
}

/// Every signed-in page: menu, top bar, and the page itself. Visitors are sent to sign in;
/// a bare domain without any portal is sent to sign-up.
///
/// The session comes with the page (`page_session`), not from a resource: the shell renders
/// in one synchronous pass, so server and browser agree on every hydration marker inside it.
#[component]
pub fn Layout() -> impl IntoView {
    match page_session() {
        Some(Session { me: Some(me), .. }) => view! { <SignedIn me/> }.into_any(),
        Some(Session {
            portal_exists: false,
            ..
        }) => view! { <Redirect path="/signup"/> }.into_any(),
        Some(_) => view! { <Redirect path="/login"/> }.into_any(),
        None => {
            view! { <main class="centered"><ErrorBox error=AppError::Internal/></main> }.into_any()
        }
    }
}

#[component]
fn SignedIn(me: Me) -> impl IntoView {
    let connected = Connected(RwSignal::new(false));
    provide_context(connected);
    provide_context(me.clone());
    crate::ui::page::Clock::start();
    // Each tool's counters and subscriptions, before anything on the page subscribes.
    crate::registry::start_live(&me);
    let menu_open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        crate::realtime::client::connect(crate::registry::socket_opened, connected.0)
    });
    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            {view! { <Menu me=me.clone() open=menu_open/> }.into_any()}
            <div class="main-col">
                {view! { <TopBar me=me open_menu=menu_open/> }.into_any()}
                <main class="content" id="content">
                    <Outlet/>
                </main>
            </div>
            {crate::registry::overlays()}
        </div>
    }
}
