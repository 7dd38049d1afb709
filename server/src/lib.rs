//! The Agora server: router, realtime socket, background jobs and command line.
#![forbid(unsafe_code)]
#![recursion_limit = "512"]

pub mod cli;
pub mod guard;
pub mod router;
pub mod start;
pub mod workers;
pub mod ws;
