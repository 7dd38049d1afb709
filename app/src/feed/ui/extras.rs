//! The parts some posts carry: a poll with live results, an announcement's "I've read it",
//! an appreciation's badge.

use super::PostSignal;
use crate::error::AppError;
use crate::feed::api::{announcement_readers, confirm_announcement, poll_voters, vote};
use crate::feed::types::{AppreciationView, Author, ReadersView};
use crate::ids::PollOptionId;
use crate::ui::mutation::mutation;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

/// Choose and vote, or see the results (with "change my vote").
#[component]
pub fn PollBlock(post: PostSignal) -> impl IntoView {
    let id = post.with_untracked(|p| p.id);
    let chosen = RwSignal::new(Vec::<PollOptionId>::new());
    let changing = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let voters = RwSignal::new(None::<(PollOptionId, Vec<Author>)>);
    let voted = mutation(
        move |options: Vec<PollOptionId>| vote(id, options),
        move |()| {
            changing.set(false);
            super::refresh_post(post);
        },
    );
    let send = move |options: Vec<PollOptionId>| {
        error.set(None);
        voted.run(options);
    };
    let show_voters = move |option: PollOptionId| {
        if voters.with_untracked(|v| v.as_ref().is_some_and(|(o, _)| *o == option)) {
            return voters.set(None);
        }
        leptos::task::spawn_local(async move {
            match poll_voters(id, option).await {
                Ok(list) => voters.set(Some((option, list))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    move || {
        let Some(poll) = post.with(|p| p.poll.clone()) else {
            return ().into_any();
        };
        let voting = !poll.voted || changing.get();
        let total = poll.voters.max(1) as f64;
        let kind = if poll.multiple { "checkbox" } else { "radio" };
        let note = format!(
            "{} · {} {}",
            if poll.multiple {
                "Several answers"
            } else {
                "One answer"
            },
            poll.voters,
            if poll.voters == 1 { "vote" } else { "votes" },
        ) + if poll.anonymous { " · anonymous" } else { "" };
        let anonymous = poll.anonymous;
        let options = poll.options.clone();
        view! {
            <section class="poll" aria-label="Poll">
                <h3 class="poll-question">{poll.question.clone()}</h3>
                {if voting {
                    view! {
                        <div class="poll-choices" role="group" aria-label=poll.question.clone()>
                            {options.into_iter().map(|o| {
                                let option = o.id;
                                view! {
                                    <label class="poll-choice">
                                        <input type=kind name=format!("poll-{id}")
                                            prop:checked=move || chosen.with(|c| c.contains(&option))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| {
                                                    if kind == "radio" { c.clear(); }
                                                    c.retain(|x| *x != option);
                                                    if on { c.push(option); }
                                                });
                                            }/>
                                        <span>{o.label}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <div class="row gap">
                            <button type="button" class="btn btn-primary btn-small"
                                disabled=move || chosen.with(Vec::is_empty) || voted.pending.get()
                                on:click=move |_| send(chosen.get_untracked())>"Vote"</button>
                            {poll.voted.then(|| view! {
                                <button type="button" class="btn btn-small" on:click=move |_| changing.set(false)>"Cancel"</button>
                                <button type="button" class="link-btn small" disabled=move || voted.pending.get()
                                    on:click=move |_| send(Vec::new())>"Take my vote back"</button>
                            })}
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <ul class="poll-results">
                            {options.into_iter().map(|o| {
                                let share = (o.votes as f64 / total * 100.0).round();
                                let option = o.id;
                                view! {
                                    <li class="poll-result" class:mine=o.mine>
                                        <div class="poll-bar" style=format!("width:{share}%")></div>
                                        <span class="poll-label">{o.label}{o.mine.then_some(" ✓")}</span>
                                        {if anonymous {
                                            view! { <span class="poll-share">{format!("{share}%")}</span> }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="poll-share link-btn" title="Who voted for this"
                                                    on:click=move |_| show_voters(option)>{format!("{share}% · {}", o.votes)}</button>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <button type="button" class="link-btn small" on:click=move |_| {
                            chosen.set(post.with_untracked(|p| p.poll.as_ref().map(|p| p.options.iter().filter(|o| o.mine).map(|o| o.id).collect()).unwrap_or_default()));
                            changing.set(true);
                        }>"Change my vote"</button>
                    }.into_any()
                }}
                <p class="muted small">{note}</p>
                {move || voters.get().map(|(_, list)| view! { <PeopleList people=list empty="No votes yet."/> })}
                {move || voted.error.get().or_else(|| error.get()).map(|e| view! { <ErrorBox error=e/> })}
            </section>
        }
        .into_any()
    }
}

/// "I've read it" for recipients; "read by N — who" for the author and admins.
#[component]
pub fn AnnouncementBlock(post: PostSignal) -> impl IntoView {
    let id = post.with_untracked(|p| p.id);
    let error = RwSignal::new(None::<AppError>);
    let readers = RwSignal::new(None::<ReadersView>);
    let confirmed = mutation(
        move |()| confirm_announcement(id),
        move |()| super::refresh_post(post),
    );
    let show_readers = move |_| {
        if readers.with_untracked(Option::is_some) {
            return readers.set(None);
        }
        leptos::task::spawn_local(async move {
            match announcement_readers(id).await {
                Ok(r) => readers.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    move || {
        let Some(a) = post.with(|p| p.announcement.clone()) else {
            return ().into_any();
        };
        view! {
            <div class="announcement-bar">
                {match (a.must_confirm, a.confirmed_by_me) {
                    (true, false) => view! {
                        <span>"Please confirm that you have read this announcement."</span>
                        <button type="button" class="btn btn-primary btn-small" disabled=move || confirmed.pending.get()
                            on:click=move |_| confirmed.run(())>"I've read it"</button>
                    }.into_any(),
                    (true, true) => view! { <span class="confirmed">"✓ You confirmed reading this."</span> }.into_any(),
                    _ => view! { <span>"Your announcement."</span> }.into_any(),
                }}
                {a.can_see_readers.then(|| view! {
                    <button type="button" class="link-btn" on:click=show_readers>
                        {format!("Read by {} — see who", a.confirmed)}
                    </button>
                })}
            </div>
            {move || readers.get().map(|r| view! {
                <div class="readers">
                    <div>
                        <h4>{format!("Confirmed ({})", r.confirmed.len())}</h4>
                        <PeopleList people=r.confirmed.clone() empty="Nobody yet."/>
                    </div>
                    <div>
                        <h4>{format!("Not yet ({})", r.pending.len())}</h4>
                        <PeopleList people=r.pending.clone() empty="Everyone has confirmed."/>
                    </div>
                </div>
            })}
            {move || confirmed.error.get().or_else(|| error.get()).map(|e| view! { <ErrorBox error=e/> })}
        }
        .into_any()
    }
}

#[component]
pub fn AppreciationBlock(appreciation: AppreciationView) -> impl IntoView {
    let badge = appreciation.badge;
    view! {
        <div class="appreciation">
            <span class="appreciation-badge" aria-hidden="true">{badge.emoji()}</span>
            <div>
                <div class="appreciation-title">{badge.label()}</div>
                <div class="appreciation-people">
                    {appreciation.people.into_iter().map(|p| view! {
                        <a class="appreciation-person" href=format!("/people/{}", p.id)>
                            <Avatar name=p.name.clone() photo=p.photo_url.clone() size="sm"/>
                            <span>{p.name}</span>
                        </a>
                    }).collect_view()}
                </div>
            </div>
        </div>
    }
}

#[component]
fn PeopleList(people: Vec<Author>, empty: &'static str) -> impl IntoView {
    if people.is_empty() {
        return view! { <p class="muted small">{empty}</p> }.into_any();
    }
    view! {
        <ul class="people-list">
            {people.into_iter().map(|p| view! {
                <li>
                    <Avatar name=p.name.clone() photo=p.photo_url.clone() size="sm"/>
                    <a href=format!("/people/{}", p.id)>{p.name}</a>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
