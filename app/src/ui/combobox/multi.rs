//! A picker of several values: the chosen ones are chips (× removes one), the input adds more.

use super::{Choice, Finder, Found, Value, active_descendant, popup};
use crate::search_terms::MAX_PICKER_QUERY;
use crate::ui::Avatar;
use leptos::prelude::*;

/// Several values, searched as one types; the chosen ones are not offered again.
/// `on_change` hears the values after each pick and removal.
#[component]
pub fn MultiComboBox<V: Value>(
    /// The input's id; the list's ids derive from it (unique on the page).
    #[prop(into)]
    id: String,
    /// The accessible name of the input (and of its list).
    #[prop(into)]
    label: String,
    search: Callback<String, Found<V>>,
    #[prop(optional)] initial: Vec<Choice<V>>,
    #[prop(optional_no_strip)] on_change: Option<Callback<Vec<V>>>,
    /// The name of hidden inputs carrying the chosen values, one each, for plain forms.
    #[prop(optional_no_strip)]
    name: Option<String>,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional_no_strip)] testid: Option<String>,
    /// Values never offered (besides those chosen).
    #[prop(optional, into)]
    exclude: Signal<Vec<V>>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let chosen = RwSignal::new(initial);
    let hidden = Signal::derive(move || {
        let mut values = exclude.get();
        chosen.with(|c| values.extend(c.iter().map(|c| c.value.clone())));
        values
    });
    let finder = Finder::new(String::new(), search, hidden);
    let list_id = format!("{id}-list");
    let descendant = active_descendant(finder, &list_id);
    let controls = list_id.clone();
    let input_label = label.clone();
    let tell = move || {
        if let Some(on_change) = on_change {
            on_change.run(chosen.with_untracked(|c| c.iter().map(|c| c.value.clone()).collect()));
        }
    };
    let pick = move |choice: Choice<V>| {
        chosen.update(|c| {
            if !c.iter().any(|x| x.value == choice.value) {
                c.push(choice);
            }
        });
        tell();
        // Ready for the next one: the list stays open, without the one just chosen.
        finder.text.set(String::new());
        finder.ask(String::new());
    };
    let remove = move |value: V| {
        chosen.update(|c| c.retain(|x| x.value != value));
        tell();
    };
    view! {
        <div class="combobox combobox-multi">
            <ul class="combobox-chips" aria-label="Chosen" hidden=move || chosen.with(Vec::is_empty)>
                {move || chosen.get().into_iter().map(|choice| {
                    let value = choice.value.clone();
                    let face = choice.avatar.then(|| view! {
                        <span class="combobox-face" aria-hidden="true">
                            <Avatar name=choice.label.clone() photo=choice.photo_url.clone() size="xs"/>
                        </span>
                    });
                    view! {
                        <li class="chip">
                            {face}
                            {choice.label.clone()}
                            <button type="button" class="chip-x" aria-label=format!("Remove {}", choice.label)
                                disabled=move || disabled.get()
                                on:click=move |_| remove(value.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="combobox-field">
                <input type="text" role="combobox" id=id aria-label=input_label
                    aria-autocomplete="list" aria-controls=controls
                    aria-expanded=move || finder.open.get().to_string()
                    aria-activedescendant=descendant
                    autocomplete="off" spellcheck="false" maxlength=MAX_PICKER_QUERY
                    placeholder=placeholder data-testid=testid disabled=move || disabled.get()
                    prop:value=move || finder.text.get()
                    on:focus=move |_| finder.ask(finder.text.get_untracked())
                    on:blur=move |_| {
                        finder.close();
                        finder.text.set(String::new());
                    }
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        finder.text.set(text.clone());
                        finder.ask(text);
                    }
                    on:keydown=move |ev| {
                        if finder.key(&ev, pick) {
                            return;
                        }
                        // Backspace in an empty field takes back the last one chosen.
                        if ev.key() == "Backspace"
                            && finder.text.with_untracked(String::is_empty)
                            && let Some(last) = chosen.with_untracked(|c| c.last().map(|c| c.value.clone()))
                        {
                            remove(last);
                        }
                    }/>
                {popup(finder, list_id, label, pick)}
            </div>
            {name.map(|name| view! {
                {move || chosen.get().into_iter().map(|c| view! {
                    <input type="hidden" name=name.clone() value=c.value.to_string()/>
                }).collect_view()}
            })}
        </div>
    }
}
