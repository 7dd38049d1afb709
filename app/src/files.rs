//! Files, for every tool: uploads, storage and quota, thumbnails, the owner each file belongs
//! to, and downloads allowed by that owner's rules. A tool claims the uploads it keeps
//! (`ssr::claim`) and registers who may read them (`registry::file_kinds`).

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
