//! The STUN/TURN servers a call is told about, with TURN credentials made for the one person
//! and lasting a while (the TURN REST scheme that coturn's `use-auth-secret` checks): the user
//! name is `<expiry in unix seconds>:<user id>`, the password the base64 HMAC-SHA1 of that name
//! under the shared secret. A credential that leaks stops working at its expiry, and the
//! secret never leaves the server.

use crate::chat::types::IceServer;
use crate::ids::UserId;
use crate::ssr::config::IceConfig;
use base64::Engine;
use hmac::{Hmac, Mac};

/// The servers for `user` at `now_ms`: one entry for the STUN servers, one for TURN.
pub fn servers(ice: &IceConfig, user: UserId, now_ms: i64) -> Vec<IceServer> {
    let mut servers = Vec::new();
    if !ice.stun.is_empty() {
        servers.push(IceServer {
            urls: ice.stun.clone(),
            username: None,
            credential: None,
        });
    }
    if !ice.turn.is_empty() {
        let expires = now_ms / 1000 + ice.turn_ttl.as_secs() as i64;
        let (username, credential) = match &ice.turn_secret {
            Some(secret) => {
                let name = format!("{expires}:{user}");
                let password = turn_password(secret, &name);
                (Some(name), password)
            }
            None => (None, None),
        };
        servers.push(IceServer {
            urls: ice.turn.clone(),
            username,
            credential,
        });
    }
    servers
}

fn turn_password(secret: &str, username: &str) -> Option<String> {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(username.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::servers;
    use crate::ids::UserId;
    use crate::ssr::config::IceConfig;
    use std::time::Duration;

    #[test]
    fn turn_credentials_are_per_person_and_expire() {
        let ice = IceConfig {
            stun: vec!["stun:stun.example.com".into()],
            turn: vec!["turn:turn.example.com:3478".into()],
            turn_secret: Some("north-wind".into()),
            turn_ttl: Duration::from_secs(3600),
        };
        let list = servers(&ice, UserId(42), 1_700_000_000_123);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].username, None);
        assert_eq!(list[0].credential, None);
        assert_eq!(list[1].username.as_deref(), Some("1700003600:42"));
        // What coturn computes for this name under this secret (checked with Python's hmac).
        assert_eq!(
            list[1].credential.as_deref(),
            Some("YlpCluhk1i66cE5bZO2tP7aZqpY=")
        );
        // Another person gets another credential; nobody gets the secret.
        let other = servers(&ice, UserId(43), 1_700_000_000_123);
        assert_ne!(other[1].credential, list[1].credential);
        assert!(!format!("{list:?}").contains("north-wind"));
        assert!(!format!("{list:?}").contains("YlpC"));
        assert!(!format!("{ice:?}").contains("north-wind"));
    }
}
