//! `/groups`: the groups the reader belongs to, the open ones they could join, and a new one.

use super::GroupBadges;
use crate::groups::api::{create_group, groups};
use crate::groups::types::{GroupForm, GroupSummary};
use crate::shell::layout::use_me;
use crate::ui::mutation::mutation;
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let me = use_me();
    let can_create = me.role != crate::auth::types::Role::Extranet;
    let list = Resource::new(|| (), |_| groups(false));
    view! {
        <PageHeader title="Groups and projects" subtitle="Teams that work together. Open groups are visible to everyone in the company; closed ones only to their members."/>
        <div class=if can_create { "grid-2 groups-layout" } else { "groups-layout" }>
            <div>
                <Transition fallback=|| view! { <p class="muted">"Loading groups…"</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(all) => view! { <GroupLists all/> }.into_any(),
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            {can_create.then(|| view! { <NewGroup/> })}
        </div>
    }
}

#[component]
fn GroupLists(all: Vec<GroupSummary>) -> impl IntoView {
    let (mine, others): (Vec<_>, Vec<_>) = all.into_iter().partition(|g| g.my_role.is_some());
    let has_others = !others.is_empty();
    view! {
        <section class="card">
            <h2>"Your groups"</h2>
            {if mine.is_empty() {
                view! { <EmptyState title="You're not in any group yet" hint="Create one for your team or project, or join an open group below."/> }.into_any()
            } else {
                view! { <GroupCards groups=mine/> }.into_any()
            }}
        </section>
        {has_others.then(|| view! {
            <section class="card">
                <h2>"Other groups you can see"</h2>
                <GroupCards groups=others/>
            </section>
        })}
    }
}

#[component]
fn GroupCards(groups: Vec<GroupSummary>) -> impl IntoView {
    view! {
        <ul class="group-list">
            {groups.into_iter().map(|g| {
                let href = format!("/groups/{}", g.id);
                let description = g.description.clone();
                let name = g.name.clone();
                view! {
                    <li class="group-item">
                        <a class="group-name" href=href>{name}</a>
                        {(!description.is_empty()).then(|| view! { <p class="muted small clamp-2">{description}</p> })}
                        <GroupBadges group=g/>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The form for a new group; the creator becomes its owner and lands on its page.
#[component]
fn NewGroup() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let is_project = RwSignal::new(true);
    let closed = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let created = mutation(
        move |form: GroupForm| create_group(form, Vec::new()),
        move |id| navigate(&format!("/groups/{id}"), Default::default()),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.run(super::form_of(name, description, is_project, closed));
    };
    view! {
        <section class="card">
            <h2>"New group"</h2>
            <form class="form" on:submit=submit>
                <label>"Name"
                    <input type="text" required maxlength="100" placeholder="e.g. Website relaunch"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label>"What it is for"
                    <textarea rows="3" maxlength="2000" placeholder="A sentence or two for people deciding whether to join"
                        prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=is_project on:change=move |ev| is_project.set(event_target_checked(&ev))/>
                    "It's a project (with a time line for its tasks)"
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=closed on:change=move |ev| closed.set(event_target_checked(&ev))/>
                    "Closed: only members see it"
                </label>
                {move || created.error.get().map(|error| view! { <ErrorBox error/> })}
                <button class="btn btn-primary" type="submit" disabled=move || created.pending.get()>"Create group"</button>
            </form>
        </section>
    }
}
