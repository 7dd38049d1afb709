//! Directory, profiles and departments; the pickers every tool chooses people with.

mod pickers;

pub use pickers::{PeoplePicker, PersonPicker};

use super::api::{
    DeleteDepartment, SaveDepartment, UpdateProfile, departments, directory, get_profile,
};
use super::types::{Department, Person, tree_order};
use crate::dates::date_time;
use crate::ids::UserId;
use crate::shell::layout::use_me;
use crate::social::Author;
use crate::ui::{ActionResult, Avatar, EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

pub fn department_options(
    deps: &[Department],
    selected: Option<i64>,
    skip_root: bool,
) -> impl IntoView + use<> {
    tree_order(deps)
        .into_iter()
        .skip(usize::from(skip_root))
        .map(|(depth, d)| {
            let is_selected = selected == Some(d.id.0);
            view! { <option value=d.id.to_string() selected=is_selected>{format!("{}{}", "— ".repeat(depth), d.name)}</option> }
        })
        .collect_view()
}

#[component]
fn PersonCard(person: Person) -> impl IntoView {
    view! {
        <a class="person" href=format!("/people/{}", person.id) data-testid="person">
            <Avatar name=person.name.clone() photo=person.photo_url.clone() size="lg"/>
            <div class="person-text">
                <strong>{person.name.clone()}</strong>
                <span class="muted">{if person.position.is_empty() { person.role.label().to_owned() } else { person.position.clone() }}</span>
                <span class="muted small">{person.department.clone().unwrap_or_default()}</span>
            </div>
        </a>
    }
}

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let query = use_query_map();
    // Someone joined or left: the list loads again.
    let directory_version = RwSignal::new(0u32);
    crate::realtime::use_live(move |_: super::types::DirectoryEvent| {
        directory_version.update(|v| *v += 1)
    });
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let department = move || query.with(|q| q.get("department").filter(|d| !d.is_empty()));
    let cursor = RwSignal::new(None::<String>);
    let deps = Resource::new(|| (), |_| departments());
    let navigate = use_navigate();
    let page = Resource::new(
        move || {
            (
                search(),
                department(),
                cursor.get(),
                directory_version.get(),
            )
        },
        |(search, department, cursor, _)| directory(search, department, cursor),
    );
    // The export takes the search and department on screen.
    let export = Action::new(move |format: &crate::jobs::types::ExportFormat| {
        super::api::export_directory(search(), department(), *format)
    });
    let may_export = use_me().role != crate::auth::types::Role::Extranet;
    view! {
        <PageHeader title="Employees" subtitle="Everyone in the company, by name.">
            {may_export.then(|| view! { <crate::jobs::ui::ExportMenu action=export label="Export the directory"/> })}
        </PageHeader>
        <form class="toolbar" method="get" action="/people">
            <input type="search" name="q" placeholder="Search by name, e-mail or position" value=search aria-label="Search people"/>
            <Suspense fallback=|| view! { <select aria-label="Department" disabled><option>"All departments"</option></select> }>
                {move || deps.get().and_then(Result::ok).map(|d| {
                    let navigate = navigate.clone();
                    view! {
                    <select name="department" aria-label="Department" on:change=move |ev| {
                        // Choosing a department searches at once (without JavaScript, the button does).
                        let url = format!(
                            "/people?q={}&department={}",
                            crate::ui::encode_query_value(&search()),
                            crate::ui::encode_query_value(&event_target_value(&ev)),
                        );
                        navigate(&url, Default::default());
                    }>
                        <option value="">"All departments"</option>
                        {department_options(&d, department().and_then(|x| x.parse().ok()), false)}
                    </select>
                }})}
            </Suspense>
            <button class="btn" type="submit">"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if p.people.is_empty() => view! {
                        <section class="card"><EmptyState title="Nobody found" hint="Try another name or department, or clear the search."/></section>
                    }.into_any(),
                    Ok(p) => {
                        let next = p.next_cursor.clone();
                        view! {
                            <div class="people-grid">
                                {p.people.into_iter().map(|person| view! { <PersonCard person/> }).collect_view()}
                            </div>
                            <div class="row gap pager">
                                {move || cursor.get().is_some().then(|| view! {
                                    <button class="btn" on:click=move |_| cursor.set(None)>"Back to the start"</button>
                                })}
                                {next.map(|n| view! { <button class="btn" on:click=move |_| cursor.set(Some(n.clone()))>"Next page"</button> })}
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn user_param() -> impl Fn() -> Option<UserId> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse().ok()))
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let id = user_param();
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_profile(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    let thanks = Resource::new(id, |id| async move {
        match id {
            Some(id) => crate::feed::api::appreciations_of(id)
                .await
                .unwrap_or_default(),
            None => Vec::new(),
        }
    });
    let me = use_me().user_id;
    let extranet_viewer = use_me().role == crate::auth::types::Role::Extranet;
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                Suspend::new(async move {
                let thanks = thanks.await;
                match data.await {
                    Ok(p) => {
                        let is_me = p.person.id == me;
                        view! {
                            <PageHeader title=p.person.name.clone() subtitle=p.person.position.clone()>
                                {(!is_me && !extranet_viewer && p.person.role != crate::auth::types::Role::Extranet).then(|| view! {
                                    <crate::chat::ui::OpenChatButton with=crate::chat::ui::ChatWith::Person(p.person.id) label="Message" class="btn btn-primary"/>
                                })}
                                <a class="btn" href=format!("/?author={}", p.person.id)>"Posts in the feed"</a>
                                {p.editable.then(|| view! { <a class="btn" href=format!("/people/{}/edit", p.person.id)>"Edit profile"</a> })}
                            </PageHeader>
                            <div class="grid-2">
                                <section class="card profile-card">
                                    <Avatar name=p.person.name.clone() photo=p.person.photo_url.clone() size="xl"/>
                                    <dl class="facts">
                                        <dt>"Department"</dt><dd>{p.person.department.clone().unwrap_or_else(|| "—".into())}</dd>
                                        <dt>"Manager"</dt><dd>{match p.manager.clone() {
                                            Some((id, name)) => view! { <a href=format!("/people/{id}")>{name}</a> }.into_any(),
                                            None => view! { "—" }.into_any(),
                                        }}</dd>
                                        <dt>"Role"</dt><dd>{p.person.role.label()}</dd>
                                        <dt>"E-mail"</dt><dd><a href=format!("mailto:{}", p.person.email)>{p.person.email.clone()}</a></dd>
                                        <dt>"Phone"</dt><dd>{if p.phone.is_empty() { "—".to_owned() } else { p.phone.clone() }}</dd>
                                        <dt>"Joined"</dt><dd>{date_time(p.joined_at, &crate::shell::layout::use_zone())}</dd>
                                        <dt>"Time zone"</dt><dd data-testid="profile-zone-shown">{p.time_zone.clone().unwrap_or_else(|| p.portal_time_zone.clone())}</dd>
                                    </dl>
                                    {is_me.then(|| view! {
                                        <form class="form" method="post" action="/uploads/photo" enctype="multipart/form-data">
                                            <label>"New photo (PNG, JPEG, GIF or WebP, up to 5 MB)"<input type="file" name="file" accept="image/*" required/></label>
                                            <button class="btn" type="submit">"Upload photo"</button>
                                        </form>
                                    })}
                                </section>
                                <section class="card">
                                    <h2>"About"</h2>
                                    <p class="prewrap">{if p.about.is_empty() { "Nothing here yet.".to_owned() } else { p.about.clone() }}</p>
                                    <h2>"Appreciations"</h2>
                                    {if thanks.is_empty() {
                                        view! { <p class="muted">"No appreciations yet. Thank a colleague from the feed."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="thanks-list">
                                                {thanks.into_iter().map(|t| view! {
                                                    <li>
                                                        <a href=format!("/feed/{}", t.post_id) class="thanks-badge" title=t.badge.label()>{t.badge.emoji()}</a>
                                                        <span>{t.badge.label()}" — from "<a href=format!("/people/{}", t.from.id)>{t.from.name}</a></span>
                                                        <span class="muted small">{crate::ui::page::time_ago(t.created_at)}</span>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
pub fn ProfileEditPage() -> impl IntoView {
    let id = user_param();
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_profile(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    let deps = Resource::new(|| (), |_| departments());
    let update = ServerAction::<UpdateProfile>::new();
    // Saved: the profile again in a fresh page, whose dates follow the time zone just chosen.
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(id)) = (update.value().get(), id()) {
            crate::ui::hard_navigate(&format!("/people/{id}"));
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! {
                        <PageHeader title="Edit profile" subtitle=p.person.name.clone()/>
                        <section class="card narrow-card">
                            <ActionForm action=update attr:class="form">
                                <input type="hidden" name="user_id" value=p.person.id.to_string()/>
                                <label>"Full name"<input type="text" name="name" value=p.person.name.clone() required maxlength="100"/></label>
                                <label>"Position"<input type="text" name="position" value=p.person.position.clone() maxlength="100"/></label>
                                <label>"Phone"<input type="tel" name="phone" value=p.phone.clone() maxlength="40"/></label>
                                <label>"About"<textarea name="about" rows="5" maxlength="2000">{p.about.clone()}</textarea></label>
                                <label>"Time zone"
                                    <select name="time_zone" data-testid="profile-zone">
                                        <option value=crate::hr::types::FOLLOW_PORTAL selected=p.time_zone.is_none()>{format!("Same as the company ({})", p.portal_time_zone)}</option>
                                        {crate::portal::types::TIME_ZONES.iter().map(|tz| view! {
                                            <option value=*tz selected=p.time_zone.as_deref() == Some(*tz)>{*tz}</option>
                                        }).collect_view()}
                                    </select>
                                    <span class="muted small">"Dates, times and deadlines are shown in this zone, and the days of date filters are read in it."</span>
                                </label>
                                {p.admin_fields.then(|| {
                                    let selected = p.department_id.map(|d| d.0);
                                    let manager = p.manager.as_ref().map(|(id, _)| *id);
                                    let known: Vec<Author> = p.manager.iter()
                                        .map(|(id, name)| Author { id: *id, name: name.clone(), photo_url: None })
                                        .collect();
                                    let me_id = p.person.id;
                                    view! {
                                        <label>"Department"
                                            <Suspense fallback=|| ()>
                                                {move || deps.get().and_then(Result::ok).map(|d| view! {
                                                    <select name="department_id">{department_options(&d, selected, false)}</select>
                                                })}
                                            </Suspense>
                                        </label>
                                        <div class="field">
                                            <label class="field-label" for="profile-manager">"Manager"</label>
                                            <PersonPicker id="profile-manager" label="Manager" chosen=RwSignal::new(manager)
                                                known name="manager_id" placeholder="No manager — type a name"
                                                exclude=Signal::stored(vec![me_id])/>
                                        </div>
                                    }
                                })}
                                <ActionResult value=update.value()/>
                                <div class="row gap">
                                    <button class="btn btn-primary" type="submit">"Save"</button>
                                    <a class="btn" href=format!("/people/{}", p.person.id)>"Cancel"</a>
                                </div>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let save = ServerAction::<SaveDepartment>::new();
    let delete = ServerAction::<DeleteDepartment>::new();
    let deps = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| departments(),
    );
    view! {
        <PageHeader title="Departments" subtitle="The company's structure. Everyone belongs to one department."/>
        <div class="grid-2">
            <section class="card">
                <h2>"Structure"</h2>
                <ActionResult value=delete.value()/>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match deps.await {
                            Ok(list) => view! {
                                <ul class="tree">
                                    {tree_order(&list).into_iter().map(|(depth, d)| view! {
                                        <li class="tree-item" style=format!("--depth:{depth}")>
                                            <div>
                                                <strong>{d.name.clone()}</strong>
                                                <span class="muted small">{format!(" · {} people", d.members)}
                                                    {d.head_name.clone().map(|h| format!(" · head: {h}"))}</span>
                                            </div>
                                            {(depth > 0).then(|| view! {
                                                <ActionForm action=delete attr:class="inline">
                                                    <input type="hidden" name="id" value=d.id.to_string()/>
                                                    <button class="link-btn danger" type="submit">"Delete"</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section class="card">
                <h2>"Add a department"</h2>
                <ActionForm action=save attr:class="form">
                    <label>"Name"<input type="text" name="name" required maxlength="100"/></label>
                    <label>"Inside"
                        <Transition fallback=|| ()>
                            {move || deps.get().and_then(Result::ok).map(|d| view! {
                                <select name="parent_id">{department_options(&d, None, false)}</select>
                            })}
                        </Transition>
                    </label>
                    <ActionResult value=save.value() success="Department saved."/>
                    <button class="btn btn-primary" type="submit">"Add department"</button>
                </ActionForm>
            </section>
        </div>
    }
}

/// The directory, profiles and departments, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn HrRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/people") view=DirectoryPage/>
        <Route path=path!("/people/:id") view=ProfilePage/>
        <Route path=path!("/people/:id/edit") view=ProfileEditPage/>
        <Route path=path!("/company/departments") view=DepartmentsPage/>
    }
    .into_inner()
}
