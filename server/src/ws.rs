//! `/ws`: the realtime socket, authenticated by the session cookie.

use app::chat::ssr::{calls, presence};
use app::ids::ChatId;
use app::realtime::{ClientMessage, RealtimeEvent};
use app::ssr::caller::caller_from_parts;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use std::time::Duration;

const READ_BUFFER: usize = 4 * 1024;
/// Nothing a browser sends on this socket (pings, closes, presence, a call's handshake) is
/// larger.
const MAX_INCOMING: usize = 16 * 1024;

pub async fn upgrade(
    State(state): State<AppState>,
    parts: Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    match caller_from_parts(&state, &parts).await {
        // Browsers send little here: small buffers keep an idle socket cheap
        // (the 128 KiB defaults cost about 75 KiB of memory per socket; docs/PERFORMANCE.md).
        Ok(caller) => upgrade
            .read_buffer_size(READ_BUFFER)
            .write_buffer_size(0)
            .max_message_size(MAX_INCOMING)
            .max_frame_size(MAX_INCOMING)
            .on_upgrade(move |socket| serve(state, caller, socket))
            .into_response(),
        Err(_) => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn serve(state: AppState, caller: app::ssr::caller::Caller, socket: WebSocket) {
    let (portal, user) = (caller.portal_id(), caller.user_id);
    let (registration, mut events) = state.hub.register(portal, user, caller.role);
    if let Err(e) = presence::connected(&state, portal, user).await {
        tracing::warn!(error = ?e, "presence not recorded");
    }
    let (mut sink, mut incoming) = socket.split();
    // The chat whose call this tab is in: it leaves the call when the socket closes.
    let mut call: Option<ChatId> = None;
    // Pings keep proxies from closing idle sockets and reveal dead peers.
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(json) => {
                    if sink.send(Message::Text(json.as_ref().into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            message = incoming.next() => match message {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(Message::Text(text))) => {
                    let Ok(message) = serde_json::from_str::<ClientMessage>(&text) else {
                        tracing::debug!("unknown message on the realtime socket");
                        continue;
                    };
                    if let Some(reply) = handle(&state, &caller, &mut call, message).await {
                        let Ok(json) = serde_json::to_string(&reply) else { continue };
                        if sink.send(Message::Text(json.into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
                if let Some(chat) = call
                    && let Err(e) = calls::renew(&state, &caller, chat).await
                {
                    tracing::warn!(error = ?e, "call lease not renewed");
                }
            }
        }
    }
    drop(registration);
    if let Some(chat) = call
        && let Err(e) = calls::leave(&state, &caller, chat).await
    {
        tracing::warn!(error = ?e, "call not left");
    }
    if let Err(e) = presence::disconnected(&state, portal, user).await {
        tracing::warn!(error = ?e, "presence not recorded");
    }
}

/// What a tab asks on its socket; the answer, if any, goes back to that tab only.
async fn handle(
    state: &AppState,
    caller: &app::ssr::caller::Caller,
    call: &mut Option<ChatId>,
    message: ClientMessage,
) -> Option<RealtimeEvent> {
    match message {
        ClientMessage::Presence { away } => {
            if let Err(e) =
                presence::set_away(state, caller.portal_id(), caller.user_id, away).await
            {
                tracing::warn!(error = ?e, "presence not recorded");
            }
            None
        }
        ClientMessage::CallJoin { chat_id } => {
            if let Some(previous) = call.take()
                && let Err(e) = calls::leave(state, caller, previous).await
            {
                tracing::warn!(error = ?e, "call not left");
            }
            Some(match calls::join(state, caller, chat_id).await {
                Ok(peers) => {
                    *call = Some(chat_id);
                    RealtimeEvent::CallJoined {
                        chat_id,
                        peers,
                        ice_servers: state.config.ice_servers.clone(),
                    }
                }
                Err(error) => RealtimeEvent::CallRefused { chat_id, error },
            })
        }
        ClientMessage::CallLeave { chat_id } => {
            if *call == Some(chat_id) {
                *call = None;
                if let Err(e) = calls::leave(state, caller, chat_id).await {
                    tracing::warn!(error = ?e, "call not left");
                }
            }
            None
        }
        ClientMessage::CallSignal {
            chat_id,
            to,
            signal,
        } => {
            let sent = if *call == Some(chat_id) {
                calls::signal(state, caller, chat_id, to, signal).await
            } else {
                Err(app::error::AppError::NotFound)
            };
            sent.err()
                .map(|error| RealtimeEvent::CallRefused { chat_id, error })
        }
    }
}
