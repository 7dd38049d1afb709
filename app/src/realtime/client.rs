//! The browser side of `/ws`: one connection per tab, reconnecting with back-off.

use super::{ClientMessage, RealtimeEvent};
use leptos::prelude::*;
use std::cell::RefCell;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// The close code of a socket whose session ended (server/src/ws.rs).
const SESSION_ENDED: u16 = 4001;

thread_local! {
    /// The tab's open socket, for the little it sends (presence).
    static SOCKET: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
}

/// Sends a message on the socket if it is open (presence is sent again on every connect);
/// false if it could not be sent.
pub fn send(message: &ClientMessage) -> bool {
    let Ok(text) = serde_json::to_string(message) else {
        return false;
    };
    SOCKET.with(|s| match s.borrow().as_ref() {
        Some(socket) if socket.ready_state() == WebSocket::OPEN => {
            socket.send_with_str(&text).is_ok()
        }
        _ => false,
    })
}

/// Whether the tab is hidden (another tab in front, the window minimised).
pub fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.hidden())
        .unwrap_or(false)
}

/// Connects and keeps the connection alive; `on_event` runs for each event received.
pub fn connect(on_event: impl Fn(RealtimeEvent) + Clone + 'static, connected: RwSignal<bool>) {
    open(on_event, connected, 0);
}

fn open(
    on_event: impl Fn(RealtimeEvent) + Clone + 'static,
    connected: RwSignal<bool>,
    attempt: u32,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}/ws")) else {
        return retry(on_event, connected, attempt);
    };

    let opened = socket.clone();
    let onopen = Closure::<dyn FnMut()>::new(move || {
        SOCKET.with(|s| *s.borrow_mut() = Some(opened.clone()));
        if tab_hidden() {
            send(&ClientMessage::Presence { away: true });
        }
        connected.set(true);
    });
    socket.set_onopen(Some(onopen.as_ref().unchecked_ref()));
    onopen.forget();

    let handler = on_event.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            match serde_json::from_str::<RealtimeEvent>(&text) {
                Ok(event) => handler(event),
                Err(err) => leptos::logging::warn!("unknown realtime event: {err}"),
            }
        }
    });
    socket.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();

    let opened_at = js_sys::Date::now();
    let onclose = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
        connected.set(false);
        // The session ended (signed out elsewhere, password reset, deactivated): the page is
        // reloaded, which shows the sign-in form, instead of retrying a socket that is refused.
        // After a moment: the tab that signed out is already navigating away by itself.
        if e.code() == SESSION_ENDED {
            set_timeout(
                || {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                },
                Duration::from_millis(1500),
            );
            return;
        }
        // A connection that lived a while resets the back-off.
        let next = if js_sys::Date::now() - opened_at > 30_000.0 {
            0
        } else {
            attempt + 1
        };
        retry(on_event.clone(), connected, next);
    });
    socket.set_onclose(Some(onclose.as_ref().unchecked_ref()));
    onclose.forget();
}

/// Exponential back-off with jitter: 0.5 s, 1 s, 2 s … up to 30 s.
fn retry(
    on_event: impl Fn(RealtimeEvent) + Clone + 'static,
    connected: RwSignal<bool>,
    attempt: u32,
) {
    let base = 500.0 * 2f64.powi(attempt.min(6) as i32);
    let delay = base.min(30_000.0) * (0.75 + js_sys::Math::random() * 0.5);
    set_timeout(
        move || open(on_event, connected, attempt),
        Duration::from_millis(delay as u64),
    );
}
