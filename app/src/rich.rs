//! Rich text: the safe Markdown subset people write in posts, comments, tasks and chat —
//! bold, italic, strike-through, lists, quotes, code, links and @mentions.
//!
//! The server parses the source into this small tree (`parse`); the tree crosses the wire and
//! is rendered by `RichText` with ordinary Leptos views, so user text is always escaped and no
//! HTML a user typed can ever reach the page as markup.

pub mod editor;
#[cfg(feature = "ssr")]
pub mod names;
#[cfg(feature = "parse")]
mod parse;
mod tree;
mod view;

pub use editor::RichEditor;
#[cfg(feature = "parse")]
pub use parse::{is_safe_href, parse};
pub use tree::{Block, Inline, mentions, plain_text};
pub use view::RichText;
