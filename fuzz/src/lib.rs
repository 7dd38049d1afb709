//! The pure parts of `app` the fuzz targets exercise, compiled straight from app's source files.
//! Depending on `app` itself would build Leptos, sqlx and the rest with the fuzzer's
//! instrumentation (over a quarter of an hour on two cores); these files need only serde and
//! pulldown-cmark, and are the very same code the server runs.

#[path = "../../app/src/ids.rs"]
pub mod ids;

#[path = "../../app/src/search_terms.rs"]
pub mod search_terms;

// At the top level rather than inside `rich`: a `#[path]` in an inline module resolves through a
// `src/rich/` folder that does not exist. `parse.rs` reaches the tree through `super::`.
#[path = "../../app/src/rich/parse.rs"]
mod parse;
#[path = "../../app/src/rich/tree.rs"]
mod tree;

use tree::{Block, Inline, plain_text};

pub mod rich {
    pub use super::parse::{is_safe_href, parse};
    pub use super::tree::{Block, Inline, mentions, plain_text};
}
