//! Pages of workgroups: the list with a form for a new group, and one group with its members;
//! the picker other tools choose a group with.

mod list;
mod page;
mod picker;

pub use list::GroupsPage;
pub use page::GroupPage;
pub use picker::GroupPicker;

use super::types::{GroupForm, GroupRole, GroupSummary, Visibility};
use leptos::prelude::*;

/// "Project · Closed · 4 members · you: owner", as small badges.
#[component]
fn GroupBadges(group: GroupSummary) -> impl IntoView {
    let members = match group.member_count {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    };
    view! {
        <span class="group-meta">
            <span class="tag">{if group.is_project { "Project" } else { "Group" }}</span>
            {(group.visibility == Visibility::Closed).then(|| view! { <span class="tag tag-outline">"Closed"</span> })}
            <span class="muted small">{members}</span>
            {group.my_role.map(|r| view! { <span class="tag tag-accent">{role_label(r)}</span> })}
        </span>
    }
}

fn role_label(role: GroupRole) -> &'static str {
    match role {
        GroupRole::Owner => "You own it",
        GroupRole::Moderator => "You moderate",
        GroupRole::Member => "You're a member",
    }
}

/// The form as its fields (signals) hold it now.
fn form_of(
    name: RwSignal<String>,
    description: RwSignal<String>,
    is_project: RwSignal<bool>,
    closed: RwSignal<bool>,
) -> GroupForm {
    GroupForm {
        name: name.get_untracked(),
        description: description.get_untracked(),
        is_project: is_project.get_untracked(),
        visibility: if closed.get_untracked() {
            Visibility::Closed
        } else {
            Visibility::Open
        },
    }
}

/// The workgroup pages, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn GroupRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/groups") view=GroupsPage/>
        <Route path=path!("/groups/:id") view=GroupPage/>
    }
    .into_inner()
}
