//! Accounts: sign-in, sessions, password reset, invitations.

pub mod api;
pub mod page_session;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
