//! `/ws`: the realtime socket, authenticated by the session cookie.

use app::chat::ssr::presence;
use app::realtime::ClientMessage;
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
/// Nothing a browser sends on this socket (pings, closes, presence) is larger.
const MAX_INCOMING: usize = 16 * 1024;

pub async fn upgrade(
    State(state): State<AppState>,
    parts: Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    match caller_from_parts(&state, &parts).await {
        // Browsers only send pings and closes here: small buffers keep an idle socket cheap
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
                    match serde_json::from_str::<ClientMessage>(&text) {
                        Ok(ClientMessage::Presence { away }) => {
                            if let Err(e) = presence::set_away(&state, portal, user, away).await {
                                tracing::warn!(error = ?e, "presence not recorded");
                            }
                        }
                        Err(_) => tracing::debug!("unknown message on the realtime socket"),
                    }
                }
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    drop(registration);
    if let Err(e) = presence::disconnected(&state, portal, user).await {
        tracing::warn!(error = ?e, "presence not recorded");
    }
}
