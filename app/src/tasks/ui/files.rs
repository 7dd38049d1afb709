//! The task page's files: the list, downloading, taking one off, and attaching more (uploaded
//! like the feed's attachments, then attached to the task).

use super::page::{Changes, run};
use crate::error::AppError;
use crate::files::types::Attachment;
use crate::files::ui::{AttachButton, PendingFiles, size_label};
use crate::ids::TaskId;
use crate::tasks::api::{attach_task_files, remove_task_file};
use crate::tasks::types::TaskFile;
use leptos::prelude::*;

/// Files added in one go.
const MAX_AT_ONCE: usize = 10;

#[component]
pub(super) fn TaskFiles(
    id: TaskId,
    files: Vec<TaskFile>,
    can_attach: bool,
    change: Changes,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let pending = RwSignal::new(Vec::<Attachment>::new());
    let uploading = RwSignal::new(0usize);
    let attach = move |_| {
        if change.pending.get_untracked() {
            return; // Keep the files chosen until the change under way is done.
        }
        let chosen: Vec<_> = pending.get_untracked().iter().map(|a| a.file_id).collect();
        pending.set(Vec::new());
        run(change, error, attach_task_files(id, chosen));
    };
    let empty = files.is_empty();
    view! {
        <section class="card task-files" data-testid="task-files">
            <h2>"Files"</h2>
            {empty.then(|| view! { <p class="muted small">"No files yet."</p> })}
            <ul class="plain file-list">
                {files.into_iter().map(|f| {
                    let file = f.file.file_id;
                    view! {
                        <li class="file-row">
                            <a href=f.file.url() target="_blank" rel="noopener" data-testid="task-file">{f.file.name.clone()}</a>
                            <span class="muted small">{size_label(f.file.size)}</span>
                            {f.removable.then(|| view! {
                                <button type="button" class="chip-x" aria-label=format!("Remove {}", f.file.name)
                                    disabled=move || change.pending.get()
                                    on:click=move |_| run(change, error, remove_task_file(id, file))>"×"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {can_attach.then(|| view! {
                <PendingFiles files=pending uploading/>
                <div class="row gap">
                    <AttachButton files=pending uploading error max=MAX_AT_ONCE label="Add files"/>
                    <Show when=move || !pending.with(Vec::is_empty) && uploading.get() == 0>
                        <button type="button" class="btn btn-primary btn-small" data-testid="attach-files"
                            disabled=move || change.pending.get() on:click=attach>
                            "Attach to the task"
                        </button>
                    </Show>
                </div>
            })}
        </section>
    }
}
