use crate::auth::types::{Me, Role};
use crate::ui::icons::Icon;
use leptos::prelude::*;
use leptos_router::components::A;

/// Every tool of the product; those not built yet lead to an honest "coming" page.
pub const TOOLS: &[(&str, &str, &str, bool)] = &[
    ("/", "Feed", "feed", true),
    ("/tasks", "Tasks", "tasks", true),
    ("/chat", "Chat", "chat", true),
    ("/crm", "CRM", "crm", false),
    ("/calendar", "Calendar", "calendar", false),
    ("/drive", "Drive", "drive", false),
    ("/groups", "Groups", "people", true),
    ("/people", "Company", "company", true),
    ("/reports", "Reports", "reports", false),
];

#[component]
pub fn Menu(me: Me, open: RwSignal<bool>) -> impl IntoView {
    let is_admin = me.is_admin();
    let extranet = me.role == Role::Extranet;
    let logo = me.portal_logo.clone();
    view! {
        <nav class="sidebar" aria-label="Main menu">
            <a class="brand" href="/">
                {match logo {
                    Some(url) => view! { <img class="brand-logo" src=url alt=""/> }.into_any(),
                    None => view! { <span class="brand-mark" aria-hidden="true">"A"</span> }.into_any(),
                }}
                <span class="brand-name">{me.portal_name.clone()}</span>
            </a>
            <ul class="nav" on:click=move |_| open.set(false)>
                {TOOLS
                    .iter()
                    .filter(|(_, _, _, built)| !extranet || *built)
                    .map(|(href, label, icon, built)| {
                        view! {
                            <li>
                                <A href=*href exact=true attr:class="nav-link">
                                    <Icon name=icon/>
                                    <span>{*label}</span>
                                    {(!built).then(|| view! { <span class="soon">"soon"</span> })}
                                    {(*href == "/").then(|| view! { <FeedCounter/> })}
                                    {(*href == "/tasks").then(|| view! { <TaskCounter/> })}
                                    {(*href == "/chat").then(|| view! { <ChatCounter/> })}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {is_admin.then(|| view! {
                <div class="nav-section">"Administration"</div>
                <ul class="nav" on:click=move |_| open.set(false)>
                    <li><A href="/admin/people" attr:class="nav-link"><Icon name="invite"/><span>"Invite people"</span></A></li>
                    <li><A href="/company/departments" attr:class="nav-link"><Icon name="company"/><span>"Departments"</span></A></li>
                    <li><A href="/admin/settings" attr:class="nav-link"><Icon name="settings"/><span>"Portal settings"</span></A></li>
                </ul>
            })}
        </nav>
        <div class="scrim" on:click=move |_| open.set(false)></div>
    }
}

/// Unread posts next to "Feed", live.
#[component]
fn FeedCounter() -> impl IntoView {
    let live = expect_context::<super::layout::Live>();
    move || {
        let n = live.feed_unread.get();
        (n > 0).then(|| {
            let text = if n >= 100 {
                "99+".to_owned()
            } else {
                n.to_string()
            };
            let label = format!("{text} unread posts");
            view! { <span class="counter" aria-label=label>{text}</span> }
        })
    }
}

/// Unread chat messages next to "Chat", live.
#[component]
fn ChatCounter() -> impl IntoView {
    let live = expect_context::<super::layout::Live>();
    move || {
        let n = live.chat_unread.get();
        (n > 0).then(|| {
            let text = if n >= 100 {
                "99+".to_owned()
            } else {
                n.to_string()
            };
            let label = format!("{text} unread messages");
            view! { <span class="counter" data-testid="chat-counter" aria-label=label>{text}</span> }
        })
    }
}

/// Tasks needing attention next to "Tasks", live: red when something is overdue.
#[component]
fn TaskCounter() -> impl IntoView {
    let live = expect_context::<super::layout::Live>();
    move || {
        let counters = live.task_counters.get();
        let n = counters.attention();
        (n > 0).then(|| {
            let text = if n >= 100 {
                "99+".to_owned()
            } else {
                n.to_string()
            };
            let label = format!("{text} tasks need attention");
            view! {
                <span class="counter" class:counter-red=counters.any_overdue() class:counter-green=!counters.any_overdue()
                    data-testid="tasks-counter" aria-label=label>{text}</span>
            }
        })
    }
}
