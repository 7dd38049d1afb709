//! The chat list: chats by last activity with previews and unread counts, and search over the
//! messages of all of them.

use super::page::ChatContext;
use crate::chat::api::{chats, search_messages};
use crate::chat::types::{ChatCursor, ChatKind, ChatSummary, SearchHit};
use crate::error::AppError;
use crate::ids::ChatId;
use crate::ui::paged::{Paged, ShowMore};
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

#[component]
pub fn ChatList(open: Memo<Option<ChatId>>, next: RwSignal<Option<ChatCursor>>) -> impl IntoView {
    let ctx = expect_context::<ChatContext>();
    let query = RwSignal::new(String::new());
    // None: the chat list shows; Some: the search's answer, its failure included (a failed
    // search must not look like "no messages").
    let hits = RwSignal::new(None::<Result<Vec<SearchHit>, AppError>>);
    // Older chats: a page may repeat a chat that moved meanwhile.
    let older = Paged::new(ctx.chats, next, |after| {
        Box::pin(async move {
            let page = chats(Some(after)).await?;
            Ok((page.chats, page.next))
        })
    })
    .skip_shown(|a: &ChatSummary, b: &ChatSummary| a.id == b.id);
    let searching = RwSignal::new(false);
    let search = move || {
        let q = query.get_untracked();
        if q.trim().is_empty() {
            hits.set(None);
            return;
        }
        searching.set(true);
        leptos::task::spawn_local(async move {
            let found = search_messages(q.clone()).await;
            // Only the answer to what the box still says.
            if query.get_untracked() == q {
                hits.set(Some(found));
            }
            searching.set(false);
        });
    };
    view! {
        <aside class="chat-side" aria-label="Chats">
            <div class="chat-side-head">
                <h1 class="chat-side-title">"Chats"</h1>
                <a class="btn btn-small" href="/chat/new" title="Start a group chat">"+ New"</a>
            </div>
            <form class="chat-search" role="search" on:submit=move |ev| { ev.prevent_default(); search(); }>
                <input type="search" placeholder="Search messages" aria-label="Search messages"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        if query.with_untracked(|q| q.trim().is_empty()) {
                            hits.set(None);
                        }
                    }/>
            </form>
            {move || match hits.get() {
                Some(Ok(found)) => view! { <SearchResults found query/> }.into_any(),
                Some(Err(error)) => view! { <div class="chat-side-empty"><ErrorBox error/></div> }.into_any(),
                None => view! {
                    <ul class="chat-list" data-testid="chat-list">
                        <For
                            each=move || ctx.chats.get()
                            key=|c| (c.id, c.last_seq, c.last_read_seq, c.title.clone())
                            children=move |chat| view! { <ChatRow chat open/> }
                        />
                    </ul>
                    {move || ctx.chats.with(Vec::is_empty).then(|| view! {
                        <p class="chat-side-empty muted">"No chats yet. Open a colleague's profile and press “Message”, or start a group chat."</p>
                    })}
                    <ShowMore list=older label="Older chats" class="btn btn-ghost chat-more"/>
                }.into_any(),
            }}
            <Show when=move || searching.get()>
                <p class="muted small chat-side-empty">"Searching…"</p>
            </Show>
        </aside>
    }
}

#[component]
fn ChatRow(chat: ChatSummary, open: Memo<Option<ChatId>>) -> impl IntoView {
    let id = chat.id;
    let unread = chat.unread();
    let kind_label = match chat.kind {
        ChatKind::Direct => None,
        ChatKind::Group => Some("Group"),
        ChatKind::Workgroup => Some("Workgroup"),
        ChatKind::Task => Some("Task"),
    };
    let preview = chat.preview.clone().map(|p| {
        let me = crate::shell::layout::use_me().user_id;
        let who = if p.sender_id == me {
            "You: ".to_owned()
        } else if chat.kind == ChatKind::Direct {
            String::new()
        } else {
            format!("{}: ", first_name(&p.sender_name))
        };
        (format!("{who}{}", p.text), clock_or_day(p.at))
    });
    view! {
        <li>
            <a href=chat.href() class="chat-row" class:active=move || open.get() == Some(id)
                class:unread={unread > 0} data-chat=id.to_string()>
                <Avatar name=chat.title.clone() photo=chat.avatar_url.clone() size="md"/>
                <span class="chat-row-main">
                    <span class="chat-row-top">
                        <span class="chat-row-title">{chat.title.clone()}</span>
                        {kind_label.map(|k| view! { <span class="chat-kind">{k}</span> })}
                        <span class="chat-row-time">{preview.as_ref().map(|p| p.1.clone())}</span>
                    </span>
                    <span class="chat-row-bottom">
                        <span class="chat-row-preview">{preview.map(|p| p.0).unwrap_or_else(|| "No messages yet".into())}</span>
                        {(unread > 0).then(|| view! {
                            <span class="counter" aria-label=format!("{unread} unread")>{if unread > 99 { "99+".to_owned() } else { unread.to_string() }}</span>
                        })}
                    </span>
                </span>
            </a>
        </li>
    }
}

#[component]
fn SearchResults(found: Vec<SearchHit>, query: RwSignal<String>) -> impl IntoView {
    if found.is_empty() {
        return view! {
            <p class="chat-side-empty muted">{format!("No messages contain “{}”.", query.get_untracked())}</p>
        }
        .into_any();
    }
    view! {
        <ul class="chat-list chat-hits" data-testid="chat-search-results">
            {found.into_iter().map(|hit| {
                let href = format!("/chat/{}?at={}", hit.chat_id, hit.message.seq);
                view! {
                    <li>
                        <a href=href class="chat-row">
                            <Avatar name=hit.message.sender.name.clone() photo=hit.message.sender.photo_url.clone() size="sm"/>
                            <span class="chat-row-main">
                                <span class="chat-row-top">
                                    <span class="chat-row-title">{hit.chat_title.clone()}</span>
                                    <span class="chat-row-time">{clock_or_day(hit.message.created_at)}</span>
                                </span>
                                <span class="chat-hit-text">
                                    <b>{first_name(&hit.message.sender.name)}": "</b>
                                    {crate::rich::plain_text(&hit.message.body, 140)}
                                </span>
                            </span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

pub fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_owned()
}

/// "14:05" today, "Nov 3" this year, "Nov 3, 2025" before, in the viewer's zone.
pub fn clock_or_day(ms: i64) -> String {
    let now = crate::ui::page::now_ms();
    let zone = crate::shell::layout::use_zone();
    if zone.same_day(ms, now) {
        crate::dates::clock_time(ms, &zone)
    } else {
        crate::dates::short_date(ms, now, &zone)
    }
}

/// "14:05", in the viewer's zone.
pub fn clock(ms: i64) -> String {
    crate::dates::clock_time(ms, &crate::shell::layout::use_zone())
}
