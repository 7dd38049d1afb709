//! Subscribing to a tool's live events: one call in a component, and each subscriber gets its
//! own copy of every event of its domain for as long as the component lives. Nothing is
//! queued: a component that is not on screen hears nothing, and fetches fresh when it mounts.

use super::LiveMessage;
use leptos::prelude::*;

/// Whether the tab's socket is open (the shell provides it; false on the server).
#[derive(Clone, Copy)]
pub struct Connected(pub RwSignal<bool>);

/// Whether live updates are flowing (a page fetches what it missed when this turns true again).
pub fn use_connected() -> Signal<bool> {
    match use_context::<Connected>() {
        Some(Connected(signal)) => signal.into(),
        None => Signal::stored(false),
    }
}

/// Calls `on_event` with each event of `M`'s domain received while the calling component is
/// mounted. It runs under the component's owner, so what it creates is the component's.
/// On the server this does nothing: events only exist in the browser.
pub fn use_live<M: LiveMessage>(on_event: impl Fn(M) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        // Held weakly: a route's owner is freed by dropping it, and a strong hold here would
        // keep the page (and this subscription) alive for ever.
        let owner = Owner::current().map(|owner| owner.downgrade());
        let id = std::rc::Rc::new(std::cell::Cell::new(0));
        let own_id = id.clone();
        let deliver = move |text: &str| {
            let owner = match &owner {
                Some(weak) => match weak.upgrade() {
                    Some(owner) => Some(owner),
                    None => return browser::unsubscribe(own_id.get()),
                },
                None => None,
            };
            match serde_json::from_str::<M>(text) {
                Ok(event) => match owner {
                    Some(owner) => owner.with(|| on_event(event)),
                    None => on_event(event),
                },
                Err(err) => leptos::logging::warn!("unreadable {} event: {err}", M::DOMAIN),
            }
        };
        let subscribed = browser::subscribe(M::DOMAIN, std::rc::Rc::new(deliver));
        id.set(subscribed);
        on_cleanup(move || browser::unsubscribe(subscribed));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_event;
}

#[cfg(feature = "hydrate")]
pub(super) mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    type Deliver = Rc<dyn Fn(&str)>;

    struct Subscriber {
        id: u64,
        domain: &'static str,
        deliver: Deliver,
    }

    thread_local! {
        static SUBSCRIBERS: RefCell<(u64, Vec<Subscriber>)> = const { RefCell::new((0, Vec::new())) };
    }

    pub fn subscribe(domain: &'static str, deliver: Deliver) -> u64 {
        SUBSCRIBERS.with(|s| {
            let (next, list) = &mut *s.borrow_mut();
            *next += 1;
            list.push(Subscriber {
                id: *next,
                domain,
                deliver,
            });
            *next
        })
    }

    pub fn unsubscribe(id: u64) {
        SUBSCRIBERS.with(|s| s.borrow_mut().1.retain(|sub| sub.id != id));
    }

    /// Hands a message from the socket to every subscriber of its domain.
    pub fn dispatch(text: &str) {
        let Some(domain) = super::super::domain_of(text) else {
            leptos::logging::warn!("realtime message without a domain");
            return;
        };
        // Taken out first: a subscriber may mount or unmount components, which subscribe and
        // unsubscribe while this runs.
        let targets: Vec<(u64, Deliver)> = SUBSCRIBERS.with(|s| {
            s.borrow()
                .1
                .iter()
                .filter(|sub| sub.domain == domain)
                .map(|sub| (sub.id, sub.deliver.clone()))
                .collect()
        });
        for (id, deliver) in targets {
            // One gone meanwhile (its component unmounted by an earlier one) hears nothing.
            let still = SUBSCRIBERS.with(|s| s.borrow().1.iter().any(|sub| sub.id == id));
            if still {
                deliver(text);
            }
        }
    }
}
