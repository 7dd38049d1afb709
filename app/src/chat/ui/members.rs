//! The people of a chat, with presence; the owner of a group chat renames it and adds or
//! removes people; anyone may leave a group chat.

use super::conversation::Thread;
use super::{presence_class, presence_label};
use crate::chat::api::{add_chat_members, leave_chat, remove_chat_member, update_chat};
use crate::error::AppError;
use crate::files::types::Attachment;
use crate::files::ui::AttachButton;
use crate::hr::ui::PersonPicker;
use crate::ids::{FileId, UserId};
use crate::ui::mutation::mutation;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

#[component]
pub fn MembersPanel() -> impl IntoView {
    let thread = expect_context::<Thread>();
    let error = RwSignal::new(None::<AppError>);
    let title = RwSignal::new(thread.summary.get_untracked().title);
    // The picture as it is now: renaming keeps it.
    let current_avatar = move || -> Option<FileId> {
        thread
            .summary
            .get_untracked()
            .avatar_url
            .and_then(|u| u.trim_start_matches("/files/").parse().ok())
    };
    let save =
        move |(title, avatar): (String, Option<FileId>)| update_chat(thread.chat, title, avatar);
    let renamed = mutation(save, move |()| error.set(None));
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        renamed.run((title.get_untracked(), current_avatar()));
    };
    // A new picture is saved as soon as it is uploaded.
    let pictured = mutation(save, move |()| error.set(None));
    let picture = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    Effect::new(move |_| {
        if let Some(file) = picture.with(|p| p.first().map(|f| f.file_id)) {
            picture.set(Vec::new());
            pictured.run((thread.summary.get_untracked().title, Some(file)));
        }
    });
    let has_picture = move || thread.summary.with(|s| s.avatar_url.is_some());
    let added = mutation(
        move |id: UserId| add_chat_members(thread.chat, vec![id]),
        |()| {},
    );
    let add = Callback::new(move |id: UserId| added.run(id));
    let present = Signal::derive(move || {
        thread
            .members
            .with(|m| m.iter().map(|m| m.user.id).collect())
    });
    let removed = mutation(
        move |id: UserId| remove_chat_member(thread.chat, id),
        |()| {},
    );
    let left = mutation(
        move |()| leave_chat(thread.chat),
        |()| crate::ui::hard_navigate("/chat"),
    );
    let failed = move || {
        renamed
            .error
            .get()
            .or_else(|| pictured.error.get())
            .or_else(|| added.error.get())
            .or_else(|| removed.error.get())
            .or_else(|| left.error.get())
    };
    view! {
        <aside class="chat-members" aria-label="People in this chat">
            <h3>{move || format!("People ({})", thread.member_count.get())}</h3>
            {move || error.get().map(|error| view! { <ErrorBox error/> })}
            {move || failed().map(|error| view! { <ErrorBox error/> })}
            <Show when=move || thread.can_manage.get()>
                <form class="chat-rename" on:submit=rename>
                    <label class="sr-only" for="chat-title">"Chat name"</label>
                    <input id="chat-title" maxlength="120" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <button class="btn btn-small" type="submit" disabled=move || renamed.pending.get()>"Rename"</button>
                </form>
                <div class="chat-picture">
                    {move || if uploading.get() > 0 {
                        view! { <span class="muted small">"Uploading…"</span> }.into_any()
                    } else {
                        let label = if has_picture() { "Change picture" } else { "Add a picture" };
                        view! { <AttachButton files=picture uploading error max=1 label/> }.into_any()
                    }}
                    <Show when=has_picture>
                        <button type="button" class="tool" disabled=move || pictured.pending.get()
                            on:click=move |_| pictured.run((thread.summary.get_untracked().title, None))>
                            "Remove picture"
                        </button>
                    </Show>
                </div>
                <PersonPicker id="chat-add-member" label="Add someone to the chat" on_pick=add
                    placeholder="+ Add someone" testid="chat-add-member" exclude=present disabled=added.pending/>
            </Show>
            <ul class="chat-member-list">
                {move || thread.members.get().into_iter().map(|m| {
                    let id = m.user.id;
                    let removable = thread.can_manage.get() && id != thread.me;
                    let name = m.user.name.clone();
                    view! {
                        <li>
                            <span class="chat-member-avatar">
                                <Avatar name=m.user.name.clone() photo=m.user.photo_url.clone() size="sm"/>
                                <span class=presence_class(m.presence) title=presence_label(m.presence)></span>
                            </span>
                            <span class="chat-member-name">
                                <a href=format!("/people/{id}")>{m.user.name.clone()}</a>
                                {m.is_owner.then(|| view! { <span class="chat-kind">"Owner"</span> })}
                                <span class="muted small">{presence_label(m.presence)}</span>
                            </span>
                            {removable.then(|| view! {
                                <button type="button" class="icon-btn" aria-label=format!("Remove {name}")
                                    disabled=move || removed.pending.get()
                                    on:click=move |_| removed.run(id)>"×"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || thread.can_leave.get()>
                <button type="button" class="btn btn-small btn-danger-ghost" disabled=move || left.pending.get()
                    on:click=move |_| left.run(())>"Leave the chat"</button>
            </Show>
        </aside>
    }
}
