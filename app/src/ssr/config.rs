//! Runtime configuration, filled by the CLI (`agora serve --help`) from flags or environment.

use std::fmt;

#[derive(Clone)]
pub struct Config {
    /// `sqlite://data/agora.db` (default) or `mysql://user:pass@host/db`.
    pub database_url: String,
    /// Portals live at `<slug>.<base_domain>`; a request to the bare base domain reaches the default portal.
    pub base_domain: String,
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
    pub ice_servers: Vec<crate::chat::types::IceServer>,
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
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A configuration for tests and tools: SQLite or MySQL URL, local files under `files_root`.
    pub fn for_tests(database_url: &str, files_root: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            base_domain: "localhost".into(),
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
            ice_servers: Vec::new(),
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
