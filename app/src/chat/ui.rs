//! The messenger's pages: the chat list beside the open conversation (`/chat`, `/chat/:id`),
//! a new group chat (`/chat/new`), and the buttons that open a chat from elsewhere.

pub mod call;
mod composer;
mod conversation;
mod list;
pub mod live;
mod members;
mod message;
mod new_chat;
mod open;
mod page;

pub use new_chat::NewChatPage;
pub use open::{ChatWith, OpenChatButton};
pub use page::ChatPage;

use crate::chat::types::{Presence, PresenceStatus};

/// "Online", "Away", "Last seen 5 min ago".
pub fn presence_label(presence: Presence) -> String {
    match presence.status {
        PresenceStatus::Online => "Online".into(),
        PresenceStatus::Away => "Away".into(),
        PresenceStatus::Offline if presence.last_seen_at > 0 => format!(
            "Last seen {}",
            crate::ui::page::time_ago(presence.last_seen_at)
        ),
        PresenceStatus::Offline => "Offline".into(),
    }
}

pub fn presence_class(presence: Presence) -> &'static str {
    match presence.status {
        PresenceStatus::Online => "presence presence-online",
        PresenceStatus::Away => "presence presence-away",
        PresenceStatus::Offline => "presence presence-offline",
    }
}

/// A fresh idempotency key for a message being sent.
pub fn new_client_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let random = (js_sys::Math::random() * 1e15) as u64;
        format!("{:x}-{random:x}", js_sys::Date::now() as u64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        format!("{:x}", crate::ui::page::now_ms())
    }
}

/// The messenger's pages, under the signed-in layout (listed in `registry::ToolRoutes`).
#[leptos::component(transparent)]
pub fn ChatRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    leptos::view! {
        <Route path=path!("/chat/new") view=NewChatPage/>
        <Route path=path!("/chat/:id?") view=ChatPage/>
    }
    .into_inner()
}
