//! Background workers: the loops a node runs beside its requests (sending mail, recurring
//! tasks, presence, digests…). A domain declares its workers here-shaped, and `app::registry`
//! lists them; `server` supervises every one the same way (cancelled on shutdown, restarted
//! after a panic), so no worker is spawned by hand anywhere.

use super::state::AppState;
use std::future::Future;
use std::pin::Pin;

pub type WorkerFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// One background loop. `run` never needs to return; when the node stops, it is dropped at its
/// next `.await`, so it must leave nothing half-done between awaits that a restart cannot
/// finish (every worker here claims its rows in the database first).
#[derive(Clone, Copy)]
pub struct Worker {
    /// Short and stable: it names the worker in logs and in `AGORA_WORKERS_OFF`.
    pub name: &'static str,
    pub run: fn(AppState) -> WorkerFuture,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("name", &self.name).finish()
    }
}
