//! Everything a request handler needs, built once at start and shared (cheap clones).

use super::config::{Config, FilesConfig};
use super::db::Db;
use super::hub::Hub;
use super::storage::Storage;
use super::storage::local::LocalStorage;
use super::storage::s3::S3Storage;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Thumbnails decoded at once: one per core of a small server; more queue.
const MAX_DECODERS: usize = 2;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub hub: Hub,
    pub storage: Arc<dyn Storage>,
    pub leptos_options: LeptosOptions,
    pub assets: Arc<AssetManifest>,
    pub metrics: Arc<Metrics>,
    pub limits: Arc<super::limits::Limiters>,
    /// Pictures being decoded for thumbnails at once (each may take hundreds of MB).
    pub decoders: Arc<tokio::sync::Semaphore>,
    /// Cancelled when the node stops: workers end, sockets close with "going away".
    pub shutdown: tokio_util::sync::CancellationToken,
    /// Rung when a job is queued on this node, so its job worker starts at once (workers on
    /// other nodes find it at their next poll).
    pub jobs_wake: Arc<tokio::sync::Notify>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Connects the database (running migrations), the hub and the storage named in `config`.
    pub async fn build(config: Config) -> Result<Self, String> {
        let db = Db::connect(&config.database_url)
            .await
            .map_err(|e| format!("database: {e}"))?;
        db.migrate().await.map_err(|e| format!("migrations: {e}"))?;
        let hub = match &config.redis_url {
            Some(url) => Hub::with_redis(url, &config.redis_channel_prefix)
                .await
                .map_err(|e| format!("redis: {e}"))?,
            None => Hub::local(),
        };
        let storage: Arc<dyn Storage> = match &config.files {
            FilesConfig::Local { root } => Arc::new(LocalStorage::new(root)),
            FilesConfig::S3(s3) => Arc::new(S3Storage::new(s3)),
        };
        let leptos_options = LeptosOptions::builder()
            .output_name("agora")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .build();
        let assets = Arc::new(AssetManifest::load(&config.site_root));
        let limits = Arc::new(super::limits::Limiters::new(&config.rate_limits));
        Ok(Self {
            limits,
            decoders: Arc::new(tokio::sync::Semaphore::new(MAX_DECODERS)),
            shutdown: tokio_util::sync::CancellationToken::new(),
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            config: Arc::new(config),
            db,
            hub,
            storage,
            leptos_options,
            assets,
            metrics: Arc::new(Metrics::default()),
        })
    }
}

/// The hashed names of the built browser assets, written by `scripts/build-site.sh`.
#[derive(Debug, Clone, Deserialize)]
pub struct AssetManifest {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl AssetManifest {
    pub fn load(site_root: &str) -> Self {
        let path = std::path::Path::new(site_root).join("pkg/manifest.json");
        std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| {
                tracing::warn!(?path, "no asset manifest; using unhashed asset names");
                Self {
                    js: "/pkg/agora.js".into(),
                    wasm: "/pkg/agora_bg.wasm".into(),
                    css: "/pkg/agora.css".into(),
                }
            })
    }
}

/// Upper bounds (seconds) of the request latency histogram.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Request counters for `/metrics`, in Prometheus text format.
#[derive(Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; 12],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    pub fn record(&self, status: u16, seconds: f64) {
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn render(&self, open_websockets: i64, active_portals: usize) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        out.push_str("# HELP agora_http_requests_total HTTP requests by status class.\n");
        out.push_str("# TYPE agora_http_requests_total counter\n");
        for (i, counter) in self.by_class.iter().enumerate() {
            let _ = writeln!(
                out,
                "agora_http_requests_total{{status=\"{}xx\"}} {}",
                i + 1,
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP agora_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE agora_http_request_duration_seconds histogram\n");
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "agora_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "agora_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "agora_http_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "agora_http_request_duration_seconds_count {count}");
        out.push_str("# HELP agora_websockets_open Open realtime connections on this node.\n");
        out.push_str("# TYPE agora_websockets_open gauge\n");
        let _ = writeln!(out, "agora_websockets_open {open_websockets}");
        out.push_str(
            "# HELP agora_portals_connected Portals with an open connection on this node.\n",
        );
        out.push_str("# TYPE agora_portals_connected gauge\n");
        let _ = writeln!(out, "agora_portals_connected {active_portals}");
        out
    }
}
