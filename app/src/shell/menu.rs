use crate::auth::types::{Me, Role};
use crate::registry::TOOLS;
use crate::ui::icons::Icon;
use leptos::prelude::*;
use leptos_router::components::A;

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
                    .filter(|tool| !extranet || tool.built)
                    .map(|tool| {
                        view! {
                            <li>
                                <A href=tool.href exact=true attr:class="nav-link">
                                    <Icon name=tool.icon/>
                                    <span>{tool.label}</span>
                                    {(!tool.built).then(|| view! { <span class="soon">"soon"</span> })}
                                    {tool.counter.map(|counter| counter())}
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

/// A tool's number beside its menu entry: hidden at zero, "99+" past 99; `red` marks
/// something late.
#[component]
pub fn MenuCounter(
    #[prop(into)] count: Signal<i64>,
    /// What is counted, for screen readers ("unread posts").
    noun: &'static str,
    #[prop(optional)] testid: &'static str,
    #[prop(optional, into)] red: Option<Signal<bool>>,
) -> impl IntoView {
    move || {
        let n = count.get();
        (n > 0).then(|| {
            let text = if n >= 100 {
                "99+".to_owned()
            } else {
                n.to_string()
            };
            let label = format!("{text} {noun}");
            let red = red.map(|r| r.get());
            view! {
                <span class="counter" class:counter-red=red == Some(true) class:counter-green=red == Some(false)
                    data-testid=(!testid.is_empty()).then_some(testid) aria-label=label>{text}</span>
            }
        })
    }
}
