//! Pickers that search as one types (people, groups…): a text input with a list of choices
//! under it, found by a search the caller gives (a server function, usually), a few at a
//! time — never every name shipped with the page. One value (`ComboBox`) or several
//! (`MultiComboBox`, shown as chips).
//!
//! Accessible as the WAI-ARIA combobox pattern: the input has `role=combobox`,
//! `aria-expanded` and `aria-controls` naming its `role=listbox`; ↓/↑ move through the
//! choices (`aria-activedescendant`), Enter picks, Escape closes; a click picks too. While one
//! types, a search waits a moment, and only the answer to the newest one is shown. A failed
//! search says so (never "No matches"). With a `name`, hidden inputs carry the chosen values,
//! so a plain GET form sends them.
//!
//! Shared code: it knows nothing of people or groups. Each tool wraps it with its own search
//! (`hr::ui::PersonPicker`, `groups::ui::GroupPicker`).

mod multi;
mod named;
mod single;

pub use multi::MultiComboBox;
pub use named::named;
pub use single::ComboBox;

use super::Avatar;
use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// Something a picker offers: the value it stands for and how it is shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Choice<V> {
    pub value: V,
    pub label: String,
    /// A quieter second part: a position, "Project". Empty for none.
    pub detail: String,
    /// A person: shown with their photo, or their initials without one.
    pub avatar: bool,
    pub photo_url: Option<String>,
}

impl<V> Choice<V> {
    pub fn new(value: V, label: impl Into<String>) -> Self {
        Self {
            value,
            label: label.into(),
            detail: String::new(),
            avatar: false,
            photo_url: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Shown with a face: the photo at `photo_url`, or initials.
    pub fn person(mut self, photo_url: Option<String>) -> Self {
        self.avatar = true;
        self.photo_url = photo_url;
        self
    }
}

/// The answer to one search.
pub type Found<V> = Pin<Box<dyn Future<Output = Result<Vec<Choice<V>>, AppError>>>>;

/// What a picker's values need: compared, written into a form, kept in signals.
pub trait Value: Clone + PartialEq + std::fmt::Display + Send + Sync + 'static {}
impl<V: Clone + PartialEq + std::fmt::Display + Send + Sync + 'static> Value for V {}

/// How long typing must pause before a search is sent.
const PAUSE_MS: u32 = 150;

/// The search side of a picker: what was typed, the choices found, which one is active.
struct Finder<V: Value> {
    text: RwSignal<String>,
    open: RwSignal<bool>,
    found: RwSignal<Vec<Choice<V>>>,
    active: RwSignal<Option<usize>>,
    searching: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    /// The number of the newest search: an older answer arriving late is dropped.
    asked: StoredValue<u32>,
    search: Callback<String, Found<V>>,
    /// Values never offered (already chosen, or excluded by the caller).
    hidden: Signal<Vec<V>>,
}

impl<V: Value> Clone for Finder<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V: Value> Copy for Finder<V> {}

impl<V: Value> Finder<V> {
    fn new(text: String, search: Callback<String, Found<V>>, hidden: Signal<Vec<V>>) -> Self {
        Self {
            text: RwSignal::new(text),
            open: RwSignal::new(false),
            found: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
            searching: RwSignal::new(false),
            error: RwSignal::new(None),
            asked: StoredValue::new(0),
            search,
            hidden,
        }
    }

    /// Opens the list and searches for `query`, after a short pause; the newest search wins.
    fn ask(self, query: String) {
        let n = self.asked.get_value().wrapping_add(1);
        self.asked.set_value(n);
        self.open.set(true);
        self.searching.set(true);
        let newest = move || self.asked.try_get_value() == Some(n);
        leptos::task::spawn_local(async move {
            pause(PAUSE_MS).await;
            if !newest() {
                return;
            }
            let answer = self.search.run(query).await;
            if !newest() {
                return;
            }
            self.searching.set(false);
            match answer {
                Ok(list) => {
                    let hidden = self.hidden.get_untracked();
                    let list: Vec<Choice<V>> = list
                        .into_iter()
                        .filter(|c| !hidden.contains(&c.value))
                        .collect();
                    self.active.set((!list.is_empty()).then_some(0));
                    self.found.set(list);
                    self.error.set(None);
                }
                Err(e) => {
                    self.found.set(Vec::new());
                    self.active.set(None);
                    self.error.set(Some(e));
                }
            }
        });
    }

    fn close(self) {
        self.open.set(false);
        self.active.set(None);
        // An answer still on its way is not wanted any more.
        self.asked.update_value(|n| *n = n.wrapping_add(1));
        self.searching.set(false);
    }

    /// Moves the active choice by `step`, round the ends.
    fn step(self, step: isize) {
        let len = self.found.with_untracked(Vec::len) as isize;
        if len == 0 {
            return;
        }
        let next = match self.active.get_untracked() {
            Some(i) => (i as isize + step).rem_euclid(len),
            None if step > 0 => 0,
            None => len - 1,
        };
        self.active.set(Some(next as usize));
    }

    /// The keys of the pattern: ↓/↑ open the list and move through it, Enter picks the active
    /// choice, Escape closes. True when the key was the picker's (its default is prevented).
    fn key(self, ev: &leptos::ev::KeyboardEvent, pick: impl Fn(Choice<V>)) -> bool {
        let open = self.open.get_untracked();
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" if !open => self.ask(self.text.get_untracked()),
            "ArrowDown" => self.step(1),
            "ArrowUp" => self.step(-1),
            "Enter" if open => {
                let chosen = self
                    .active
                    .get_untracked()
                    .and_then(|i| self.found.with_untracked(|f| f.get(i).cloned()));
                match chosen {
                    Some(choice) => pick(choice),
                    None => return false,
                }
            }
            "Escape" if open => self.close(),
            _ => return false,
        }
        ev.prevent_default();
        true
    }
}

/// Waits `ms` in the browser (nothing to wait for on the server).
async fn pause(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// The id of the `i`th option of the list `list_id`.
fn option_id(list_id: &str, i: usize) -> String {
    format!("{list_id}-{i}")
}

/// The input's ARIA attributes and the list under it, with what the search says.
fn popup<V: Value>(
    finder: Finder<V>,
    list_id: String,
    label: String,
    pick: impl Fn(Choice<V>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ids = list_id.clone();
    // What the search says when it shows no choices: a failure, or that it is looking, or
    // that nothing matched.
    let status = move || {
        if let Some(e) = finder.error.get() {
            Some((format!("The search failed: {e}"), "picker-error"))
        } else if finder.found.with(Vec::is_empty) {
            let text = if finder.searching.get() {
                "Searching…"
            } else {
                "No matches"
            };
            Some((text.to_owned(), "muted"))
        } else {
            None
        }
    };
    view! {
        <div class="combobox-popup" hidden=move || !finder.open.get()>
            <ul role="listbox" id=list_id aria-label=label class="picker-list">
                {move || finder.found.get().into_iter().enumerate().map(|(i, choice)| {
                    let active = move || finder.active.get() == Some(i);
                    let face = choice.avatar.then(|| view! {
                        <span class="combobox-face" aria-hidden="true">
                            <Avatar name=choice.label.clone() photo=choice.photo_url.clone() size="sm"/>
                        </span>
                    });
                    let detail = (!choice.detail.is_empty()).then(|| view! {
                        <span class="combobox-detail">{choice.detail.clone()}</span>
                    });
                    let label = choice.label.clone();
                    view! {
                        <li role="option" id=option_id(&ids, i) class:active=active
                            aria-selected=move || active().to_string()
                            on:mousedown=move |ev| {
                                // Keeps the focus in the input, so it does not blur first.
                                ev.prevent_default();
                                pick(choice.clone());
                            }
                            on:mousemove=move |_| if !active() { finder.active.set(Some(i)) }>
                            {face}
                            <span class="combobox-text">
                                <span class="combobox-label">{label}</span>
                                {detail}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="combobox-status" role="status">
                {move || status().map(|(text, class)| view! { <span class=class>{text}</span> })}
            </p>
        </div>
    }
}

/// The value of `aria-activedescendant`: the active option while the list is open.
fn active_descendant<V: Value>(
    finder: Finder<V>,
    list_id: &str,
) -> impl Fn() -> Option<String> + Send + Sync + 'static + use<V> {
    let list_id = list_id.to_owned();
    move || {
        finder
            .active
            .get()
            .filter(|_| finder.open.get())
            .map(|i| option_id(&list_id, i))
    }
}
