//! The envelope of what travels over `/ws`, and (in the browser) the connection and its
//! subscribers.
//!
//! Each tool defines its own message enums (events to browsers, and messages from them) and
//! gives them a domain with [`LiveMessage`]. On the wire a message is the tool's JSON object
//! with the domain beside its `type` tag: `{"domain":"chat","type":"chat_typing",…}`. This
//! module never names a tool: the hub, the socket and the browser route by the domain alone.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A tool's message type on the socket, in either direction.
pub trait LiveMessage: Serialize + DeserializeOwned + 'static {
    /// The tool's name on the wire (`"feed"`, `"chat"` …), unique across tools.
    const DOMAIN: &'static str;
}

#[derive(Serialize)]
struct Outgoing<'a, M> {
    domain: &'static str,
    #[serde(flatten)]
    message: &'a M,
}

#[derive(Deserialize)]
struct Head {
    domain: String,
}

/// The message as it goes on the socket: its own fields, its `type` and its domain.
pub fn to_wire<M: LiveMessage>(message: &M) -> String {
    serde_json::to_string(&Outgoing {
        domain: M::DOMAIN,
        message,
    })
    .unwrap_or_default()
}

/// The domain a message on the socket is for, if it names one.
pub fn domain_of(text: &str) -> Option<String> {
    serde_json::from_str::<Head>(text).ok().map(|h| h.domain)
}

/// The message of this type in `text`; None if `text` is another domain's or unreadable.
pub fn from_wire<M: LiveMessage>(text: &str) -> Option<M> {
    if domain_of(text).as_deref() != Some(M::DOMAIN) {
        return None;
    }
    serde_json::from_str(text).ok()
}

#[cfg(feature = "hydrate")]
pub mod client;
mod subscribe;

pub use subscribe::{Connected, use_connected, use_live};
