//! The realtime hub: routes typed events to the open WebSockets of the users allowed to see them.
//! With Redis configured, every node publishes to Redis and delivers what it receives back,
//! so a user on node A sees what happened on node B. Portals with no open socket hold no memory.

use crate::auth::types::Role;
use crate::ids::{PortalId, UserId};
use crate::realtime::LiveMessage;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::mpsc;

/// Who may receive an event, within its portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Users(Vec<UserId>),
    /// Admins and employees, never extranet users.
    Employees,
    /// Admins and employees, and these people whatever their role.
    EmployeesAnd(Vec<UserId>),
    Admins,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Envelope {
    portal: PortalId,
    audience: Audience,
    /// The event as browsers get it (`realtime::to_wire`): serialised once, on the node
    /// that published it.
    payload: String,
}

/// Whose sockets to close because their sessions ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// One session, by the hash of its token (signed out).
    Session(String),
    /// Every session of a user (password reset, deactivated).
    User(UserId),
}

/// What travels between nodes: an event, or sessions that ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Wire {
    Event(Envelope),
    Ended { portal: PortalId, ended: Ended },
}

struct Connection {
    id: u64,
    role: Role,
    /// The hash of the session token the socket was opened with.
    session: Arc<str>,
    tx: mpsc::Sender<Arc<str>>,
}

type PortalConnections = HashMap<UserId, Vec<Connection>>;

#[derive(Default)]
struct Inner {
    portals: RwLock<HashMap<PortalId, PortalConnections>>,
    next_id: AtomicU64,
    open: AtomicI64,
    redis: Option<redis::aio::MultiplexedConnection>,
    /// `<prefix>:events:`, followed by the portal id.
    channel_prefix: String,
}

#[derive(Clone, Default)]
pub struct Hub {
    inner: Arc<Inner>,
}

/// Unregisters its connection when dropped (the socket closed).
pub struct Registration {
    hub: Hub,
    portal: PortalId,
    user: UserId,
    id: u64,
}

impl Hub {
    /// A hub delivering only within this process.
    pub fn local() -> Self {
        Self::default()
    }

    /// A hub bridged through Redis pub/sub; spawns the subscriber task.
    pub async fn with_redis(url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        let channel_prefix = format!("{prefix}:events:");
        let client = redis::Client::open(url)?;
        let publisher = client.get_multiplexed_async_connection().await?;
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.psubscribe(format!("{channel_prefix}*")).await?;
        let hub = Hub {
            inner: Arc::new(Inner {
                redis: Some(publisher),
                channel_prefix,
                ..Default::default()
            }),
        };
        let receiver = hub.clone();
        tokio::spawn(async move {
            let mut messages = pubsub.into_on_message();
            while let Some(msg) = messages.next().await {
                match msg
                    .get_payload::<String>()
                    .map(|p| serde_json::from_str::<Wire>(&p))
                {
                    Ok(Ok(Wire::Event(envelope))) => receiver.deliver_local(&envelope),
                    Ok(Ok(Wire::Ended { portal, ended })) => receiver.end_local(portal, &ended),
                    other => tracing::warn!(?other, "unreadable realtime message from redis"),
                }
            }
            tracing::error!("redis subscription ended; realtime events from other nodes stop");
        });
        Ok(hub)
    }

    /// Registers a socket opened with the session whose token hashes to `session`.
    pub fn register(
        &self,
        portal: PortalId,
        user: UserId,
        role: Role,
        session: &str,
    ) -> (Registration, mpsc::Receiver<Arc<str>>) {
        let (tx, rx) = mpsc::channel(256);
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut portals) = self.inner.portals.write() {
            portals
                .entry(portal)
                .or_default()
                .entry(user)
                .or_default()
                .push(Connection {
                    id,
                    role,
                    session: session.into(),
                    tx,
                });
        }
        self.inner.open.fetch_add(1, Ordering::Relaxed);
        (
            Registration {
                hub: self.clone(),
                portal,
                user,
                id,
            },
            rx,
        )
    }

    /// Open WebSocket connections on this node.
    pub fn open_connections(&self) -> i64 {
        self.inner.open.load(Ordering::Relaxed)
    }

    /// Portals with at least one open connection on this node.
    pub fn active_portals(&self) -> usize {
        self.inner
            .portals
            .read()
            .map(|p| p.len())
            .unwrap_or_default()
    }

    /// The people with a socket open on this node, by portal.
    pub fn connected_users(&self) -> Vec<(PortalId, Vec<UserId>)> {
        self.inner
            .portals
            .read()
            .map(|portals| {
                portals
                    .iter()
                    .map(|(portal, users)| (*portal, users.keys().copied().collect()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Publishes a tool's event; call after the transaction that caused it has committed.
    pub async fn publish<E: LiveMessage>(&self, portal: PortalId, audience: Audience, event: E) {
        self.send(Wire::Event(Envelope {
            portal,
            audience,
            payload: crate::realtime::to_wire(&event),
        }))
        .await;
    }

    /// Closes the sockets of sessions that ended, on every node; call after the commit that
    /// ended them. Events published afterwards never reach those sockets (one Redis channel per
    /// portal keeps the order), and the sockets' own checks at each ping catch what this misses.
    pub async fn end_sessions(&self, portal: PortalId, ended: Ended) {
        self.send(Wire::Ended { portal, ended }).await;
    }

    async fn send(&self, wire: Wire) {
        if let Some(redis) = &self.inner.redis {
            let mut conn = redis.clone();
            let payload = match serde_json::to_string(&wire) {
                Ok(p) => p,
                Err(e) => return tracing::error!(error = %e, "cannot serialise event"),
            };
            let portal = match &wire {
                Wire::Event(envelope) => envelope.portal,
                Wire::Ended { portal, .. } => *portal,
            };
            let channel = format!("{}{portal}", self.inner.channel_prefix);
            let sent: Result<i64, _> = redis::cmd("PUBLISH")
                .arg(channel)
                .arg(payload)
                .query_async(&mut conn)
                .await;
            if let Err(e) = sent {
                // Redis is down: at least this node's users still get the event.
                tracing::error!(error = %e, "redis publish failed; delivering locally only");
                self.apply_local(&wire);
            }
        } else {
            self.apply_local(&wire);
        }
    }

    fn apply_local(&self, wire: &Wire) {
        match wire {
            Wire::Event(envelope) => self.deliver_local(envelope),
            Wire::Ended { portal, ended } => self.end_local(*portal, ended),
        }
    }

    /// Drops the ended sessions' connections: their queues close, and so do their sockets.
    fn end_local(&self, portal: PortalId, ended: &Ended) {
        let Ok(mut portals) = self.inner.portals.write() else {
            return;
        };
        let Some(users) = portals.get_mut(&portal) else {
            return;
        };
        let mut closed = 0;
        users.retain(|user, conns| {
            let before = conns.len();
            match ended {
                Ended::User(ended) if ended == user => conns.clear(),
                Ended::User(_) => {}
                Ended::Session(hash) => conns.retain(|c| *c.session != **hash),
            }
            closed += before - conns.len();
            !conns.is_empty()
        });
        if users.is_empty() {
            portals.remove(&portal);
        }
        self.inner.open.fetch_sub(closed as i64, Ordering::Relaxed);
    }

    fn deliver_local(&self, envelope: &Envelope) {
        let Ok(portals) = self.inner.portals.read() else {
            return;
        };
        let Some(users) = portals.get(&envelope.portal) else {
            return;
        };
        let payload: Arc<str> = envelope.payload.as_str().into();
        let send = |conns: &Vec<Connection>, allowed: &dyn Fn(Role) -> bool| {
            for conn in conns.iter().filter(|c| allowed(c.role)) {
                // A full queue means a stalled client; it will resync on reconnect.
                let _ = conn.tx.try_send(payload.clone());
            }
        };
        match &envelope.audience {
            Audience::Users(ids) => {
                for id in ids {
                    if let Some(conns) = users.get(id) {
                        send(conns, &|_| true);
                    }
                }
            }
            Audience::Employees => {
                for conns in users.values() {
                    send(conns, &|r| r != Role::Extranet);
                }
            }
            Audience::EmployeesAnd(ids) => {
                for (user, conns) in users.iter() {
                    let named = ids.contains(user);
                    send(conns, &|r| named || r != Role::Extranet);
                }
            }
            Audience::Admins => {
                for conns in users.values() {
                    send(conns, &|r| r == Role::Admin);
                }
            }
        }
    }

    fn unregister(&self, portal: PortalId, user: UserId, id: u64) {
        let mut removed = false;
        if let Ok(mut portals) = self.inner.portals.write()
            && let Some(users) = portals.get_mut(&portal)
        {
            if let Some(conns) = users.get_mut(&user) {
                let before = conns.len();
                conns.retain(|c| c.id != id);
                removed = conns.len() < before;
                if conns.is_empty() {
                    users.remove(&user);
                }
            }
            if users.is_empty() {
                portals.remove(&portal);
            }
        }
        // A connection whose session ended was already removed and counted by `end_local`.
        if removed {
            self.inner.open.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.unregister(self.portal, self.user, self.id);
    }
}
