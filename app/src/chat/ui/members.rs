//! The people of a chat, with presence; the owner of a group chat renames it and adds or
//! removes people; anyone may leave a group chat.

use super::conversation::Thread;
use super::{presence_class, presence_label};
use crate::chat::api::{add_chat_members, leave_chat, remove_chat_member, update_chat};
use crate::error::AppError;
use crate::files::types::Attachment;
use crate::files::ui::AttachButton;
use crate::hr::api::people_options;
use crate::ids::{FileId, UserId};
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

#[component]
pub fn MembersPanel() -> impl IntoView {
    let thread = expect_context::<Thread>();
    let error = RwSignal::new(None::<AppError>);
    let title = RwSignal::new(thread.summary.get_untracked().title);
    let options = RwSignal::new(Vec::<(UserId, String)>::new());
    Effect::new(move |_| {
        if thread.can_manage.get() && options.with_untracked(Vec::is_empty) {
            leptos::task::spawn_local(async move {
                if let Ok(people) = people_options().await {
                    options.set(people);
                }
            });
        }
    });
    // The picture as it is now: renaming keeps it.
    let current_avatar = move || -> Option<FileId> {
        thread
            .summary
            .get_untracked()
            .avatar_url
            .and_then(|u| u.trim_start_matches("/files/").parse().ok())
    };
    let save = move |title: String, avatar: Option<FileId>| {
        leptos::task::spawn_local(async move {
            match update_chat(thread.chat, title, avatar).await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save(title.get_untracked(), current_avatar());
    };
    // A new picture is saved as soon as it is uploaded.
    let picture = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    Effect::new(move |_| {
        if let Some(file) = picture.with(|p| p.first().map(|f| f.file_id)) {
            picture.set(Vec::new());
            save(thread.summary.get_untracked().title, Some(file));
        }
    });
    let has_picture = move || thread.summary.with(|s| s.avatar_url.is_some());
    let add = move |ev: leptos::ev::Event| {
        let Ok(id) = event_target_value(&ev).parse::<UserId>() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Err(e) = add_chat_members(thread.chat, vec![id]).await {
                error.set(Some(e));
            }
        });
    };
    let leave = move |_| {
        leptos::task::spawn_local(async move {
            match leave_chat(thread.chat).await {
                Ok(()) => crate::ui::hard_navigate("/chat"),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <aside class="chat-members" aria-label="People in this chat">
            <h3>{move || format!("People ({})", thread.member_count.get())}</h3>
            {move || error.get().map(|error| view! { <ErrorBox error/> })}
            <Show when=move || thread.can_manage.get()>
                <form class="chat-rename" on:submit=rename>
                    <label class="sr-only" for="chat-title">"Chat name"</label>
                    <input id="chat-title" maxlength="120" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))/>
                    <button class="btn btn-small" type="submit">"Rename"</button>
                </form>
                <div class="chat-picture">
                    {move || if uploading.get() > 0 {
                        view! { <span class="muted small">"Uploading…"</span> }.into_any()
                    } else {
                        let label = if has_picture() { "Change picture" } else { "Add a picture" };
                        view! { <AttachButton files=picture uploading error max=1 label/> }.into_any()
                    }}
                    <Show when=has_picture>
                        <button type="button" class="tool"
                            on:click=move |_| save(thread.summary.get_untracked().title, None)>
                            "Remove picture"
                        </button>
                    </Show>
                </div>
                <select aria-label="Add someone to the chat" prop:value="" on:change=add>
                    <option value="">"+ Add someone"</option>
                    {move || {
                        let present: Vec<UserId> = thread.members.with(|m| m.iter().map(|m| m.user.id).collect());
                        options.get().into_iter().filter(|(id, _)| !present.contains(id))
                            .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                            .collect_view()
                    }}
                </select>
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
                                    on:click=move |_| {
                                        leptos::task::spawn_local(async move {
                                            if let Err(e) = remove_chat_member(thread.chat, id).await {
                                                error.set(Some(e));
                                            }
                                        });
                                    }>"×"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || thread.can_leave.get()>
                <button type="button" class="btn btn-small btn-danger-ghost" on:click=leave>"Leave the chat"</button>
            </Show>
        </aside>
    }
}
