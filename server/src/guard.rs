//! Guards every request passes before a handler runs: the client's address, a body limit by
//! kind of request, and the same-origin check on state-changing requests (CSRF in depth).

use app::ssr::caller::session_token;
use app::ssr::limits::{ClientIp, resolve_client_ip};
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// Uploads above this are cut off by the HTTP layer, before the per-purpose limits apply.
pub const MAX_UPLOAD_BODY: usize = 110 * 1024 * 1024;
/// Server functions of a signed-in session: the largest form (a task with its description and
/// checklist) is well under this.
const MAX_API_BODY: usize = 2 * 1024 * 1024;
/// Anything anyone can send without an account.
const MAX_PUBLIC_BODY: usize = 64 * 1024;
/// Server functions that take no session: always held to the small limit.
const PUBLIC_ENDPOINTS: &[&str] = &[
    "/api/login",
    "/api/sign_up",
    "/api/request_password_reset",
    "/api/reset_password",
    "/api/get_invitation",
    "/api/accept_invitation",
    "/api/session",
];

/// Records the client address (behind configured proxies, the one they name) for rate limits.
pub async fn client_address(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let forwarded = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let ip = resolve_client_ip(peer.ip(), forwarded, &state.config.trusted_proxies);
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

/// The most a request to `path` may carry.
fn body_limit(path: &str, headers: &HeaderMap) -> usize {
    let signed_in = session_token(headers).is_some();
    if !signed_in || PUBLIC_ENDPOINTS.contains(&path) {
        MAX_PUBLIC_BODY
    } else if path.starts_with("/uploads/") {
        MAX_UPLOAD_BODY
    } else if path.starts_with("/api/") {
        MAX_API_BODY
    } else {
        MAX_PUBLIC_BODY
    }
}

/// Refuses a body over its limit: at once when it declares its length, else when the stream
/// passes the limit (the handler then sees a broken body and answers with an error).
pub async fn limit_body(request: Request, next: Next) -> Response {
    let limit = body_limit(request.uri().path(), request.headers());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

fn too_large(limit: usize) -> Response {
    let error = app::error::AppError::TooLarge(format!("{} KB", limit / 1024));
    let body = serde_json::to_string(&error).unwrap_or_default();
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Whether a browser request comes from the portal's own pages. Browsers send `Sec-Fetch-Site`
/// and `Origin` on every state-changing request and on websocket upgrades; clients without
/// either (scripts, API tools) carry no ambient cookies from another site and pass.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // `same-site` is refused too: another portal is a sibling sub-domain of the same site.
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(host)) = (
        origin.to_str(),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    ) else {
        return false;
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        // `null` (a sandboxed frame, a file) and anything malformed.
        return false;
    };
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let strip = |a: &str| {
        a.strip_suffix(default_port)
            .unwrap_or(a)
            .to_ascii_lowercase()
    };
    strip(authority) == strip(host)
}

/// Refuses state-changing requests and websocket upgrades from another origin, and server
/// functions with a body that is neither JSON nor a form (a cross-site `text/plain` post).
pub async fn same_origin_only(request: Request, next: Next) -> Response {
    let method = request.method();
    let is_upgrade = request.headers().contains_key(header::UPGRADE);
    let changes_state =
        !(method == Method::GET || method == Method::HEAD || method == Method::OPTIONS);
    if (changes_state || is_upgrade) && !same_origin(request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response();
    }
    if changes_state && request.uri().path().starts_with("/api/") {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if !matches!(
            essence.as_str(),
            "application/json" | "application/x-www-form-urlencoded" | ""
        ) {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Server functions take JSON or a form.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// The policy of every response that is not a page: nothing in it runs, loads or frames (a
/// downloaded SVG or HTML file included); inline styles only, for the plain error pages.
const LOCKED_DOWN_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

/// Security headers on every response. Pages set their own Content-Security-Policy, with the
/// nonce of their inline scripts (`app::shell::document`); the rest get a locked-down one.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // The service worker's policy governs what it fetches: pages and assets of its origin.
    let worker = request.uri().path() == "/sw.js";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if worker {
            "default-src 'self'"
        } else {
            LOCKED_DOWN_CSP
        };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::same_origin;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn only_the_portals_own_origin_passes() {
        let host = ("host", "acme.agora.test:3000");
        assert!(same_origin(&headers(&[host])));
        assert!(same_origin(&headers(&[
            host,
            ("origin", "http://acme.agora.test:3000")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "acme.agora.test"),
            ("origin", "https://acme.agora.test:443"),
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://evil.test")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "http://beta.agora.test:3000")
        ])));
        assert!(!same_origin(&headers(&[host, ("origin", "null")])));
        assert!(!same_origin(&headers(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("sec-fetch-site", "same-site")
        ])));
        assert!(same_origin(&headers(&[
            host,
            ("sec-fetch-site", "same-origin")
        ])));
    }
}
