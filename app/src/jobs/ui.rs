//! Jobs in the page: the export menu a tool puts in its header, the progress of a job (live),
//! and the exports page the "your export is ready" notification leads to.

mod export_menu;
mod page;
mod progress;

pub use export_menu::ExportMenu;
pub use page::ExportsPage;
pub use progress::JobProgress;

use crate::ids::JobId;
use crate::jobs::types::{JobEvent, JobView};
use leptos::prelude::*;

/// The caller's jobs as the live connection last told of them. Provided once per tab by
/// `start` (through `registry::start_live`), fed with `JobEvent`s; progress bars read it.
#[derive(Clone, Copy)]
pub struct JobsLive {
    jobs: RwSignal<Vec<JobView>>,
}

/// Jobs remembered in a tab (the oldest go first).
const MAX_KEPT: usize = 50;

/// Provides the tab's `JobsLive` and keeps it up to date from the owner's job events.
pub fn start(_me: &crate::auth::types::Me) {
    let live = JobsLive {
        jobs: RwSignal::new(Vec::new()),
    };
    provide_context(live);
    crate::realtime::use_live(move |event: JobEvent| match event {
        JobEvent::Job { job } => live.apply(job),
    });
}

impl JobsLive {
    /// The newest word on a job, from a live event.
    pub fn apply(&self, job: JobView) {
        self.jobs.update(|jobs| {
            if let Some(known) = jobs.iter_mut().find(|j| j.id == job.id) {
                // A late progress report (sent before the job was cancelled, or finished)
                // never brings an ended job back to life.
                if known.state.is_active() || !job.state.is_active() {
                    *known = job;
                }
            } else {
                if jobs.len() >= MAX_KEPT {
                    jobs.remove(0);
                }
                jobs.push(job);
            }
        });
    }

    /// A job as a server function answered; live events already received win.
    pub fn seed(&self, job: JobView) {
        if self
            .jobs
            .with_untracked(|jobs| jobs.iter().all(|j| j.id != job.id))
        {
            self.apply(job);
        }
    }

    pub fn get(&self, id: JobId) -> Option<JobView> {
        self.jobs
            .with(|jobs| jobs.iter().find(|j| j.id == id).cloned())
    }
}

/// The exports page, under the signed-in layout (listed in `registry::ToolRoutes`).
#[component(transparent)]
pub fn JobRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/exports") view=ExportsPage/>
    }
    .into_inner()
}
