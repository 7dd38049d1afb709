//! The Content-Security-Policy of pages (other responses get a locked-down one in `server`).

use leptos::prelude::use_context;

/// The policy of a page whose inline scripts carry `nonce`: scripts only from this origin or
/// with the nonce, WebAssembly compiled from them, no frames around it, no plugins.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page policy on the response being rendered.
pub fn set_page_policy(nonce: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&page_policy(nonce)),
    ) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}
