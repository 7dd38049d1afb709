//! The session of the page being shown, known before the first byte is rendered.
//!
//! The server resolves it once per page request (see `attach_page_session` in the server's
//! router) and writes it into the document as JSON; the browser reads the same JSON while
//! hydrating. No resource or Suspense is involved, so the shell renders in one pass on both
//! sides and the pages inside it hydrate against exactly the markup the server produced.
//! Signing in or out always reloads the page, so the embedded session never goes stale.

use super::types::Session;

/// Id of the `<script type="application/json">` element carrying the session.
pub const ELEMENT_ID: &str = "agora-session";

/// The session of the current page: from the request on the server, from the document in
/// the browser. `None` only if the page was served without one (never for app pages).
pub fn page_session() -> Option<Session> {
    #[cfg(feature = "ssr")]
    {
        use axum::http::request::Parts;
        use leptos::prelude::use_context;
        use_context::<Parts>()?
            .extensions
            .get::<crate::ssr::caller::PageSession>()
            .map(|page| page.session.clone())
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let text = web_sys::window()?
            .document()?
            .get_element_by_id(ELEMENT_ID)?
            .text_content()?;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    None
}

/// The session as JSON that is safe inside a `<script>` element (no `</script>` can close it).
pub fn to_script_json(session: &Session) -> String {
    serde_json::to_string(session)
        .unwrap_or_else(|_| "null".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let session = Session {
            portal_exists: true,
            portal_name: Some("</script><script>alert(1)</script> & co".to_owned()),
            me: None,
            address_suffix: ".localhost".into(),
        };
        let json = to_script_json(&session);
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Session = serde_json::from_str(&json).unwrap();
        assert_eq!(back, session);
    }
}
