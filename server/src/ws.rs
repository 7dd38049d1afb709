//! `/ws`: the realtime socket, authenticated by the session cookie.

use app::ssr::caller::{caller_from_parts, session_alive, session_token};
use app::ssr::socket::SocketPart;
use app::ssr::state::AppState;
use app::ssr::tokens::hash_token;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};

const READ_BUFFER: usize = 4 * 1024;
/// Nothing a browser sends on this socket (pings, closes, presence, a call's handshake) is
/// larger.
const MAX_INCOMING: usize = 16 * 1024;
/// What a tab may send: a burst (a call's handshake sends a few dozen network candidates at
/// once), then a steady trickle. More closes the socket (1008, policy violation).
const MESSAGE_BURST: u32 = 100;
const MESSAGES_PER_SECOND: u32 = 20;
/// The close code a tab sees when its session ended (signed out, reset, expired, deactivated).
const SESSION_ENDED: u16 = 4001;

pub async fn upgrade(
    State(state): State<AppState>,
    parts: Parts,
    upgrade: WebSocketUpgrade,
) -> Response {
    let session = session_token(&parts.headers).map(|token| hash_token(&token));
    match (caller_from_parts(&state, &parts).await, session) {
        // Browsers send little here: small buffers keep an idle socket cheap
        // (the 128 KiB defaults cost about 75 KiB of memory per socket; docs/PERFORMANCE.md).
        (Ok(caller), Some(session)) => upgrade
            .read_buffer_size(READ_BUFFER)
            .write_buffer_size(0)
            .max_message_size(MAX_INCOMING)
            .max_frame_size(MAX_INCOMING)
            .on_upgrade(move |socket| serve(state, caller, session, socket))
            .into_response(),
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn serve(
    state: AppState,
    caller: app::ssr::caller::Caller,
    session: String,
    socket: WebSocket,
) {
    let (portal, user) = (caller.portal_id(), caller.user_id);
    let (registration, mut events) = state.hub.register(portal, user, caller.role, &session);
    // Each tool's part of this socket (the messenger's presence and calls …), by domain.
    let mut parts: Vec<(&'static str, Box<dyn SocketPart>)> = Vec::new();
    for tool in app::registry::socket_tools() {
        parts.push((tool.domain, (tool.open)(&state, &caller).await));
    }
    let (mut sink, mut incoming) = socket.split();
    // Pings keep proxies from closing idle sockets and reveal dead peers; at each, the session
    // is checked again, so one that ended unannounced (expired, say) closes within an interval.
    let mut ping = tokio::time::interval(state.config.ws_ping);
    ping.tick().await;
    let mut ended = false;
    let mut flooded = false;
    let mut stopping = false;
    let allowance = governor::RateLimiter::direct(
        governor::Quota::per_second(
            std::num::NonZeroU32::new(MESSAGES_PER_SECOND).unwrap_or(std::num::NonZeroU32::MIN),
        )
        .allow_burst(std::num::NonZeroU32::new(MESSAGE_BURST).unwrap_or(std::num::NonZeroU32::MIN)),
    );
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(json) => {
                    if sink.send(Message::Text(json.as_ref().into())).await.is_err() {
                        break;
                    }
                }
                // The hub dropped this connection: its session ended.
                None => {
                    ended = true;
                    break;
                }
            },
            message = incoming.next() => match message {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(Message::Text(text))) => {
                    if allowance.check().is_err() {
                        flooded = true;
                        break;
                    }
                    let domain = app::realtime::domain_of(&text);
                    let Some((_, part)) = parts
                        .iter_mut()
                        .find(|(d, _)| Some(*d) == domain.as_deref())
                    else {
                        tracing::debug!("realtime message for no tool");
                        continue;
                    };
                    if let Some(reply) = part.message(&state, &caller, &text).await
                        && sink.send(Message::Text(reply.into())).await.is_err()
                    {
                        break;
                    }
                }
                Some(Ok(_)) => {}
            },
            _ = state.shutdown.cancelled() => {
                stopping = true;
                break;
            }
            _ = ping.tick() => {
                match session_alive(&state, portal, user, &session).await {
                    Ok(true) => {}
                    Ok(false) => {
                        ended = true;
                        break;
                    }
                    Err(e) => tracing::warn!(error = ?e, "session not checked"),
                }
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
                for (_, part) in parts.iter_mut() {
                    part.ping(&state, &caller).await;
                }
            }
        }
    }
    drop(registration);
    let close = if ended {
        Some((SESSION_ENDED, "session ended"))
    } else if flooded {
        tracing::warn!(%portal, %user, "realtime socket closed: too many messages");
        Some((1008, "too many messages"))
    } else if stopping {
        // The tab reconnects, to another node or to this one once it is back.
        Some((1001, "server going away"))
    } else {
        None
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    for (_, part) in parts.iter_mut() {
        part.closed(&state, &caller).await;
    }
}
