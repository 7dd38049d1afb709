//! Agora: the shared Leptos crate — pages, components, server functions and their services.
#![forbid(unsafe_code)]
#![recursion_limit = "512"]

pub mod auth;
pub mod chat;
pub mod counters;
pub mod dates;
pub mod error;
pub mod feed;
pub mod files;
pub mod groups;
pub mod hr;
pub mod ids;
pub mod jobs;
pub mod notifications;
pub mod portal;
pub mod realtime;
pub mod registry;
pub mod rich;
pub mod search_terms;
pub mod shell;
pub mod social;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod tasks;
pub mod ui;
pub mod validate;

pub use shell::App;
#[cfg(feature = "ssr")]
pub use shell::document;
