//! Supervises the background workers of a node: each runs in its own task, is restarted (with a
//! log line and a growing pause) if it panics, and is stopped when the node shuts down.

use app::ssr::state::AppState;
use app::ssr::workers::Worker;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// The first pause before restarting a worker that panicked; it doubles up to `MAX_PAUSE` while
/// the worker keeps panicking, and starts again once it has run for `MAX_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// Starts every worker in `workers` except those named in `config.workers_off`.
pub fn spawn_all(state: &AppState, workers: &[Worker], stop: &CancellationToken) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for worker in workers {
        if state
            .config
            .workers_off
            .iter()
            .any(|off| off == worker.name)
        {
            tracing::info!(worker = worker.name, "worker switched off by configuration");
            continue;
        }
        set.spawn(supervise(*worker, state.clone(), stop.clone()));
    }
    set
}

/// Runs `worker` until `stop`, restarting it after a panic. A worker that returns by itself
/// (the mailer, when SMTP is misconfigured) has said why in its own log line and stays stopped.
pub async fn supervise(worker: Worker, state: AppState, stop: CancellationToken) {
    let mut pause = FIRST_PAUSE;
    loop {
        let started = tokio::time::Instant::now();
        let mut task = tokio::spawn((worker.run)(state.clone()));
        let outcome = tokio::select! {
            _ = stop.cancelled() => {
                task.abort();
                let _ = task.await;
                return;
            }
            outcome = &mut task => outcome,
        };
        match outcome {
            Ok(()) => {
                tracing::info!(worker = worker.name, "worker finished");
                return;
            }
            Err(e) if e.is_panic() => {
                if started.elapsed() >= MAX_PAUSE {
                    pause = FIRST_PAUSE;
                }
                let message = panic_message(e.into_panic());
                tracing::error!(
                    worker = worker.name,
                    panic = %message,
                    restart_in_ms = pause.as_millis() as u64,
                    "worker panicked; restarting"
                );
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(MAX_PAUSE);
            }
            // Aborted from outside: only shutdown does that, and it is handled above.
            Err(_) => return,
        }
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}
