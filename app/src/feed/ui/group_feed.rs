//! A workgroup's own feed, on the group's page: its posts (newest first, with "Show more")
//! and a composer that addresses the group. New posts to the group appear live.

use super::PostSignal;
use super::composer::Composer;
use super::post_card::PostCard;
use crate::feed::api::{feed_page, feed_post};
use crate::feed::types::FeedEvent;
use crate::feed::types::{FeedQuery, PostView};
use crate::ids::{GroupId, PostId};
use crate::realtime::use_live;
use crate::ui::paged::{Paged, ShowMore};
use crate::ui::{EmptyState, ErrorBox};
use leptos::prelude::*;

fn query(group: GroupId) -> FeedQuery {
    FeedQuery {
        group: Some(group),
        ..Default::default()
    }
}

#[component]
pub fn GroupFeed(group: GroupId, name: String, can_post: bool) -> impl IntoView {
    let first = Resource::new(move || group, |g| feed_page(query(g), None));
    view! {
        <div class="group-feed feed">
            <Transition fallback=|| view! { <p class="muted">"Loading the group's posts…"</p> }>
                {move || first.get().map(|page| match page {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    // The stream starts from the page itself, so the server renders the posts
                    // and the browser hydrates the same list (no "No posts" swapped out).
                    Ok(page) => view! { <GroupStream page group name=name.clone() can_post/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// The group's posts from the first page on, with its composer, "Show more" and live updates.
#[component]
fn GroupStream(
    page: crate::feed::types::PostsPage,
    group: GroupId,
    name: String,
    can_post: bool,
) -> impl IntoView {
    let posts = RwSignal::new(
        page.posts
            .into_iter()
            .map(RwSignal::new)
            .collect::<Vec<PostSignal>>(),
    );
    let older = Paged::new(posts, RwSignal::new(page.next_cursor), move |before| {
        Box::pin(async move {
            let page = feed_page(query(group), Some(before)).await?;
            let posts = page
                .posts
                .into_iter()
                .map(RwSignal::<PostView>::new)
                .collect();
            Ok((posts, page.next_cursor))
        })
    });
    let add_post = move |id: PostId| {
        leptos::task::spawn_local(async move {
            if let Ok(post) = feed_post(id, None).await
                && post
                    .addressees
                    .iter()
                    .any(|a| matches!(a, crate::feed::types::Addressee::Group(g, _) if *g == group))
                && !posts.with_untracked(|p| p.iter().any(|s| s.with_untracked(|s| s.id == id)))
            {
                posts.update(|p| p.insert(0, RwSignal::new(post)));
            }
        });
    };
    // Live: posts to this group appear; changed posts refresh.
    use_live(move |event: FeedEvent| match event {
        FeedEvent::FeedPosted { post_id, .. } => add_post(post_id),
        FeedEvent::FeedChanged { post_id } => {
            if let Some(post) = posts.with_untracked(|p| {
                p.iter()
                    .find(|s| s.with_untracked(|s| s.id == post_id))
                    .copied()
            }) {
                super::refresh_post(post);
            }
        }
        FeedEvent::FeedRemoved { post_id } => {
            posts.update(|p| p.retain(|s| s.with_untracked(|s| s.id != post_id)))
        }
    });
    let remove = Callback::new(move |id: PostId| {
        posts.update(|p| p.retain(|s| s.with_untracked(|s| s.id != id)))
    });
    view! {
        {can_post.then(|| view! { <Composer on_posted=Callback::new(add_post) to_group=(group, name)/> })}
        <Show when=move || !posts.with(Vec::is_empty)
            fallback=|| view! { <EmptyState title="No posts in this group yet" hint="Posts addressed to the group appear here, for its members only."/> }>
            <For each=move || posts.get() key=|p| p.with_untracked(|p| p.id) children=move |post| view! { <PostCard post on_removed=remove/> }/>
        </Show>
        <ShowMore list=older label="Show more"/>
    }
}
