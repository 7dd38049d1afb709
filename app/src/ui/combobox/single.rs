//! A picker of one value: the chosen one's label is the input's text, × clears it.

use super::{Choice, Finder, Found, Value, active_descendant, popup};
use crate::search_terms::MAX_PICKER_QUERY;
use leptos::prelude::*;

/// One value, searched as one types. `initial` is shown from the first render (on the server
/// too); `on_change` hears each pick and clear. With `reset_after_pick` the picker acts on
/// each pick (hand a task to someone, add someone) and empties itself again.
#[component]
pub fn ComboBox<V: Value>(
    /// The input's id; the list's ids derive from it (unique on the page).
    #[prop(into)]
    id: String,
    /// The accessible name (also the list's).
    #[prop(into)]
    label: String,
    search: Callback<String, Found<V>>,
    #[prop(optional_no_strip)] initial: Option<Choice<V>>,
    #[prop(optional_no_strip)] on_change: Option<Callback<Option<V>>>,
    #[prop(optional)] reset_after_pick: bool,
    /// The name of a hidden input carrying the chosen value ("" for none), for plain forms.
    #[prop(optional_no_strip)]
    name: Option<String>,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional_no_strip)] testid: Option<String>,
    /// Values never offered.
    #[prop(optional, into)]
    exclude: Signal<Vec<V>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// Takes the focus when it appears (a picker opened by a button).
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get().filter(|_| autofocus) {
            let _ = input.focus();
        }
    });
    let first_text = initial
        .as_ref()
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let chosen = RwSignal::new(initial);
    let finder = Finder::new(first_text.clone(), search, exclude);
    let list_id = format!("{id}-list");
    let descendant = active_descendant(finder, &list_id);
    let controls = list_id.clone();
    let input_label = label.clone();
    let tell = move |value: Option<V>| {
        if let Some(on_change) = on_change {
            on_change.run(value);
        }
    };
    let pick = move |choice: Choice<V>| {
        finder.close();
        let value = choice.value.clone();
        if reset_after_pick {
            finder.text.set(String::new());
        } else {
            finder.text.set(choice.label.clone());
            chosen.set(Some(choice));
        }
        tell(Some(value));
    };
    let clear = move || {
        finder.text.set(String::new());
        if chosen.with_untracked(Option::is_some) {
            chosen.set(None);
            tell(None);
        }
    };
    // Leaving the field: an emptied field clears the choice; anything else typed goes back to
    // the chosen label (only a pick changes the value).
    let leave = move || {
        finder.close();
        if finder.text.with_untracked(|t| t.trim().is_empty()) {
            clear();
        } else {
            let label = chosen.with_untracked(|c| c.as_ref().map(|c| c.label.clone()));
            finder.text.set(label.unwrap_or_default());
        }
    };
    let has_text = move || finder.text.with(|t| !t.is_empty());
    let clear_label = format!("Clear {}", label.to_lowercase());
    view! {
        <div class="combobox">
            <input type="text" role="combobox" id=id node_ref=input aria-label=input_label
                aria-autocomplete="list" aria-controls=controls
                aria-expanded=move || finder.open.get().to_string()
                aria-activedescendant=descendant
                autocomplete="off" spellcheck="false" maxlength=MAX_PICKER_QUERY
                placeholder=placeholder data-testid=testid disabled=move || disabled.get()
                value=first_text prop:value=move || finder.text.get()
                on:focus=move |ev| {
                    // With a value chosen, typing replaces it; the list starts from the top.
                    let chosen_now = chosen.with_untracked(Option::is_some);
                    if chosen_now {
                        event_target::<leptos::web_sys::HtmlInputElement>(&ev).select();
                    }
                    finder.ask(if chosen_now { String::new() } else { finder.text.get_untracked() });
                }
                on:blur=move |_| leave()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    finder.text.set(text.clone());
                    finder.ask(text);
                }
                on:keydown=move |ev| {
                    if !finder.key(&ev, pick) && ev.key() == "Escape" && !finder.open.get_untracked() {
                        leave();
                    }
                }/>
            <button type="button" class="combobox-clear" aria-label=clear_label hidden=move || !has_text()
                disabled=move || disabled.get() on:click=move |_| {
                    clear();
                    // Back in the field, with the list open: ready to pick another.
                    if let Some(input) = input.get_untracked() {
                        let _ = input.focus();
                    }
                }>"×"</button>
            {popup(finder, list_id, label, pick)}
            {name.map(|name| view! {
                <input type="hidden" name=name
                    value=move || chosen.with(|c| c.as_ref().map(|c| c.value.to_string()).unwrap_or_default())/>
            })}
        </div>
    }
}
