//! A tool's part in each open realtime socket (the socket itself is `server/src/ws.rs`): it
//! hears the tab's messages of its domain, is told at each ping and when the socket closes.
//! Tools register theirs in `registry::socket_tools`.

use super::caller::Caller;
use super::state::AppState;
use futures::future::BoxFuture;

/// One tool's state for one open socket.
pub trait SocketPart: Send {
    /// A message of the tool's domain from the tab; the answer, if any, goes back to this tab
    /// only, already in its wire form (`realtime::to_wire`).
    fn message<'a>(
        &'a mut self,
        state: &'a AppState,
        caller: &'a Caller,
        text: &'a str,
    ) -> BoxFuture<'a, Option<String>>;

    /// At each ping of the socket (leases to renew).
    fn ping<'a>(&'a mut self, state: &'a AppState, caller: &'a Caller) -> BoxFuture<'a, ()>;

    /// The socket closed, or the node stops.
    fn closed<'a>(&'a mut self, state: &'a AppState, caller: &'a Caller) -> BoxFuture<'a, ()>;
}

/// A tool that takes part in sockets.
#[derive(Clone, Copy)]
pub struct SocketTool {
    /// The domain of the messages it hears (its `LiveMessage::DOMAIN`).
    pub domain: &'static str,
    /// Called when a tab's socket opens.
    pub open: for<'a> fn(&'a AppState, &'a Caller) -> BoxFuture<'a, Box<dyn SocketPart>>,
}
