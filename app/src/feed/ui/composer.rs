//! Writing a post: the text with formatting and mentions, who it is for, and whether it is an
//! announcement.

use crate::error::AppError;
use crate::feed::api::{create_post, mention_candidates, recipient_candidates};
use crate::feed::types::{
    Attachment, Badge, MAX_POLL_OPTIONS, MAX_POST_ATTACHMENTS, MAX_POST_CHARS, NewAppreciation,
    NewPoll, PostKind, RecipientOptions, Recipients,
};
use crate::files::ui::{AttachButton, PendingFiles};
use crate::ids::{DepartmentId, FileId, GroupId, PostId, UserId};
use crate::rich::RichEditor;
use crate::shell::layout::use_me;
use crate::ui::mutation::mutation;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

/// What the composer writes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Post,
    Poll,
    Announcement,
    Thanks,
}

/// What `create_post` takes.
type NewPostArgs = (
    PostKind,
    String,
    Recipients,
    Option<NewPoll>,
    Option<NewAppreciation>,
    Vec<FileId>,
);

#[derive(Debug, Clone, PartialEq)]
enum Pick {
    Everyone,
    Department(DepartmentId, String),
    Person(UserId, String),
    Group(GroupId, String),
}

#[component]
pub fn Composer(
    #[prop(into)] on_posted: Callback<PostId>,
    /// Address posts to this group instead of everyone (the composer on a group's page).
    #[prop(optional)]
    to_group: Option<(GroupId, String)>,
) -> impl IntoView {
    let me = use_me();
    let open = RwSignal::new(false);
    let body = RwSignal::new(String::new());
    let mode = RwSignal::new(Mode::Post);
    let default_picks = StoredValue::new(match to_group {
        Some((id, name)) => vec![Pick::Group(id, name)],
        None => vec![Pick::Everyone],
    });
    let picks = RwSignal::new(default_picks.get_value());
    let question = RwSignal::new(String::new());
    let options = RwSignal::new(vec![String::new(), String::new()]);
    let multiple = RwSignal::new(false);
    let anonymous = RwSignal::new(false);
    let badge = RwSignal::new(Badge::Thanks);
    let thanked = RwSignal::new(Vec::<(UserId, String)>::new());
    let files = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let error = RwSignal::new(None::<AppError>);

    let posted = mutation(
        move |(kind, text, recipients, poll, appreciation, attached): NewPostArgs| {
            create_post(kind, text, recipients, poll, appreciation, attached)
        },
        move |id| {
            body.set(String::new());
            mode.set(Mode::Post);
            question.set(String::new());
            options.set(vec![String::new(), String::new()]);
            thanked.set(Vec::new());
            files.set(Vec::new());
            picks.set(default_picks.get_value());
            open.set(false);
            on_posted.run(id);
        },
    );
    let submit = move |_: ()| {
        if posted.pending.get_untracked() || uploading.get_untracked() > 0 {
            return;
        }
        let mut recipients = Recipients::default();
        for pick in picks.get_untracked() {
            match pick {
                Pick::Everyone => recipients.everyone = true,
                Pick::Department(id, _) => recipients.departments.push(id),
                Pick::Person(id, _) => recipients.people.push(id),
                Pick::Group(id, _) => recipients.groups.push(id),
            }
        }
        let current = mode.get_untracked();
        let kind = match current {
            Mode::Post | Mode::Poll => PostKind::Post,
            Mode::Announcement => PostKind::Announcement,
            Mode::Thanks => PostKind::Appreciation,
        };
        let poll = (current == Mode::Poll).then(|| NewPoll {
            question: question.get_untracked(),
            options: options.get_untracked(),
            multiple: multiple.get_untracked(),
            anonymous: anonymous.get_untracked(),
        });
        let appreciation = (current == Mode::Thanks).then(|| NewAppreciation {
            badge: badge.get_untracked(),
            people: thanked
                .get_untracked()
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
        });
        let text = body.get_untracked();
        let attached = files
            .get_untracked()
            .into_iter()
            .map(|f| f.file_id)
            .collect();
        error.set(None);
        posted.run((kind, text, recipients, poll, appreciation, attached));
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
                        <div class="composer-modes" role="tablist" aria-label="Kind of post">
                            {[(Mode::Post, "Message"), (Mode::Poll, "Poll"), (Mode::Announcement, "Announcement"), (Mode::Thanks, "Appreciation")]
                                .into_iter()
                                .map(|(m, label)| view! {
                                    <button type="button" role="tab" class="mode"
                                        class:active=move || mode.get() == m
                                        aria-selected=move || (mode.get() == m).to_string()
                                        on:click=move |_| mode.set(m)>{label}</button>
                                })
                                .collect_view()}
                        </div>
                        <Show when=move || mode.get() == Mode::Thanks>
                            <ThanksFields badge thanked/>
                        </Show>
                        <Show when=move || mode.get() == Mode::Announcement>
                            <p class="muted small">"Everyone it is addressed to is asked to confirm they have read it; you see who has."</p>
                        </Show>
                        <RichEditor value=body placeholder="What would you like to share? Use @ to mention someone."
                            label="Post text" rows=4 toolbar=true on_submit=submit/>
                        <Show when=move || mode.get() == Mode::Poll>
                            <PollFields question options multiple anonymous/>
                        </Show>
                        <PendingFiles files uploading/>
                        <RecipientPicker picks/>
                        {move || posted.error.get().or_else(|| error.get()).map(|e| view! { <ErrorBox error=e/> })}
                        <div class="composer-foot">
                            <AttachButton files uploading error max=MAX_POST_ATTACHMENTS label="Attach files or photos"/>
                            <span class="grow"></span>
                            <span class="muted small" class:over=move || { length() > MAX_POST_CHARS }>
                                {move || (length() > MAX_POST_CHARS / 2).then(|| format!("{} / {MAX_POST_CHARS}", length()))}
                            </span>
                            <button type="button" class="btn" on:click=move |_| { open.set(false); error.set(None); posted.error.set(None); }>"Cancel"</button>
                            <button type="button" class="btn btn-primary"
                                disabled=move || { posted.pending.get() || uploading.get() > 0
                                    || (matches!(mode.get(), Mode::Post | Mode::Announcement) && body.with(|b| b.trim().is_empty()) && files.with(Vec::is_empty)) }
                                on:click=move |_| submit(())>
                                {move || if posted.pending.get() { "Posting…" } else { "Post" }}
                            </button>
                        </div>
                    </div>
                </Show>
            </div>
        </section>
    }
}

/// "To: All employees, Sales, Jane ×  + Add": choose departments, one's groups and people,
/// searched on the server as one types (a few of each; the latest answer wins).
#[component]
fn RecipientPicker(picks: RwSignal<Vec<Pick>>) -> impl IntoView {
    let searching = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(RecipientOptions::default());
    let failed = RwSignal::new(None::<AppError>);
    let asked = StoredValue::new(0u32);
    let search = move |q: String| {
        let n = asked.get_value() + 1;
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            let answer = recipient_candidates(q).await;
            if asked.get_value() != n {
                return; // A newer search is on its way.
            }
            match answer {
                Ok(candidates) => {
                    found.set(candidates);
                    failed.set(None);
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    let open_search = move |_| {
        searching.set(true);
        search(String::new());
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
                        Pick::Group(_, name) => format!("🗂 {name}"),
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
                    <input type="search" placeholder="Department, group or person" aria-label="Find a department, group or person"
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            let q = event_target_value(&ev);
                            query.set(q.clone());
                            search(q);
                        }
                        on:keydown=move |ev| if ev.key() == "Escape" { searching.set(false) }/>
                    <ul class="dropdown open picker-list" role="listbox">
                        {move || failed.get().map(|e| view! {
                            <li class="picker-error" role="alert">{format!("The search failed: {e}")}</li>
                        })}
                        <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(Pick::Everyone) }>"👥 All employees"</li>
                        {move || found.with(|f| f.departments.clone()).into_iter().map(|(id, name)| {
                            let pick = Pick::Department(id, name.clone());
                            view! { <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(pick.clone()) }>"🏢 "{name}</li> }
                        }).collect_view()}
                        {move || found.with(|f| f.groups.clone()).into_iter().map(|(id, name)| {
                            let pick = Pick::Group(id, name.clone());
                            view! { <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(pick.clone()) }>"🗂 "{name}</li> }
                        }).collect_view()}
                        {move || found.with(|f| f.people.clone()).into_iter().map(|person| {
                            let pick = Pick::Person(person.id, person.name.clone());
                            view! {
                                <li role="option" on:mousedown=move |ev| { ev.prevent_default(); add(pick.clone()) }>
                                    {person.name}" "<span class="muted small">{person.position}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
        </div>
    }
}

/// People matching `query` into `into`; a failure shows in `failed` (never as "nobody").
fn search_people(
    query: String,
    into: RwSignal<Vec<(UserId, String, String)>>,
    failed: RwSignal<Option<AppError>>,
) {
    leptos::task::spawn_local(async move {
        match mention_candidates(query).await {
            Ok(found) => {
                into.set(
                    found
                        .into_iter()
                        .map(|c| (c.id, c.name, c.position))
                        .collect(),
                );
                failed.set(None);
            }
            Err(e) => failed.set(Some(e)),
        }
    });
}

#[component]
fn PollFields(
    question: RwSignal<String>,
    options: RwSignal<Vec<String>>,
    multiple: RwSignal<bool>,
    anonymous: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <fieldset class="poll-fields">
            <legend class="sr-only">"Poll"</legend>
            <input type="text" placeholder="Question" aria-label="Poll question" maxlength="300"
                prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))/>
            {move || (0..options.with(Vec::len)).map(|i| view! {
                <div class="poll-option-input">
                    <input type="text" placeholder=format!("Option {}", i + 1) aria-label=format!("Option {}", i + 1) maxlength="150"
                        prop:value=move || options.with(|o| o.get(i).cloned().unwrap_or_default())
                        on:input=move |ev| options.update(|o| if let Some(slot) = o.get_mut(i) { *slot = event_target_value(&ev) })/>
                    <Show when=move || { options.with(Vec::len) > 2 }>
                        <button type="button" class="icon-btn" aria-label=format!("Remove option {}", i + 1)
                            on:click=move |_| options.update(|o| { if i < o.len() { o.remove(i); } })>"×"</button>
                    </Show>
                </div>
            }).collect_view()}
            <Show when=move || { options.with(Vec::len) < MAX_POLL_OPTIONS }>
                <button type="button" class="link-btn" on:click=move |_| options.update(|o| o.push(String::new()))>"+ Add an option"</button>
            </Show>
            <div class="row gap">
                <label class="check"><input type="checkbox" prop:checked=move || multiple.get()
                    on:change=move |ev| multiple.set(event_target_checked(&ev))/>" Several answers allowed"</label>
                <label class="check"><input type="checkbox" prop:checked=move || anonymous.get()
                    on:change=move |ev| anonymous.set(event_target_checked(&ev))/>" Anonymous votes"</label>
            </div>
        </fieldset>
    }
}

#[component]
fn ThanksFields(badge: RwSignal<Badge>, thanked: RwSignal<Vec<(UserId, String)>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<(UserId, String, String)>::new());
    let search_failed = RwSignal::new(None::<AppError>);
    view! {
        <div class="thanks-fields">
            <div class="badges" role="radiogroup" aria-label="Badge">
                {Badge::ALL.into_iter().map(|b| view! {
                    <button type="button" role="radio" class="badge-choice"
                        class:active=move || badge.get() == b
                        aria-checked=move || (badge.get() == b).to_string()
                        on:click=move |_| badge.set(b)>
                        <span class="badge-emoji">{b.emoji()}</span>
                        <span>{b.label()}</span>
                    </button>
                }).collect_view()}
            </div>
            <div class="recipients">
                <span class="muted">"Thank:"</span>
                {move || thanked.get().into_iter().map(|(id, name)| view! {
                    <span class="chip">{name}
                        <button type="button" aria-label="Remove" on:click=move |_| thanked.update(|t| t.retain(|p| p.0 != id))>"×"</button>
                    </span>
                }).collect_view()}
                <div class="recipient-search">
                    <input type="search" placeholder="Find a colleague" aria-label="Whom to thank"
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            let q = event_target_value(&ev);
                            query.set(q.clone());
                            if q.trim().is_empty() { found.set(Vec::new()) } else { search_people(q, found, search_failed) }
                        }/>
                    {move || search_failed.get().map(|e| view! { <p class="field-error" role="alert">{format!("The search failed: {e}")}</p> })}
                    <Show when=move || !found.with(Vec::is_empty)>
                        <ul class="dropdown open picker-list" role="listbox">
                            {move || found.get().into_iter().map(|(id, name, position)| {
                                let chosen = name.clone();
                                view! {
                                    <li role="option" on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        thanked.update(|t| if !t.iter().any(|p| p.0 == id) { t.push((id, chosen.clone())) });
                                        query.set(String::new());
                                        found.set(Vec::new());
                                    }>{name}" "<span class="muted small">{position}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    </Show>
                </div>
            </div>
        </div>
    }
}
