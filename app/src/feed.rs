//! The live feed: posts, comments, reactions, mentions, pinned posts and entries published
//! by other tools — each visible only to the people it is addressed to.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
