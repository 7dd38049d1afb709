//! The application shell: document, routes (each tool's from `registry`), left menu, top bar.

pub mod layout;
pub mod menu;
pub mod pages;
pub mod topbar;

use crate::registry::{PublicRoutes, ToolRoutes};
use layout::Layout;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use pages::{ComingSoon, NotFound};

/// The HTML document around the app, rendered on the server with the hashed asset names.
#[cfg(feature = "ssr")]
pub fn document(state: crate::ssr::state::AppState) -> impl IntoView {
    use crate::auth::page_session::{ELEMENT_ID, page_session, to_script_json};
    use leptos_meta::MetaTags;
    let assets = state.assets.clone();
    let session = page_session().map(|s| to_script_json(&s));
    // Every inline script carries the request's nonce (leptos_axum makes one per request and
    // Leptos adds it to the scripts it writes); nothing else inline runs.
    let nonce = leptos::nonce::use_nonce();
    if let Some(nonce) = &nonce {
        crate::ssr::headers::set_page_policy(&nonce.to_string());
    }
    // The `agora-hydrated` mark is when the page became interactive (read by the benchmarks).
    let boot = format!(
        "import('{js}').then(m=>m.default({{module_or_path:'{wasm}'}}).then(()=>{{m.hydrate();performance.mark('agora-hydrated')}}));\
         if('serviceWorker' in navigator){{navigator.serviceWorker.register('/sw.js')}}",
        js = assets.js,
        wasm = assets.wasm
    );
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#4f46e5"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href=assets.css.clone()/>
                <link rel="modulepreload" href=assets.js.clone()/>
                <link rel="preload" href=assets.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin=""/>
                {session.map(|json| view! { <script type="application/json" id=ELEMENT_ID inner_html=json></script> })}
                <script type="module" nonce=nonce>{boot}</script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Agora".to_owned() } else { format!("{page} · Agora") }/>
        <Router>
            <Routes fallback=NotFound>
                <PublicRoutes/>
                <ParentRoute path=path!("") view=Layout>
                    <ToolRoutes/>
                    // A tool not built yet (`registry::TOOLS`): "coming soon".
                    <Route path=path!("/:tool") view=ComingSoon/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
