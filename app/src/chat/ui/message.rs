//! One message: who and when, the quoted message, the text, files (pictures previewed), the
//! reactions, and what can be done with it (reply, react, edit, delete).

use super::conversation::{Pending, Thread};
use super::list::clock;
use crate::chat::api::{delete_message, react_to_message};
use crate::chat::types::{ChatMessage, MessageKind};
use crate::files::ui::AttachmentView;
use crate::rich::RichText;
use crate::social::Reaction;
use crate::ui::Avatar;
use crate::ui::mutation::mutation;
use leptos::prelude::*;

#[component]
pub fn MessageItem(message: ChatMessage, grouped: bool, highlight: Option<i64>) -> impl IntoView {
    let thread = expect_context::<Thread>();
    if message.kind == MessageKind::System {
        return view! {
            <div class="chat-system" data-seq=message.seq.to_string()>
                <span>{message.text.clone()}</span>
                <span class="muted">" · "{clock(message.created_at)}</span>
            </div>
        }
        .into_any();
    }
    let mine = message.sender.id == thread.me;
    let id = message.id;
    let picker = RwSignal::new(false);
    let stored = StoredValue::new(message.clone());
    // Reacting and deleting: the answer replaces the message; a failure shows under it.
    let react_sent = mutation(
        move |reaction: Reaction| react_to_message(id, reaction),
        move |m| thread.replace(m),
    );
    let delete_sent = mutation(move |()| delete_message(id), move |m| thread.replace(m));
    let react = move |reaction: Reaction| {
        picker.set(false);
        react_sent.run(reaction);
    };
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message("Delete this message for everyone?")
                        .ok()
                })
                .unwrap_or(false);
            if !sure {
                return;
            }
        }
        delete_sent.run(());
    };
    let failed = move || react_sent.error.get().or_else(|| delete_sent.error.get());
    let class = format!(
        "chat-msg{}{}{}",
        if grouped { " grouped" } else { "" },
        if mine { " mine" } else { "" },
        if highlight == Some(message.seq) {
            " highlight"
        } else {
            ""
        },
    );
    let deleted = message.deleted;
    let reactions = message.reactions.clone();
    view! {
        <article class=class data-seq=message.seq.to_string() data-testid="chat-message">
            <div class="chat-msg-avatar">
                {(!grouped).then(|| view! {
                    <Avatar name=message.sender.name.clone() photo=message.sender.photo_url.clone() size="md"/>
                })}
            </div>
            <div class="chat-msg-main">
                {(!grouped).then(|| view! {
                    <div class="chat-msg-head">
                        <a class="chat-msg-author" href=format!("/people/{}", message.sender.id)>{message.sender.name.clone()}</a>
                        <time class="chat-msg-time">{clock(message.created_at)}</time>
                    </div>
                })}
                {message.reply_to.clone().map(|q| view! {
                    <a class="chat-quote" href=format!("?at={}", q.seq)>
                        <b>{q.sender_name.clone()}</b>
                        <span>{if q.deleted { "Message deleted".to_owned() } else { q.text.clone() }}</span>
                    </a>
                })}
                {if deleted {
                    view! { <p class="chat-deleted muted">"Message deleted"</p> }.into_any()
                } else {
                    view! {
                        <div class="chat-msg-body">
                            <RichText blocks=message.body.clone()/>
                            {message.edited_at.map(|_| view! { <span class="chat-edited muted small">" (edited)"</span> })}
                        </div>
                        {(!message.files.is_empty()).then(|| view! { <AttachmentView files=message.files.clone()/> })}
                    }.into_any()
                }}
                {(!reactions.is_empty()).then(|| view! {
                    <div class="chat-reactions">
                        {reactions.into_iter().map(|r| {
                            let reaction = r.reaction;
                            let count = r.users.len();
                            let me_too = r.users.contains(&thread.me);
                            let label = format!("{} {} — {count}", reaction.emoji(), reaction.label());
                            view! {
                                <button type="button" class="chat-reaction" class:mine=me_too aria-pressed=me_too.to_string()
                                    title=label.clone() aria-label=label on:click=move |_| react(reaction)>
                                    {reaction.emoji()}" "{count}
                                </button>
                            }
                        }).collect_view()}
                    </div>
                })}
                {move || failed().map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })}
            </div>
            {(!deleted).then(|| view! {
                <div class="chat-msg-actions" role="toolbar" aria-label="Message actions">
                    <button type="button" class="icon-btn" title="Reply" aria-label="Reply"
                        on:click=move |_| { thread.editing.set(None); thread.reply_to.set(Some(stored.get_value())); focus_composer(); }>"↩"</button>
                    <button type="button" class="icon-btn" title="React" aria-label="React"
                        on:click=move |_| picker.update(|p| *p = !*p)>"☺"</button>
                    {mine.then(|| view! {
                        <button type="button" class="icon-btn" title="Edit" aria-label="Edit"
                            on:click=move |_| { thread.reply_to.set(None); thread.editing.set(Some(stored.get_value())); focus_composer(); }>"✎"</button>
                        <button type="button" class="icon-btn" title="Delete" aria-label="Delete" on:click=remove>"🗑"</button>
                    })}
                    <Show when=move || picker.get()>
                        <div class="chat-picker" role="menu">
                            {Reaction::ALL.into_iter().map(|r| view! {
                                <button type="button" role="menuitem" title=r.label() aria-label=r.label() on:click=move |_| react(r)>{r.emoji()}</button>
                            }).collect_view()}
                        </div>
                    </Show>
                </div>
            })}
        </article>
    }
    .into_any()
}

/// A message on its way to the server, or one that could not be sent.
#[component]
pub fn PendingItem(pending: Pending) -> impl IntoView {
    let thread = expect_context::<Thread>();
    let key = pending.key.clone();
    let retry = move |_| {
        let key = key.clone();
        let again = thread
            .pending
            .with_untracked(|p| p.iter().find(|p| p.key == key).cloned());
        if let Some(p) = again {
            super::composer::deliver(thread, Pending { failed: None, ..p });
        }
    };
    let failed = pending.failed.clone();
    let is_failed = failed.is_some();
    view! {
        <article class="chat-msg mine pending" class:failed=is_failed data-testid="chat-pending">
            <div class="chat-msg-avatar"></div>
            <div class="chat-msg-main">
                {pending.reply_to.map(|q| view! {
                    <div class="chat-quote"><b>{q.sender.name.clone()}</b><span>{crate::rich::plain_text(&q.body, 140)}</span></div>
                })}
                <div class="chat-msg-body"><p class="chat-plain">{pending.text.clone()}</p></div>
                {(!pending.files.is_empty()).then(|| view! {
                    <p class="muted small">{format!("{} file(s)", pending.files.len())}</p>
                })}
                {match failed {
                    Some(reason) => view! {
                        <p class="chat-failed">
                            {format!("Not sent: {reason} ")}
                            <button type="button" class="link-btn" on:click=retry>"Retry"</button>
                        </p>
                    }.into_any(),
                    None => view! { <p class="muted small">"Sending…"</p> }.into_any(),
                }}
            </div>
        </article>
    }
}

fn focus_composer() {
    #[cfg(feature = "hydrate")]
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".chat-composer textarea").ok().flatten())
    {
        use wasm_bindgen::JsCast;
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}
