use super::{JobProgress, JobsLive};
use crate::error::AppError;
use crate::jobs::types::{ExportFormat, JobView};
use crate::ui::ErrorBox;
use crate::ui::icons::Icon;
use leptos::prelude::*;

/// "Export ▾" with XLSX and CSV. The tool's `action` starts the export (with what the page
/// shows: its filters); the job's progress then appears under the button, live, and becomes a
/// download link.
#[component]
pub fn ExportMenu(
    action: Action<ExportFormat, Result<JobView, AppError>>,
    /// Names what is exported, for screen readers: "Export tasks".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let live = use_context::<JobsLive>();
    let pending = action.pending();
    // The latest export's progress stays under the button until closed or replaced.
    let shown = RwSignal::new(false);
    let choose = move |format: ExportFormat| {
        open.set(false);
        shown.set(true);
        action.dispatch(format);
    };
    let latest = move || {
        if !shown.get() {
            return None;
        }
        action.value().get().map(|result| match result {
            Ok(job) => {
                if let Some(live) = live {
                    live.seed(job.clone());
                }
                view! { <JobProgress job=job compact=true/> }.into_any()
            }
            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
        })
    };
    view! {
        <div class="export">
            <div class="export-menu">
                <button type="button" class="btn" aria-haspopup="menu" aria-label=label
                    aria-expanded=move || open.get().to_string() disabled=move || pending.get()
                    on:click=move |_| open.update(|o| *o = !*o) data-testid="export-button">
                    <Icon name="download"/>
                    {move || if pending.get() { "Starting…" } else { "Export" }}
                </button>
                <div class="dropdown" class:open=move || open.get() role="menu">
                    {ExportFormat::ALL.iter().map(|format| {
                        let format = *format;
                        view! {
                            <button type="button" class="link-btn" role="menuitem"
                                data-testid=format!("export-{}", format.extension())
                                on:click=move |_| choose(format)>
                                {format.label()}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </div>
            <div aria-live="polite">
                {move || latest().map(|status| view! {
                    <div class="export-status">
                        <button type="button" class="icon-btn export-close" aria-label="Close"
                            on:click=move |_| shown.set(false)>"×"</button>
                        {status}
                    </div>
                })}
            </div>
        </div>
    }
}
