//! Writing a post: the text with formatting and mentions, who it is for, and whether it is an
//! announcement.

use crate::error::AppError;
use crate::feed::api::{create_post, mention_candidates};
use crate::feed::types::{MAX_POST_CHARS, PostKind, Recipients};
use crate::ids::{DepartmentId, PostId, UserId};
use crate::rich::RichEditor;
use crate::shell::layout::use_me;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
enum Pick {
    Everyone,
    Department(DepartmentId, String),
    Person(UserId, String),
}

#[component]
pub fn Composer(#[prop(into)] on_posted: Callback<PostId>) -> impl IntoView {
    let me = use_me();
    let open = RwSignal::new(false);
    let body = RwSignal::new(String::new());
    let announcement = RwSignal::new(false);
    let picks = RwSignal::new(vec![Pick::Everyone]);
    let error = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(false);

    let submit = move |_: ()| {
        if sending.get_untracked() {
            return;
        }
        let mut recipients = Recipients::default();
        for pick in picks.get_untracked() {
            match pick {
                Pick::Everyone => recipients.everyone = true,
                Pick::Department(id, _) => recipients.departments.push(id),
                Pick::Person(id, _) => recipients.people.push(id),
            }
        }
        let kind = if announcement.get_untracked() {
            PostKind::Announcement
        } else {
            PostKind::Post
        };
        let text = body.get_untracked();
        sending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match create_post(kind, text, recipients).await {
                Ok(id) => {
                    body.set(String::new());
                    announcement.set(false);
                    picks.set(vec![Pick::Everyone]);
                    open.set(false);
                    on_posted.run(id);
                }
                Err(e) => error.set(Some(e)),
            }
            sending.set(false);
        });
    };

    let length = move || body.with(|b| b.chars().count());
    view! {
        <section class="card composer" class:open=move || open.get()>
            <div class="composer-top">
                <Avatar name=me.name.clone() photo=me.photo_url.clone()/>
                <Show
                    when=move || open.get()
                    fallback=move || view! {
                        <button type="button" class="composer-prompt" on:click=move |_| open.set(true)>
                            "Share news, ask a question, thank a colleague…"
                        </button>
                    }
                >
                    <div class="composer-main">
                        <RichEditor value=body placeholder="What would you like to share? Use @ to mention someone."
                            label="Post text" rows=4 toolbar=true on_submit=submit/>
                        <RecipientPicker picks/>
                        {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
                        <div class="composer-foot">
                            <label class="check">
                                <input type="checkbox" prop:checked=move || announcement.get()
                                    on:change=move |ev| announcement.set(event_target_checked(&ev))/>
                                " Mark as an announcement"
                            </label>
                            <span class="muted small" class:over=move || { length() > MAX_POST_CHARS }>
                                {move || (length() > MAX_POST_CHARS / 2).then(|| format!("{} / {MAX_POST_CHARS}", length()))}
                            </span>
                            <button type="button" class="btn" on:click=move |_| { open.set(false); error.set(None); }>"Cancel"</button>
                            <button type="button" class="btn btn-primary"
                                disabled=move || sending.get() || body.with(|b| b.trim().is_empty())
                                on:click=move |_| submit(())>
                                {move || if sending.get() { "Posting…" } else { "Post" }}
                            </button>
                        </div>
                    </div>
                </Show>
            </div>
        </section>
    }
}

/// "To: All employees, Sales, Jane ×  + Add": choose departments and people.
#[component]
fn RecipientPicker(picks: RwSignal<Vec<Pick>>) -> impl IntoView {
    let searching = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let departments = RwSignal::new(None::<Vec<(DepartmentId, String)>>);
    let people = RwSignal::new(Vec::<(UserId, String, String)>::new());

    let open_search = move |_| {
        searching.set(true);
        if departments.with_untracked(Option::is_none) {
            leptos::task::spawn_local(async move {
                let list = crate::hr::api::departments().await.unwrap_or_default();
                departments.set(Some(list.into_iter().map(|d| (d.id, d.name)).collect()));
            });
        }
        search_people(String::new(), people);
    };
    let add = move |pick: Pick| {
        picks.update(|list| {
            if pick == Pick::Everyone {
                list.clear();
            } else {
                list.retain(|p| *p != Pick::Everyone);
            }
            if !list.contains(&pick) {
                list.push(pick);
            }
        });
        query.set(String::new());
        searching.set(false);
    };
    let matching_departments = move || {
        let q = query.get().to_lowercase();
        departments
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, name)| name.to_lowercase().contains(&q))
            .take(6)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="recipients">
            <span class="muted">"To:"</span>
            <For
                each=move || picks.get()
                key=|p| format!("{p:?}")
                children=move |pick| {
                    let label = match &pick {
                        Pick::Everyone => "All employees".to_owned(),
                        Pick::Department(_, name) => format!("🏢 {name}"),
                        Pick::Person(_, name) => name.clone(),
                    };
                    let gone = pick.clone();
                    view! {
                        <span class="chip">
                            {label}
                            <button type="button" aria-label="Remove" on:click=move |_| picks.update(|l| l.retain(|p| *p != gone))>"×"</button>
                        </span>
                    }
                }
            />
            <Show when=move || !searching.get()>
                <button type="button" class="link-btn" on:click=open_search>"+ Add"</button>
            </Show>
            <Show when=move || searching.get()>
                <div class="recipient-search">
                    <input type="search" placeholder="Department or person" aria-label="Find a department or person"
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            let q = event_target_value(&ev);
                            query.set(q.clone());
                            search_people(q, people);
                        }
                        on:keydown=move |ev| if ev.key() == "Escape" { searching.set(false) }/>
                    <ul class="dropdown open picker-list" role="listbox">
                        <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(Pick::Everyone) }>"👥 All employees"</li>
                        {move || matching_departments().into_iter().map(|(id, name)| {
                            let pick = Pick::Department(id, name.clone());
                            view! { <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(pick.clone()) }>"🏢 "{name}</li> }
                        }).collect_view()}
                        {move || people.get().into_iter().map(|(id, name, position)| {
                            let pick = Pick::Person(id, name.clone());
                            view! {
                                <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(pick.clone()) }>
                                    {name}" "<span class="muted small">{position}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
        </div>
    }
}

fn search_people(query: String, into: RwSignal<Vec<(UserId, String, String)>>) {
    leptos::task::spawn_local(async move {
        if let Ok(found) = mention_candidates(query).await {
            into.set(
                found
                    .into_iter()
                    .map(|c| (c.id, c.name, c.position))
                    .collect(),
            );
        }
    });
}
