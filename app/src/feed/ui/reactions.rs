//! Reactions on posts and comments: one click to like, a picker for the others, and the list
//! of who reacted.

use super::PostSignal;
use crate::error::AppError;
use crate::feed::api::{react, who_reacted};
use crate::feed::types::{Reaction, ReactionEntry, ReactionSummary};
use crate::ids::{CommentId, PostId};
use crate::ui::icons::Icon;
use crate::ui::mutation::mutation;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

/// The bar under a post.
#[component]
pub fn ReactionBar(post: PostSignal) -> impl IntoView {
    let id = post.with_untracked(|p| p.id);
    let summary = Signal::derive(move || post.with(|p| p.reactions.clone()));
    view! {
        <div class="post-actions">
            <Reactions post_id=id comment_id=None summary on_change=Callback::new(move |_| super::refresh_post(post))/>
            <a class="link-btn" href=format!("/feed/{id}#comments-{id}")>
                <Icon name="chat"/>
                {move || match post.with(|p| p.comment_count) {
                    0 => "Comment".to_owned(),
                    1 => "1 comment".to_owned(),
                    n => format!("{n} comments"),
                }}
            </a>
        </div>
    }
}

/// Like button, picker and who-reacted list, for a post (`comment_id` None) or a comment.
#[component]
pub fn Reactions(
    post_id: PostId,
    comment_id: Option<CommentId>,
    #[prop(into)] summary: Signal<ReactionSummary>,
    on_change: Callback<()>,
) -> impl IntoView {
    let picker = RwSignal::new(false);
    let who = RwSignal::new(None::<Vec<ReactionEntry>>);
    let reacted = mutation(
        move |reaction: Option<Reaction>| react(post_id, comment_id, reaction),
        move |()| on_change.run(()),
    );
    let set = move |reaction: Option<Reaction>| {
        picker.set(false);
        reacted.run(reaction);
    };
    let toggle_like = move |_| {
        let mine = summary.with_untracked(|s| s.mine);
        set(if mine.is_some() {
            None
        } else {
            Some(Reaction::Like)
        });
    };
    // Who reacted: a failure shows (an empty list would look like nobody).
    let who_failed = RwSignal::new(None::<AppError>);
    let show_who = move |_| {
        if who.with_untracked(Option::is_some) {
            return who.set(None);
        }
        who_failed.set(None);
        leptos::task::spawn_local(async move {
            match who_reacted(post_id, comment_id).await {
                Ok(list) => who.set(Some(list)),
                Err(e) => who_failed.set(Some(e)),
            }
        });
    };
    let failed = move || reacted.error.get().or_else(|| who_failed.get());
    view! {
        <div class="reactions">
            <button
                type="button"
                class="link-btn"
                class:reacted=move || summary.with(|s| s.mine.is_some())
                aria-pressed=move || summary.with(|s| s.mine.is_some()).to_string()
                disabled=move || reacted.pending.get()
                on:click=toggle_like
            >
                {move || match summary.with(|s| s.mine) {
                    Some(r) => view! { <span class="emoji">{r.emoji()}</span>{r.label()} }.into_any(),
                    None => view! { <Icon name="like"/>"Like" }.into_any(),
                }}
            </button>
            <button type="button" class="link-btn react-more" aria-label="Choose a reaction"
                aria-expanded=move || picker.get().to_string()
                on:click=move |_| picker.update(|p| *p = !*p)><Icon name="smile"/></button>
            <Show when=move || picker.get()>
                <div class="reaction-picker" role="group" aria-label="Reactions">
                    {Reaction::ALL.into_iter().map(|r| view! {
                        <button type="button" title=r.label() aria-label=r.label() disabled=move || reacted.pending.get()
                            on:click=move |_| set(Some(r))>{r.emoji()}</button>
                    }).collect_view()}
                </div>
            </Show>
            <Show when=move || summary.with(|s| s.total > 0)>
                <button type="button" class="reaction-summary" title="Who reacted" on:click=show_who>
                    {move || summary.with(|s| s.top.iter().map(|r| r.emoji()).collect::<String>())}
                    " "
                    {move || summary.with(|s| s.total)}
                </button>
            </Show>
            {move || who.get().map(|list| view! {
                <div class="dropdown open who-reacted" role="dialog" aria-label="Who reacted">
                    <ul class="list">
                        {list.into_iter().map(|entry| view! {
                            <li class="who-row">
                                <Avatar name=entry.author.name.clone() photo=entry.author.photo_url.clone() size="sm"/>
                                <a href=format!("/people/{}", entry.author.id)>{entry.author.name.clone()}</a>
                                <span class="who-emoji" title=entry.reaction.label()>{entry.reaction.emoji()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {move || failed().map(|error| view! { <ErrorBox error/> })}
        </div>
    }
}
