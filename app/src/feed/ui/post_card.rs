//! One post in the feed: author, addressees, text, reactions, comments and its menu.

use super::PostSignal;
use super::comments::Comments;
use super::extras::{AnnouncementBlock, AppreciationBlock, PollBlock};
use super::reactions::ReactionBar;
use crate::dates::date_time;
use crate::error::AppError;
use crate::feed::api::{delete_post, edit_post, pin_post};
use crate::feed::types::{Addressee, PostKind, PostView};
use crate::files::ui::AttachmentView;
use crate::ids::PostId;
use crate::rich::{RichEditor, RichText};
use crate::ui::mutation::mutation;
use crate::ui::page::time_ago;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

/// What the card's menu and editor change.
enum Change {
    Edit(String),
    Pin(bool),
    Delete,
}

#[component]
pub fn PostCard(post: PostSignal, #[prop(into)] on_removed: Callback<PostId>) -> impl IntoView {
    let id = post.with_untracked(|p| p.id);
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let menu_open = RwSignal::new(false);
    // Re-rendered only when the files change: any other update of the post (a reaction, a
    // comment, a refetch) must not close a picture someone is looking at.
    let attachments = Memo::new(move |_| post.with(|p| p.attachments.clone()));

    // Editing, pinning and deleting: one at a time, the card's one error shown under its head.
    let changed = mutation(
        move |change: Change| async move {
            match &change {
                Change::Edit(body) => edit_post(id, body.clone()).await?,
                Change::Pin(pinned) => pin_post(id, *pinned).await?,
                Change::Delete => delete_post(id).await?,
            }
            Ok::<_, AppError>(change)
        },
        move |change| match change {
            Change::Edit(_) => {
                editing.set(false);
                super::refresh_post(post);
            }
            Change::Pin(_) => super::refresh_post(post),
            Change::Delete => on_removed.run(id),
        },
    );
    let save = move |_: ()| changed.run(Change::Edit(draft.get_untracked()));
    let toggle_pin = move |_| {
        menu_open.set(false);
        changed.run(Change::Pin(!post.with_untracked(|p| p.pinned)));
    };
    let remove = move |_| {
        menu_open.set(false);
        if !confirm("Delete this post with its comments? This cannot be undone.") {
            return;
        }
        changed.run(Change::Delete);
    };
    let start_edit = move |_| {
        menu_open.set(false);
        draft.set(post.with_untracked(|p| p.source.clone().unwrap_or_default()));
        editing.set(true);
    };

    view! {
        <article
            class="post card"
            class:post-announcement=move || post.with(|p| p.kind == PostKind::Announcement)
            id=format!("post-{id}")
        >
            <header class="post-head">
                {move || post.with(head)}
                <Show when=move || post.with(|p| p.can_edit || p.can_delete || p.can_pin)>
                    <div class="post-menu">
                        <button type="button" class="icon-btn" aria-label="Post actions" aria-haspopup="menu"
                            aria-expanded=move || menu_open.get().to_string()
                            on:click=move |_| menu_open.update(|o| *o = !*o)>"⋯"</button>
                        <Show when=move || menu_open.get()>
                            <div class="dropdown open" role="menu">
                                <Show when=move || post.with(|p| p.can_edit)>
                                    <button type="button" class="link-btn" role="menuitem" on:click=start_edit>"Edit"</button>
                                </Show>
                                <Show when=move || post.with(|p| p.can_pin)>
                                    <button type="button" class="link-btn" role="menuitem" disabled=move || changed.pending.get() on:click=toggle_pin>
                                        {move || if post.with(|p| p.pinned) { "Unpin" } else { "Pin for everyone" }}
                                    </button>
                                </Show>
                                <Show when=move || post.with(|p| p.can_delete)>
                                    <button type="button" class="link-btn danger" role="menuitem" disabled=move || changed.pending.get() on:click=remove>"Delete"</button>
                                </Show>
                            </div>
                        </Show>
                    </div>
                </Show>
            </header>
            {move || changed.error.get().map(|e| view! { <ErrorBox error=e/> })}
            {move || post.with(|p| p.appreciation.clone()).map(|appreciation| view! { <AppreciationBlock appreciation/> })}
            <Show
                when=move || editing.get()
                fallback=move || post.with(|p| view! { <RichText blocks=p.body.clone()/> })
            >
                <div class="post-edit">
                    <RichEditor value=draft placeholder="" label="Edit the post" rows=5 toolbar=true on_submit=save/>
                    <div class="row gap">
                        <button type="button" class="btn btn-primary" disabled=move || changed.pending.get() on:click=move |_| save(())>"Save"</button>
                        <button type="button" class="btn" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
            {move || {
                let files = attachments.get();
                (!files.is_empty()).then(|| view! { <AttachmentView files/> })
            }}
            <PollBlock post/>
            <AnnouncementBlock post/>
            <ReactionBar post/>
            <Comments post/>
        </article>
    }
}

fn head(p: &PostView) -> impl IntoView + use<> {
    let author_link = format!("/people/{}", p.author.id);
    let what = match (&p.entry, p.kind) {
        (Some(entry), _) => {
            let text = entry.text.clone();
            match entry.link.clone() {
                Some(link) => view! { " " <a href=link class="entry-text">{text}</a> }.into_any(),
                None => view! { " " <span class="entry-text">{text}</span> }.into_any(),
            }
        }
        _ => view! { <span class="addressees">" → "{addressees(&p.addressees)}</span> }.into_any(),
    };
    let edited = p.edited_at.map(|_| view! { <span>" · edited"</span> });
    view! {
        <Avatar name=p.author.name.clone() photo=p.author.photo_url.clone()/>
        <div class="post-meta">
            <div class="post-line"><a class="post-author" href=author_link>{p.author.name.clone()}</a>{what}</div>
            <div class="muted small">
                <a class="post-time" href=format!("/feed/{}", p.id) title=date_time(p.created_at, &crate::shell::layout::use_zone())>{time_ago(p.created_at)}</a>
                {edited}
            </div>
        </div>
        <div class="post-badges">
            {p.pinned.then(|| view! { <span class="tag">"📌 Pinned"</span> })}
            {(p.kind == PostKind::Announcement).then(|| view! { <span class="tag tag-amber">"Announcement"</span> })}
        </div>
    }
}

fn addressees(list: &[Addressee]) -> String {
    let names: Vec<&str> = list
        .iter()
        .map(|a| match a {
            Addressee::Everyone => "All employees",
            Addressee::Department(_, name)
            | Addressee::Person(_, name)
            | Addressee::Group(_, name) => name.as_str(),
        })
        .collect();
    match names.len() {
        0 => "you".to_owned(),
        1..=3 => names.join(", "),
        n => format!("{}, {} and {} more", names[0], names[1], n - 2),
    }
}

/// Asks the browser to confirm (always yes on the server, where nothing is clicked).
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}
