//! The bell's number, live: from the page at first, then from each new notification.

use crate::auth::types::Me;
use crate::notifications::{COUNTER, NotificationEvent};
use crate::realtime::use_live;
use leptos::prelude::*;

/// Unread notifications of the signed-in user.
#[derive(Clone, Copy)]
pub struct BellLive {
    pub unread: RwSignal<i64>,
}

pub fn start(me: &Me) {
    let live = BellLive {
        unread: RwSignal::new(me.counters.get::<i64>(COUNTER)),
    };
    provide_context(live);
    use_live(move |event: NotificationEvent| match event {
        NotificationEvent::Notification { unread, .. } => live.unread.set(unread),
    });
}
