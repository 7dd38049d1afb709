//! Shared UI pieces used by every tool: avatar, page header, empty state, errors, icons,
//! pickers that search as one types.

pub mod avatar;
pub mod combobox;
pub mod feedback;
pub mod icons;
pub mod mutation;
pub mod page;
pub mod paged;

pub use avatar::Avatar;
pub use feedback::{ActionResult, EmptyState, ErrorBox};
pub use page::PageHeader;

/// Loads a URL in the browser (a full navigation, so every piece of state starts fresh).
pub fn hard_navigate(_path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(_path);
    }
}

/// Percent-encodes a query value (for links and navigation built in the browser).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
