//! Sign-in, password reset and invitation pages (public, outside the shell).

use super::api::{AcceptInvitation, Login, RequestPasswordReset, ResetPassword, get_invitation};
use crate::ui::{ActionResult, ErrorBox, hard_navigate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The centred card every public page uses.
#[component]
pub fn AuthCard(
    #[prop(into)] title: String,
    #[prop(into)] subtitle: String,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title.clone()/>
        <main class="auth">
            <div class="auth-card">
                <div class="auth-brand"><span class="brand-mark">"A"</span>" Agora"</div>
                <h1>{title}</h1>
                <p class="muted">{subtitle}</p>
                {children()}
            </div>
        </main>
    }
}

/// Reloads the app at `path` once `value` holds a success (so the shell starts fresh).
fn on_success<T, S>(value: S, path: &'static str)
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, crate::error::AppError>>> + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if value.get().is_some_and(|r| r.is_ok()) {
            hard_navigate(path);
        }
    });
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    on_success(login.value(), "/");
    view! {
        <AuthCard title="Sign in" subtitle="Welcome back.">
            <ActionForm action=login attr:class="form">
                <label>"E-mail"<input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password"<input type="password" name="password" autocomplete="current-password" required/></label>
                <label class="check"><input type="checkbox" name="remember"/>" Keep me signed in for 30 days"</label>
                <ActionResult value=login.value()/>
                <button class="btn btn-primary btn-block" type="submit" disabled=move || login.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="auth-foot"><a href="/reset">"Forgot your password?"</a>" · "<a href="/signup">"Create a new portal"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetRequestPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    view! {
        <AuthCard title="Reset your password" subtitle="We'll e-mail you a link to choose a new one.">
            <ActionForm action=request attr:class="form">
                <label>"E-mail"<input type="email" name="email" autocomplete="username" required/></label>
                <ActionResult value=request.value() success="If this address has an account here, a reset link is on its way. It is valid for one hour."/>
                <button class="btn btn-primary btn-block" type="submit">"Send the link"</button>
            </ActionForm>
            <p class="auth-foot"><a href="/login">"Back to sign in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let reset = ServerAction::<ResetPassword>::new();
    on_success(reset.value(), "/");
    view! {
        <AuthCard title="Choose a new password" subtitle="At least 10 characters, with letters and a digit or symbol.">
            <ActionForm action=reset attr:class="form">
                <input type="hidden" name="token" value=token/>
                <label>"New password"<input type="password" name="password" autocomplete="new-password" minlength="10" required/></label>
                <ActionResult value=reset.value()/>
                <button class="btn btn-primary btn-block" type="submit">"Save and sign in"</button>
            </ActionForm>
        </AuthCard>
    }
}

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let info = Resource::new(token, get_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    on_success(accept.value(), "/");
    view! {
        <Suspense fallback=|| view! { <main class="auth"><div class="auth-card">"Loading…"</div></main> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(inv) => view! {
                        <AuthCard title=format!("Join {}", inv.portal_name)
                            subtitle=format!("{} invited you as {}. Set your name and password to join.", inv.invited_by, inv.role.label().to_lowercase())>
                            <ActionForm action=accept attr:class="form">
                                <input type="hidden" name="token" value=token/>
                                <label>"E-mail"<input type="email" value=inv.email.clone() disabled/></label>
                                <label>"Your full name"<input type="text" name="name" autocomplete="name" required maxlength="100"/></label>
                                <label>"Password"<input type="password" name="password" autocomplete="new-password" minlength="10" required/></label>
                                <ActionResult value=accept.value()/>
                                <button class="btn btn-primary btn-block" type="submit" disabled=move || accept.pending().get()>"Join"</button>
                            </ActionForm>
                        </AuthCard>
                    }.into_any(),
                    Err(error) => view! {
                        <AuthCard title="Invitation" subtitle="Ask whoever invited you for a new link.">
                            <ErrorBox error/>
                            <p class="auth-foot"><a href="/login">"Sign in"</a></p>
                        </AuthCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Signing in, resetting a password, accepting an invitation, outside the signed-in layout (listed in `registry::PublicRoutes`).
#[component(transparent)]
pub fn AuthRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/login") view=LoginPage/>
        <Route path=path!("/reset") view=ResetRequestPage/>
        <Route path=path!("/reset/:token") view=ResetPasswordPage/>
        <Route path=path!("/invite/:token") view=AcceptInvitationPage/>
    }
    .into_inner()
}
