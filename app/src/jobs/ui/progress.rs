use super::JobsLive;
use crate::files::types::human_bytes;
use crate::jobs::api::CancelJob;
use crate::jobs::types::{JobState, JobView};
use leptos::prelude::*;

/// A job's state: a progress bar with a cancel button while it waits or runs, a download link
/// once done, the reason when it failed. Follows live events for the job when there are any.
#[component]
pub fn JobProgress(
    job: JobView,
    /// Under an export button: no title, no dates.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let id = job.id;
    let zone = crate::shell::layout::use_zone();
    let live = use_context::<JobsLive>();
    let current = Memo::new(move |_| live.and_then(|l| l.get(id)).unwrap_or_else(|| job.clone()));
    let cancel = ServerAction::<CancelJob>::new();
    Effect::new(move |_| {
        if let (Some(Ok(view)), Some(live)) = (cancel.value().get(), live) {
            live.apply(view);
        }
    });
    view! {
        <div class="job" class:job-compact=compact data-testid="job" data-state=move || current.with(|j| j.state.as_str())>
            {(!compact).then(|| view! {
                <div class="job-head">
                    <strong>{move || current.with(|j| j.title.clone())}</strong>
                    <span class="muted small">{move || current.with(|j| crate::dates::date_time(j.created_at, &zone))}</span>
                </div>
            })}
            {move || {
                let job = current.get();
                match job.state {
                    JobState::Queued | JobState::Running => {
                        let percent = job.percent();
                        let words = if job.state == JobState::Queued {
                            "Waiting to start…".to_owned()
                        } else if job.total > 0 {
                            format!("{} of {} · {percent}%", job.done, job.total)
                        } else {
                            "Preparing…".to_owned()
                        };
                        view! {
                            <div class="job-row">
                                <div class="progress" role="progressbar" aria-label=format!("Progress of {}", job.title)
                                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent.to_string()
                                    aria-valuetext=words.clone()>
                                    <div class="progress-fill" class:progress-waiting=job.state == JobState::Queued
                                        style=format!("width: {percent}%")></div>
                                </div>
                                <button type="button" class="link-btn danger" data-testid="job-cancel"
                                    disabled=move || cancel.pending().get()
                                    on:click=move |_| { cancel.dispatch(CancelJob { id }); }>
                                    "Cancel"
                                </button>
                            </div>
                            <span class="muted small">{words}</span>
                        }.into_any()
                    }
                    JobState::Done => {
                        let name = job.file_name.clone().unwrap_or_else(|| "export".into());
                        let size = job.file_size.map(human_bytes).unwrap_or_default();
                        view! {
                            <div class="job-row">
                                <span class="job-ok" aria-hidden="true">"✓"</span>
                                // A server route, not a page: the router must not take it over.
                                <a class="btn btn-small btn-primary" href=job.download_url() download=name.clone()
                                    rel="external" data-testid="job-download">
                                    "Download"
                                </a>
                                <span class="muted small job-file">{name}" · "{size}</span>
                            </div>
                        }.into_any()
                    }
                    JobState::Failed => view! {
                        <div class="alert alert-error" role="alert">
                            {job.error.clone().unwrap_or_else(|| "The export failed.".into())}
                        </div>
                    }.into_any(),
                    JobState::Cancelled => view! {
                        <span class="muted small">"Cancelled."</span>
                    }.into_any(),
                }
            }}
            {move || cancel.value().get().and_then(Result::err).map(|e| view! { <crate::ui::ErrorBox error=e/> })}
        </div>
    }
}
