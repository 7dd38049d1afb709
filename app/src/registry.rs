//! Every tool, one line per concern. Shared code (`ssr/`, the shell, realtime) never names a
//! tool; the places that need all of them ask here. A new tool adds its line to each list it
//! takes part in (docs/ARCHITECTURE.md).

use crate::auth::types::Me;
use crate::auth::ui::AuthRoutes;
use crate::chat::ui::ChatRoutes;
use crate::feed::ui::FeedRoutes;
use crate::groups::ui::GroupRoutes;
use crate::hr::ui::HrRoutes;
use crate::jobs::ui::JobRoutes;
use crate::notifications::ui::NotificationRoutes;
use crate::portal::ui::{PortalRoutes, SignupRoutes};
use crate::tasks::ui::TaskRoutes;
use leptos::prelude::*;

/// An entry of the main menu.
pub struct Tool {
    pub href: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
    /// False for a tool not built yet: the menu says "soon" and the page says it is coming.
    pub built: bool,
    /// The tool's live number beside its entry.
    pub counter: Option<fn() -> AnyView>,
}

const fn tool(href: &'static str, label: &'static str, icon: &'static str) -> Tool {
    Tool {
        href,
        label,
        icon,
        built: true,
        counter: None,
    }
}

const fn coming(href: &'static str, label: &'static str, icon: &'static str) -> Tool {
    Tool {
        built: false,
        ..tool(href, label, icon)
    }
}

/// The main menu, in order.
pub const TOOLS: &[Tool] = &[
    Tool {
        counter: Some(crate::feed::ui::live::counter),
        ..tool("/", "Feed", "feed")
    },
    Tool {
        counter: Some(crate::tasks::ui::live::counter),
        ..tool("/tasks", "Tasks", "tasks")
    },
    Tool {
        counter: Some(crate::chat::ui::live::counter),
        ..tool("/chat", "Chat", "chat")
    },
    coming("/crm", "CRM", "crm"),
    coming("/calendar", "Calendar", "calendar"),
    coming("/drive", "Drive", "drive"),
    tool("/groups", "Groups", "people"),
    tool("/people", "Company", "company"),
    coming("/reports", "Reports", "reports"),
];

/// The pages every tool serves inside the signed-in layout (the shell adds the rest).
#[component(transparent)]
pub fn ToolRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <FeedRoutes/>
        <HrRoutes/>
        <PortalRoutes/>
        <NotificationRoutes/>
        <JobRoutes/>
        <GroupRoutes/>
        <TaskRoutes/>
        <ChatRoutes/>
    }
    .into_inner()
}

/// The pages outside the signed-in layout: signing up and in.
#[component(transparent)]
pub fn PublicRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <SignupRoutes/>
        <AuthRoutes/>
    }
    .into_inner()
}

/// Sets up each tool's live state for the signed-in shell, once per tab: its counters from
/// the page (`me.counters`) and its subscriptions to its own events.
pub fn start_live(me: &Me) {
    crate::notifications::ui::live::start(me);
    crate::feed::ui::live::start(me);
    crate::tasks::ui::live::start(me);
    crate::chat::ui::live::start(me);
    crate::jobs::ui::start(me);
}

/// What tools show in the top bar, before the profile menu.
pub fn top_bar() -> impl IntoView {
    view! { <crate::notifications::ui::Bell/> }
}

/// What tools show over every page (the call in progress).
pub fn overlays() -> impl IntoView {
    view! { <crate::chat::ui::call::CallDock/> }
}

/// Runs each time the tab's socket (re)connects.
pub fn socket_opened() {
    crate::chat::ui::live::socket_opened();
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use crate::counters::CounterSource;
    use crate::files::ssr::FileKind;
    use crate::ssr::socket::SocketTool;
    use crate::ssr::workers::Worker;

    /// The background workers of every tool (the platform's own are started by `server`).
    pub fn workers() -> Vec<Worker> {
        [crate::tasks::ssr::WORKERS, crate::chat::ssr::WORKERS].concat()
    }

    /// The counters each page brings for the shell (`Me::counters`).
    pub fn counters() -> &'static [CounterSource] {
        &[
            crate::notifications::ssr::COUNTER,
            crate::feed::ssr::COUNTER,
            crate::tasks::ssr::COUNTER,
            crate::chat::ssr::COUNTER,
        ]
    }

    /// Who owns files, and who may read them (a download asks its owner's kind).
    pub fn file_kinds() -> &'static [FileKind] {
        &[
            crate::feed::ssr::attachments::FILE_KIND,
            crate::tasks::ssr::files::FILE_KIND,
            crate::chat::ssr::files::FILE_KIND,
            crate::hr::ssr::PHOTO_FILES,
            crate::portal::ssr::LOGO_FILES,
        ]
    }

    /// The kinds of background job every tool runs (`jobs`).
    pub fn job_kinds() -> &'static [crate::jobs::ssr::JobKind] {
        &[
            crate::tasks::ssr::export::JOB_KIND,
            crate::hr::ssr::export::JOB_KIND,
        ]
    }

    /// The tools that hear tabs' messages on their sockets.
    pub fn socket_tools() -> &'static [SocketTool] {
        &[crate::chat::ssr::socket::SOCKET]
    }
}
