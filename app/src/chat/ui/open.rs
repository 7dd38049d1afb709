//! "Message", "Chat": buttons on profiles, workgroups and tasks that open (or make) the chat.

use crate::chat::api::{open_direct_chat, task_chat, workgroup_chat};
use crate::ids::{ChatId, GroupId, TaskId, UserId};
use crate::ui::ErrorBox;
use crate::ui::mutation::mutation;
use leptos::prelude::*;

/// Which chat a button opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChatWith {
    Person(UserId),
    Workgroup(GroupId),
    Task(TaskId),
}

#[component]
pub fn OpenChatButton(
    with: ChatWith,
    #[prop(into)] label: String,
    #[prop(default = "btn")] class: &'static str,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let opened = mutation(
        move |()| async move {
            match with {
                ChatWith::Person(user) => open_direct_chat(user).await,
                ChatWith::Workgroup(group) => workgroup_chat(group).await,
                ChatWith::Task(task) => task_chat(task).await,
            }
        },
        move |id: ChatId| navigate(&format!("/chat/{id}"), Default::default()),
    );
    view! {
        <button type="button" class=class on:click=move |_| opened.run(()) disabled=move || opened.pending.get() data-testid="open-chat">{label}</button>
        {move || opened.error.get().map(|error| view! { <ErrorBox error/> })}
    }
}
