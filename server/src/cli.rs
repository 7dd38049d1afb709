//! Command line: `agora serve` (default), `agora migrate`.

use crate::start::{Listen, Listeners};
use app::ssr::config::{Config, FilesConfig, IceConfig, RateLimits, S3Config, SmtpConfig};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser)]
#[command(
    name = "agora",
    version,
    about = "Agora — a self-hostable social intranet"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
    /// Log as JSON lines (for log collectors).
    #[arg(long, env = "AGORA_LOG_JSON", global = true)]
    pub log_json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
}

#[derive(Args, Clone)]
struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "AGORA_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    listen: SocketAddr,
    /// Database: sqlite://path or mysql://user:pass@host:port/db.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/agora.db",
        global = true
    )]
    database_url: String,
    /// Portals live at <slug>.<base-domain>; the bare domain serves the first portal.
    #[arg(
        long,
        env = "AGORA_BASE_DOMAIN",
        default_value = "localhost",
        global = true
    )]
    base_domain: String,
    /// Other host names that reach the first portal, comma-separated (e.g. intranet.acme.com).
    #[arg(long, env = "AGORA_HOST_ALIASES", value_delimiter = ',', global = true)]
    host_aliases: Vec<String>,
    /// Reverse proxies in front of Agora, comma-separated IP addresses: for requests from them
    /// the client address is taken from `X-Forwarded-For` (rate limits key on it).
    #[arg(
        long,
        env = "AGORA_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// A private address for metrics and health (e.g. 127.0.0.1:9100); off when unset.
    #[arg(long, env = "AGORA_ADMIN_LISTEN", global = true)]
    admin_listen: Option<SocketAddr>,
    /// A token that lets `/metrics` be read on the public address (`Authorization: Bearer …`).
    #[arg(
        long,
        env = "AGORA_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    metrics_token: Option<String>,
    /// Background workers this node does not run, comma-separated names (housekeeping, mailer,
    /// recurring-tasks, presence, chat-digest).
    #[arg(long, env = "AGORA_WORKERS_OFF", value_delimiter = ',', global = true)]
    workers_off: Vec<String>,
    /// Sign-in, password-reset and invitation attempts allowed per client address per minute.
    #[arg(
        long,
        env = "AGORA_AUTH_PER_MINUTE",
        default_value_t = 30,
        global = true
    )]
    auth_per_minute: u32,
    /// New portals allowed per client address per hour.
    #[arg(
        long,
        env = "AGORA_SIGNUPS_PER_HOUR",
        default_value_t = 10,
        global = true
    )]
    signups_per_hour: u32,
    /// Public URL scheme used in e-mailed links (http or https).
    #[arg(
        long,
        env = "AGORA_PUBLIC_SCHEME",
        default_value = "http",
        global = true
    )]
    public_scheme: String,
    /// Public port shown in e-mailed links when it differs from the scheme's default.
    #[arg(long, env = "AGORA_PUBLIC_PORT", global = true)]
    public_port: Option<u16>,
    /// Local folder for files when no S3 endpoint is set.
    #[arg(
        long,
        env = "AGORA_FILES_DIR",
        default_value = "data/files",
        global = true
    )]
    files_dir: String,
    /// S3 endpoint (e.g. http://127.0.0.1:3900); setting a bucket prefix turns S3 on.
    #[arg(long, env = "S3_ENDPOINT", global = true)]
    s3_endpoint: Option<String>,
    #[arg(long, env = "S3_REGION", default_value = "us-east-1", global = true)]
    s3_region: String,
    #[arg(long, env = "S3_ACCESS_KEY_ID", global = true)]
    s3_access_key: Option<String>,
    #[arg(
        long,
        env = "S3_SECRET_ACCESS_KEY",
        hide_env_values = true,
        global = true
    )]
    s3_secret_key: Option<String>,
    /// Each portal gets the bucket <prefix><portal id>.
    #[arg(long, env = "S3_BUCKET_PREFIX", global = true)]
    s3_bucket_prefix: Option<String>,
    /// Address buckets as path segments (Garage, MinIO) instead of sub-domains.
    #[arg(long, env = "S3_PATH_STYLE", default_value_t = true, global = true, action = clap::ArgAction::Set)]
    s3_path_style: bool,
    /// Redis for realtime fan-out between several nodes.
    #[arg(long, env = "REDIS_URL", global = true)]
    redis_url: Option<String>,
    /// Prefix of the Redis channels; deployments sharing one Redis need different ones.
    #[arg(
        long,
        env = "REDIS_CHANNEL_PREFIX",
        default_value = "agora",
        global = true
    )]
    redis_channel_prefix: String,
    /// SMTP server host; without it, e-mails wait in the outbox and invitation links are shown to admins.
    #[arg(long, env = "SMTP_HOST", global = true)]
    smtp_host: Option<String>,
    #[arg(long, env = "SMTP_PORT", default_value_t = 587, global = true)]
    smtp_port: u16,
    #[arg(long, env = "SMTP_USERNAME", global = true)]
    smtp_username: Option<String>,
    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true, global = true)]
    smtp_password: Option<String>,
    /// none, starttls or tls.
    #[arg(long, env = "SMTP_SECURITY", default_value = "starttls", global = true)]
    smtp_security: String,
    #[arg(
        long,
        env = "SMTP_FROM",
        default_value = "Agora <agora@localhost>",
        global = true
    )]
    smtp_from: String,
    /// Seconds someone must be offline, with unread chat messages, before one e-mail tells them.
    #[arg(
        long,
        env = "AGORA_CHAT_EMAIL_AFTER",
        default_value_t = 900,
        global = true
    )]
    chat_email_after: u64,
    /// STUN and TURN servers for calls, comma-separated (`stun:stun.example.com:3478,turn:turn.example.com`).
    /// Without any, calls connect browsers that can reach each other directly (the same network).
    #[arg(long, env = "AGORA_ICE_SERVERS", value_delimiter = ',', global = true)]
    ice_servers: Vec<String>,
    /// The shared secret of the TURN servers above (coturn's `static-auth-secret` with
    /// `use-auth-secret`): each person gets a credential made from it that expires.
    #[arg(long, env = "AGORA_TURN_SECRET", hide_env_values = true, global = true)]
    turn_secret: Option<String>,
    /// How long a TURN credential lasts, in seconds.
    #[arg(long, env = "AGORA_TURN_TTL", default_value_t = 3600, global = true)]
    turn_ttl: u64,
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "AGORA_SECURE_COOKIES", global = true)]
    secure_cookies: bool,
    /// The built site (pkg/, icons, manifest).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    site_root: String,
}

impl Settings {
    fn config(&self) -> Result<Config, String> {
        let files = match &self.s3_bucket_prefix {
            Some(prefix) => FilesConfig::S3(S3Config {
                endpoint: self.s3_endpoint.clone(),
                region: self.s3_region.clone(),
                access_key: self
                    .s3_access_key
                    .clone()
                    .ok_or("S3_ACCESS_KEY_ID is required with S3")?,
                secret_key: self
                    .s3_secret_key
                    .clone()
                    .ok_or("S3_SECRET_ACCESS_KEY is required with S3")?,
                bucket_prefix: prefix.clone(),
                path_style: self.s3_path_style,
            }),
            None => FilesConfig::Local {
                root: self.files_dir.clone(),
            },
        };
        let smtp = self.smtp_host.clone().map(|host| SmtpConfig {
            host,
            port: self.smtp_port,
            username: self.smtp_username.clone(),
            password: self.smtp_password.clone(),
            security: self.smtp_security.clone(),
            from: self.smtp_from.clone(),
        });
        let port = self.public_port.unwrap_or(self.listen.port());
        let default_port = if self.public_scheme == "https" {
            443
        } else {
            80
        };
        Ok(Config {
            database_url: self.database_url.clone(),
            base_domain: self.base_domain.to_ascii_lowercase(),
            host_aliases: self
                .host_aliases
                .iter()
                .map(|a| a.trim().to_ascii_lowercase())
                .filter(|a| !a.is_empty())
                .collect(),
            public_scheme: format!("{}://", self.public_scheme),
            public_port_suffix: if port == default_port {
                String::new()
            } else {
                format!(":{port}")
            },
            files,
            redis_url: self.redis_url.clone(),
            redis_channel_prefix: self.redis_channel_prefix.clone(),
            smtp,
            secure_cookies: self.secure_cookies,
            site_root: self.site_root.clone(),
            chat_email_after: std::time::Duration::from_secs(self.chat_email_after),
            ice: self.ice(),
            ws_ping: std::time::Duration::from_secs(25),
            trusted_proxies: self.trusted_proxies.clone(),
            metrics_token: self.metrics_token.clone().filter(|t| !t.is_empty()),
            workers_off: self
                .workers_off
                .iter()
                .map(|w| w.trim().to_owned())
                .filter(|w| !w.is_empty())
                .collect(),
            rate_limits: RateLimits {
                auth_per_ip_per_minute: self.auth_per_minute,
                signups_per_ip_per_hour: self.signups_per_hour,
                ..RateLimits::default()
            },
        })
    }

    /// STUN and TURN server addresses, and the TURN secret.
    fn ice(&self) -> IceConfig {
        let (turn, stun): (Vec<String>, Vec<String>) = self
            .ice_servers
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .partition(|u| u.starts_with("turn"));
        IceConfig {
            stun,
            turn,
            turn_secret: self.turn_secret.clone().filter(|s| !s.is_empty()),
            turn_ttl: std::time::Duration::from_secs(self.turn_ttl.max(60)),
        }
    }
}

pub async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.settings.config()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            let db = app::ssr::db::Db::connect(&config.database_url)
                .await
                .map_err(|e| e.to_string())?;
            db.migrate().await.map_err(|e| e.to_string())?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Serve => serve(cli.settings.listen, cli.settings.admin_listen, config).await,
    }
}

async fn serve(
    listen: SocketAddr,
    admin_listen: Option<SocketAddr>,
    config: Config,
) -> Result<(), String> {
    let listeners = Listeners::bind(Listen {
        public: listen,
        admin: admin_listen,
    })
    .await?;
    let node = crate::start::start(config, listeners).await?;
    shutdown_signal().await;
    node.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
