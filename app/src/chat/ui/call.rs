//! Calls: the button in a conversation, the ringing of an incoming call, and the call window,
//! which stays open while one moves between pages. Sound and video go browser to browser
//! (`rtc`, in the browser only); the server relays the handshakes over the realtime socket.

#[cfg(feature = "hydrate")]
mod rtc;

use crate::chat::types::ChatEvent;
use crate::chat::types::{CallRing, CallSummary, MAX_CALL_PEOPLE};
use crate::ids::{ChatId, UserId};
use crate::ui::Avatar;
use leptos::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    /// Asking the browser for the camera and microphone.
    Starting,
    /// Waiting for the server to let this tab in.
    Joining,
    InCall,
}

/// How much room the call window takes: the bar alone, a corner, or the whole page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowSize {
    Compact,
    Normal,
    Large,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileState {
    Connecting,
    Connected,
    Lost,
}

/// One person in the call window.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub user: UserId,
    pub name: String,
    pub photo: Option<String>,
    pub me: bool,
    pub state: TileState,
}

/// The calls of the signed-in person, shared by the shell: the one this tab is in, and those
/// going on in their chats.
#[derive(Clone, Copy)]
pub struct Calls {
    pub me: UserId,
    pub chat: RwSignal<Option<ChatId>>,
    pub title: RwSignal<String>,
    pub phase: RwSignal<Phase>,
    pub error: RwSignal<Option<String>>,
    pub tiles: RwSignal<Vec<Tile>>,
    /// Bumped when a stream arrives, so the video elements pick it up.
    pub streams: RwSignal<u32>,
    pub muted: RwSignal<bool>,
    pub camera_off: RwSignal<bool>,
    pub has_video: RwSignal<bool>,
    pub size: RwSignal<WindowSize>,
    /// When this tab joined (unix ms), for the call's clock.
    pub joined_at: RwSignal<i64>,
    /// Calls going on in the person's chats, as last told.
    pub going_on: RwSignal<HashMap<ChatId, CallSummary>>,
    /// A call to answer, in a chat.
    pub ringing: RwSignal<Option<(ChatId, CallRing)>>,
}

pub fn use_calls() -> Calls {
    expect_context::<Calls>()
}

impl Calls {
    pub fn new(me: UserId) -> Self {
        Self {
            me,
            chat: RwSignal::new(None),
            title: RwSignal::new(String::new()),
            phase: RwSignal::new(Phase::Idle),
            error: RwSignal::new(None),
            tiles: RwSignal::new(Vec::new()),
            streams: RwSignal::new(0),
            muted: RwSignal::new(false),
            camera_off: RwSignal::new(false),
            has_video: RwSignal::new(false),
            size: RwSignal::new(WindowSize::Normal),
            joined_at: RwSignal::new(0),
            going_on: RwSignal::new(HashMap::new()),
            ringing: RwSignal::new(None),
        }
    }

    /// Starts the call in `chat`, or joins the one going on there.
    pub fn start(self, chat: ChatId, title: String) {
        if self.chat.get_untracked() == Some(chat) && self.phase.get_untracked() != Phase::Idle {
            return;
        }
        if self.phase.get_untracked() != Phase::Idle {
            self.leave();
        }
        self.error.set(None);
        self.ringing.set(None);
        self.chat.set(Some(chat));
        self.title.set(title);
        self.muted.set(false);
        self.camera_off.set(false);
        self.phase.set(Phase::Starting);
        self.tiles.set(vec![Tile {
            user: self.me,
            name: "You".into(),
            photo: None,
            me: true,
            state: TileState::Connected,
        }]);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let opened = rtc::open_media(chat).await;
            if self.chat.get_untracked() != Some(chat)
                || self.phase.get_untracked() != Phase::Starting
            {
                // Hung up while the browser was asking.
                if opened.is_ok() {
                    rtc::hang_up();
                }
                return;
            }
            match opened {
                Ok(video) => {
                    self.has_video.set(video);
                    self.phase.set(Phase::Joining);
                    self.streams_changed();
                    let sent = crate::realtime::client::send(
                        &crate::chat::types::ChatClientMessage::CallJoin { chat_id: chat },
                    );
                    if !sent {
                        self.fail(
                            "You are offline: the call can start once the connection is back.",
                        );
                        return;
                    }
                    // No answer from the server: give up rather than hang.
                    set_timeout(
                        move || {
                            if self.chat.get_untracked() == Some(chat)
                                && self.phase.get_untracked() == Phase::Joining
                            {
                                self.fail("The server did not answer. Please try again.");
                            }
                        },
                        std::time::Duration::from_secs(15),
                    );
                }
                Err(message) => self.fail(&message),
            }
        });
    }

    /// Leaves the call this tab is in.
    pub fn leave(self) {
        if let Some(chat) = self.chat.get_untracked()
            && matches!(self.phase.get_untracked(), Phase::Joining | Phase::InCall)
        {
            #[cfg(feature = "hydrate")]
            crate::realtime::client::send(&crate::chat::types::ChatClientMessage::CallLeave {
                chat_id: chat,
            });
            #[cfg(not(feature = "hydrate"))]
            let _ = chat;
        }
        self.reset();
    }

    /// Ends this tab's part in the call with a message (the server let it go, or never in).
    pub fn fail(self, message: &str) {
        self.reset();
        self.error.set(Some(message.to_owned()));
    }

    fn reset(self) {
        #[cfg(feature = "hydrate")]
        rtc::hang_up();
        self.chat.set(None);
        self.phase.set(Phase::Idle);
        self.tiles.set(Vec::new());
        self.size.set(WindowSize::Normal);
    }

    pub fn toggle_mute(self) {
        let muted = !self.muted.get_untracked();
        self.muted.set(muted);
        #[cfg(feature = "hydrate")]
        rtc::set_sending(true, !muted);
    }

    pub fn toggle_camera(self) {
        let off = !self.camera_off.get_untracked();
        self.camera_off.set(off);
        #[cfg(feature = "hydrate")]
        rtc::set_sending(false, !off);
    }

    pub fn streams_changed(self) {
        self.streams.update(|v| *v = v.wrapping_add(1));
    }

    pub fn set_tile_state(self, user: UserId, state: TileState) {
        self.tiles.update(|tiles| {
            if let Some(tile) = tiles.iter_mut().find(|t| t.user == user) {
                tile.state = state;
            }
        });
    }

    /// Whether this tab is in (or joining) the call of `chat`.
    pub fn in_call(self, chat: ChatId) -> bool {
        self.chat.get() == Some(chat) && self.phase.get() != Phase::Idle
    }

    /// What the person sees of a chat's call: this tab's own, or the one going on.
    pub fn seed(self, chat: ChatId, call: Option<CallSummary>) {
        self.going_on.update(|m| match call {
            Some(c) => {
                m.insert(chat, c);
            }
            None => {
                m.remove(&chat);
            }
        });
    }

    /// The tiles for the people in `call`: this tab first, then the others as they joined.
    fn sync_tiles(self, call: &CallSummary) {
        let before = self.tiles.get_untracked();
        let mut tiles: Vec<Tile> = before.iter().filter(|t| t.me).cloned().collect();
        for person in call.people.iter().filter(|p| p.id != self.me) {
            let state = before
                .iter()
                .find(|t| t.user == person.id)
                .map(|t| t.state)
                .unwrap_or(TileState::Connecting);
            tiles.push(Tile {
                user: person.id,
                name: person.name.clone(),
                photo: person.photo_url.clone(),
                me: false,
                state,
            });
        }
        #[cfg(feature = "hydrate")]
        for gone in rtc::connected_peers() {
            if !call.people.iter().any(|p| p.id == gone) {
                rtc::drop_peer(gone);
            }
        }
        self.tiles.set(tiles);
    }

    /// Applies a call event from the realtime socket.
    pub fn on_event(self, event: ChatEvent) {
        match event {
            ChatEvent::ChatCall {
                chat_id,
                call,
                ring,
            } => {
                let mine = self.chat.get_untracked() == Some(chat_id);
                let in_it = |c: &CallSummary| c.people.iter().any(|p| p.id == self.me);
                match (&call, ring) {
                    (Some(c), Some(ring)) if !in_it(c) && !mine => {
                        self.ringing.set(Some((chat_id, ring)));
                        // Nobody answers a ringing phone for ever.
                        set_timeout(
                            move || {
                                self.ringing.update(|r| {
                                    if r.as_ref().is_some_and(|(c, _)| *c == chat_id) {
                                        *r = None;
                                    }
                                })
                            },
                            std::time::Duration::from_secs(45),
                        );
                    }
                    (None, _) => self.ringing.update(|r| {
                        if r.as_ref().is_some_and(|(c, _)| *c == chat_id) {
                            *r = None;
                        }
                    }),
                    _ => {}
                }
                if mine && self.phase.get_untracked() == Phase::InCall {
                    match &call {
                        Some(c) if in_it(c) => self.sync_tiles(c),
                        _ => self.fail("The call ended."),
                    }
                }
                self.seed(chat_id, call);
            }
            ChatEvent::CallJoined {
                chat_id,
                peers,
                ice_servers,
            } => {
                if self.chat.get_untracked() != Some(chat_id)
                    || self.phase.get_untracked() != Phase::Joining
                {
                    return;
                }
                self.phase.set(Phase::InCall);
                self.joined_at.set(crate::ui::page::now_ms());
                if let Some(call) = self.going_on.with_untracked(|m| m.get(&chat_id).cloned()) {
                    self.sync_tiles(&call);
                }
                // Someone the summary did not name yet still gets a tile.
                self.tiles.update(|tiles| {
                    for peer in &peers {
                        if !tiles.iter().any(|t| t.user == *peer) {
                            tiles.push(Tile {
                                user: *peer,
                                name: String::new(),
                                photo: None,
                                me: false,
                                state: TileState::Connecting,
                            });
                        }
                    }
                });
                #[cfg(feature = "hydrate")]
                rtc::joined(self, chat_id, &peers, ice_servers);
                #[cfg(not(feature = "hydrate"))]
                let _ = ice_servers;
            }
            // A refused handshake message needs nothing: the person left, and the call's
            // next summary takes their tile away.
            ChatEvent::CallRefused { chat_id, error }
                if self.chat.get_untracked() == Some(chat_id)
                    && self.phase.get_untracked() == Phase::Joining =>
            {
                self.fail(&error.to_string());
            }
            ChatEvent::CallSignal {
                chat_id,
                from,
                signal,
            } => {
                #[cfg(feature = "hydrate")]
                rtc::on_signal(self, chat_id, from, signal);
                #[cfg(not(feature = "hydrate"))]
                let _ = (chat_id, from, signal);
            }
            _ => {}
        }
    }
}

/// The call button of a conversation: "Call", "Join call · 2", or "In call".
#[component]
pub fn CallButton(
    chat: ChatId,
    title: Signal<String>,
    initial: Option<CallSummary>,
) -> impl IntoView {
    let calls = use_calls();
    calls.seed(chat, initial);
    let here = move || {
        calls
            .going_on
            .with(|m| m.get(&chat).map(|c| c.people.len()))
    };
    view! {
        {move || {
            if calls.in_call(chat) {
                view! { <span class="call-badge" data-testid="in-call">"In call"</span> }.into_any()
            } else if let Some(n) = here() {
                let full = n >= MAX_CALL_PEOPLE;
                view! {
                    <button type="button" class="btn btn-small btn-call" disabled=full
                        title=if full { "The call is full" } else { "Join the call going on in this chat" }
                        on:click=move |_| calls.start(chat, title.get_untracked())>
                        <span class="call-icon" aria-hidden="true"></span>
                        {format!("Join call · {n}")}
                    </button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="btn btn-small btn-ghost call-start" title="Start a video call in this chat"
                        on:click=move |_| calls.start(chat, title.get_untracked())>
                        <span class="call-icon" aria-hidden="true"></span>
                        "Call"
                    </button>
                }.into_any()
            }
        }}
    }
}

/// The shell's part of calls: an incoming call to answer, an error, and the call window.
#[component]
pub fn CallDock() -> impl IntoView {
    let calls = use_calls();
    view! {
        <div class="call-toasts" aria-live="polite">
            {move || calls.ringing.get().map(|(chat, ring)| view! {
                <div class="call-toast" role="alertdialog" aria-label="Incoming call" data-testid="call-ringing">
                    <span class="call-toast-icon" aria-hidden="true"></span>
                    <div class="call-toast-text">
                        <strong>{ring.text.clone()}</strong>
                        <span class="muted small">"Video call"</span>
                    </div>
                    <button type="button" class="btn btn-small btn-call"
                        on:click=move |_| calls.start(chat, ring.title.clone())>"Join"</button>
                    <button type="button" class="btn btn-small" on:click=move |_| calls.ringing.set(None)>"Dismiss"</button>
                </div>
            })}
            {move || calls.error.get().map(|message| view! {
                <div class="call-toast call-toast-error" role="alert">
                    <div class="call-toast-text"><strong>"Call"</strong><span>{message}</span></div>
                    <button type="button" class="btn btn-small" on:click=move |_| calls.error.set(None)>"Close"</button>
                </div>
            })}
        </div>
        <Show when=move || calls.phase.get() != Phase::Idle>
            <CallWindow calls/>
        </Show>
    }
}

#[component]
fn CallWindow(calls: Calls) -> impl IntoView {
    let now = RwSignal::new(crate::ui::page::now_ms());
    #[cfg(feature = "hydrate")]
    {
        let tick = set_interval_with_handle(
            move || now.set(crate::ui::page::now_ms()),
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(handle) = tick {
                handle.clear();
            }
        });
    }
    let status = move || match calls.phase.get() {
        Phase::Starting => "Waiting for your camera and microphone…".to_owned(),
        Phase::Joining => "Joining…".to_owned(),
        Phase::InCall => {
            let seconds = ((now.get() - calls.joined_at.get()) / 1000).max(0);
            format!("{:02}:{:02}", seconds / 60, seconds % 60)
        }
        Phase::Idle => String::new(),
    };
    let title = move || {
        let t = calls.title.get();
        if t.is_empty() { "Call".to_owned() } else { t }
    };
    let count = move || calls.tiles.with(Vec::len);
    view! {
        <section class="call-window" role="dialog" aria-label="Call" data-testid="call-window"
            class:expanded=move || calls.size.get() == WindowSize::Large
            class:compact=move || calls.size.get() == WindowSize::Compact>
            <header class="call-head">
                <span class="call-live" aria-hidden="true"></span>
                <div class="call-head-text">
                    <strong>{title}</strong>
                    <span class="call-status">{status}</span>
                </div>
                {move || calls.chat.get().map(|chat| view! {
                    <a class="call-head-btn" href=format!("/chat/{chat}") title="Open the chat">"Chat"</a>
                })}
                <button type="button" class="call-head-btn" title="Smaller"
                    disabled=move || calls.size.get() == WindowSize::Compact
                    on:click=move |_| calls.size.update(|s| *s = if *s == WindowSize::Large { WindowSize::Normal } else { WindowSize::Compact })>
                    "Smaller"
                </button>
                <button type="button" class="call-head-btn" title="Larger"
                    disabled=move || calls.size.get() == WindowSize::Large
                    on:click=move |_| calls.size.update(|s| *s = if *s == WindowSize::Compact { WindowSize::Normal } else { WindowSize::Large })>
                    "Larger"
                </button>
            </header>
            <div class="call-tiles" data-count=move || count().to_string()>
                <For each=move || calls.tiles.get() key=|t| (t.user, t.state, t.name.clone()) let:tile>
                    <CallTile calls tile/>
                </For>
            </div>
            <footer class="call-controls">
                <button type="button" class="call-control" class:off=move || calls.muted.get()
                    aria-pressed=move || calls.muted.get().to_string()
                    on:click=move |_| calls.toggle_mute()>
                    {move || if calls.muted.get() { "Unmute" } else { "Mute" }}
                </button>
                <Show when=move || calls.has_video.get()>
                    <button type="button" class="call-control" class:off=move || calls.camera_off.get()
                        aria-pressed=move || calls.camera_off.get().to_string()
                        on:click=move |_| calls.toggle_camera()>
                        {move || if calls.camera_off.get() { "Camera on" } else { "Camera off" }}
                    </button>
                </Show>
                <button type="button" class="call-control call-leave" on:click=move |_| calls.leave()>"Leave"</button>
            </footer>
        </section>
    }
}

#[component]
fn CallTile(calls: Calls, tile: Tile) -> impl IntoView {
    let video = NodeRef::<leptos::html::Video>::new();
    let user = (!tile.me).then_some(tile.user);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        calls.streams.track();
        if let Some(el) = video.get() {
            el.set_src_object(rtc::stream_of(user).as_ref());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (calls, user);
    let label = match (tile.me, tile.state) {
        (true, _) => None,
        (false, TileState::Connecting) => Some("Connecting…"),
        (false, TileState::Lost) => Some("Connection lost"),
        (false, TileState::Connected) => None,
    };
    let name = if tile.name.is_empty() {
        "Someone".to_owned()
    } else {
        tile.name.clone()
    };
    let hidden = move || tile.me && calls.camera_off.get();
    view! {
        <figure class="call-tile" class:me=tile.me data-testid="call-tile" data-user=tile.user.to_string()>
            <div class="call-tile-fallback"><Avatar name=name.clone() photo=tile.photo.clone() size="lg"/></div>
            <video node_ref=video autoplay=true playsinline=true muted=tile.me class:hidden=hidden></video>
            <figcaption>
                {name}
                {(tile.me).then(|| view! {
                    <Show when=move || calls.muted.get()><span class="call-muted">" · muted"</span></Show>
                })}
                {label.map(|l| view! { <span class="call-tile-state">{format!(" · {l}")}</span> })}
            </figcaption>
        </figure>
    }
}
