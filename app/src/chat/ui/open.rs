//! "Message", "Chat": buttons on profiles, workgroups and tasks that open (or make) the chat.

use crate::chat::api::{open_direct_chat, task_chat, workgroup_chat};
use crate::error::AppError;
use crate::ids::{ChatId, GroupId, TaskId, UserId};
use crate::ui::ErrorBox;
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
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let open = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let chat: Result<ChatId, AppError> = match with {
                ChatWith::Person(user) => open_direct_chat(user).await,
                ChatWith::Workgroup(group) => workgroup_chat(group).await,
                ChatWith::Task(task) => task_chat(task).await,
            };
            busy.set(false);
            match chat {
                Ok(id) => {
                    let navigate = leptos_router::hooks::use_navigate();
                    navigate(&format!("/chat/{id}"), Default::default());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <button type="button" class=class on:click=open disabled=move || busy.get() data-testid="open-chat">{label}</button>
        {move || error.get().map(|error| view! { <ErrorBox error/> })}
    }
}
