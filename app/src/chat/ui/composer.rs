//! Writing: Enter sends, Shift+Enter starts a new line, @ mentions, files, replies and edits.
//! A message shows at once as "Sending…"; an unanswered send is retried with the same key, so
//! the server stores it once however often it arrives.

use super::conversation::{Pending, Thread};
use crate::chat::api::{chat_typing, edit_message, send_message};
use crate::chat::types::{MAX_MESSAGE_FILES, MessageForm};
use crate::error::AppError;
use crate::files::types::Attachment;
use crate::files::ui::{AttachButton, PendingFiles};
use crate::ids::MessageId;
use crate::rich::RichEditor;
use crate::ui::ErrorBox;
use crate::ui::mutation::mutation;
use crate::ui::page::now_ms;
use leptos::prelude::*;

/// Sends tried before a message is shown as "not sent" (about a minute in all).
const ATTEMPTS: u32 = 7;
/// Typing is told to the others at most this often.
const TYPING_EVERY_MS: i64 = 3_000;

#[component]
pub fn Composer() -> impl IntoView {
    let thread = expect_context::<Thread>();
    let text = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let error = RwSignal::new(None::<AppError>);
    let typing_told = StoredValue::new(0i64);

    // Editing puts the message's text in the box.
    Effect::new(move |_| {
        if let Some(m) = thread.editing.get() {
            text.set(m.text.clone());
        }
    });
    // Typing: tell the others, now and then.
    Effect::new(move |first: Option<()>| {
        let empty = text.with(|t| t.trim().is_empty());
        if first.is_some() && !empty && now_ms() - typing_told.get_value() > TYPING_EVERY_MS {
            typing_told.set_value(now_ms());
            let chat = thread.chat;
            leptos::task::spawn_local(async move {
                let _ = chat_typing(chat).await;
            });
        }
    });

    let edited = mutation(
        move |(id, body): (MessageId, String)| edit_message(id, body),
        move |m| {
            thread.replace(m);
            thread.editing.set(None);
            text.set(String::new());
        },
    );
    let submit = Callback::new(move |()| {
        error.set(None);
        edited.error.set(None);
        if uploading.get_untracked() > 0 {
            error.set(Some(AppError::invalid(
                "Wait for the files to finish uploading.",
            )));
            return;
        }
        let body = text.get_untracked();
        let attached = files.get_untracked();
        if body.trim().is_empty() && attached.is_empty() {
            return;
        }
        if let Some(original) = thread.editing.get_untracked() {
            edited.run((original.id, body));
            return;
        }
        let pending = Pending {
            key: super::new_client_key(),
            text: body.trim().to_owned(),
            files: attached,
            reply_to: thread.reply_to.get_untracked(),
            failed: None,
        };
        text.set(String::new());
        files.set(Vec::new());
        thread.reply_to.set(None);
        typing_told.set_value(0);
        thread.pending.update(|p| p.push(pending.clone()));
        deliver(thread, pending);
    });

    view! {
        <div class="chat-composer" data-testid="chat-composer">
            {move || thread.reply_to.get().map(|m| view! {
                <div class="chat-composer-context">
                    <span>"Replying to "<b>{m.sender.name.clone()}</b>": "{crate::rich::plain_text(&m.body, 80)}</span>
                    <button type="button" class="icon-btn" aria-label="Cancel the reply" on:click=move |_| thread.reply_to.set(None)>"×"</button>
                </div>
            })}
            {move || thread.editing.get().map(|_| view! {
                <div class="chat-composer-context">
                    <span>"Editing your message"</span>
                    <button type="button" class="icon-btn" aria-label="Cancel editing"
                        on:click=move |_| { thread.editing.set(None); text.set(String::new()); }>"×"</button>
                </div>
            })}
            {move || error.get().or_else(|| edited.error.get()).map(|error| view! { <ErrorBox error/> })}
            <PendingFiles files uploading/>
            <div class="chat-composer-row">
                <AttachButton files uploading error max=MAX_MESSAGE_FILES label="Attach"/>
                <RichEditor value=text placeholder="Write a message…" label="Message" rows=1 on_submit=submit enter_sends=true/>
                <button type="button" class="btn btn-primary chat-send" on:click=move |_| submit.run(())
                    disabled=move || { uploading.get() > 0 || edited.pending.get() }>"Send"</button>
            </div>
        </div>
    }
}

/// Sends a pending message, retrying while the server cannot be reached. The key stays the
/// same, so a send that arrived but whose answer was lost is not stored twice.
pub fn deliver(thread: Thread, pending: Pending) {
    let key = pending.key.clone();
    thread.pending.update(|list| {
        if let Some(p) = list.iter_mut().find(|p| p.key == key) {
            p.failed = None;
        }
    });
    let form = MessageForm {
        text: pending.text.clone(),
        reply_to: pending.reply_to.as_ref().map(|m| m.id),
        files: pending.files.iter().map(|f| f.file_id).collect(),
        client_key: pending.key.clone(),
    };
    leptos::task::spawn_local(async move {
        let mut failure = String::new();
        for attempt in 0..ATTEMPTS {
            match send_message(thread.chat, form.clone()).await {
                Ok(message) => return thread.arrived(message),
                Err(AppError::Transport(reason)) => {
                    failure = reason;
                    sleep_ms(500 * 2u32.pow(attempt.min(5))).await;
                }
                Err(other) => {
                    failure = other.to_string();
                    break;
                }
            }
        }
        if failure.is_empty() {
            failure = "no connection".into();
        }
        thread.pending.update(|list| {
            if let Some(p) = list.iter_mut().find(|p| p.key == key) {
                p.failed = Some(failure);
            }
        });
    });
}

async fn sleep_ms(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}
