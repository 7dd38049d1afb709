//! The browser side of `/ws`: one connection per tab, reconnecting with back-off.

use super::LiveMessage;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// The close code of a socket whose session ended (server/src/ws.rs).
const SESSION_ENDED: u16 = 4001;

/// The tab's socket with its listeners. The next connection replaces it, which drops the
/// previous socket's listeners: nothing is leaked per reconnect.
struct Connection {
    socket: WebSocket,
    _listeners: [EventListener; 3],
}

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// Sends a tool's message on the socket if it is open; false if it could not be sent.
pub fn send<M: LiveMessage>(message: &M) -> bool {
    let text = super::to_wire(message);
    CONNECTION.with(|c| match c.borrow().as_ref().map(|c| &c.socket) {
        Some(socket) if socket.ready_state() == WebSocket::OPEN => {
            socket.send_with_str(&text).is_ok()
        }
        _ => false,
    })
}

/// Whether the tab is hidden (another tab in front, the window minimised).
pub fn tab_hidden() -> bool {
    gloo_utils::document().hidden()
}

/// Connects and keeps the connection alive; each message received goes to the subscribers of
/// its domain (`use_live`), and `on_open` runs at every (re)connection.
pub fn connect(on_open: fn(), connected: RwSignal<bool>) {
    open(on_open, connected, 0);
}

fn open(on_open: fn(), connected: RwSignal<bool>, attempt: u32) {
    let location = gloo_utils::window().location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}/ws")) else {
        return retry(on_open, connected, attempt);
    };

    let onopen = EventListener::new(&socket, "open", move |_| {
        on_open();
        connected.set(true);
    });

    let onmessage = EventListener::new(&socket, "message", move |e| {
        if let Some(text) = e
            .dyn_ref::<MessageEvent>()
            .and_then(|e| e.data().as_string())
        {
            super::subscribe::browser::dispatch(&text);
        }
    });

    let opened_at = js_sys::Date::now();
    let onclose = EventListener::new(&socket, "close", move |e| {
        connected.set(false);
        let code = e.dyn_ref::<CloseEvent>().map(CloseEvent::code);
        // The session ended (signed out elsewhere, password reset, deactivated): the page is
        // reloaded, which shows the sign-in form, instead of retrying a socket that is refused.
        // After a moment: the tab that signed out is already navigating away by itself.
        if code == Some(SESSION_ENDED) {
            Timeout::new(1500, || {
                let _ = gloo_utils::window().location().reload();
            })
            .forget();
            return;
        }
        // A connection that lived a while resets the back-off.
        let next = if js_sys::Date::now() - opened_at > 30_000.0 {
            0
        } else {
            attempt + 1
        };
        retry(on_open, connected, next);
    });
    // Never inside one of the previous socket's listeners: `open` runs from `connect` or from
    // the retry task, so dropping those listeners here is safe.
    CONNECTION.with(|c| {
        *c.borrow_mut() = Some(Connection {
            socket,
            _listeners: [onopen, onmessage, onclose],
        })
    });
}

/// Exponential back-off with jitter: 0.5 s, 1 s, 2 s … up to 30 s.
fn retry(on_open: fn(), connected: RwSignal<bool>, attempt: u32) {
    let base = 500.0 * 2f64.powi(attempt.min(6) as i32);
    let delay = base.min(30_000.0) * (0.75 + js_sys::Math::random() * 0.5);
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(delay as u32).await;
        open(on_open, connected, attempt);
    });
}
