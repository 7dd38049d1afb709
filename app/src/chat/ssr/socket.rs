//! The messenger's part in each tab's socket: presence (online while a socket is open, away
//! when the tab says so) and calls (join, leave, the handshake between peers; the tab leaves
//! its call when the socket closes).

use super::{calls, presence};
use crate::chat::types::{ChatClientMessage, ChatEvent};
use crate::error::AppError;
use crate::ids::ChatId;
use crate::realtime::{LiveMessage, from_wire, to_wire};
use crate::ssr::caller::Caller;
use crate::ssr::socket::{SocketPart, SocketTool};
use crate::ssr::state::AppState;
use futures::future::BoxFuture;

pub const SOCKET: SocketTool = SocketTool {
    domain: ChatClientMessage::DOMAIN,
    open,
};

/// One tab's socket, as the messenger sees it.
struct ChatSocket {
    /// The chat whose call this tab is in.
    call: Option<ChatId>,
}

fn open<'a>(state: &'a AppState, caller: &'a Caller) -> BoxFuture<'a, Box<dyn SocketPart>> {
    Box::pin(async move {
        if let Err(e) = presence::connected(state, caller.portal_id(), caller.user_id).await {
            tracing::warn!(error = ?e, "presence not recorded");
        }
        Box::new(ChatSocket { call: None }) as Box<dyn SocketPart>
    })
}

impl SocketPart for ChatSocket {
    fn message<'a>(
        &'a mut self,
        state: &'a AppState,
        caller: &'a Caller,
        text: &'a str,
    ) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            let Some(message) = from_wire::<ChatClientMessage>(text) else {
                tracing::debug!("unreadable chat message on the realtime socket");
                return None;
            };
            self.handle(state, caller, message)
                .await
                .map(|reply| to_wire(&reply))
        })
    }

    fn ping<'a>(&'a mut self, state: &'a AppState, caller: &'a Caller) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Some(chat) = self.call
                && let Err(e) = calls::renew(state, caller, chat).await
            {
                tracing::warn!(error = ?e, "call lease not renewed");
            }
        })
    }

    fn closed<'a>(&'a mut self, state: &'a AppState, caller: &'a Caller) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Some(chat) = self.call.take()
                && let Err(e) = calls::leave(state, caller, chat).await
            {
                tracing::warn!(error = ?e, "call not left");
            }
            if let Err(e) = presence::disconnected(state, caller.portal_id(), caller.user_id).await
            {
                tracing::warn!(error = ?e, "presence not recorded");
            }
        })
    }
}

impl ChatSocket {
    /// What the tab asks; the answer, if any, goes back to that tab only.
    async fn handle(
        &mut self,
        state: &AppState,
        caller: &Caller,
        message: ChatClientMessage,
    ) -> Option<ChatEvent> {
        match message {
            ChatClientMessage::Presence { away } => {
                if let Err(e) =
                    presence::set_away(state, caller.portal_id(), caller.user_id, away).await
                {
                    tracing::warn!(error = ?e, "presence not recorded");
                }
                None
            }
            ChatClientMessage::CallJoin { chat_id } => {
                if let Some(previous) = self.call.take()
                    && let Err(e) = calls::leave(state, caller, previous).await
                {
                    tracing::warn!(error = ?e, "call not left");
                }
                Some(match calls::join(state, caller, chat_id).await {
                    Ok(peers) => {
                        self.call = Some(chat_id);
                        ChatEvent::CallJoined {
                            chat_id,
                            peers,
                            ice_servers: super::ice::servers(
                                &state.config.ice,
                                caller.user_id,
                                crate::ssr::now_ms(),
                            ),
                        }
                    }
                    Err(error) => ChatEvent::CallRefused { chat_id, error },
                })
            }
            ChatClientMessage::CallLeave { chat_id } => {
                if self.call == Some(chat_id) {
                    self.call = None;
                    if let Err(e) = calls::leave(state, caller, chat_id).await {
                        tracing::warn!(error = ?e, "call not left");
                    }
                }
                None
            }
            ChatClientMessage::CallSignal {
                chat_id,
                to,
                signal,
            } => {
                let sent = if self.call == Some(chat_id) {
                    calls::signal(state, caller, chat_id, to, signal).await
                } else {
                    Err(AppError::NotFound)
                };
                sent.err()
                    .map(|error| ChatEvent::CallRefused { chat_id, error })
            }
        }
    }
}
