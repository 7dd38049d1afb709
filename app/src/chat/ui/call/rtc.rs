//! The browser side of a call: the camera and microphone, and one `RTCPeerConnection` per
//! other person (each to each, which four people manage well). The newcomer offers a
//! connection to everyone already there, so two sides never offer to each other at once;
//! network candidates that arrive before the offer or answer they belong to wait for it.

use super::{Calls, TileState};
use crate::chat::types::ChatClientMessage as ClientMessage;
use crate::chat::types::{CallSignal, IceServer};
use crate::ids::{ChatId, UserId};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, MediaStreamConstraints, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit,
    RtcIceServer, RtcPeerConnection, RtcPeerConnectionIceEvent, RtcPeerConnectionState, RtcSdpType,
    RtcSessionDescriptionInit, RtcTrackEvent,
};

struct Peer {
    pc: RtcPeerConnection,
    remote: Option<MediaStream>,
    /// Whether the other side's offer or answer is set: candidates wait until then.
    described: bool,
    early: Vec<RtcIceCandidateInit>,
    // The connection's callbacks live as long as it does.
    /// The connection's listeners, removed with it.
    _listeners: [EventListener; 3],
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.pc.set_onicecandidate(None);
        self.pc.set_ontrack(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.close();
    }
}

#[derive(Default)]
struct Session {
    chat: Option<ChatId>,
    local: Option<MediaStream>,
    ice: Vec<IceServer>,
    peers: HashMap<UserId, Peer>,
}

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

/// Opens the camera and microphone for a call in `chat` (the microphone alone when there is no
/// camera). `Ok(true)` when there is video.
pub async fn open_media(chat: ChatId) -> Result<bool, String> {
    let devices = web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .ok_or_else(|| {
            "This browser cannot make calls here: calls need the site to be opened over https."
                .to_string()
        })?;
    let ask = |video: bool| {
        let constraints = MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::TRUE);
        constraints.set_video(&JsValue::from_bool(video));
        devices.get_user_media_with_constraints(&constraints)
    };
    let with_video = match ask(true) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    let (stream, video) = match with_video {
        Ok(stream) => (stream, true),
        Err(first) => match ask(false) {
            Ok(promise) => match JsFuture::from(promise).await {
                Ok(stream) => (stream, false),
                // The first refusal says more (a denied permission, not a missing camera).
                Err(_) => return Err(describe(&first)),
            },
            Err(_) => return Err(describe(&first)),
        },
    };
    let stream: MediaStream = stream.unchecked_into();
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        s.peers.clear();
        stop(s.local.take());
        s.chat = Some(chat);
        s.local = Some(stream);
    });
    Ok(video)
}

/// A `getUserMedia` refusal, in words a person can act on.
fn describe(error: &JsValue) -> String {
    let name = js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => "Agora may not use your microphone. Allow it for this site (the icon in the address bar), then try again.".into(),
        "NotFoundError" | "OverconstrainedError" => "No microphone was found. Connect one and try again.".into(),
        "NotReadableError" | "AbortError" => "Your microphone is in use by another program. Close it and try again.".into(),
        _ => "Your microphone could not be opened.".into(),
    }
}

fn stop(stream: Option<MediaStream>) {
    if let Some(stream) = stream {
        for track in stream.get_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
    }
}

/// The server let this tab in: connect to everyone already there.
pub fn joined(calls: Calls, chat: ChatId, peers: &[UserId], ice: Vec<IceServer>) {
    SESSION.with(|s| s.borrow_mut().ice = ice);
    for peer in peers {
        if let Some(pc) = connection(calls, chat, *peer) {
            offer(chat, *peer, pc);
        }
    }
}

/// Hangs up: every connection closed, the camera and microphone released.
pub fn hang_up() {
    let (peers, local) = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        s.chat = None;
        (std::mem::take(&mut s.peers), s.local.take())
    });
    drop(peers);
    stop(local);
}

/// Someone left the call.
pub fn drop_peer(user: UserId) {
    let peer = SESSION.with(|s| s.borrow_mut().peers.remove(&user));
    drop(peer);
}

/// The people this tab has a connection with.
pub fn connected_peers() -> Vec<UserId> {
    SESSION.with(|s| s.borrow().peers.keys().copied().collect())
}

/// Mutes or unmutes the microphone (`audio`), or turns the camera off or on.
pub fn set_sending(audio: bool, on: bool) {
    SESSION.with(|s| {
        if let Some(local) = &s.borrow().local {
            let tracks = if audio {
                local.get_audio_tracks()
            } else {
                local.get_video_tracks()
            };
            for track in tracks.iter() {
                track.unchecked_into::<MediaStreamTrack>().set_enabled(on);
            }
        }
    });
}

/// What a tile shows: this tab's camera (`None`) or someone's stream.
pub fn stream_of(user: Option<UserId>) -> Option<MediaStream> {
    SESSION.with(|s| {
        let s = s.borrow();
        match user {
            None => s.local.clone(),
            Some(user) => s.peers.get(&user).and_then(|p| p.remote.clone()),
        }
    })
}

fn send(chat: ChatId, to: UserId, signal: CallSignal) {
    crate::realtime::client::send(&ClientMessage::CallSignal {
        chat_id: chat,
        to,
        signal,
    });
}

/// The connection with `user`, made (with this tab's camera and microphone) on first use.
fn connection(calls: Calls, chat: ChatId, user: UserId) -> Option<RtcPeerConnection> {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        if s.chat != Some(chat) {
            return None;
        }
        if let Some(peer) = s.peers.get(&user) {
            return Some(peer.pc.clone());
        }
        let config = RtcConfiguration::new();
        let servers = js_sys::Array::new();
        for server in &s.ice {
            let entry = RtcIceServer::new();
            let urls = js_sys::Array::new();
            for url in &server.urls {
                urls.push(&JsValue::from_str(url));
            }
            entry.set_urls(&urls);
            if let Some(username) = &server.username {
                entry.set_username(username);
            }
            if let Some(credential) = &server.credential {
                entry.set_credential(credential);
            }
            servers.push(&entry);
        }
        config.set_ice_servers(&servers);
        let pc = RtcPeerConnection::new_with_configuration(&config).ok()?;
        if let Some(local) = &s.local {
            for track in local.get_tracks().iter() {
                pc.add_track_0(&track.unchecked_into::<MediaStreamTrack>(), local);
            }
        }
        let on_candidate = EventListener::new(&pc, "icecandidate", move |e| {
            if let Some(c) = e
                .dyn_ref::<RtcPeerConnectionIceEvent>()
                .and_then(RtcPeerConnectionIceEvent::candidate)
            {
                send(
                    chat,
                    user,
                    CallSignal::Candidate {
                        candidate: c.candidate(),
                        sdp_mid: c.sdp_mid(),
                        sdp_m_line_index: c.sdp_m_line_index(),
                    },
                );
            }
        });
        let on_track = EventListener::new(&pc, "track", move |e| {
            let Some(Ok(stream)) = e
                .dyn_ref::<RtcTrackEvent>()
                .map(|e| e.streams().get(0).dyn_into::<MediaStream>())
            else {
                return;
            };
            SESSION.with(|s| {
                if let Some(peer) = s.borrow_mut().peers.get_mut(&user) {
                    peer.remote = Some(stream);
                }
            });
            calls.streams_changed();
        });
        let watched = pc.clone();
        let on_state = EventListener::new(&pc, "connectionstatechange", move |_| {
            let state = match watched.connection_state() {
                RtcPeerConnectionState::Connected => TileState::Connected,
                RtcPeerConnectionState::Failed | RtcPeerConnectionState::Disconnected => {
                    TileState::Lost
                }
                _ => TileState::Connecting,
            };
            calls.set_tile_state(user, state);
        });
        s.peers.insert(
            user,
            Peer {
                pc: pc.clone(),
                remote: None,
                described: false,
                early: Vec::new(),
                _listeners: [on_candidate, on_track, on_state],
            },
        );
        Some(pc)
    })
}

fn existing(user: UserId) -> Option<RtcPeerConnection> {
    SESSION.with(|s| s.borrow().peers.get(&user).map(|p| p.pc.clone()))
}

fn description(kind: RtcSdpType, sdp: &str) -> RtcSessionDescriptionInit {
    let description = RtcSessionDescriptionInit::new(kind);
    description.set_sdp(sdp);
    description
}

fn offer(chat: ChatId, to: UserId, pc: RtcPeerConnection) {
    leptos::task::spawn_local(async move {
        let Ok(offer) = JsFuture::from(pc.create_offer()).await else {
            return;
        };
        let offer: RtcSessionDescriptionInit = offer.unchecked_into();
        if JsFuture::from(pc.set_local_description(&offer))
            .await
            .is_ok()
        {
            let sdp = offer.get_sdp().unwrap_or_default();
            send(chat, to, CallSignal::Offer { sdp });
        }
    });
}

/// The other side's description is set: the candidates that came early go in now.
fn described(user: UserId) {
    let ready = SESSION.with(|s| {
        let mut s = s.borrow_mut();
        let peer = s.peers.get_mut(&user)?;
        peer.described = true;
        Some((peer.pc.clone(), std::mem::take(&mut peer.early)))
    });
    if let Some((pc, early)) = ready {
        for candidate in early {
            let _ = pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&candidate));
        }
    }
}

/// A handshake message from someone in this tab's call.
pub fn on_signal(calls: Calls, chat: ChatId, from: UserId, signal: CallSignal) {
    if SESSION.with(|s| s.borrow().chat) != Some(chat) {
        return;
    }
    match signal {
        CallSignal::Offer { sdp } => {
            let Some(pc) = connection(calls, chat, from) else {
                return;
            };
            leptos::task::spawn_local(async move {
                let remote = description(RtcSdpType::Offer, &sdp);
                if JsFuture::from(pc.set_remote_description(&remote))
                    .await
                    .is_err()
                {
                    return;
                }
                described(from);
                let Ok(answer) = JsFuture::from(pc.create_answer()).await else {
                    return;
                };
                let answer: RtcSessionDescriptionInit = answer.unchecked_into();
                if JsFuture::from(pc.set_local_description(&answer))
                    .await
                    .is_ok()
                {
                    let sdp = answer.get_sdp().unwrap_or_default();
                    send(chat, from, CallSignal::Answer { sdp });
                }
            });
        }
        CallSignal::Answer { sdp } => {
            let Some(pc) = existing(from) else { return };
            leptos::task::spawn_local(async move {
                let remote = description(RtcSdpType::Answer, &sdp);
                if JsFuture::from(pc.set_remote_description(&remote))
                    .await
                    .is_ok()
                {
                    described(from);
                }
            });
        }
        CallSignal::Candidate {
            candidate,
            sdp_mid,
            sdp_m_line_index,
        } => {
            let init = RtcIceCandidateInit::new(&candidate);
            init.set_sdp_mid(sdp_mid.as_deref());
            init.set_sdp_m_line_index(sdp_m_line_index);
            let now = SESSION.with(|s| {
                let mut s = s.borrow_mut();
                let peer = s.peers.get_mut(&from)?;
                if peer.described {
                    Some(peer.pc.clone())
                } else {
                    peer.early.push(init.clone());
                    None
                }
            });
            if let Some(pc) = now {
                let _ = pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
            }
        }
    }
}
