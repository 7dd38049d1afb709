//! The feed's pages and components.

mod comments;
mod composer;
mod extras;
mod group_feed;
pub mod live;
mod page;
mod post_card;
mod post_page;
mod reactions;

pub use group_feed::GroupFeed;
pub use page::FeedPage;
pub use post_page::PostPage;

use super::types::PostView;
use leptos::prelude::*;

/// A post held by a list: each card re-renders alone when its post changes.
pub type PostSignal = RwSignal<PostView>;

/// Fetches a post again (after a change here or a live event) and updates its card.
pub fn refresh_post(post: PostSignal) {
    let (id, shown) = post.with_untracked(|p| (p.id, p.comments.len()));
    leptos::task::spawn_local(async move {
        let comments = shown.max(super::types::PREVIEW_COMMENTS) as u32;
        if let Ok(fresh) = super::api::feed_post(id, Some(comments)).await {
            post.set(fresh);
        }
    });
}

/// The feed's pages, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn FeedRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/") view=FeedPage/>
        <Route path=path!("/feed/:id") view=PostPage/>
    }
    .into_inner()
}
