//! Lists loaded page by page from a server cursor (the feed, a group's posts, the chat list,
//! the task list): the items shown, the next cursor, and one "Show more" that says when it is
//! loading and shows what went wrong. Optionally the next page loads by itself as the end of
//! the list scrolls into view.

use super::ErrorBox;
use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// One more page: its items and the cursor after it (None at the end).
pub type PageFuture<T, C> = Pin<Box<dyn Future<Output = Result<(Vec<T>, Option<C>), AppError>>>>;

type Fetch<T, C> = Box<dyn Fn(C) -> PageFuture<T, C> + Send + Sync>;
type Same<T> = fn(&T, &T) -> bool;

/// A list with a server cursor. `items` is the caller's own signal: it may still add and
/// remove items (live events), and pages are appended to it.
pub struct Paged<T: Send + Sync + 'static, C: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<C>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<AppError>>,
    fetch: StoredValue<Fetch<T, C>>,
    /// Items already shown are skipped when a page repeats them (lists that reorder).
    same: Option<Same<T>>,
}

impl<T: Send + Sync + 'static, C: Send + Sync + 'static> Clone for Paged<T, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static, C: Send + Sync + 'static> Copy for Paged<T, C> {}

impl<T: Send + Sync + 'static, C: Clone + PartialEq + Send + Sync + 'static> Paged<T, C> {
    /// The list from its first page (rendered on the server): `items` holds it, `next` the
    /// cursor after it (both the caller's, who may reload them), `fetch` loads a page.
    pub fn new<F>(items: RwSignal<Vec<T>>, next: RwSignal<Option<C>>, fetch: F) -> Self
    where
        F: Fn(C) -> PageFuture<T, C> + Send + Sync + 'static,
    {
        Self {
            items,
            next,
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            fetch: StoredValue::new(Box::new(fetch)),
            same: None,
        }
    }

    /// Skips items of a new page that are already shown (by this test).
    pub fn skip_shown(mut self, same: Same<T>) -> Self {
        self.same = Some(same);
        self
    }

    pub fn has_more(&self) -> bool {
        self.next.with(Option::is_some)
    }

    /// Loads the next page, unless one is loading or there is none.
    pub fn load_more(&self) {
        let this = *self;
        let Some(cursor) = this.next.get_untracked() else {
            return;
        };
        if this.loading.get_untracked() {
            return;
        }
        let Some(page) = this.fetch.try_with_value(|fetch| fetch(cursor.clone())) else {
            return;
        };
        this.loading.set(true);
        this.error.set(None);
        leptos::task::spawn_local(async move {
            let answer = page.await;
            // The list was loaded afresh meanwhile (a reload set another cursor): this page
            // belongs to the old one.
            if this.next.try_get_untracked().flatten().as_ref() != Some(&cursor) {
                this.loading.set(false);
                return;
            }
            match answer {
                Ok((items, next)) => {
                    this.items.update(|shown| match this.same {
                        Some(same) => {
                            for item in items {
                                if !shown.iter().any(|s| same(s, &item)) {
                                    shown.push(item);
                                }
                            }
                        }
                        None => shown.extend(items),
                    });
                    this.next.set(next);
                }
                Err(e) => this.error.set(Some(e)),
            }
            this.loading.set(false);
        });
    }
}

/// The end of a paged list: the error of the last page if it failed, and the button for the
/// next one while there is one. With `infinite`, the next page also loads by itself when this
/// comes within a screen of view.
#[component]
pub fn ShowMore<T, C>(
    list: Paged<T, C>,
    /// The button's words ("Show more", "Older chats").
    label: &'static str,
    #[prop(optional)] infinite: bool,
    #[prop(optional)] class: &'static str,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    C: Clone + PartialEq + Send + Sync + 'static,
{
    let end = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    if infinite {
        Effect::new(move |_| {
            if let Some(el) = end.get() {
                observe_visible(&el, move || list.load_more());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = infinite;
    let class = if class.is_empty() {
        "btn load-more"
    } else {
        class
    };
    view! {
        <div node_ref=end class="list-end">
            {move || list.error.get().map(|error| view! { <ErrorBox error/> })}
            <Show when=move || list.has_more()>
                <button type="button" class=class disabled=move || list.loading.get() on:click=move |_| list.load_more()>
                    {move || if list.loading.get() { "Loading…" } else { label }}
                </button>
            </Show>
        </div>
    }
}

/// An observer with its callback: dropping it disconnects the observer first, so the callback
/// is never called once freed (gloo has no wrapper for `IntersectionObserver`).
#[cfg(feature = "hydrate")]
struct Watch {
    observer: web_sys::IntersectionObserver,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>,
}

#[cfg(feature = "hydrate")]
impl Drop for Watch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Calls `on_visible` whenever the element comes within 600 px of view, for as long as the
/// calling owner lives (its cleanup disconnects the observer and frees the callback).
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
        // Owned by the effect that called this: dropped (and disconnected) with it.
        StoredValue::new_local(Watch {
            observer,
            _callback: callback,
        });
    }
}
