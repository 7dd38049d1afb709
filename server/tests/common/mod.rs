//! Starts the real server (router, database, storage) on 127.0.0.1:0 for a test, on SQLite or
//! MariaDB, and drives it over HTTP like a browser would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod exports;

use app::ssr::config::{Config, S3Config};
use app::ssr::state::AppState;
use reqwest::StatusCode;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    MySql,
}

/// Runs the async test body once per backend: `both_backends!(name, |server| async move { … })`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server = common::TestServer::start(common::Backend::Sqlite).await;
                ($body)(server).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                let server = common::TestServer::start(common::Backend::MySql).await;
                ($body)(server).await;
            }
        }
    };
    // With the configuration adjusted: `both_backends!(name, |config| …, |server| async move …)`.
    ($name:ident, $adjust:expr, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server = common::TestServer::start_with(common::Backend::Sqlite, $adjust).await;
                ($body)(server).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                let server = common::TestServer::start_with(common::Backend::MySql, $adjust).await;
                ($body)(server).await;
            }
        }
    };
}

/// A node started by `server::start::start`, as `agora serve` starts one. Dropping it stops the
/// node and removes its files, and the MariaDB database it created.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub backend: Backend,
    dir: std::path::PathBuf,
    /// `None` once stopped by `stop`.
    node: Option<server::start::Running>,
    /// The database to drop afterwards (MariaDB; a SQLite database goes with `dir`).
    owned_database: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique() -> String {
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        app::ssr::now_ms() % 100_000
    )
}

pub fn fresh_mysql_url() -> String {
    format!("{}/agora_t_{}", mysql_base_url(), unique())
}

pub fn temp_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("agora-test-{}", unique()))
}

pub fn mysql_base_url() -> String {
    std::env::var("AGORA_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

/// S3 settings of the test Garage server (scripts/start-garage.sh), if it runs.
pub fn s3_config() -> Option<S3Config> {
    Some(S3Config {
        endpoint: Some(std::env::var("AGORA_TEST_S3_ENDPOINT").ok()?),
        region: std::env::var("AGORA_TEST_S3_REGION").unwrap_or_else(|_| "garage".into()),
        access_key: std::env::var("AGORA_TEST_S3_ACCESS_KEY").ok()?,
        secret_key: std::env::var("AGORA_TEST_S3_SECRET_KEY").ok()?,
        bucket_prefix: format!("agora-t{}-", unique().replace('_', "-")),
        path_style: true,
    })
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = std::env::temp_dir().join(format!("agora-test-{}", unique()));
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}/agora.db", dir.display()),
            Backend::MySql => fresh_mysql_url(),
        };
        let mut server = Self::start_at(backend, &url, dir, adjust).await;
        server.owned_database = (backend == Backend::MySql).then_some(url);
        server
    }

    /// A server on an existing database (a second node of the same deployment). The database
    /// stays afterwards unless `drop_database_afterwards` is called on one node.
    pub async fn start_at(
        backend: Backend,
        url: &str,
        dir: std::path::PathBuf,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        std::fs::create_dir_all(&dir).unwrap();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let listeners = server::start::Listeners::bind(server::start::Listen {
            public: "127.0.0.1:0".parse().unwrap(),
            admin: None,
        })
        .await
        .unwrap();
        let addr = listeners.public.local_addr().unwrap();
        let mut config = Config::for_tests(url, &dir.join("files").display().to_string());
        // E-mailed links use the configured public address: this server's.
        config.public_port_suffix = format!(":{}", addr.port());
        adjust(&mut config);
        let node = server::start::start(config, listeners)
            .await
            .expect("server start");
        Self {
            addr,
            state: node.state.clone(),
            backend,
            dir,
            node: Some(node),
            owned_database: None,
        }
    }

    /// Stops the node as `agora serve` does on SIGTERM, and waits for it; then, as on drop, its
    /// files and database go.
    pub async fn stop(mut self) {
        if let Some(node) = self.node.take() {
            node.stop().await;
        }
    }

    /// The MariaDB database this server drops when it stops, if any.
    pub fn owned_database(&self) -> Option<&str> {
        self.owned_database.as_deref()
    }

    /// Makes this node drop the shared database when it stops (the last node of a deployment).
    pub fn drop_database_afterwards(&mut self, url: &str) {
        self.owned_database = Some(url.to_owned());
    }

    /// A browser-like client (cookie jar) for the portal host `host` (`localhost` or `acme.localhost`).
    pub fn client(&self, host: &str) -> Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .resolve(host, self.addr)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .unwrap();
        Client {
            http,
            jar,
            base: format!("http://{host}:{}", self.addr.port()),
            addr: self.addr,
        }
    }

    /// A client for `host` presenting someone else's session cookie (a forged cross-portal request).
    pub fn client_with_cookie(&self, host: &str, token: &str) -> Client {
        let client = self.client(host);
        let url: reqwest::Url = client.base.parse().unwrap();
        client
            .jar
            .add_cookie_str(&format!("agora_session={token}"), &url);
        client
    }

    /// Signs up a portal from the bare domain and returns its admin, signed in on the portal's host.
    pub async fn sign_up(&self, slug: &str, email: &str) -> Client {
        let visitor = self.client("localhost");
        let res = visitor
            .post_form(
                "/api/sign_up",
                &[
                    ("company", &format!("{slug} Ltd")),
                    ("slug", slug),
                    ("name", "Ada Admin"),
                    ("email", email),
                    ("password", "correct-horse-1"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "sign-up failed: {:?}",
            res.text().await
        );
        let location: String = res.json().await.unwrap();
        let host = location
            .trim_start_matches("http://")
            .split(':')
            .next()
            .unwrap()
            .to_owned();
        let admin = self.client(&host);
        let landed = admin.http.get(&location).send().await.unwrap();
        assert!(landed.status().is_success(), "hand-off failed");
        admin
    }

    /// Runs SQL directly (test set-up only).
    pub async fn sql(&self, sql: &str) {
        sqlx::query(sql)
            .execute(&self.state.db.writer)
            .await
            .unwrap();
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db.reader)
            .await
            .unwrap()
    }

    /// The newest queued e-mail body to `to`.
    pub async fn last_mail_to(&self, to: &str) -> String {
        sqlx::query_scalar(
            "SELECT body_text FROM outbox_emails WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
        )
        .bind(to)
        .fetch_one(&self.state.db.reader)
        .await
        .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(node) = &mut self.node {
            node.stop_now();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(url) = self.owned_database.take() {
            // `Drop` cannot await: a thread of its own with its own runtime drops the database.
            let _ = std::thread::spawn(move || drop_mysql_database(&url)).join();
        }
    }
}

fn drop_mysql_database(url: &str) {
    use sqlx::Connection;
    let Some((base, name)) = url.rsplit_once('/') else {
        return;
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        let Ok(mut conn) = sqlx::mysql::MySqlConnection::connect(base).await else {
            return;
        };
        // A stopped node's aborted transaction may still hold a table lock for a moment.
        let _ = sqlx::query("SET SESSION lock_wait_timeout = 10")
            .execute(&mut conn)
            .await;
        if let Err(e) = sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
            .execute(&mut conn)
            .await
        {
            eprintln!("test database {name} not dropped: {e}");
        }
    });
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
    pub base: String,
    pub addr: SocketAddr,
}

impl Client {
    pub fn host(&self) -> String {
        self.base
            .trim_start_matches("http://")
            .split(':')
            .next()
            .unwrap()
            .to_owned()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Calls a server function; returns the status and the JSON body.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let res = self.post_form(&format!("/api/{endpoint}"), form).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    /// Calls a server function that must succeed.
    pub async fn ok(&self, endpoint: &str, form: &[(&str, &str)]) -> Value {
        let (status, body) = self.call(endpoint, form).await;
        assert_eq!(status, StatusCode::OK, "{endpoint} failed: {body}");
        body
    }

    /// Calls a server function that must fail with `error` (the AppError variant name).
    pub async fn refused(&self, endpoint: &str, form: &[(&str, &str)], error: &str) -> Value {
        let (status, body) = self.call(endpoint, form).await;
        assert!(
            !status.is_success(),
            "{endpoint} should fail, got {status}: {body}"
        );
        assert_eq!(body["error"], error, "{endpoint}: {body}");
        body
    }

    /// Calls a server function that takes JSON; returns the status and the JSON body.
    pub async fn call_json(&self, endpoint: &str, args: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .json(&args)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json)
    }

    pub async fn ok_json(&self, endpoint: &str, args: Value) -> Value {
        let (status, body) = self.call_json(endpoint, args).await;
        assert_eq!(status, StatusCode::OK, "{endpoint} failed: {body}");
        body
    }

    /// A JSON server function that must fail with `error` (the AppError variant name).
    pub async fn refused_json(&self, endpoint: &str, args: Value, error: &str) -> Value {
        let (status, body) = self.call_json(endpoint, args).await;
        assert!(
            !status.is_success(),
            "{endpoint} should fail, got {status}: {body}"
        );
        assert_eq!(body["error"], error, "{endpoint}: {body}");
        body
    }

    /// Uploads a file as an attachment (`/uploads/attachment`); answers its description.
    pub async fn upload_attachment(&self, name: &str, bytes: Vec<u8>) -> Value {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let res = self
            .http
            .post(format!("{}/uploads/attachment", self.base))
            .header("accept", "application/json")
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert!(status.is_success(), "upload failed: {status} {body}");
        body
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The session cookie's value.
    pub fn session_token(&self) -> String {
        self.maybe_session_token().expect("session cookie")
    }

    pub fn maybe_session_token(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .unwrap()
            .split(';')
            .find_map(|c| c.trim().strip_prefix("agora_session="))
            .map(str::to_owned)
    }

    /// The signed-in user's id, from the session endpoint.
    pub async fn me_id(&self) -> i64 {
        let body = self.ok("session", &[]).await;
        body["me"]["user_id"].as_i64().expect("signed in")
    }
}

/// Invites `email` as `role` and returns the invitation link shown to the admin.
pub async fn invite(admin: &Client, email: &str, role: &str) -> String {
    let body = admin
        .ok("invite", &[("email", email), ("role", role)])
        .await;
    body["link"]
        .as_str()
        .expect("link shown without SMTP")
        .to_owned()
}

/// Accepts an invitation link in a fresh browser and returns the new member's client.
pub async fn accept(server: &TestServer, link: &str, name: &str) -> Client {
    let host = link
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    let token = link.rsplit('/').next().unwrap();
    let member = server.client(&host);
    member
        .ok(
            "accept_invitation",
            &[
                ("token", token),
                ("name", name),
                ("password", "correct-horse-2"),
            ],
        )
        .await;
    member
}

/// Opens the realtime socket as `client` would; returns the stream of JSON events.
pub async fn websocket(
    client: &Client,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    tokio_tungstenite::tungstenite::Error,
> {
    websocket_with(client, &[]).await
}

/// `websocket` with extra request headers (an `Origin`, say).
pub async fn websocket_with(
    client: &Client,
    headers: &[(&'static str, &str)],
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    tokio_tungstenite::tungstenite::Error,
> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}/ws", client.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "host",
        format!("{}:{}", client.host(), client.addr.port())
            .parse()
            .unwrap(),
    );
    if let Some(token) = client.maybe_session_token() {
        request
            .headers_mut()
            .insert("cookie", format!("agora_session={token}").parse().unwrap());
    }
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(ws, _)| ws)
}

/// The next JSON event on the socket within `secs` seconds, leaving out presence (colleagues
/// coming online), which arrives whenever anyone connects.
pub async fn next_event(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    secs: u64,
) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let event = next_event_raw(ws, left.as_secs().max(1)).await;
        if event["type"] != "presence" {
            return event;
        }
    }
}

/// The next JSON event on the socket, of any type, within `secs` seconds.
pub async fn next_event_raw(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    secs: u64,
) -> Value {
    use futures::StreamExt;
    let deadline = std::time::Duration::from_secs(secs);
    loop {
        let msg = tokio::time::timeout(deadline, ws.next())
            .await
            .expect("event in time")
            .expect("open")
            .expect("frame");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next event of type `kind` on the socket within `secs` seconds, skipping other types.
pub async fn next_event_of(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    kind: &str,
    secs: u64,
) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let event = next_event_raw(ws, left.as_secs().max(1)).await;
        if event["type"] == kind {
            return event;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {kind} event in time"
        );
    }
}

/// Waits for the server to close the socket because its session ended (close code 4001) within
/// `within`; fails if any event arrives first.
pub async fn assert_closed_for_ended_session(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    within: std::time::Duration,
) {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("the socket was not closed in time");
        match frame {
            Some(Ok(Message::Close(Some(close)))) => {
                assert_eq!(u16::from(close.code), 4001, "{close:?}");
                return;
            }
            Some(Ok(Message::Text(text))) => panic!("an event after the session ended: {text}"),
            Some(Ok(_)) => {}
            other => panic!("the socket ended without a close frame: {other:?}"),
        }
    }
}

/// Reads and discards whatever arrives within `ms` milliseconds.
pub async fn drain(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    ms: u64,
) {
    use futures::StreamExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    while let Ok(Some(Ok(_))) = tokio::time::timeout_at(deadline, socket.next()).await {}
}

/// Waits until nothing arrives for a moment; fails if `kind` does.
pub async fn assert_no_event(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    kind: &str,
) {
    use futures::StreamExt;
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(600);
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline.into(), socket.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            let event: Value = serde_json::from_str(&text).unwrap();
            assert_ne!(event["type"], kind, "unexpected {event}");
        }
    }
}
