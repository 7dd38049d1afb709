use super::menu::Menu;
use super::topbar::TopBar;
use crate::auth::page_session::page_session;
use crate::auth::types::{Me, Session};
use crate::chat::ui::call::{CallDock, Calls, Phase};
use crate::error::AppError;
use crate::realtime::RealtimeEvent;
use crate::tasks::types::TaskCounters;
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
    /// Unread posts in the feed, shown in the menu.
    pub feed_unread: RwSignal<i64>,
    /// Feed events not yet taken by the open feed page (it drains them).
    pub feed_events: RwSignal<Vec<RealtimeEvent>>,
    /// The caller's task counters (the menu and the task list's sections).
    pub task_counters: RwSignal<TaskCounters>,
    /// Bumped when a task the caller sees changed; open task pages and lists reload.
    pub task_version: RwSignal<u32>,
    /// The task that changed last (a page showing only that task reloads only then).
    pub task_changed: RwSignal<Option<crate::ids::TaskId>>,
    /// Unread messages in all the caller's chats, shown in the menu.
    pub chat_unread: RwSignal<i64>,
    /// Chat and presence events not yet taken by the open chat page (it drains them).
    pub chat_events: RwSignal<Vec<RealtimeEvent>>,
}

/// Events kept for a chat page that is not open (the oldest go first).
const MAX_QUEUED_CHAT_EVENTS: usize = 500;

/// The signed-in user, for every page inside the shell.
pub fn use_me() -> Me {
    expect_context::<Me>()
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
    let live = Live {
        unread: RwSignal::new(me.unread_notifications),
        directory_version: RwSignal::new(0),
        connected: RwSignal::new(false),
        feed_unread: RwSignal::new(me.feed_unread),
        feed_events: RwSignal::new(Vec::new()),
        task_counters: RwSignal::new(me.tasks.clone()),
        task_version: RwSignal::new(0),
        task_changed: RwSignal::new(None),
        chat_unread: RwSignal::new(me.chat_unread),
        chat_events: RwSignal::new(Vec::new()),
    };
    provide_context(live);
    provide_context(me.clone());
    let calls = Calls::new(me.user_id);
    provide_context(calls);
    let menu_open = RwSignal::new(false);
    start_realtime(live, calls, me.user_id);
    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            {view! { <Menu me=me.clone() open=menu_open/> }.into_any()}
            <div class="main-col">
                {view! { <TopBar me=me open_menu=menu_open/> }.into_any()}
                <main class="content" id="content">
                    <Outlet/>
                </main>
            </div>
            <CallDock/>
        </div>
    }
}

/// Opens the tab's realtime connection (in the browser only) and applies incoming events.
fn start_realtime(live: Live, calls: Calls, me: crate::ids::UserId) {
    let apply = move |event: RealtimeEvent| match event {
        RealtimeEvent::Notification { unread, .. } => live.unread.set(unread),
        RealtimeEvent::DirectoryChanged => live.directory_version.update(|v| *v += 1),
        RealtimeEvent::FeedPosted { author_id, .. } => {
            if author_id != me {
                live.feed_unread.update(|n| *n += 1);
            }
            live.feed_events.update(|q| q.push(event));
        }
        RealtimeEvent::FeedChanged { .. } | RealtimeEvent::FeedRemoved { .. } => {
            live.feed_events.update(|q| q.push(event))
        }
        RealtimeEvent::TaskChanged { task_id } | RealtimeEvent::TaskRemoved { task_id } => {
            live.task_changed.set(Some(task_id));
            live.task_version.update(|v| *v += 1);
            refresh_task_counters(live);
        }
        RealtimeEvent::ChatMessage { ref message } => {
            if message.sender.id != me {
                live.chat_unread.update(|n| *n += 1);
            }
            queue_chat_event(live, event);
        }
        RealtimeEvent::ChatRead { user_id, .. } => {
            if user_id == me {
                refresh_chat_unread(live);
            }
            queue_chat_event(live, event);
        }
        RealtimeEvent::ChatChanged { .. } => {
            refresh_chat_unread(live);
            queue_chat_event(live, event);
        }
        RealtimeEvent::ChatMessageChanged { .. }
        | RealtimeEvent::ChatTyping { .. }
        | RealtimeEvent::Presence { .. } => queue_chat_event(live, event),
        RealtimeEvent::ChatCall { .. }
        | RealtimeEvent::CallJoined { .. }
        | RealtimeEvent::CallRefused { .. }
        | RealtimeEvent::CallSignal { .. } => calls.on_event(event),
    };
    // The server takes a tab out of its call when its socket closes.
    Effect::new(move |_| {
        if !live.connected.get() && calls.phase.get_untracked() != Phase::Idle {
            calls.fail("The connection to the server was lost, so you left the call.");
        }
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        crate::realtime::client::connect(apply, live.connected);
        // Away while the tab is hidden; back when it is in front again.
        let listener = window_event_listener(leptos::ev::visibilitychange, |_| {
            let away = crate::realtime::client::tab_hidden();
            crate::realtime::client::send(&crate::realtime::ClientMessage::Presence { away });
        });
        std::mem::forget(listener);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = apply;
}

fn queue_chat_event(live: Live, event: RealtimeEvent) {
    live.chat_events.update(|queue| {
        if queue.len() >= MAX_QUEUED_CHAT_EVENTS {
            queue.remove(0);
        }
        queue.push(event);
    });
}

/// Fetches the caller's unread chat total again (after reading in another tab).
pub fn refresh_chat_unread(live: Live) {
    leptos::task::spawn_local(async move {
        if let Ok(n) = crate::chat::api::chat_unread().await {
            live.chat_unread.set(n);
        }
    });
}

/// Fetches the caller's task counters again (after a task changed, or the caller acted).
pub fn refresh_task_counters(live: Live) {
    leptos::task::spawn_local(async move {
        if let Ok(counters) = crate::tasks::api::my_task_counters().await {
            live.task_counters.set(counters);
        }
    });
}
