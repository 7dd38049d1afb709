//! One post on its own page (the link in notifications), with all its comments.

use super::post_card::PostCard;
use crate::feed::api::feed_post;
use crate::feed::types::FeedEvent;
use crate::ids::PostId;
use crate::realtime::use_live;
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<PostId>().ok()));
    let post = Resource::new(id, |id| async move {
        match id {
            Some(id) => feed_post(id, Some(50)).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <div class="feed">
        <PageHeader title="Post"/>
        <p><a href="/">"← Back to the feed"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(Some(post)) => view! { <LivePost post=RwSignal::new(post)/> }.into_any(),
                    Ok(None) | Err(crate::error::AppError::NotFound) => view! {
                        <section class="card">
                            <EmptyState title="This post is not available" hint="It was deleted, or it is addressed to people you are not among."/>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Transition>
        </div>
    }
}

#[component]
fn LivePost(post: super::PostSignal) -> impl IntoView {
    let removed = RwSignal::new(false);
    let id = post.with_untracked(|p| p.id);
    use_live(move |event: FeedEvent| match event {
        FeedEvent::FeedChanged { post_id } if post_id == id => super::refresh_post(post),
        FeedEvent::FeedRemoved { post_id } if post_id == id => removed.set(true),
        _ => {}
    });
    view! {
        <Show when=move || !removed.get() fallback=|| view! {
            <section class="card"><EmptyState title="This post was deleted" hint="Its author or an administrator removed it."/></section>
        }>
            <PostCard post on_removed=Callback::new(move |_| removed.set(true))/>
        </Show>
    }
}
