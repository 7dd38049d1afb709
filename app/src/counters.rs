//! The numbers tools show in the shell (menu counters, the bell), each tool's own. The page
//! brings them rendered on the server, so the menu shows them at once; from there each tool
//! keeps its number live from its own events. The shell never knows what a number means.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every tool's counters as the page was rendered, by tool name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Counters(BTreeMap<String, serde_json::Value>);

impl Counters {
    /// The tool's counters, or their default if it has none (or they are unreadable).
    pub fn get<T: DeserializeOwned + Default>(&self, tool: &str) -> T {
        self.0
            .get(tool)
            .and_then(|v| T::deserialize(v).ok())
            .unwrap_or_default()
    }

    pub fn set<T: Serialize>(&mut self, tool: &str, value: &T) {
        if let Ok(v) = serde_json::to_value(value) {
            self.0.insert(tool.to_owned(), v);
        }
    }
}

/// How a tool computes its counters for a page (`registry::counters`). A handful of indexed
/// reads; a tool that loads something its server functions reuse puts it in the page cache.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
pub struct CounterSource {
    pub tool: &'static str,
    pub load: for<'a> fn(
        &'a crate::ssr::state::AppState,
        &'a crate::ssr::caller::Caller,
        &'a crate::ssr::caller::PageCache,
    ) -> CounterFuture<'a>,
}

/// What a `CounterSource` answers: the tool's counters, as JSON.
#[cfg(feature = "ssr")]
pub type CounterFuture<'a> =
    futures::future::BoxFuture<'a, crate::error::AppResult<serde_json::Value>>;
