//! Choosing several people: a list of chips with a menu to add one more.

use crate::ids::UserId;
use leptos::prelude::*;

#[component]
pub fn PeoplePicker(
    #[prop(into)] label: String,
    chosen: RwSignal<Vec<UserId>>,
    options: Vec<(UserId, String)>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let options = StoredValue::new(options);
    let name_of = move |id: UserId| {
        options.with_value(|o| {
            o.iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| format!("Person {id}"))
        })
    };
    let select_label = format!("Add to {}", label.to_lowercase());
    view! {
        <fieldset class="people-picker" data-testid=testid>
            <legend>{label}</legend>
            <div class="chips">
                {move || chosen.get().into_iter().map(|id| view! {
                    <span class="chip">
                        {name_of(id)}
                        <button type="button" class="chip-x" aria-label=format!("Remove {}", name_of(id))
                            on:click=move |_| chosen.update(|c| c.retain(|x| *x != id))>"×"</button>
                    </span>
                }).collect_view()}
                <select aria-label=select_label prop:value="" on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<UserId>() {
                        chosen.update(|c| if !c.contains(&id) { c.push(id) });
                    }
                }>
                    <option value="">"+ Add someone"</option>
                    {move || options.with_value(|o| o.iter()
                        .filter(|(id, _)| !chosen.with(|c| c.contains(id)))
                        .map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> })
                        .collect_view())}
                </select>
            </div>
        </fieldset>
    }
}
