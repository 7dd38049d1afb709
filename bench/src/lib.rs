//! What the benchmark binaries share: reaching a portal by its `*.localhost` address on the
//! server's socket, signing in, and durations on the command line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod fill;

use reqwest::header::{ACCEPT, LOCATION, SET_COOKIE};
use reqwest::{Client, Url, redirect};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let value: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        _ => return Err(format!("bad duration unit in {s:?} (use ms, s or m)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// The socket the base URL points at; every `*.localhost` host is sent there.
pub fn target_addr(url: &Url) -> Result<SocketAddr, BoxError> {
    let addrs = url.socket_addrs(|| Some(80))?;
    addrs
        .into_iter()
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| "cannot resolve --url".into())
}

pub fn client_for(url: &Url, extra_host: Option<&str>) -> Result<Client, BoxError> {
    let addr = target_addr(url)?;
    let mut builder = Client::builder()
        .redirect(redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .resolve("localhost", addr);
    if let Some(host) = extra_host {
        builder = builder.resolve(host, addr);
    }
    Ok(builder.build()?)
}

pub fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:x}", (nanos / 1000) % 0xffff_ffff)
}

/// A signed-in session on one portal.
pub struct SignedUp {
    /// Where the portal is served, e.g. http://abc.localhost:3100 (or the bare host).
    pub base: Url,
    pub host: String,
    pub cookie: String,
    pub name: String,
}

/// Signs in to an existing portal with a password.
pub async fn sign_in(
    url: &Url,
    portal: &str,
    email: &str,
    password: &str,
) -> Result<SignedUp, BoxError> {
    let host = format!("{portal}.localhost");
    let client = client_for(url, Some(&host))?;
    let mut base = url.clone();
    base.set_host(Some(&host))?;
    let mut login = base.clone();
    login.set_path("/api/login");
    let resp = client
        .post(login)
        .header(ACCEPT, "application/json")
        .form(&[("email", email), ("password", password)])
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(format!("signing in as {email} answered {}", resp.status()).into());
    }
    let cookie = session_cookie(&resp).ok_or("signing in set no agora_session cookie")?;
    base.set_path("/");
    Ok(SignedUp {
        base,
        host,
        cookie,
        // The signed-in page carries the user's e-mail in its embedded session.
        name: email.to_owned(),
    })
}

/// The `agora_session=…` pair a response sets, ready for a Cookie header.
pub fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("agora_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Calls a JSON server function as the person with `cookie` and returns its answer; any status
/// but 200 is an error carrying the start of the body.
pub async fn post_json(
    client: &Client,
    url: &Url,
    cookie: &str,
    body: &str,
) -> Result<serde_json::Value, BoxError> {
    use reqwest::header::{CONTENT_TYPE, COOKIE};
    let resp = client
        .post(url.clone())
        .header(COOKIE, cookie)
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/json")
        .body(body.to_owned())
        .send()
        .await?;
    let status = resp.status();
    let text = resp.text().await?;
    if status != reqwest::StatusCode::OK {
        let text: String = text.chars().take(300).collect();
        return Err(format!("POST {url} answered {status}: {text}").into());
    }
    Ok(serde_json::from_str(&text)?)
}

/// Signs up one portal and returns the hand-off URL from the `location` header.
pub async fn sign_up(client: &Client, url: &Url, slug: &str, name: &str) -> Result<Url, BoxError> {
    let form = [
        ("company", format!("Bench {slug}")),
        ("slug", slug.to_owned()),
        ("name", name.to_owned()),
        ("email", format!("admin@{slug}.example.com")),
        ("password", "correct-horse-1".to_owned()),
    ];
    let resp = client
        .post(url.join("/api/sign_up")?)
        .form(&form)
        .send()
        .await?;
    let status = resp.status();
    let location = resp
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match location {
        Some(loc) if status.is_success() || status.is_redirection() => Ok(Url::parse(&loc)?),
        _ => {
            let body = resp.text().await.unwrap_or_default();
            Err(format!(
                "sign_up {slug}: HTTP {status}: {}",
                body.chars().take(300).collect::<String>()
            )
            .into())
        }
    }
}

/// Signs up a new portal named `<prefix>-<unique>` and signs its administrator in.
pub async fn sign_in_fresh_portal(url: &Url, prefix: &str) -> Result<SignedUp, BoxError> {
    let slug = format!("{prefix}-{}", unique_suffix());
    let name = format!("Bench User {slug}");
    let client = client_for(url, Some(&format!("{slug}.localhost")))?;
    let handoff = sign_up(&client, url, &slug, &name).await?;
    let host = handoff
        .host_str()
        .ok_or("hand-off URL without host")?
        .to_owned();
    let client = client_for(url, Some(&host))?;
    let resp = client.get(handoff.clone()).send().await?;
    if !resp.status().is_redirection() {
        return Err(format!("hand-off answered {}", resp.status()).into());
    }
    let cookie = session_cookie(&resp).ok_or("hand-off set no agora_session cookie")?;
    let mut base = handoff;
    base.set_path("/");
    base.set_query(None);
    Ok(SignedUp {
        base,
        host,
        cookie,
        name,
    })
}
