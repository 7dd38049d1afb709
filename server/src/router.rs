//! The HTTP surface: pages and server functions (Leptos), realtime, files, health and metrics.

use app::ssr::caller::HostPortal;
use app::ssr::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::time::Instant;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let document_state = state.clone();
    let site_root = state.config.site_root.clone();

    let hashed_assets = Router::new()
        .fallback_service(
            ServeDir::new(format!("{site_root}/pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));
    let public_files = ServeDir::new(&site_root)
        .precompressed_gzip()
        .not_found_service(axum::routing::any(not_found).with_state(()));

    // Public files that would otherwise match an app route (`/:tool`).
    let pwa_files = Router::new()
        .route_service("/sw.js", ServeFile::new(format!("{site_root}/sw.js")))
        .route_service(
            "/manifest.webmanifest",
            ServeFile::new(format!("{site_root}/manifest.webmanifest")),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));

    let portal_routes = Router::new()
        .route("/ws", get(crate::ws::upgrade))
        .route("/auth/handoff", get(app::auth::ssr::handoff))
        .route("/uploads/photo", post(app::files::api::upload_photo))
        .route("/uploads/logo", post(app::files::api::upload_logo))
        .route(
            "/uploads/attachment",
            post(app::files::api::upload_attachment),
        )
        .route("/files/{id}", get(app::files::api::download))
        .route("/jobs/{id}/file", get(app::jobs::ssr::download::download))
        .leptos_routes_with_context(
            &state,
            routes,
            || (),
            move || app::document(document_state.clone()),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            attach_page_session,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            resolve_portal,
        ))
        // Outermost: a cross-site request is refused before it costs a query.
        .layer(middleware::from_fn(crate::guard::same_origin_only));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_with_token))
        .nest("/pkg", hashed_assets)
        .merge(pwa_files)
        .merge(portal_routes)
        .fallback_service(public_files)
        .layer(DefaultBodyLimit::max(crate::guard::MAX_UPLOAD_BODY))
        .layer(middleware::from_fn(crate::guard::limit_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::guard::client_address,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::guard::security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            record_metrics,
        ))
        .with_state(state)
}

/// Finds the portal the Host names and attaches it to the request; an unknown portal address
/// gets a clear page instead of anyone's data.
async fn resolve_portal(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    match app::portal::ssr::portal_for_host(
        &state.db.reader,
        &state.config.base_domain,
        &state.config.host_aliases,
        &host,
    )
    .await
    {
        Ok(portal) => {
            request.extensions_mut().insert(HostPortal(portal));
            next.run(request).await
        }
        Err(app::error::AppError::NotFound) => unknown_portal(&state, &host),
        Err(_) => database_unavailable(),
    }
}

/// Resolves the session of a page request once, before rendering: the shell and the server
/// functions the page calls while rendering share it (see `app::auth::page_session`).
/// Server functions, files and the websocket authenticate by themselves.
async fn attach_page_session(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let is_page = request.method() == Method::GET
        && !["/api/", "/ws", "/files/", "/jobs/", "/uploads/", "/auth/"]
            .iter()
            .any(|prefix| path.starts_with(prefix));
    if !is_page {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match app::auth::ssr::page_session(&state, &parts).await {
        Ok(page) => {
            parts.extensions.insert(page);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => {
            tracing::error!(error = %e, "loading the page session failed");
            database_unavailable()
        }
    }
}

fn database_unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is unavailable. Please try again shortly.",
    )
        .into_response()
}

fn unknown_portal(state: &AppState, host: &str) -> Response {
    let host = host.replace(['<', '>', '"', '&'], "");
    let port = host
        .rsplit_once(':')
        .map(|(_, p)| format!(":{p}"))
        .unwrap_or_default();
    let signup = format!(
        "{}{}{port}/signup",
        state.config.public_scheme, state.config.base_domain
    );
    let page = format!(
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\
         <title>No portal here · Agora</title><body style=\"font-family:system-ui;max-width:34rem;margin:5rem auto;padding:0 1rem;color:#1f2430\">\
         <h1>There is no portal at {host}</h1><p>Check the address for typos, or ask your administrator for the right one.</p>\
         <p><a href=\"{signup}\">Create a new portal</a></p></body></html>"
    );
    (StatusCode::NOT_FOUND, Html(page)).into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<!doctype html><meta charset=utf-8><title>Not found · Agora</title><body style=\"font-family:system-ui;max-width:30rem;margin:5rem auto\"><h1>Page not found</h1><p><a href=\"/\">Go to the start page</a></p>"),
    )
        .into_response()
}

/// `GET /healthz`: 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.db.reader)
        .await
    {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The admin listener (`AGORA_ADMIN_LISTEN`, on a private address): metrics and health only.
pub fn admin(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// `GET /metrics` on the public listener: only with `Authorization: Bearer <AGORA_METRICS_TOKEN>`;
/// without a configured token it is not there (use the admin listener).
async fn metrics_with_token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return not_found().await;
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as hashes, so the time taken says nothing about the token.
    use app::ssr::tokens::hash_token;
    if hash_token(presented) != hash_token(expected) {
        return (StatusCode::UNAUTHORIZED, "A metrics token is required.").into_response();
    }
    metrics(State(state)).await
}

/// `GET /metrics` in Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    let body = state
        .metrics
        .render(state.hub.open_connections(), state.hub.active_portals());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn record_metrics(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    state
        .metrics
        .record(response.status().as_u16(), elapsed.as_secs_f64());
    tracing::debug!(%method, %path, status = response.status().as_u16(), ms = elapsed.as_millis() as u64, "request");
    response
}
