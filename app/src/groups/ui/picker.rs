//! Choosing a group or project (a task's project, the task list's filter): the shared
//! search-as-you-type picker, over `search_groups` and `groups_by_ids`.

use crate::error::AppError;
use crate::groups::api::{groups_by_ids, search_groups};
use crate::groups::types::GroupChoice;
use crate::ids::GroupId;
use crate::ui::combobox::{Choice, ComboBox, Found, named};
use leptos::prelude::*;

fn from_group(g: GroupChoice) -> Choice<GroupId> {
    Choice::new(g.id, g.name).detail(if g.is_project { "Project" } else { "Group" })
}

/// A group chosen before that the caller may not see (any more): it keeps its place.
fn unknown(id: &GroupId) -> Choice<GroupId> {
    Choice::new(*id, format!("Group #{id}"))
}

async fn look_up(ids: Vec<GroupId>) -> Result<Vec<Choice<GroupId>>, AppError> {
    Ok(groups_by_ids(ids)
        .await?
        .into_iter()
        .map(from_group)
        .collect())
}

/// One group the caller may see (with `mine`, one they belong to), kept up to date in
/// `chosen`; with `name`, a hidden input carries it for plain forms. `known`: the chosen
/// group's name when the page has it, so it needs no look-up.
#[component]
pub fn GroupPicker(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    chosen: RwSignal<Option<GroupId>>,
    #[prop(optional)] mine: bool,
    #[prop(optional_no_strip)] known: Option<(GroupId, String)>,
    #[prop(optional, into)] name: Option<String>,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let search = Callback::new(move |query: String| -> Found<GroupId> {
        Box::pin(async move {
            Ok(search_groups(query, mine)
                .await?
                .into_iter()
                .map(from_group)
                .collect())
        })
    });
    let on_change = Callback::new(move |value: Option<GroupId>| chosen.set(value));
    let known = known
        .into_iter()
        .map(|(id, name)| Choice::new(id, name))
        .collect();
    named(
        chosen.get_untracked().into_iter().collect(),
        known,
        look_up,
        unknown,
        move |initial| {
            view! {
                <ComboBox id=id.clone() label=label.clone() search initial=initial.into_iter().next()
                    on_change=Some(on_change) name=name.clone() placeholder=placeholder.clone()
                    testid=testid.clone()/>
            }
            .into_any()
        },
    )
}
