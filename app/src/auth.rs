//! Accounts: sign-in, sessions, password reset, invitations.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;
pub mod ui;
