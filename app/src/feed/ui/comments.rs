//! Comments under a post: the newest shown, earlier ones on request, and the reply box.

use super::PostSignal;
use super::post_card::confirm;
use super::reactions::Reactions;
use crate::dates::date_time;
use crate::error::AppError;
use crate::feed::api::{add_comment, delete_comment, earlier_comments, edit_comment};
use crate::feed::types::{Attachment, CommentView, MAX_COMMENT_ATTACHMENTS};
use crate::files::ui::{AttachButton, AttachmentView, PendingFiles};
use crate::ids::FileId;
use crate::rich::{RichEditor, RichText};
use crate::ui::mutation::mutation;
use crate::ui::page::time_ago;
use crate::ui::{Avatar, ErrorBox};
use leptos::prelude::*;

#[component]
pub fn Comments(post: PostSignal) -> impl IntoView {
    let id = post.with_untracked(|p| p.id);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let files = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let sent = mutation(
        move |(body, attached): (String, Vec<FileId>)| add_comment(id, body, attached),
        move |_| {
            draft.set(String::new());
            files.set(Vec::new());
            super::refresh_post(post);
        },
    );
    let send = move |_: ()| {
        if sent.pending.get_untracked() || uploading.get_untracked() > 0 {
            return;
        }
        error.set(None);
        let body = draft.get_untracked();
        let attached = files
            .get_untracked()
            .into_iter()
            .map(|f| f.file_id)
            .collect();
        sent.run((body, attached));
    };
    let earlier = mutation(
        move |oldest| earlier_comments(id, oldest),
        move |mut earlier: Vec<crate::feed::types::CommentView>| {
            post.update(|p| {
                earlier.append(&mut p.comments);
                p.comments = earlier;
            })
        },
    );
    let load_earlier = move |_| {
        if let Some(oldest) = post.with_untracked(|p| p.comments.first().map(|c| c.id)) {
            earlier.run(oldest);
        }
    };
    view! {
        <section class="comments" id=format!("comments-{id}")>
            <Show when=move || post.with(|p| p.comment_count as usize > p.comments.len())>
                <button type="button" class="link-btn small" on:click=load_earlier disabled=move || earlier.pending.get()>
                    {move || post.with(|p| format!("Show earlier comments ({})", p.comment_count as usize - p.comments.len()))}
                </button>
            </Show>
            {move || earlier.error.get().map(|e| view! { <ErrorBox error=e/> })}
            <For
                each=move || post.with(|p| p.comments.clone())
                key=|c| (c.id, c.edited_at, c.reactions.total, c.reactions.mine)
                children=move |comment| view! { <Comment comment post/> }
            />
            <div class="comment-form">
                {move || sent.error.get().or_else(|| error.get()).map(|e| view! { <ErrorBox error=e/> })}
                <RichEditor value=draft placeholder="Write a comment…" label="Comment" rows=1 on_submit=send/>
                <PendingFiles files uploading/>
                <div class="comment-tools">
                    <AttachButton files uploading error max=MAX_COMMENT_ATTACHMENTS label="Attach"/>
                </div>
                <Show when=move || !draft.with(|d| d.trim().is_empty()) || !files.with(Vec::is_empty)>
                    <button type="button" class="btn btn-primary btn-small" disabled=move || sent.pending.get() on:click=move |_| send(())>"Send"</button>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn Comment(comment: CommentView, post: PostSignal) -> impl IntoView {
    let CommentView {
        id,
        post_id,
        author,
        body,
        source,
        created_at,
        edited_at,
        reactions,
        can_edit,
        can_delete,
        attachments,
    } = comment;
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(source.unwrap_or_default());
    let saved = mutation(
        move |body: String| edit_comment(id, body),
        move |()| {
            editing.set(false);
            super::refresh_post(post);
        },
    );
    let save = move |_: ()| saved.run(draft.get_untracked());
    let removed = mutation(
        move |()| delete_comment(id),
        move |()| super::refresh_post(post),
    );
    let remove = move |_| {
        if !confirm("Delete this comment?") {
            return;
        }
        removed.run(());
    };
    let failed = move || saved.error.get().or_else(|| removed.error.get());
    let summary = Signal::stored(reactions);
    view! {
        <div class="comment" id=format!("comment-{id}")>
            <Avatar name=author.name.clone() photo=author.photo_url.clone() size="sm"/>
            <div class="comment-body">
                <div class="comment-bubble">
                    <a class="post-author" href=format!("/people/{}", author.id)>{author.name.clone()}</a>
                    <Show when=move || editing.get() fallback=move || view! { <RichText blocks=body.clone()/> }>
                        <RichEditor value=draft placeholder="" label="Edit the comment" rows=2 on_submit=save/>
                        <div class="row gap">
                            <button type="button" class="btn btn-primary btn-small" disabled=move || saved.pending.get() on:click=move |_| save(())>"Save"</button>
                            <button type="button" class="btn btn-small" on:click=move |_| editing.set(false)>"Cancel"</button>
                        </div>
                    </Show>
                </div>
                {(!attachments.is_empty()).then(|| view! { <AttachmentView files=attachments/> })}
                {move || failed().map(|e| view! { <ErrorBox error=e/> })}
                <div class="comment-foot muted small">
                    <span title=date_time(created_at, &crate::shell::layout::use_zone())>{time_ago(created_at)}</span>
                    {edited_at.map(|_| " · edited")}
                    <Reactions post_id comment_id=Some(id) summary on_change=Callback::new(move |_| super::refresh_post(post))/>
                    {can_edit.then(|| view! { <button type="button" class="link-btn" on:click=move |_| editing.set(true)>"Edit"</button> })}
                    {can_delete.then(|| view! { <button type="button" class="link-btn" disabled=move || removed.pending.get() on:click=remove>"Delete"</button> })}
                </div>
            </div>
        </div>
    }
}
