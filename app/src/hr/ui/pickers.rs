//! Choosing people anywhere (a task's responsible, a chat's members, a manager…): the shared
//! search-as-you-type pickers, over `search_people` and `people_by_ids`. An outside partner
//! may not list the company: their pickers offer only themselves.

use crate::auth::types::Role;
use crate::error::AppError;
use crate::hr::api::{people_by_ids, search_people};
use crate::hr::types::PersonChoice;
use crate::ids::UserId;
use crate::shell::layout::use_me;
use crate::social::Author;
use crate::ui::combobox::{Choice, ComboBox, Found, MultiComboBox, named};
use leptos::prelude::*;

fn from_person(p: PersonChoice) -> Choice<UserId> {
    Choice::new(p.id, p.name)
        .detail(p.position)
        .person(p.photo_url)
}

fn from_author(a: Author) -> Choice<UserId> {
    Choice::new(a.id, a.name).person(a.photo_url)
}

/// Someone chosen before whom the caller may not look up (no longer active, say): they keep
/// their place.
fn unknown(id: &UserId) -> Choice<UserId> {
    Choice::new(*id, format!("Person #{id}")).person(None)
}

/// The signed-in person, as a choice; and whether they may search the company.
fn me() -> (Choice<UserId>, bool) {
    let me = use_me();
    let may_search = me.role != Role::Extranet;
    (
        Choice::new(me.user_id, me.name).person(me.photo_url),
        may_search,
    )
}

fn search(me: Choice<UserId>, may_search: bool) -> Callback<String, Found<UserId>> {
    Callback::new(move |query: String| -> Found<UserId> {
        if may_search {
            Box::pin(async move {
                Ok(search_people(query)
                    .await?
                    .into_iter()
                    .map(from_person)
                    .collect())
            })
        } else {
            let query = query.trim().to_lowercase();
            let mine = (me.label.to_lowercase().contains(&query)).then(|| me.clone());
            Box::pin(async move { Ok(mine.into_iter().collect()) })
        }
    })
}

async fn look_up(ids: Vec<UserId>, may_search: bool) -> Result<Vec<Choice<UserId>>, AppError> {
    if !may_search {
        return Ok(Vec::new());
    }
    Ok(people_by_ids(ids)
        .await?
        .into_iter()
        .map(from_person)
        .collect())
}

/// One person. With `chosen`, a field that keeps it up to date (and, with `name`, a hidden
/// input for plain forms); with `on_pick` instead, a picker that acts on each pick and
/// empties itself again. `known`: people whose names the page already has, so the chosen one
/// needs no look-up.
#[component]
pub fn PersonPicker(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional)] chosen: Option<RwSignal<Option<UserId>>>,
    #[prop(optional)] known: Vec<Author>,
    #[prop(optional)] on_pick: Option<Callback<UserId>>,
    #[prop(optional, into)] name: Option<String>,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] testid: Option<String>,
    #[prop(optional, into)] exclude: Signal<Vec<UserId>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let (me, may_search) = me();
    let search = search(me.clone(), may_search);
    let values: Vec<UserId> = chosen.and_then(|c| c.get_untracked()).into_iter().collect();
    let mut known: Vec<Choice<UserId>> = known.into_iter().map(from_author).collect();
    known.push(me);
    let on_change = Callback::new(move |value: Option<UserId>| {
        if let Some(chosen) = chosen {
            chosen.set(value);
        }
        if let (Some(on_pick), Some(value)) = (on_pick, value) {
            on_pick.run(value);
        }
    });
    let reset_after_pick = on_pick.is_some();
    named(
        values,
        known,
        move |ids| look_up(ids, may_search),
        unknown,
        move |initial| {
            view! {
                <ComboBox id=id.clone() label=label.clone() search initial=initial.into_iter().next()
                    on_change=Some(on_change) reset_after_pick name=name.clone()
                    placeholder=placeholder.clone() testid=testid.clone() exclude disabled autofocus/>
            }
            .into_any()
        },
    )
}

/// Several people, as chips, kept up to date in `chosen`. `known`: people whose names the
/// page already has.
#[component]
pub fn PeoplePicker(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    chosen: RwSignal<Vec<UserId>>,
    #[prop(optional)] known: Vec<Author>,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] testid: Option<String>,
    #[prop(optional, into)] exclude: Signal<Vec<UserId>>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let (me, may_search) = me();
    let search = search(me.clone(), may_search);
    let mut known: Vec<Choice<UserId>> = known.into_iter().map(from_author).collect();
    known.push(me);
    let on_change = Callback::new(move |values: Vec<UserId>| chosen.set(values));
    named(
        chosen.get_untracked(),
        known,
        move |ids| look_up(ids, may_search),
        unknown,
        move |initial| {
            view! {
                <MultiComboBox id=id.clone() label=label.clone() search initial on_change=Some(on_change)
                    placeholder=placeholder.clone() testid=testid.clone() exclude disabled/>
            }
            .into_any()
        },
    )
}
