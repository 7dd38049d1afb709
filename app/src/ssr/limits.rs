//! Rate limits on what can be tried without an account, or used to flood others: sign-in,
//! sign-up, password resets, invitations. Kept in memory per node (a limit per node is still
//! a limit; the database-backed lock-out in `auth::ssr::login` holds across nodes).

use super::config::RateLimits;
use crate::error::{AppError, AppResult};
use crate::ids::PortalId;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

/// The address of the client a request came from: the peer, or, when the peer is a configured
/// proxy, the address the proxy names in `X-Forwarded-For`. Set by the router's middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client address of a request (`None` when the server was started without peer info).
pub fn client_ip(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ClientIp>().map(|ip| ip.0)
}

/// The client address: the peer, or the last address in `X-Forwarded-For` that is not one of
/// the trusted proxies when the peer is one of them.
pub fn resolve_client_ip(
    peer: IpAddr,
    forwarded_for: Option<&str>,
    trusted_proxies: &[IpAddr],
) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let Some(forwarded) = forwarded_for else {
        return peer;
    };
    forwarded
        .rsplit(',')
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .find(|hop| !trusted_proxies.contains(hop))
        .unwrap_or(peer)
}

/// What is limited, each by its own key.
pub struct Limiters {
    /// Sign-ins, password-reset requests and resets, invitation look-ups and accepts, per client.
    auth_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Password-reset mails per account.
    resets_by_account: DefaultKeyedRateLimiter<(PortalId, String)>,
    /// New portals per client.
    signups_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Invitation mails per portal.
    invitations_by_portal: DefaultKeyedRateLimiter<PortalId>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn check<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> AppResult<()> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        AppError::Throttled(wait.as_secs().max(1))
    })
}

impl Limiters {
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            auth_by_ip: RateLimiter::keyed(per_minute(limits.auth_per_ip_per_minute)),
            resets_by_account: RateLimiter::keyed(per_hour(limits.resets_per_account_per_hour)),
            signups_by_ip: RateLimiter::keyed(per_hour(limits.signups_per_ip_per_hour)),
            invitations_by_portal: RateLimiter::keyed(per_hour(
                limits.invitations_per_portal_per_hour,
            )),
        }
    }

    /// One more sign-in, reset or invitation step from this client.
    pub fn auth_attempt(&self, parts: &Parts) -> AppResult<()> {
        match client_ip(parts) {
            Some(ip) => check(&self.auth_by_ip, &ip),
            None => Ok(()),
        }
    }

    /// One more reset mail for this account.
    pub fn reset_mail(&self, portal: PortalId, email: &str) -> AppResult<()> {
        check(&self.resets_by_account, &(portal, email.to_owned()))
    }

    /// One more portal from this client.
    pub fn sign_up(&self, parts: &Parts) -> AppResult<()> {
        match client_ip(parts) {
            Some(ip) => check(&self.signups_by_ip, &ip),
            None => Ok(()),
        }
    }

    /// One more invitation mail from this portal.
    pub fn invitation(&self, portal: PortalId) -> AppResult<()> {
        check(&self.invitations_by_portal, &portal)
    }

    /// Forgets keys whose limits have recovered (housekeeping), so memory stays bounded.
    pub fn forget_idle(&self) {
        self.auth_by_ip.retain_recent();
        self.resets_by_account.retain_recent();
        self.signups_by_ip.retain_recent();
        self.invitations_by_portal.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::resolve_client_ip;
    use std::net::IpAddr;

    #[test]
    fn the_client_address_is_taken_from_trusted_proxies_only() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let proxies = [ip("10.0.0.1")];
        // A direct client cannot claim another address.
        assert_eq!(
            resolve_client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &proxies),
            ip("203.0.113.9")
        );
        // Behind the proxy, the address the proxy saw (the last hop it appended) counts, not
        // what the client wrote in front of it.
        assert_eq!(
            resolve_client_ip(ip("10.0.0.1"), Some("1.2.3.4, 198.51.100.7"), &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve_client_ip(ip("10.0.0.1"), Some("garbage"), &proxies),
            ip("10.0.0.1")
        );
        assert_eq!(
            resolve_client_ip(ip("10.0.0.1"), None, &proxies),
            ip("10.0.0.1")
        );
    }
}
