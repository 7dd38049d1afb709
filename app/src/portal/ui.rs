//! Sign-up, portal settings and the people administration page.

use super::api::{SignUp, UpdatePortalSettings, get_portal_settings};
use super::types::{LANGUAGES, TIME_ZONES};
use crate::auth::api::{Invite, invitations};
use crate::auth::types::InvitationStatus;
use crate::auth::ui::AuthCard;
use crate::dates::date_time;
use crate::ui::{ActionResult, EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;

#[component]
pub fn SignupPage() -> impl IntoView {
    let sign_up = ServerAction::<SignUp>::new();
    let suffix = crate::auth::page_session::page_session()
        .map(|s| s.address_suffix)
        .unwrap_or_default();
    Effect::new(move |_| {
        if let Some(Ok(url)) = sign_up.value().get() {
            crate::ui::hard_navigate(&url);
        }
    });
    view! {
        <AuthCard title="Create your company's portal" subtitle="Free for up to 12 people and 5 GB of files. No card needed.">
            <ActionForm action=sign_up attr:class="form">
                <label>"Company name"<input type="text" name="company" required maxlength="100" autocomplete="organization"/></label>
                <label>"Portal address"
                    <span class="input-suffix">
                        <input type="text" name="slug" required minlength="3" maxlength="40"
                            pattern="[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9]" placeholder="acme"/>
                        <span>{suffix}</span>
                    </span>
                    <small class="muted">"Letters, digits and hyphens; it becomes part of your portal's web address."</small>
                </label>
                <label>"Your name"<input type="text" name="name" required maxlength="100" autocomplete="name"/></label>
                <label>"Work e-mail"<input type="email" name="email" required autocomplete="email"/></label>
                <label>"Password"<input type="password" name="password" required minlength="10" autocomplete="new-password"/>
                    <small class="muted hint">"At least 10 characters, with letters and a digit or symbol."</small></label>
                <ActionResult value=sign_up.value()/>
                <button class="btn btn-primary btn-block" type="submit" disabled=move || sign_up.pending().get()>"Create portal"</button>
            </ActionForm>
            <p class="auth-foot">"Already have a portal? "<a href="/login">"Sign in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_portal_settings());
    let save = ServerAction::<UpdatePortalSettings>::new();
    view! {
        <PageHeader title="Portal settings" subtitle="Your company's name, logo, time zone and language."/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <div class="grid-2">
                            <section class="card">
                                <h2>"General"</h2>
                                <ActionForm action=save attr:class="form">
                                    <label>"Company name"<input type="text" name="name" value=s.name.clone() required maxlength="100"/></label>
                                    <label>"Time zone"
                                        <select name="time_zone">
                                            {TIME_ZONES.iter().map(|tz| view! { <option value=*tz selected=s.time_zone == *tz>{*tz}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <label>"Language"
                                        <select name="language">
                                            {LANGUAGES.iter().map(|(code, name)| view! { <option value=*code selected=s.language == *code>{*name}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <ActionResult value=save.value() success="Saved."/>
                                    <button class="btn btn-primary" type="submit">"Save"</button>
                                </ActionForm>
                            </section>
                            <section class="card">
                                <h2>"Logo"</h2>
                                {s.logo_url.clone().map(|url| view! { <img class="logo-preview" src=url alt="Current logo"/> })}
                                <form class="form" method="post" action="/uploads/logo" enctype="multipart/form-data">
                                    <label>"Image (PNG, JPEG, GIF or WebP, up to 5 MB)"<input type="file" name="file" accept="image/*" required/></label>
                                    <button class="btn" type="submit">"Upload logo"</button>
                                </form>
                                <h2>"Plan"</h2>
                                <dl class="facts">
                                    <dt>"Plan"</dt><dd>{s.plan_name.clone()}</dd>
                                    <dt>"Users"</dt><dd>{format!("{} of {}", s.active_users, s.max_users)}</dd>
                                    <dt>"Storage"</dt><dd>{format!("{:.1} MB of {:.1} GB", s.storage_used as f64 / 1048576.0, s.max_storage_bytes as f64 / 1073741824.0)}</dd>
                                    <dt>"Address"</dt><dd>{s.slug.clone()}</dd>
                                </dl>
                            </section>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn PeopleAdminPage() -> impl IntoView {
    let invite = ServerAction::<Invite>::new();
    let list = Resource::new(move || invite.version().get(), |_| invitations());
    let departments = Resource::new(|| (), |_| crate::hr::api::departments());
    view! {
        <PageHeader title="Invite people" subtitle="Employees see the whole company; extranet users see only the workgroups they are invited to."/>
        <div class="grid-2">
            <section class="card">
                <h2>"New invitation"</h2>
                <ActionForm action=invite attr:class="form">
                    <label>"E-mail"<input type="email" name="email" required data-testid="invite-email"/></label>
                    <label>"Role"
                        <select name="role">
                            <option value="employee">"Employee"</option>
                            <option value="extranet">"Extranet (outside partner)"</option>
                        </select>
                    </label>
                    <label>"Department"
                        <Suspense fallback=|| ()>
                            {move || departments.get().and_then(Result::ok).map(|deps| view! {
                                <select name="department_id">
                                    <option value="">"— the company —"</option>
                                    {crate::hr::types::tree_order(&deps).into_iter().skip(1).map(|(depth, d)| view! {
                                        <option value=d.id.to_string()>{format!("{}{}", "— ".repeat(depth), d.name)}</option>
                                    }).collect_view()}
                                </select>
                            })}
                        </Suspense>
                    </label>
                    <button class="btn btn-primary" type="submit" disabled=move || invite.pending().get()>"Send invitation"</button>
                    <ActionResult value=invite.value()/>
                    {move || invite.value().get().and_then(Result::ok).map(|sent| view! {
                        <div class="alert alert-success" role="status">
                            <p>{format!("Invitation created for {}.", sent.email)}</p>
                            {match sent.link {
                                Some(link) => view! {
                                    <p>"No mail server is configured, so pass this link on yourself:"</p>
                                    <input class="copy" type="text" readonly value=link data-testid="invite-link"/>
                                }.into_any(),
                                None => view! { <p>"An e-mail with the link is on its way."</p> }.into_any(),
                            }}
                        </div>
                    })}
                </ActionForm>
            </section>
            <section class="card">
                <h2>"Invitations"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(rows) if rows.is_empty() => view! {
                                <EmptyState title="No invitations yet" hint="Invite your first colleague with the form."/>
                            }.into_any(),
                            Ok(rows) => view! {
                                <table class="table">
                                    <thead><tr><th>"E-mail"</th><th>"Role"</th><th>"Status"</th><th>"Sent"</th></tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| {
                                            let (label, class) = match r.status {
                                                InvitationStatus::Pending => ("Pending", "tag tag-amber"),
                                                InvitationStatus::Accepted => ("Joined", "tag tag-green"),
                                                InvitationStatus::Expired => ("Expired", "tag"),
                                            };
                                            view! {
                                                <tr>
                                                    <td>{r.email}</td>
                                                    <td>{r.role.label()}</td>
                                                    <td><span class=class>{label}</span></td>
                                                    <td class="muted">{date_time(r.created_at, &crate::shell::layout::use_zone())}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                            Err(error) => view! { <ErrorBox error/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// The portal's administration pages, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn PortalRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/admin/people") view=PeopleAdminPage/>
        <Route path=path!("/admin/settings") view=SettingsPage/>
    }
    .into_inner()
}

/// Creating a portal, outside the signed-in layout (listed in `registry::PublicRoutes`).
#[component(transparent)]
pub fn SignupRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/signup") view=SignupPage/>
    }
    .into_inner()
}
