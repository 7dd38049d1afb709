//! The messenger's live state for the whole tab: the unread total in the menu, calls (ringing
//! and the call window follow the user between pages), and presence (away while the tab is
//! hidden).

use super::call::{Calls, Phase};
use crate::auth::types::Me;
use crate::chat::types::{COUNTER, ChatEvent};
use crate::realtime::{use_connected, use_live};
use crate::shell::menu::MenuCounter;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct ChatLive {
    /// Unread messages in all the caller's chats.
    pub unread: RwSignal<i64>,
}

pub fn start(me: &Me) {
    let live = ChatLive {
        unread: RwSignal::new(me.counters.get::<i64>(COUNTER)),
    };
    provide_context(live);
    let calls = Calls::new(me.user_id);
    provide_context(calls);
    let me = me.user_id;
    use_live(move |event: ChatEvent| match event {
        ChatEvent::ChatMessage { message } if message.sender.id != me => {
            live.unread.update(|n| *n += 1)
        }
        ChatEvent::ChatRead { user_id, .. } if user_id == me => refresh_unread(live),
        ChatEvent::ChatChanged { .. } => refresh_unread(live),
        event @ (ChatEvent::ChatCall { .. }
        | ChatEvent::CallJoined { .. }
        | ChatEvent::CallRefused { .. }
        | ChatEvent::CallSignal { .. }) => calls.on_event(event),
        _ => {}
    });
    // The server takes a tab out of its call when its socket closes.
    let connected = use_connected();
    Effect::new(move |_| {
        if !connected.get() && calls.phase.get_untracked() != Phase::Idle {
            calls.fail("The connection to the server was lost, so you left the call.");
        }
    });
    // Away while the tab is hidden; back when it is in front again.
    #[cfg(feature = "hydrate")]
    {
        let listener = window_event_listener(leptos::ev::visibilitychange, |_| {
            let away = crate::realtime::client::tab_hidden();
            crate::realtime::client::send(&crate::chat::types::ChatClientMessage::Presence {
                away,
            });
        });
        on_cleanup(move || listener.remove());
    }
}

/// At each (re)connection: a tab opened in the background is away from the start.
pub fn socket_opened() {
    #[cfg(feature = "hydrate")]
    if crate::realtime::client::tab_hidden() {
        crate::realtime::client::send(&crate::chat::types::ChatClientMessage::Presence {
            away: true,
        });
    }
}

/// Fetches the caller's unread total again (after reading in another tab).
pub fn refresh_unread(live: ChatLive) {
    leptos::task::spawn_local(async move {
        if let Ok(n) = crate::chat::api::chat_unread().await {
            live.unread.set(n);
        }
    });
}

/// The menu's number: unread messages.
pub fn counter() -> AnyView {
    let live = expect_context::<ChatLive>();
    view! { <MenuCounter count=live.unread noun="unread messages" testid="chat-counter"/> }
        .into_any()
}
