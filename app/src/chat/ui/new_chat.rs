//! `/chat/new`: a group chat — a name, a picture if wanted, and the people in it.

use crate::chat::api::create_chat;
use crate::chat::types::NewChat;
use crate::error::AppError;
use crate::files::types::Attachment;
use crate::files::ui::{AttachButton, PendingFiles};
use crate::hr::ui::PeoplePicker;
use crate::ids::UserId;
use crate::ui::mutation::mutation;
use crate::ui::{ErrorBox, PageHeader};
use leptos::prelude::*;

#[component]
pub fn NewChatPage() -> impl IntoView {
    view! {
        <PageHeader title="New group chat"/>
        <NewChatForm/>
    }
}

#[component]
fn NewChatForm() -> impl IntoView {
    let me = crate::shell::layout::use_me().user_id;
    let title = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<UserId>::new());
    let picture = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let error = RwSignal::new(None::<AppError>);
    let navigate = leptos_router::hooks::use_navigate();
    let created = mutation(create_chat, move |id| {
        navigate(&format!("/chat/{id}"), Default::default())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.run(NewChat {
            title: title.get_untracked(),
            members: chosen.get_untracked(),
            avatar: picture.with_untracked(|p| p.first().map(|f| f.file_id)),
        });
    };
    view! {
        <form class="card form narrow" on:submit=submit>
            {move || created.error.get().or_else(|| error.get()).map(|error| view! { <ErrorBox error/> })}
            <label>
                "Name"
                <input type="text" name="title" required maxlength="120" placeholder="e.g. Product launch"
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
            </label>
            <fieldset class="people-picker" data-testid="chat-people">
                <legend>"People"</legend>
                <PeoplePicker id="chat-people-input" label="Add someone to the chat" chosen
                    placeholder="Type a name to add someone" exclude=Signal::stored(vec![me])/>
            </fieldset>
            <div class="field">
                <span class="field-label">"Picture (optional)"</span>
                <PendingFiles files=picture uploading/>
                <Show when=move || picture.with(Vec::is_empty)>
                    <AttachButton files=picture uploading error max=1 label="Choose a picture"/>
                </Show>
            </div>
            <p class="muted small">"You own the chat: you can rename it and add or remove people later."</p>
            <div class="row gap">
                <button class="btn btn-primary" type="submit" disabled=move || { created.pending.get() || uploading.get() > 0 }>"Create chat"</button>
                <a class="btn" href="/chat">"Cancel"</a>
            </div>
        </form>
    }
}
