//! The text box for rich text: formatting buttons that insert Markdown, @mention
//! autocomplete, and Ctrl+Enter to send. Used by the feed's composer and comments.

use crate::feed::types::MentionCandidate;
use crate::ui::Avatar;
use leptos::html::Textarea;
use leptos::prelude::*;

/// The `@query` being typed just before the caret, if any: (position of `@`, query).
pub fn mention_query(text: &str, caret: usize) -> Option<(usize, String)> {
    let before: String = text.chars().take(caret).collect();
    let at = before.rfind('@')?;
    let query = &before[at + 1..];
    let starts_word = before[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || c == '(');
    let plausible = query.chars().count() <= 30
        && !query.contains('\n')
        && !query.contains('[')
        && !query.starts_with(' ');
    (starts_word && plausible).then(|| (before[..at].chars().count(), query.to_owned()))
}

/// The Markdown for a mention of this person.
pub fn mention_token(id: crate::ids::UserId, name: &str) -> String {
    let name: String = name.chars().filter(|c| !matches!(c, '[' | ']')).collect();
    format!("@[{name}](user:{id}) ")
}

#[component]
pub fn RichEditor(
    value: RwSignal<String>,
    #[prop(into)] placeholder: String,
    #[prop(into)] label: String,
    #[prop(default = 3)] rows: u32,
    /// Ctrl/Cmd+Enter.
    #[prop(into)]
    on_submit: Callback<()>,
    #[prop(default = false)] toolbar: bool,
    #[prop(optional)] node_ref: Option<NodeRef<Textarea>>,
    /// Enter sends and Shift+Enter starts a new line (chat); otherwise Ctrl/Cmd+Enter sends.
    #[prop(default = false)]
    enter_sends: bool,
) -> impl IntoView {
    let area = node_ref.unwrap_or_default();
    let candidates = RwSignal::new(Vec::<MentionCandidate>::new());
    let highlighted = RwSignal::new(0usize);
    // Where the `@query` starts, while a mention is being typed.
    let mention_at = RwSignal::new(None::<(usize, String)>);

    let lookup = move || {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let caret = el.selection_start().ok().flatten().unwrap_or(0) as usize;
        let found = mention_query(&el.value(), caret);
        mention_at.set(found.clone());
        match found {
            Some((_, query)) => {
                leptos::task::spawn_local(async move {
                    let people = crate::feed::api::mention_candidates(query.clone())
                        .await
                        .unwrap_or_default();
                    // Ignore answers to an older query.
                    if mention_at.get_untracked().is_some_and(|(_, q)| q == query) {
                        highlighted.set(0);
                        candidates.set(people);
                    }
                });
            }
            None => candidates.set(Vec::new()),
        }
    };

    let choose = move |person: MentionCandidate| {
        let Some((at, query)) = mention_at.get_untracked() else {
            return;
        };
        let text = value.get_untracked();
        let chars: Vec<char> = text.chars().collect();
        let end = (at + 1 + query.chars().count()).min(chars.len());
        let token = mention_token(person.id, &person.name);
        let new_text: String = chars[..at].iter().collect::<String>()
            + &token
            + &chars[end..].iter().collect::<String>();
        value.set(new_text);
        candidates.set(Vec::new());
        mention_at.set(None);
        if let Some(el) = area.get_untracked() {
            let caret = (at + token.chars().count()) as u32;
            el.set_value(&value.get_untracked());
            let _ = el.focus();
            let _ = el.set_selection_range(caret, caret);
        }
    };

    let wrap = move |before: &'static str, after: &'static str| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let text = el.value();
        let chars: Vec<char> = text.chars().collect();
        let start = (el.selection_start().ok().flatten().unwrap_or(0) as usize).min(chars.len());
        let end =
            (el.selection_end().ok().flatten().unwrap_or(0) as usize).clamp(start, chars.len());
        let selected: String = chars[start..end].iter().collect();
        let new_text = chars[..start].iter().collect::<String>()
            + before
            + &selected
            + after
            + &chars[end..].iter().collect::<String>();
        value.set(new_text.clone());
        el.set_value(&new_text);
        let _ = el.focus();
        let caret = (start + before.chars().count() + selected.chars().count()) as u32;
        let _ = el.set_selection_range(caret, caret);
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let open = !candidates.with_untracked(Vec::is_empty);
        match ev.key().as_str() {
            "ArrowDown" if open => {
                ev.prevent_default();
                let n = candidates.with_untracked(Vec::len);
                highlighted.update(|h| *h = (*h + 1) % n);
            }
            "ArrowUp" if open => {
                ev.prevent_default();
                let n = candidates.with_untracked(Vec::len);
                highlighted.update(|h| *h = (*h + n - 1) % n);
            }
            "Enter" | "Tab" if open => {
                ev.prevent_default();
                let pick =
                    candidates.with_untracked(|c| c.get(highlighted.get_untracked()).cloned());
                if let Some(person) = pick {
                    choose(person);
                }
            }
            "Escape" if open => {
                ev.prevent_default();
                candidates.set(Vec::new());
            }
            "Enter" if ev.ctrl_key() || ev.meta_key() || (enter_sends && !ev.shift_key()) => {
                ev.prevent_default();
                on_submit.run(());
            }
            _ => {}
        }
    };

    view! {
        <div class="editor">
            {toolbar.then(|| view! {
                <div class="editor-tools" role="toolbar" aria-label="Formatting">
                    <button type="button" class="tool" title="Bold" on:click=move |_| wrap("**", "**")><b>"B"</b></button>
                    <button type="button" class="tool" title="Italic" on:click=move |_| wrap("*", "*")><i>"I"</i></button>
                    <button type="button" class="tool" title="Strike-through" on:click=move |_| wrap("~~", "~~")><s>"S"</s></button>
                    <button type="button" class="tool" title="List" on:click=move |_| wrap("\n- ", "")>"• List"</button>
                    <button type="button" class="tool" title="Quote" on:click=move |_| wrap("\n> ", "")>"❝ Quote"</button>
                    <button type="button" class="tool" title="Code" on:click=move |_| wrap("`", "`")><code>"</>"</code></button>
                    <button type="button" class="tool" title="Link" on:click=move |_| wrap("[", "](https://)")>"🔗 Link"</button>
                    <button type="button" class="tool" title="Mention someone" on:click=move |_| { wrap("@", ""); lookup(); }>"@ Mention"</button>
                </div>
            })}
            <textarea
                node_ref=area
                rows=rows
                placeholder=placeholder
                aria-label=label
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    lookup();
                }
                on:click=move |_| lookup()
                on:keydown=on_keydown
                on:blur=move |_| {
                    // Let a click on a suggestion land first.
                    set_timeout(move || candidates.set(Vec::new()), std::time::Duration::from_millis(200));
                }
            ></textarea>
            <Show when=move || !candidates.with(Vec::is_empty)>
                <ul class="mention-list" role="listbox" aria-label="People to mention">
                    <For
                        each=move || candidates.get().into_iter().enumerate()
                        key=|(i, p)| (*i, p.id)
                        children=move |(i, person)| {
                            let chosen = person.clone();
                            view! {
                                <li
                                    role="option"
                                    class="mention-option"
                                    class:active=move || highlighted.get() == i
                                    aria-selected=move || (highlighted.get() == i).to_string()
                                    on:mousedown=move |ev| { ev.prevent_default(); choose(chosen.clone()); }
                                >
                                    <Avatar name=person.name.clone() photo=person.photo_url.clone() size="sm"/>
                                    <span>{person.name.clone()}</span>
                                    <span class="muted small">{person.position.clone()}</span>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_mention_being_typed() {
        assert_eq!(mention_query("Hi @ja", 6), Some((3, "ja".into())));
        assert_eq!(mention_query("@", 1), Some((0, String::new())));
        assert_eq!(mention_query("mail me@example", 15), None);
        assert_eq!(mention_query("Hi @[Jane](user:1) ok", 21), None);
        assert_eq!(mention_query("Привет @Ан", 10), Some((7, "Ан".into())));
    }
}
