//! Runtime configuration, filled by the CLI (`agora serve --help`) from flags or environment.

use std::fmt;

#[derive(Clone)]
pub struct Config {
    /// `sqlite://data/agora.db` (default) or `mysql://user:pass@host/db`.
    pub database_url: String,
    /// Portals live at `<slug>.<base_domain>`; a request to the bare base domain reaches the default portal.
    pub base_domain: String,
    /// Other host names that reach the default portal (a single-company install's own name).
    pub host_aliases: Vec<String>,
    /// The public URL scheme and port suffix used in links sent by e-mail, e.g. `http://` and `:3000`.
    pub public_scheme: String,
    pub public_port_suffix: String,
    pub files: FilesConfig,
    pub redis_url: Option<String>,
    /// Redis channels are `<prefix>:events:<portal id>`.
    pub redis_channel_prefix: String,
    pub smtp: Option<SmtpConfig>,
    /// Set the `Secure` flag on cookies (behind TLS).
    pub secure_cookies: bool,
    /// Where the built site (pkg/, icons, manifest) lives.
    pub site_root: String,
    /// Someone offline this long with unread chat messages gets one e-mail about them.
    pub chat_email_after: std::time::Duration,
    /// STUN/TURN servers for calls; none lets browsers on the same network reach each other.
    pub ice: IceConfig,
    /// How often a realtime socket is pinged and its session checked again: a socket whose
    /// session ended some way the hub was not told of closes within this.
    pub ws_ping: std::time::Duration,
    /// Proxies whose `X-Forwarded-For` names the real client (rate limits key on it).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub rate_limits: RateLimits,
    /// Lets `/metrics` be read on the public listener with `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// Background workers this node does not run, by name (`AGORA_WORKERS_OFF=mailer,digest`):
    /// a node kept for requests only, or a test that runs a worker's pass by hand.
    pub workers_off: Vec<String>,
}

/// How much may be tried per client, account or portal (see `ssr::limits`).
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Sign-ins, reset requests, resets and invitation steps per client address per minute.
    pub auth_per_ip_per_minute: u32,
    /// Password-reset mails per account per hour.
    pub resets_per_account_per_hour: u32,
    /// New portals per client address per hour.
    pub signups_per_ip_per_hour: u32,
    /// Invitation mails per portal per hour.
    pub invitations_per_portal_per_hour: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            auth_per_ip_per_minute: 30,
            resets_per_account_per_hour: 5,
            signups_per_ip_per_hour: 10,
            invitations_per_portal_per_hour: 200,
        }
    }
}

impl RateLimits {
    /// Limits no test reaches by accident; a test of a limit sets its own.
    pub fn generous() -> Self {
        Self {
            auth_per_ip_per_minute: 100_000,
            resets_per_account_per_hour: 100_000,
            signups_per_ip_per_hour: 100_000,
            invitations_per_portal_per_hour: 100_000,
        }
    }
}

#[derive(Clone)]
pub enum FilesConfig {
    /// A folder; each portal gets a sub-folder.
    Local { root: String },
    /// S3-compatible storage; each portal gets a bucket `<bucket_prefix><portal id>`.
    S3(S3Config),
}

#[derive(Clone)]
pub struct S3Config {
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    pub bucket_prefix: String,
    pub path_style: bool,
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    pub from: String,
}

/// The STUN and TURN servers calls use. TURN credentials are made per person and short-lived
/// from `turn_secret` (the TURN REST scheme of coturn's `use-auth-secret`); the secret itself
/// never leaves the server.
#[derive(Clone, Default)]
pub struct IceConfig {
    pub stun: Vec<String>,
    pub turn: Vec<String>,
    pub turn_secret: Option<String>,
    /// How long a TURN credential lasts.
    pub turn_ttl: std::time::Duration,
}

impl fmt::Debug for IceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IceConfig")
            .field("stun", &self.stun)
            .field("turn", &self.turn)
            .field("turn_secret", &self.turn_secret.as_ref().map(|_| "…"))
            .field("turn_ttl", &self.turn_ttl)
            .finish()
    }
}

// Secrets never reach a log line.
impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket_prefix", &self.bucket_prefix)
            .field("path_style", &self.path_style)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let db = self.database_url.split('@').next_back().unwrap_or_default();
        f.debug_struct("Config")
            .field("database", &db)
            .field("base_domain", &self.base_domain)
            .field("redis", &self.redis_url.is_some())
            .field("smtp", &self.smtp)
            .field("ice", &self.ice)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "…"))
            .field("workers_off", &self.workers_off)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A configuration for tests and tools: SQLite or MySQL URL, local files under `files_root`.
    pub fn for_tests(database_url: &str, files_root: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            base_domain: "localhost".into(),
            host_aliases: Vec::new(),
            public_scheme: "http://".into(),
            public_port_suffix: String::new(),
            files: FilesConfig::Local {
                root: files_root.to_owned(),
            },
            redis_url: None,
            redis_channel_prefix: "agora".into(),
            smtp: None,
            secure_cookies: false,
            site_root: "target/site".into(),
            chat_email_after: std::time::Duration::from_secs(15 * 60),
            ice: IceConfig::default(),
            ws_ping: std::time::Duration::from_secs(25),
            trusted_proxies: Vec::new(),
            rate_limits: RateLimits::generous(),
            metrics_token: None,
            workers_off: Vec::new(),
        }
    }

    /// The URL of a portal's home, e.g. `http://acme.localhost:3000`.
    pub fn portal_url(&self, slug: &str, is_default: bool) -> String {
        if is_default {
            format!(
                "{}{}{}",
                self.public_scheme, self.base_domain, self.public_port_suffix
            )
        } else {
            format!(
                "{}{}.{}{}",
                self.public_scheme, slug, self.base_domain, self.public_port_suffix
            )
        }
    }
}
