//! `/groups/:id`: one group — what it is, its members and their roles, and for those who
//! manage it: adding people (employees, or outside partners by invitation), roles, settings.

use super::GroupBadges;
use crate::error::AppError;
use crate::groups::api::{
    add_group_members, group, join_group, leave_group, remove_group_member, set_group_role,
    update_group,
};
use crate::groups::types::{GroupMember, GroupRole, GroupView, Visibility};
use crate::hr::ui::PeoplePicker;
use crate::ids::{GroupId, UserId};
use crate::ui::mutation::{Mutation, mutation};
use crate::ui::{Avatar, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<GroupId>().ok()));
    // Bumped after every change, to reload the group.
    let changed = RwSignal::new(0u32);
    let view_res = Resource::new(
        move || (id(), changed.get()),
        |(id, _)| async move {
            match id {
                Some(id) => group(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the group…"</p> }>
            {move || Suspend::new(async move {
                match view_res.await {
                    Ok(view) => view! { <GroupDetails view changed/> }.into_any(),
                    Err(error) => view! {
                        <PageHeader title="Group"/>
                        <ErrorBox error/>
                        <p><a href="/groups">"All groups"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A change to the group, made on its page: each control sends its own server function.
type Change = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>;

/// The page's changes: one at a time; the group reloads after each, or the page shows why it
/// was refused.
type Changes = Mutation<Change, ()>;

/// Sends a change.
fn run<F>(change: Changes, work: F)
where
    F: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    change.run(Box::pin(work));
}

#[component]
fn GroupDetails(view: GroupView, changed: RwSignal<u32>) -> impl IntoView {
    let id = view.group.id;
    let change: Changes = mutation(|work: Change| work, move |()| changed.update(|n| *n += 1));
    let busy = move || change.pending.get();
    let title = view.group.name.clone();
    let subtitle = (!view.group.description.is_empty()).then(|| view.group.description.clone());
    let (can_join, can_leave, can_manage, can_change_roles) = (
        view.can_join,
        view.can_leave,
        view.can_manage,
        view.can_change_roles,
    );
    let members = view.members.clone();
    let is_member = view.group.my_role.is_some();
    let member_ids: Vec<UserId> = members.iter().map(|m| m.person.id).collect();
    view! {
        <PageHeader title=title subtitle=subtitle.unwrap_or_default()>
            {can_join.then(|| view! {
                <button class="btn btn-primary" disabled=busy on:click=move |_| run(change, join_group(id))>"Join group"</button>
            })}
            {is_member.then(|| view! {
                <crate::chat::ui::OpenChatButton with=crate::chat::ui::ChatWith::Workgroup(id) label="Chat"/>
            })}
            {can_leave.then(|| view! {
                <button class="btn" disabled=busy on:click=move |_| run(change, leave_group(id))>"Leave group"</button>
            })}
        </PageHeader>
        <p><a href="/groups">"← All groups"</a>" "<GroupBadges group=view.group.clone()/></p>
        {move || change.error.get().map(|error| view! { <ErrorBox error/> })}
        <div class=if can_manage { "grid-2" } else { "" }>
            <section class="card">
                <h2>"Members"</h2>
                <ul class="member-list">
                    {members.into_iter().map(|m| view! {
                        <MemberRow member=m group=id change can_manage can_change_roles/>
                    }).collect_view()}
                </ul>
            </section>
            {can_manage.then(|| view! {
                <div class="card-stack">
                    <AddMembers group=id existing=member_ids.clone() can_add_moderators=can_change_roles change/>
                    <GroupSettings view=view.clone() change/>
                </div>
            })}
        </div>
        {is_member.then(|| view! { <GroupWork group=id name=view.group.name.clone()/> })}
    }
}

/// The group's work, for its members: its tasks and its own feed.
#[component]
fn GroupWork(group: GroupId, name: String) -> impl IntoView {
    let me = crate::shell::layout::use_me();
    let can_post = me.role != crate::auth::types::Role::Extranet;
    // The tab is in the address (`?tab=feed`): it survives a reload, can be linked to, and
    // the server renders the open tab with the page.
    let query = use_query_map();
    let on_feed = move || query.with(|q| q.get("tab").as_deref() == Some("feed"));
    view! {
        <nav class="tabs group-tabs" aria-label="The group's work">
            <a href=format!("/groups/{group}") class="tab" class:active=move || !on_feed()
                aria-current=move || (!on_feed()).then_some("page") data-testid="group-tab-tasks">"Tasks"</a>
            <a href=format!("/groups/{group}?tab=feed") class="tab" class:active=on_feed
                aria-current=move || on_feed().then_some("page") data-testid="group-tab-feed">"Feed"</a>
        </nav>
        {move || if !on_feed() {
            view! { <GroupTasks group/> }.into_any()
        } else {
            view! { <crate::feed::ui::GroupFeed group name=name.clone() can_post/> }.into_any()
        }}
    }
}

/// The group's open tasks, newest activity first, with the way to the full list and board.
#[component]
fn GroupTasks(group: GroupId) -> impl IntoView {
    use crate::tasks::types::{Section, TaskQuery};
    let live = expect_context::<crate::tasks::ui::live::TaskLive>();
    let list = Resource::new(
        move || live.version.get(),
        move |_| {
            crate::tasks::api::tasks(
                TaskQuery {
                    section: Section::All,
                    group: Some(group),
                    ..Default::default()
                },
                None,
            )
        },
    );
    view! {
        <div class="row between group-tasks-head">
            <span class="row gap">
                <a class="btn" href=format!("/tasks?section=all&group={group}")>"All tasks"</a>
                <a class="btn" href=format!("/tasks?section=all&group={group}&view=board")>"Board"</a>
                <a class="btn" href=format!("/tasks/gantt?group={group}") data-testid="group-gantt">"Gantt chart"</a>
            </span>
            <a class="btn btn-primary" href=format!("/tasks/new?group={group}") data-testid="group-new-task">"New task"</a>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading tasks…"</p> }>
            {move || list.get().map(|page| match page {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(page) if page.items.is_empty() => view! {
                    <crate::ui::EmptyState title="No open tasks" hint="Tasks of this group appear here for all its members."/>
                }.into_any(),
                Ok(page) => {
                    let now = crate::ui::page::now_ms();
                    view! {
                        <ul class="task-list card">
                            {page.items.into_iter().map(|item| view! { <crate::tasks::ui::TaskRow item now/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn MemberRow(
    member: GroupMember,
    group: GroupId,
    change: Changes,
    can_manage: bool,
    can_change_roles: bool,
) -> impl IntoView {
    let user = member.person.id;
    let role = member.role;
    let is_owner = role == GroupRole::Owner;
    let removable = !is_owner && (can_change_roles || (can_manage && role == GroupRole::Member));
    let href = format!("/people/{user}");
    view! {
        <li class="member-row">
            <Avatar name=member.person.name.clone() photo=member.person.photo_url.clone() size="sm"/>
            <a href=href class="member-name">{member.person.name.clone()}</a>
            {member.extranet.then(|| view! { <span class="tag tag-amber" title="An outside client or partner">"Extranet"</span> })}
            <span class="member-actions">
                {if can_change_roles && !is_owner {
                    view! {
                        <select aria-label="Role" disabled=move || change.pending.get() on:change=move |ev| {
                            let new = match event_target_value(&ev).as_str() {
                                "moderator" => GroupRole::Moderator,
                                "owner" => GroupRole::Owner,
                                _ => GroupRole::Member,
                            };
                            run(change, set_group_role(group, user, new));
                        }>
                            <option value="member" selected=role == GroupRole::Member>"Member"</option>
                            <option value="moderator" selected=role == GroupRole::Moderator>"Moderator"</option>
                            <option value="owner">"Make owner"</option>
                        </select>
                    }.into_any()
                } else {
                    view! { <span class="tag">{role.label()}</span> }.into_any()
                }}
                {removable.then(|| view! {
                    <button class="link-btn danger" disabled=move || change.pending.get()
                        on:click=move |_| run(change, remove_group_member(group, user))>"Remove"</button>
                })}
            </span>
        </li>
    }
}

/// Adds people from the portal's directory, several at once; extranet people become the
/// group's guests.
#[component]
fn AddMembers(
    group: GroupId,
    existing: Vec<UserId>,
    can_add_moderators: bool,
    change: Changes,
) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<UserId>::new());
    let as_moderator = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let people = chosen.get_untracked();
        if people.is_empty() {
            return;
        }
        let role = if as_moderator.get_untracked() {
            GroupRole::Moderator
        } else {
            GroupRole::Member
        };
        run(change, add_group_members(group, people, role));
    };
    view! {
        <section class="card">
            <h2>"Add people"</h2>
            <form class="form" on:submit=submit>
                <fieldset class="people-picker" data-testid="group-add-people">
                    <legend>"People"</legend>
                    <PeoplePicker id="group-add-people-input" label="Add a person" chosen
                        placeholder="Type a name" exclude=Signal::stored(existing)/>
                </fieldset>
                {can_add_moderators.then(|| view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=as_moderator on:change=move |ev| as_moderator.set(event_target_checked(&ev))/>
                        "As moderators (may add and remove members)"
                    </label>
                })}
                <p class="muted small">"Outside partners (extranet users) you add see this group and nothing else of the company."</p>
                <button class="btn btn-primary" type="submit"
                    disabled=move || change.pending.get() || chosen.with(Vec::is_empty)>"Add to group"</button>
            </form>
        </section>
    }
}

#[component]
fn GroupSettings(view: GroupView, change: Changes) -> impl IntoView {
    let id = view.group.id;
    let name = RwSignal::new(view.group.name.clone());
    let description = RwSignal::new(view.group.description.clone());
    let is_project = RwSignal::new(view.group.is_project);
    let closed = RwSignal::new(view.group.visibility == Visibility::Closed);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = super::form_of(name, description, is_project, closed);
        run(change, update_group(id, form));
    };
    view! {
        <section class="card">
            <h2>"Settings"</h2>
            <form class="form" on:submit=submit>
                <label>"Name"
                    <input type="text" required maxlength="100" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label>"What it is for"
                    <textarea rows="3" maxlength="2000" prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=is_project on:change=move |ev| is_project.set(event_target_checked(&ev))/>
                    "It's a project"
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=closed on:change=move |ev| closed.set(event_target_checked(&ev))/>
                    "Closed: only members see it"
                </label>
                <button class="btn" type="submit" disabled=move || change.pending.get()>"Save"</button>
            </form>
        </section>
    }
}
