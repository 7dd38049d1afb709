use crate::auth::api::Logout;
use crate::auth::types::Me;
use crate::ui::Avatar;
use crate::ui::icons::Icon;
use leptos::prelude::*;

#[component]
pub fn TopBar(me: Me, open_menu: RwSignal<bool>) -> impl IntoView {
    let connected = crate::realtime::use_connected();
    let logout = ServerAction::<Logout>::new();
    let profile_open = RwSignal::new(false);
    let my_profile = format!("/people/{}", me.user_id);
    view! {
        <header class="topbar">
            <button class="icon-btn menu-toggle" aria-label="Open menu" on:click=move |_| open_menu.update(|o| *o = !*o)>
                <Icon name="menu"/>
            </button>
            <form class="search" action="/people" method="get" role="search">
                <Icon name="search"/>
                <input type="search" name="q" placeholder="Search people…" aria-label="Search"/>
            </form>
            <div class="topbar-right">
                <span class="live-dot" class:on=move || connected.get() title="Live updates"></span>
                {crate::registry::top_bar()}
                <div class="profile-menu">
                    <button class="profile-btn" aria-haspopup="menu" aria-expanded=move || profile_open.get().to_string()
                        on:click=move |_| profile_open.update(|o| *o = !*o)>
                        <Avatar name=me.name.clone() photo=me.photo_url.clone() size="sm"/>
                        <span class="profile-name">{me.name.clone()}</span>
                    </button>
                    <div class="dropdown" class:open=move || profile_open.get() role="menu">
                        <div class="dropdown-head">
                            <strong>{me.name.clone()}</strong>
                            <span class="muted">{me.email.clone()}</span>
                        </div>
                        <a href=my_profile role="menuitem">"My profile"</a>
                        <ActionForm action=logout>
                            <button type="submit" class="link-btn" role="menuitem">"Sign out"</button>
                        </ActionForm>
                    </div>
                </div>
            </div>
        </header>
    }
}
