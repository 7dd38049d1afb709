use super::{JobProgress, JobsLive};
use crate::jobs::api::my_jobs;
use crate::ui::{EmptyState, ErrorBox, PageHeader};
use leptos::prelude::*;

/// `/exports`: the caller's recent exports, live, with their downloads. Finished ones are
/// kept for seven days.
#[component]
pub fn ExportsPage() -> impl IntoView {
    let jobs = Resource::new(|| (), |_| my_jobs());
    let live = use_context::<JobsLive>();
    view! {
        <PageHeader title="Exports" subtitle="Files you exported in the last seven days. They are only visible to you."/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="No exports yet"
                            hint="Export the task list or the employee directory with the Export button on their pages."/>
                    }.into_any(),
                    Ok(list) => {
                        if let Some(live) = live {
                            for job in &list {
                                live.seed(job.clone());
                            }
                        }
                        view! {
                            <ul class="card jobs-list">
                                {list.into_iter().map(|job| view! { <li><JobProgress job/></li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
