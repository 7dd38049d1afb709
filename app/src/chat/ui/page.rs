//! `/chat` and `/chat/:id`: the chat list beside the open conversation. The list and the open
//! conversation each follow the messenger's live events.

use super::conversation::{Conversation, load};
use super::list::ChatList;
use super::live::ChatLive;
use crate::chat::api::chats;
use crate::chat::types::ChatEvent;
use crate::chat::types::{ChatList as ChatPage1, ChatSummary, ChatView, HistoryPage};
use crate::error::AppError;
use crate::ids::ChatId;
use crate::realtime::{use_connected, use_live};
use crate::ui::ErrorBox;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What the list and the open conversation share.
#[derive(Clone, Copy)]
pub struct ChatContext {
    pub chats: RwSignal<Vec<ChatSummary>>,
    /// Bumped when the list should be fetched again (a chat changed, the socket came back).
    pub reload: RwSignal<u32>,
}

impl ChatContext {
    /// Marks a chat read up to `seq` in the list (the server has been told).
    pub fn read(&self, chat: ChatId, seq: i64) {
        self.chats.update(|list| {
            if let Some(c) = list.iter_mut().find(|c| c.id == chat) {
                c.last_read_seq = c.last_read_seq.max(seq);
            }
        });
    }
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let params = use_params_map();
    let open =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<ChatId>().ok())));
    let query = use_query_map();
    let at = Memo::new(move |_| query.with(|q| q.get("at").and_then(|v| v.parse::<i64>().ok())));
    let list = Resource::new(|| (), |_| chats(None));
    // Made here, outside the Suspense: see `Conversation`.
    let conversation = Resource::new(
        move || (open.get(), at.get()),
        |(id, at)| async move {
            match id {
                Some(id) => load(id, at).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading your chats…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(first) => view! { <Workspace first open at conversation/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Workspace(
    first: ChatPage1,
    open: Memo<Option<ChatId>>,
    at: Memo<Option<i64>>,
    conversation: Resource<Result<(ChatView, HistoryPage), AppError>>,
) -> impl IntoView {
    let live = expect_context::<ChatLive>();
    let connected = use_connected();
    let me = crate::shell::layout::use_me().user_id;
    let ctx = ChatContext {
        chats: RwSignal::new(first.chats),
        reload: RwSignal::new(0),
    };
    provide_context(ctx);
    let next = RwSignal::new(first.next);

    // The list follows every chat event (the open conversation has its own subscription).
    use_live(move |event: ChatEvent| apply_to_list(ctx, &event, me));
    // Fetch the list again when asked (and after the socket comes back).
    Effect::new(move |previous: Option<u32>| {
        let n = ctx.reload.get();
        if previous.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = chats(None).await {
                    live.unread.set(fresh.unread_total);
                    ctx.chats.set(fresh.chats);
                    next.set(fresh.next);
                }
            });
        }
        n
    });
    Effect::new(move |was: Option<bool>| {
        let now = connected.get();
        if was == Some(false) && now {
            ctx.reload.update(|n| *n += 1);
        }
        now
    });

    view! {
        <div class="chat-app" class:chat-open=move || open.get().is_some()>
            <ChatList open next/>
            <section class="chat-main">
                {move || match (open.get(), at.get()) {
                    (Some(id), at) => view! { <Conversation id at loaded=conversation/> }.into_any(),
                    (None, _) => view! {
                        <div class="chat-welcome">
                            <div class="empty-art" aria-hidden="true"></div>
                            <h2>"Your conversations"</h2>
                            <p class="muted">"Choose a chat on the left, or start one: a message to a colleague, or a group chat for a team."</p>
                            <a class="btn btn-primary" href="/chat/new">"New group chat"</a>
                        </div>
                    }.into_any(),
                }}
            </section>
        </div>
    }
}

fn apply_to_list(ctx: ChatContext, event: &ChatEvent, me: crate::ids::UserId) {
    match event {
        ChatEvent::ChatMessage { message } => {
            let known = ctx
                .chats
                .with_untracked(|l| l.iter().any(|c| c.id == message.chat_id));
            if !known {
                // A chat new to this list: fetch the list again.
                ctx.reload.update(|n| *n += 1);
                return;
            }
            ctx.chats.update(|list| {
                if let Some(i) = list.iter().position(|c| c.id == message.chat_id) {
                    let mut chat = list.remove(i);
                    if message.seq > chat.last_seq {
                        chat.last_seq = message.seq;
                        chat.activity_at = message.created_at;
                        chat.preview = Some(crate::chat::types::Preview {
                            sender_id: message.sender.id,
                            sender_name: message.sender.name.clone(),
                            text: message_preview(message),
                            at: message.created_at,
                        });
                        if message.sender.id == me {
                            chat.last_read_seq = message.seq;
                        }
                    }
                    list.insert(0, chat);
                }
            });
        }
        ChatEvent::ChatRead {
            chat_id,
            user_id,
            seq,
        } if *user_id == me => ctx.read(*chat_id, *seq),
        ChatEvent::ChatChanged { .. } => ctx.reload.update(|n| *n += 1),
        _ => {}
    }
}

/// The list's one-line preview of a message.
pub fn message_preview(message: &crate::chat::types::ChatMessage) -> String {
    if message.deleted {
        return "Message deleted".into();
    }
    let text = crate::rich::plain_text(&message.body, 90);
    match (text.is_empty(), message.files.len()) {
        (true, 1) => "Sent a file".into(),
        (true, n) if n > 1 => format!("Sent {n} files"),
        (true, _) => message.text.chars().take(90).collect(),
        _ => text,
    }
}
