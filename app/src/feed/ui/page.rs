//! The feed page: composer, pinned posts, the stream with a "new posts" bar, infinite scroll.

use super::PostSignal;
use super::composer::Composer;
use super::post_card::PostCard;
use crate::feed::api::{feed_mark_seen, feed_page, feed_post};
use crate::feed::types::{PostKind, PostsPage as Page};
use crate::ids::{PostId, UserId};
use crate::realtime::RealtimeEvent;
use crate::shell::layout::{Live, use_me};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Filters from the address (`?kind=announcement`, `?mentions=1`, `?author=12`).
#[derive(Debug, Clone, PartialEq, Default)]
struct Filter {
    author: Option<UserId>,
    kind: Option<PostKind>,
    mentions_me: bool,
}

#[component]
pub fn FeedPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| Filter {
            author: q.get("author").and_then(|a| a.parse().ok()),
            kind: q.get("kind").and_then(|k| PostKind::parse(&k)),
            mentions_me: q.get("mentions").is_some_and(|m| m == "1"),
        })
    });
    let first = Resource::new(
        move || filter.get(),
        |f| feed_page(f.author, f.kind, f.mentions_me, None),
    );
    let tab = move |label: &'static str, href: &'static str, active: fn(&Filter) -> bool| {
        view! { <a class="tab" class:active=move || filter.with(active) href=href>{label}</a> }
    };
    let me = use_me();
    let first_name = me
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let greeting = format!(
        "Welcome, {first_name}. Here is what's happening at {}.",
        me.portal_name
    );
    view! {
        <div class="feed">
        <PageHeader title="Feed" subtitle=greeting/>
        <nav class="tabs" aria-label="Feed filters">
            {tab("All posts", "/", |f| *f == Filter::default())}
            {tab("Announcements", "/?kind=announcement", |f| f.kind == Some(PostKind::Announcement))}
            {tab("Mentions of me", "/?mentions=1", |f| f.mentions_me)}
        </nav>
        <Transition fallback=|| view! { <p class="muted">"Loading the feed…"</p> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(page) => view! { <Stream page filter=filter.get_untracked()/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Transition>
        </div>
    }
}

/// The posts of one filter, kept up to date by realtime events.
#[component]
fn Stream(page: Page, filter: Filter) -> impl IntoView {
    let me = use_me();
    let live = expect_context::<Live>();
    let unfiltered = filter == Filter::default();
    let filter = StoredValue::new(filter);
    let to_confirm = RwSignal::new(
        page.to_confirm
            .into_iter()
            .map(RwSignal::new)
            .collect::<Vec<PostSignal>>(),
    );
    let pinned = RwSignal::new(
        page.pinned
            .into_iter()
            .map(RwSignal::new)
            .collect::<Vec<PostSignal>>(),
    );
    let posts = RwSignal::new(
        page.posts
            .into_iter()
            .map(RwSignal::new)
            .collect::<Vec<PostSignal>>(),
    );
    let cursor = RwSignal::new(page.next_cursor);
    let loading = RwSignal::new(false);
    let waiting = RwSignal::new(Vec::<PostId>::new());

    let find = move |id: PostId| {
        [to_confirm, pinned, posts].into_iter().find_map(|list| {
            list.with_untracked(|l| l.iter().find(|p| p.with_untracked(|p| p.id) == id).copied())
        })
    };
    let remove = move |id: PostId| {
        to_confirm.update(|l| l.retain(|p| p.with_untracked(|p| p.id) != id));
        pinned.update(|l| l.retain(|p| p.with_untracked(|p| p.id) != id));
        posts.update(|l| l.retain(|p| p.with_untracked(|p| p.id) != id));
        waiting.update(|w| w.retain(|w| *w != id));
    };
    let newest = move || {
        posts
            .with_untracked(|l| l.iter().map(|p| p.with_untracked(|p| p.id)).max())
            .into_iter()
            .chain(pinned.with_untracked(|l| l.iter().map(|p| p.with_untracked(|p| p.id)).max()))
            .max()
    };
    let mark_seen = move || {
        if let Some(id) = newest() {
            live.feed_unread.set(0);
            leptos::task::spawn_local(async move {
                let _ = feed_mark_seen(id).await;
            });
        }
    };
    // Inserts posts at the top, newest first, skipping any already shown.
    let insert = move |ids: Vec<PostId>| {
        leptos::task::spawn_local(async move {
            for id in ids {
                if find(id).is_some() {
                    continue;
                }
                if let Ok(post) = feed_post(id, Some(3)).await {
                    posts.update(|l| {
                        let at = l
                            .iter()
                            .position(|p| p.with_untracked(|p| p.id) < id)
                            .unwrap_or(l.len());
                        l.insert(at, RwSignal::new(post));
                    });
                }
            }
            mark_seen();
        });
    };
    let show_waiting = move |_| {
        let ids = waiting.get_untracked();
        waiting.set(Vec::new());
        insert(ids);
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    };

    // Live: new posts wait behind a bar (the reader's place does not move); changes apply.
    let my_id = me.user_id;
    Effect::new(move |_| {
        live.feed_events.track();
        let events = live
            .feed_events
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        for event in events {
            match event {
                RealtimeEvent::FeedPosted { post_id, author_id } if unfiltered => {
                    if author_id == my_id {
                        insert(vec![post_id]);
                    } else {
                        waiting.update(|w| {
                            if !w.contains(&post_id) {
                                w.push(post_id)
                            }
                        });
                    }
                }
                RealtimeEvent::FeedChanged { post_id } => {
                    if let Some(post) = find(post_id) {
                        super::refresh_post(post);
                    }
                }
                RealtimeEvent::FeedRemoved { post_id } => remove(post_id),
                _ => {}
            }
        }
    });
    Effect::new(move |_| mark_seen());

    let load_more = move || {
        let Some(before) = cursor.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        let f = filter.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(next) = feed_page(f.author, f.kind, f.mentions_me, Some(before)).await {
                posts.update(|l| l.extend(next.posts.into_iter().map(RwSignal::new)));
                cursor.set(next.next_cursor);
            }
            loading.set(false);
        });
    };
    let sentinel = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = sentinel.get() {
            observe_visible(&el, load_more);
        }
    });

    view! {
        <Show when=move || unfiltered>
            <Composer on_posted=Callback::new(move |id| insert(vec![id]))/>
        </Show>
        <Show when=move || !waiting.with(Vec::is_empty)>
            <button type="button" class="new-posts" on:click=show_waiting>
                {move || match waiting.with(Vec::len) {
                    1 => "↑ 1 new post".to_owned(),
                    n => format!("↑ {n} new posts"),
                }}
            </button>
        </Show>
        <Show when=move || !to_confirm.with(Vec::is_empty)>
            <h2 class="section-title">"Please confirm you have read"</h2>
        </Show>
        <For each=move || to_confirm.get() key=|p| p.with_untracked(|p| p.id) children=move |post| view! { <PostCard post on_removed=remove/> }/>
        <For each=move || pinned.get() key=|p| p.with_untracked(|p| p.id) children=move |post| view! { <PostCard post on_removed=remove/> }/>
        <For each=move || posts.get() key=|p| p.with_untracked(|p| p.id) children=move |post| view! { <PostCard post on_removed=remove/> }/>
        <Show when=move || posts.with(Vec::is_empty) && pinned.with(Vec::is_empty)>
            <section class="card">
                {if unfiltered {
                    view! { <EmptyState title="Nothing here yet" hint="Be the first: share news, a question or a thank-you with your colleagues."/> }.into_any()
                } else {
                    view! { <EmptyState title="No posts match" hint="Try another filter, or go back to all posts."><a class="btn" href="/">"All posts"</a></EmptyState> }.into_any()
                }}
            </section>
        </Show>
        <div node_ref=sentinel class="feed-end">
            <Show when=move || cursor.get().is_some()>
                <button type="button" class="btn" disabled=move || loading.get() on:click=move |_| load_more()>
                    {move || if loading.get() { "Loading…" } else { "Show older posts" }}
                </button>
            </Show>
        </div>
    }
}

/// Calls `on_visible` whenever the element scrolls into view (infinite scroll).
#[cfg(feature = "hydrate")]
fn observe_visible(el: &web_sys::HtmlDivElement, on_visible: impl Fn() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let visible = entries.iter().any(|e| {
            e.dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting())
        });
        if visible {
            on_visible();
        }
    });
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin("600px");
    if let Ok(observer) =
        web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
    {
        observer.observe(el);
    }
    callback.forget();
}
