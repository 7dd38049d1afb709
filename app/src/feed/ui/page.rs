//! The feed page: composer, pinned posts, the stream with a "new posts" bar, infinite scroll.

use super::PostSignal;
use super::composer::Composer;
use super::post_card::PostCard;
use crate::dates::day_ms;
use crate::error::AppError;
use crate::feed::api::{feed_mark_seen, feed_page, feed_post};
use crate::feed::types::FeedEvent;
use crate::feed::types::{FeedQuery, PostKind, PostsPage as Page};
use crate::ids::{DepartmentId, PostId, UserId};
use crate::realtime::use_live;
use crate::shell::layout::use_me;
use crate::ui::paged::{Paged, ShowMore};
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Filters from the address: `?kind=announcement`, `?mentions=1`, `?author=12`,
/// `?department=3`, `?from=2026-11-01&to=2026-11-30` (days in the viewer's zone), `?q=words`.
#[derive(Debug, Clone, PartialEq, Default)]
struct Filter {
    author: Option<UserId>,
    kind: Option<PostKind>,
    mentions_me: bool,
    department: Option<DepartmentId>,
    from: Option<i64>,
    to: Option<i64>,
    search: String,
}

impl Filter {
    async fn fetch(self, before: Option<PostId>) -> Result<Page, AppError> {
        let query = FeedQuery {
            author: self.author,
            kind: self.kind,
            mentions_me: self.mentions_me,
            department: self.department,
            group: None,
            from: self.from,
            to: self.to,
            search: self.search,
        };
        feed_page(query, before).await
    }
}

#[component]
pub fn FeedPage() -> impl IntoView {
    let query = use_query_map();
    // The days of `from` and `to` are the viewer's.
    let zone = crate::shell::layout::use_zone();
    let filter = Memo::new(move |_| {
        query.with(|q| Filter {
            author: q.get("author").and_then(|a| a.parse().ok()),
            kind: q.get("kind").and_then(|k| PostKind::parse(&k)),
            mentions_me: q.get("mentions").is_some_and(|m| m == "1"),
            department: q.get("department").and_then(|d| d.parse().ok()),
            from: q.get("from").and_then(|d| day_ms(&d, &zone)),
            // The whole "to" day is included.
            to: q
                .get("to")
                .and_then(|d| day_ms(&d, &zone))
                .map(|ms| zone.days_later(ms, 1)),
            search: q.get("q").unwrap_or_default(),
        })
    });
    let first = Resource::new(move || filter.get(), |f| f.fetch(None));
    let param = move |name: &'static str| query.with(|q| q.get(name).unwrap_or_default());
    let filters_open = RwSignal::new(false);
    // The department list is read only once the filters are shown (or one is chosen).
    let show_departments =
        Memo::new(move |_| filters_open.get() || !param("department").is_empty());
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
    let by_author = move || filter.with(|f| f.author.is_some());
    view! {
        <div class="feed">
        <PageHeader title="Feed" subtitle=greeting/>
        <Show when=by_author>
            <p class="muted">"Showing one person's posts. "<a href="/">"Show everyone's"</a></p>
        </Show>
        <nav class="tabs" aria-label="Feed filters">
            {tab("All posts", "/", |f| *f == Filter::default())}
            {tab("Announcements", "/?kind=announcement", |f| f.kind == Some(PostKind::Announcement))}
            {tab("Mentions of me", "/?mentions=1", |f| f.mentions_me)}
        </nav>
        <form class="toolbar feed-filters" method="get" action="/">
            <input type="search" name="q" placeholder="Search posts and comments" aria-label="Search posts and comments" value=move || param("q")/>
            <button type="button" class="btn" aria-expanded=move || filters_open.get().to_string()
                on:click=move |_| filters_open.update(|o| *o = !*o)>"Filters"</button>
            <button class="btn btn-primary" type="submit">"Search"</button>
            <div class="filter-fields" class:hidden=move || {
                !filters_open.get() && param("department").is_empty() && param("from").is_empty() && param("to").is_empty()
            }>
                <Show when=move || show_departments.get()>
                    {move || {
                        let departments = Resource::new(|| (), |_| crate::hr::api::departments());
                        view! {
                            <Suspense fallback=|| view! { <select aria-label="Addressed to department" disabled><option>"Any department"</option></select> }>
                                {move || departments.get().and_then(Result::ok).map(|d| view! {
                                    <select name="department" aria-label="Addressed to department">
                                        <option value="">"Any department"</option>
                                        {crate::hr::ui::department_options(&d, param("department").parse().ok(), false)}
                                    </select>
                                })}
                            </Suspense>
                        }
                    }}
                </Show>
                <label class="inline">"From"<input type="date" name="from" value=move || param("from")/></label>
                <label class="inline">"To"<input type="date" name="to" value=move || param("to")/></label>
                {move || (!param("kind").is_empty()).then(|| view! { <input type="hidden" name="kind" value=param("kind")/> })}
                {move || (!param("author").is_empty()).then(|| view! { <input type="hidden" name="author" value=param("author")/> })}
                <a class="link-btn" href="/">"Clear"</a>
            </div>
        </form>
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
    let live = expect_context::<super::live::FeedLive>();
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
    let first_next = page.next_cursor;
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
            live.unread.set(0);
            leptos::task::spawn_local(async move {
                let _ = feed_mark_seen(id).await;
            });
        }
    };
    // Inserts posts at the top, newest first, skipping any already shown. A post that cannot
    // be fetched says so: otherwise the new posts (or one's own) would seem to vanish.
    let not_shown = RwSignal::new(None::<AppError>);
    let insert = move |ids: Vec<PostId>| {
        not_shown.set(None);
        leptos::task::spawn_local(async move {
            for id in ids {
                if find(id).is_some() {
                    continue;
                }
                match feed_post(id, Some(3)).await {
                    Ok(post) => posts.update(|l| {
                        let at = l
                            .iter()
                            .position(|p| p.with_untracked(|p| p.id) < id)
                            .unwrap_or(l.len());
                        l.insert(at, RwSignal::new(post));
                    }),
                    Err(e) => not_shown.set(Some(e)),
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
    use_live(move |event: FeedEvent| match event {
        FeedEvent::FeedPosted { post_id, author_id } if unfiltered => {
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
        FeedEvent::FeedPosted { .. } => {}
        FeedEvent::FeedChanged { post_id } => {
            if let Some(post) = find(post_id) {
                super::refresh_post(post);
            }
        }
        FeedEvent::FeedRemoved { post_id } => remove(post_id),
    });
    Effect::new(move |_| mark_seen());

    // Older posts, as the reader scrolls down.
    let older = Paged::new(posts, RwSignal::new(first_next), move |before| {
        let f = filter.get_value();
        Box::pin(async move {
            let page = f.fetch(Some(before)).await?;
            let posts = page.posts.into_iter().map(RwSignal::new).collect();
            Ok((posts, page.next_cursor))
        })
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
        {move || not_shown.get().map(|error| view! { <ErrorBox error/> })}
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
        <ShowMore list=older label="Show older posts" infinite=true class="btn"/>
    }
}
