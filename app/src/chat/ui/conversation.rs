//! The open conversation: its history (scrolling up loads older pages without moving what is
//! on screen), live messages, edits, reactions, typing, "seen by", the unread marker, and
//! catching up after the socket comes back.

use super::call::CallButton;
use super::composer::Composer;
use super::live::ChatLive;
use super::members::MembersPanel;
use super::message::MessageItem;
use super::page::ChatContext;
use super::{presence_class, presence_label};
use crate::chat::api::{chat, chat_catch_up, chat_history, mark_chat_read};
use crate::chat::types::ChatEvent;
use crate::chat::types::{
    ChatKind, ChatMember, ChatMessage, ChatSummary, ChatView, HISTORY_PAGE, HistoryFrom,
    HistoryPage, MessageKind,
};
use crate::error::AppError;
use crate::ids::{ChatId, UserId};
use crate::realtime::{use_connected, use_live};
use crate::shell::layout::use_me;
use crate::ui::mutation::mutation;
use crate::ui::page::now_ms;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

/// A message being sent: shown at once, replaced by the stored one when the server answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub key: String,
    pub text: String,
    pub files: Vec<crate::files::types::Attachment>,
    pub reply_to: Option<ChatMessage>,
    /// Why it could not be sent (a retry button shows).
    pub failed: Option<String>,
}

/// Everything the conversation's pieces share.
#[derive(Clone, Copy)]
pub struct Thread {
    pub chat: ChatId,
    pub me: UserId,
    pub summary: RwSignal<ChatSummary>,
    pub members: RwSignal<Vec<ChatMember>>,
    pub member_count: RwSignal<i64>,
    pub can_manage: RwSignal<bool>,
    pub can_leave: RwSignal<bool>,
    pub messages: RwSignal<Vec<ChatMessage>>,
    pub pending: RwSignal<Vec<Pending>>,
    pub more_before: RwSignal<bool>,
    pub more_after: RwSignal<bool>,
    pub reply_to: RwSignal<Option<ChatMessage>>,
    pub editing: RwSignal<Option<ChatMessage>>,
    /// The last time an event of this chat was heard (catch-up asks for changes since).
    heard_at: StoredValue<i64>,
    read_seq: StoredValue<i64>,
}

impl Thread {
    fn last_seq(&self) -> i64 {
        self.messages
            .with_untracked(|m| m.last().map(|m| m.seq).unwrap_or(0))
    }

    /// Adds or replaces messages, keeping them in order.
    pub fn merge(&self, incoming: Vec<ChatMessage>) {
        if incoming.is_empty() {
            return;
        }
        self.messages.update(|list| {
            for message in incoming {
                match list.binary_search_by_key(&message.seq, |m| m.seq) {
                    Ok(i) => list[i] = message,
                    Err(i) => list.insert(i, message),
                }
            }
        });
    }

    /// Replaces a message already shown (edits, deletions, reactions).
    pub fn replace(&self, message: ChatMessage) {
        self.messages.update(|list| {
            if let Some(m) = list.iter_mut().find(|m| m.id == message.id) {
                *m = message;
            }
        });
    }

    /// A message the server stored (ours answered, or anyone's pushed).
    pub fn arrived(&self, message: ChatMessage) {
        self.heard_at.set_value(now_ms());
        if message.sender.id == self.me {
            let key = message.client_key.clone();
            self.pending.update(|p| p.retain(|p| p.key != key));
        }
        let shown = self
            .messages
            .with_untracked(|l| l.iter().any(|m| m.id == message.id));
        if shown {
            return self.replace(message);
        }
        if self.more_after.get_untracked() {
            return; // Reading older history: "Jump to the latest" brings it.
        }
        let last = self.last_seq();
        if message.seq > last + 1 && last > 0 {
            // Something was missed on the way: ask for everything after what is shown.
            self.catch_up();
        } else {
            self.merge(vec![message]);
        }
    }

    /// Fetches what was missed: new messages after the last shown, changes since last heard.
    pub fn catch_up(&self) {
        let this = *self;
        let after = self.last_seq();
        // A little overlap: clocks and commits are not exact.
        let since = self.heard_at.get_value() - 10_000;
        leptos::task::spawn_local(async move {
            match chat_catch_up(this.chat, after, since).await {
                Ok(missed) if missed.truncated => {
                    if let Ok(page) = chat_history(this.chat, HistoryFrom::Latest).await {
                        this.show_page(page);
                    }
                }
                Ok(missed) => {
                    this.heard_at.set_value(now_ms());
                    if !this.more_after.get_untracked() {
                        this.merge(missed.messages);
                    }
                    for changed in missed.changed {
                        this.replace(changed);
                    }
                }
                Err(e) => leptos::logging::warn!("catching up failed: {e}"),
            }
        });
    }

    fn show_page(&self, page: HistoryPage) {
        self.messages.set(page.messages);
        self.more_before.set(page.more_before);
        self.more_after.set(page.more_after);
    }

    /// Tells the server (and so the caller's other tabs and the others' "seen by") that
    /// everything shown is read, when the live end is shown and the tab is in front.
    pub fn mark_read(&self, live: ChatLive, ctx: ChatContext) {
        if self.more_after.get_untracked() || !tab_visible() {
            return;
        }
        let seq = self.last_seq();
        if seq <= self.read_seq.get_value() {
            return;
        }
        self.read_seq.set_value(seq);
        let chat = self.chat;
        ctx.read(chat, seq);
        leptos::task::spawn_local(async move {
            if let Ok(total) = mark_chat_read(chat, seq).await {
                live.unread.set(total);
            }
        });
    }

    /// Loads the view again (people, presence, name) after a change.
    fn reload_view(&self) {
        let this = *self;
        leptos::task::spawn_local(async move {
            match chat(this.chat).await {
                Ok(view) => this.set_view(view),
                Err(AppError::NotFound) => {
                    // Taken out of the chat, or it is gone.
                    crate::ui::hard_navigate("/chat");
                }
                Err(_) => {}
            }
        });
    }

    fn set_view(&self, view: ChatView) {
        self.summary.set(view.summary);
        self.members.set(view.members);
        self.member_count.set(view.member_count);
        self.can_manage.set(view.can_manage);
        self.can_leave.set(view.can_leave);
    }
}

fn tab_visible() -> bool {
    #[cfg(feature = "hydrate")]
    {
        !crate::realtime::client::tab_hidden()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// What the open conversation shows first: the chat and the page of history to start at
/// (`at` a message's number, or the first unread when there are many, or the newest).
pub(super) async fn load(id: ChatId, at: Option<i64>) -> Result<(ChatView, HistoryPage), AppError> {
    let view = chat(id).await?;
    let from = match at {
        Some(seq) => HistoryFrom::After((seq - 10).max(0)),
        None if view.summary.unread() > HISTORY_PAGE as i64 => {
            HistoryFrom::After(view.summary.last_read_seq)
        }
        None => HistoryFrom::Latest,
    };
    let page = chat_history(id, from).await?;
    Ok((view, page))
}

/// The open conversation. `loaded` is made by the page, outside any Suspense, so rendering
/// the page reads the chat once (a resource made inside would be made again on each pass).
#[component]
pub fn Conversation(
    id: ChatId,
    at: Option<i64>,
    loaded: Resource<Result<(ChatView, HistoryPage), AppError>>,
) -> impl IntoView {
    // Something of this chat heard while it loads: once shown, it fetches what it missed.
    let heard_while_loading = StoredValue::new(false);
    use_live(move |event: ChatEvent| {
        if event.chat_id() == Some(id) {
            heard_while_loading.set_value(true);
        }
    });
    view! {
        <Suspense fallback=|| view! { <div class="chat-loading muted">"Loading the conversation…"</div> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((view, page)) => view! { <Loaded view page at heard_while_loading/> }.into_any(),
                    Err(error) => view! {
                        <div class="chat-welcome">
                            <ErrorBox error/>
                            <a href="/chat">"All chats"</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Loaded(
    view: ChatView,
    page: HistoryPage,
    at: Option<i64>,
    heard_while_loading: StoredValue<bool>,
) -> impl IntoView {
    let live = expect_context::<ChatLive>();
    let connected = use_connected();
    let ctx = expect_context::<ChatContext>();
    let me = use_me().user_id;
    let first_unread = (view.summary.unread() > 0).then_some(view.summary.last_read_seq + 1);
    let thread = Thread {
        chat: view.summary.id,
        me,
        read_seq: StoredValue::new(view.summary.last_read_seq),
        summary: RwSignal::new(view.summary.clone()),
        members: RwSignal::new(view.members.clone()),
        member_count: RwSignal::new(view.member_count),
        can_manage: RwSignal::new(view.can_manage),
        can_leave: RwSignal::new(view.can_leave),
        messages: RwSignal::new(page.messages),
        pending: RwSignal::new(Vec::new()),
        more_before: RwSignal::new(page.more_before),
        more_after: RwSignal::new(page.more_after),
        reply_to: RwSignal::new(None),
        editing: RwSignal::new(None),
        heard_at: StoredValue::new(now_ms()),
    };
    provide_context(thread);
    let typing = RwSignal::new(Vec::<(UserId, String, i64)>::new());
    let show_members = RwSignal::new(false);
    let jumped = RwSignal::new(false);
    let scroller = NodeRef::<leptos::html::Div>::new();

    // Live events of this chat.
    use_live(move |event: ChatEvent| match event {
        ChatEvent::ChatMessage { message } if message.chat_id == thread.chat => {
            let sender = message.sender.id;
            typing.update(|t| t.retain(|(u, _, _)| *u != sender));
            thread.arrived(*message);
            thread.mark_read(live, ctx);
        }
        ChatEvent::ChatMessageChanged { message } if message.chat_id == thread.chat => {
            thread.heard_at.set_value(now_ms());
            thread.replace(*message);
        }
        ChatEvent::ChatRead {
            chat_id,
            user_id,
            seq,
        } if chat_id == thread.chat => {
            thread.members.update(|list| {
                if let Some(m) = list.iter_mut().find(|m| m.user.id == user_id) {
                    m.last_read_seq = m.last_read_seq.max(seq);
                }
            });
            if user_id == me {
                thread
                    .read_seq
                    .set_value(thread.read_seq.get_value().max(seq));
            }
        }
        ChatEvent::ChatTyping {
            chat_id,
            user_id,
            name,
        } if chat_id == thread.chat => {
            let until = now_ms() + 5_000;
            typing.update(|t| {
                t.retain(|(u, _, _)| *u != user_id);
                t.push((user_id, name, until));
            });
            set_timeout(
                move || typing.update(|t| t.retain(|(_, _, u)| *u > now_ms())),
                std::time::Duration::from_millis(5_100),
            );
        }
        ChatEvent::ChatChanged { chat_id } if chat_id == thread.chat => {
            thread.reload_view();
            thread.catch_up();
        }
        ChatEvent::Presence { user_id, presence } => {
            thread.members.update(|list| {
                if let Some(m) = list.iter_mut().find(|m| m.user.id == user_id) {
                    m.presence = presence;
                }
            });
        }
        _ => {}
    });
    if heard_while_loading.get_value() {
        thread.catch_up();
    }

    // The socket came back: fetch what was missed.
    Effect::new(move |was: Option<bool>| {
        let now = connected.get();
        if was == Some(false) && now {
            thread.catch_up();
            thread.reload_view();
        }
        now
    });
    // Read what is shown; again when the tab comes to the front.
    Effect::new(move |_| {
        thread.messages.with(|_| ());
        thread.mark_read(live, ctx);
    });
    let focus = window_event_listener(leptos::ev::focus, move |_| thread.mark_read(live, ctx));
    on_cleanup(move || focus.remove());
    // Open at the first unread message, or the one searched for.
    Effect::new(move |_| {
        if let Some(seq) = at.or(first_unread.filter(|_| {
            thread.more_after.get_untracked()
                || thread
                    .messages
                    .with_untracked(|m| m.first().is_some_and(|m| m.seq > 1))
        })) {
            scroll_to_seq(scroller, seq);
        }
    });

    // Pages of history the reader asks for (scrolling, "Jump to the latest"): one at a time,
    // and a failure shows (it would otherwise look like the start of the conversation).
    let history = mutation(
        move |(from, replace): (HistoryFrom, bool)| async move {
            chat_history(thread.chat, from)
                .await
                .map(|page| (from, replace, page))
        },
        move |(from, replace, page)| {
            if replace {
                thread.show_page(page);
            } else {
                match from {
                    HistoryFrom::Before(_) => thread.more_before.set(page.more_before),
                    _ => thread.more_after.set(page.more_after),
                }
                thread.merge(page.messages);
            }
        },
    );
    let load = move |from: HistoryFrom, replace: bool| history.run((from, replace));
    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        // The list is laid out bottom-up: scrollTop is 0 at the bottom and negative above.
        let from_top =
            el.scroll_height() as f64 - el.client_height() as f64 + el.scroll_top() as f64;
        let from_bottom = -(el.scroll_top() as f64);
        if from_top < 400.0 && thread.more_before.get_untracked() {
            let first = thread.messages.with_untracked(|m| m.first().map(|m| m.seq));
            if let Some(first) = first {
                load(HistoryFrom::Before(first), false);
            }
        }
        if from_bottom < 200.0 {
            if thread.more_after.get_untracked() {
                load(HistoryFrom::After(thread.last_seq()), false);
            } else {
                thread.mark_read(live, ctx);
            }
        }
    };
    let unread_page = mutation(
        move |seq: i64| async move {
            chat_history(thread.chat, HistoryFrom::After(seq - 1))
                .await
                .map(|page| (seq, page))
        },
        move |(seq, page)| {
            thread.show_page(page);
            scroll_to_seq(scroller, seq);
        },
    );
    let jump_to_unread = move |_| {
        let Some(seq) = first_unread else { return };
        jumped.set(true);
        let loaded = thread
            .messages
            .with_untracked(|m| m.first().is_some_and(|m| m.seq <= seq));
        if loaded {
            scroll_to_seq(scroller, seq);
        } else {
            unread_page.run(seq);
        }
    };
    let failed = move || history.error.get().or_else(|| unread_page.error.get());

    let kind = view.summary.kind;
    let peer = view.summary.peer;
    let subtitle = move || match kind {
        ChatKind::Direct => thread.members.with(|m| {
            m.iter()
                .find(|m| Some(m.user.id) == peer)
                .map(|m| (presence_label(m.presence), presence_class(m.presence)))
                .unwrap_or_default()
        }),
        _ => {
            let n = thread.member_count.get();
            let online = thread.members.with(|m| {
                m.iter()
                    .filter(|m| m.presence.status != crate::chat::types::PresenceStatus::Offline)
                    .count()
            });
            (
                format!("{n} members, {online} online"),
                "presence presence-none",
            )
        }
    };
    let link = match (view.summary.group_id, view.summary.task_id) {
        (Some(g), _) => Some((format!("/groups/{g}"), "Open the workgroup")),
        (_, Some(t)) => Some((format!("/tasks/{t}"), "Open the task")),
        _ => peer.map(|p| (format!("/people/{p}"), "Profile")),
    };

    view! {
        <div class="chat-thread" data-testid="chat-thread" data-chat=thread.chat.to_string()>
            <header class="chat-head">
                <a href="/chat" class="chat-back" aria-label="All chats">"‹"</a>
                {move || {
                    let s = thread.summary.get();
                    view! { <Avatar name=s.title.clone() photo=s.avatar_url.clone() size="md"/> }
                }}
                <div class="chat-head-text">
                    <h2 class="chat-title" data-testid="chat-title">{move || thread.summary.get().title}</h2>
                    <p class="chat-subtitle" data-testid="chat-subtitle">
                        {move || {
                            let (text, class) = subtitle();
                            view! { <span class=class aria-hidden="true"></span>{text} }
                        }}
                    </p>
                </div>
                <div class="chat-head-actions">
                    {first_unread.map(|_| view! {
                        <Show when=move || {
                            // Only while the first unread message is not loaded.
                            !jumped.get() && thread.messages.with(|m| {
                                m.first().is_some_and(|m| Some(m.seq) > first_unread)
                            })
                        }>
                            <button type="button" class="btn btn-small" on:click=jump_to_unread data-testid="jump-unread">
                                "Jump to first unread"
                            </button>
                        </Show>
                    })}
                    <CallButton chat=thread.chat title=Signal::derive(move || thread.summary.get().title) initial=view.call.clone()/>
                    {link.map(|(href, label)| view! { <a class="btn btn-small btn-ghost" href=href>{label}</a> })}
                    {(kind != ChatKind::Direct).then(|| view! {
                        <button type="button" class="btn btn-small btn-ghost" aria-expanded=move || show_members.get().to_string()
                            on:click=move |_| show_members.update(|s| *s = !*s)>"People"</button>
                    })}
                </div>
            </header>
            <div class="chat-body">
                <div class="chat-scroll" node_ref=scroller on:scroll=on_scroll>
                    <div class="chat-messages" role="log" aria-live="polite" aria-label="Messages">
                        <Show when=move || thread.more_before.get()>
                            <p class="chat-older muted small">{move || if history.pending.get() { "Loading older messages…" } else { "Scroll up for older messages" }}</p>
                        </Show>
                        <Show when=move || !thread.more_before.get() && !thread.messages.with(Vec::is_empty)>
                            <p class="chat-start muted small">"This is the start of the conversation."</p>
                        </Show>
                        <Show when=move || thread.messages.with(Vec::is_empty) && thread.pending.with(Vec::is_empty)>
                            <div class="chat-empty">
                                <p>"No messages yet."</p>
                                <p class="muted small">"Say hello — press Enter to send, Shift+Enter for a new line."</p>
                            </div>
                        </Show>
                        <For
                            each=move || {
                                let list = thread.messages.get();
                                let seen = seen_by(&list, &thread.members.get(), me, kind);
                                list.into_iter().enumerate().map(move |(i, m)| (i, m, seen.clone())).collect::<Vec<_>>()
                            }
                            key=|(_, m, seen)| (m.id, m.edited_at, m.deleted, m.reactions.clone(), seen.as_ref().filter(|(id, _)| *id == m.id).map(|(_, s)| s.clone()))
                            children=move |(i, message, seen)| {
                                let grouped = thread.messages.with_untracked(|list| {
                                    i > 0 && list.get(i - 1).is_some_and(|p| {
                                        p.sender.id == message.sender.id
                                            && p.kind == MessageKind::Text
                                            && message.created_at - p.created_at < 5 * 60_000
                                    })
                                });
                                let divider = first_unread == Some(message.seq) && message.sender.id != me;
                                let seen = seen.filter(|(id, _)| *id == message.id).map(|(_, s)| s);
                                view! {
                                    {divider.then(|| view! {
                                        <div class="chat-unread-divider" data-testid="unread-divider"><span>"New messages"</span></div>
                                    })}
                                    <MessageItem message grouped highlight=at/>
                                    {seen.map(|s| view! { <p class="chat-seen" data-testid="seen-by">{s}</p> })}
                                }
                            }
                        />
                        <For
                            each=move || thread.pending.get()
                            key=|p| (p.key.clone(), p.failed.clone())
                            children=move |p| view! { <super::message::PendingItem pending=p/> }
                        />
                    </div>
                </div>
                <Show when=move || thread.more_after.get()>
                    <button type="button" class="btn btn-small chat-latest" disabled=move || history.pending.get()
                        on:click=move |_| load(HistoryFrom::Latest, true)>
                        "Jump to the latest ↓"
                    </button>
                </Show>
                <Show when=move || show_members.get()>
                    <MembersPanel/>
                </Show>
            </div>
            {move || failed().map(|error| view! { <ErrorBox error/> })}
            <p class="chat-typing" aria-live="polite" data-testid="typing">
                {move || typing_text(&typing.get())}
            </p>
            <Composer/>
        </div>
    }
}

/// "Seen by Eve and Bob" under the caller's last message (one-to-one chats: "Seen").
fn seen_by(
    list: &[ChatMessage],
    members: &[ChatMember],
    me: UserId,
    kind: ChatKind,
) -> Option<(crate::ids::MessageId, String)> {
    let mine = list
        .iter()
        .rev()
        .find(|m| m.sender.id == me && m.kind == MessageKind::Text)?;
    // Only when it is the last message of the conversation.
    if list.last().map(|m| m.id) != Some(mine.id) {
        return None;
    }
    let readers: Vec<&str> = members
        .iter()
        .filter(|m| m.user.id != me && m.last_read_seq >= mine.seq)
        .map(|m| m.user.name.as_str())
        .collect();
    let text = match (kind, readers.len()) {
        (_, 0) => return None,
        (ChatKind::Direct, _) => "Seen".to_owned(),
        (_, 1) => format!("Seen by {}", readers[0]),
        (_, 2) => format!("Seen by {} and {}", readers[0], readers[1]),
        (_, n) => format!("Seen by {}, {} and {} more", readers[0], readers[1], n - 2),
    };
    Some((mine.id, text))
}

fn typing_text(typing: &[(UserId, String, i64)]) -> String {
    let names: Vec<String> = typing
        .iter()
        .map(|(_, n, _)| super::list::first_name(n))
        .collect();
    match names.len() {
        0 => String::new(),
        1 => format!("{} is typing…", names[0]),
        2 => format!("{} and {} are typing…", names[0], names[1]),
        _ => "Several people are typing…".into(),
    }
}

/// Brings the message with this sequence number into view (after the next paint).
fn scroll_to_seq(scroller: NodeRef<leptos::html::Div>, seq: i64) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        if let Ok(Some(target)) = el.query_selector(&format!("[data-seq=\"{seq}\"]")) {
            target.scroll_into_view_with_bool(true);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (scroller, seq);
}
