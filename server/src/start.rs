//! Starting and stopping a node: the one start-up sequence, used by `agora serve` and by every
//! test server, so the tests run exactly what production runs.

use app::ssr::config::Config;
use app::ssr::state::AppState;
use app::ssr::workers::{Worker, WorkerFuture};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::task::JoinSet;

/// Where a node listens: the public address, and optionally the admin one (`/metrics`,
/// `/healthz`).
#[derive(Debug, Clone, Copy)]
pub struct Listen {
    pub public: SocketAddr,
    pub admin: Option<SocketAddr>,
}

/// The bound sockets. Bound before start-up so a caller that asked for port 0 knows the port
/// first (tests put it in the configuration's public address).
pub struct Listeners {
    pub public: tokio::net::TcpListener,
    pub admin: Option<tokio::net::TcpListener>,
}

impl Listeners {
    pub async fn bind(listen: Listen) -> Result<Self, String> {
        let public = tokio::net::TcpListener::bind(listen.public)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", listen.public))?;
        let admin = match listen.admin {
            Some(admin) => Some(
                tokio::net::TcpListener::bind(admin)
                    .await
                    .map_err(|e| format!("cannot listen on {admin}: {e}"))?,
            ),
            None => None,
        };
        Ok(Self { public, admin })
    }
}

/// A started node. Dropping it stops nothing; call `stop` (or `stop_now` where no `.await` is
/// possible).
pub struct Running {
    pub addr: SocketAddr,
    pub admin_addr: Option<SocketAddr>,
    pub state: AppState,
    tasks: JoinSet<()>,
}

/// How long open requests get to finish once the node is asked to stop.
const GRACE: Duration = Duration::from_secs(10);

/// Connects the database (migrating it), storage and hub; starts the workers and serves. Returns once the node accepts connections.
pub async fn start(config: Config, listeners: Listeners) -> Result<Running, String> {
    let started = std::time::Instant::now();
    tracing::info!(?config, "starting");
    let Listeners { public, admin } = listeners;
    let state = AppState::build(config).await?;
    let stop = state.shutdown.clone();
    let mut tasks = crate::workers::spawn_all(&state, &workers(&state), &stop);

    let admin_addr = match admin {
        Some(listener) => {
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let router = crate::router::admin(state.clone());
            let stop = stop.clone();
            tracing::info!(%addr, "metrics and health on the admin address");
            tasks.spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(stop.cancelled_owned())
                    .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "the admin listener stopped");
                }
            });
            Some(addr)
        }
        None => None,
    };

    let addr = public.local_addr().map_err(|e| e.to_string())?;
    let router = crate::router::build(state.clone());
    // Without TCP_NODELAY, small responses wait on delayed ACKs: measured here, it halves
    // throughput on keep-alive connections (docs/PERFORMANCE.md).
    let public = axum::serve::ListenerExt::tap_io(public, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let serve_stop = stop.clone();
    tasks.spawn(async move {
        let served = axum::serve(
            public,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(serve_stop.cancelled_owned())
        .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the public listener stopped");
        }
    });
    tracing::info!(%addr, ready_ms = started.elapsed().as_millis() as u64, "Agora is listening on http://{addr}");
    Ok(Running {
        addr,
        admin_addr,
        state,
        tasks,
    })
}

impl Running {
    /// Stops the node: no new connections, open requests get `GRACE` to finish, sockets are
    /// closed (1001, "going away"), workers are cancelled, and the database pools close.
    pub async fn stop(mut self) {
        tracing::info!("shutting down: finishing open requests");
        self.state.shutdown.cancel();
        let drained = tokio::time::timeout(GRACE, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("requests still open after the grace period; dropping them");
            self.tasks.shutdown().await;
        }
        self.state.db.close().await;
        tracing::info!("stopped");
    }

    /// Stops the node without waiting (for `Drop`): everything is cancelled and aborted.
    pub fn stop_now(&mut self) {
        self.state.shutdown.cancel();
        self.tasks.abort_all();
    }
}

/// Every worker of a node: the platform's own, then each tool's (`app::registry`).
fn workers(state: &AppState) -> Vec<Worker> {
    let mut workers = vec![Worker {
        name: "housekeeping",
        run: housekeeping,
    }];
    if state.config.smtp.is_some() {
        workers.push(Worker {
            name: "mailer",
            run: mailer,
        });
    }
    workers.extend_from_slice(app::jobs::ssr::WORKERS);
    workers.extend(app::registry::workers());
    workers
}

fn housekeeping(state: AppState) -> WorkerFuture {
    Box::pin(app::ssr::housekeeping::run(state))
}

fn mailer(state: AppState) -> WorkerFuture {
    Box::pin(async move {
        if let Some(smtp) = state.config.smtp.clone() {
            app::ssr::mailer::run_worker(state.db.writer.clone(), smtp).await;
        }
    })
}
