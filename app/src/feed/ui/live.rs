//! The feed's number in the menu, live: unread posts from the page at first, one more for
//! each post someone else publishes to the reader, none once the feed shows them.

use crate::auth::types::Me;
use crate::feed::types::{COUNTER, FeedEvent};
use crate::realtime::use_live;
use crate::shell::menu::MenuCounter;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct FeedLive {
    pub unread: RwSignal<i64>,
}

pub fn start(me: &Me) {
    let live = FeedLive {
        unread: RwSignal::new(me.counters.get::<i64>(COUNTER)),
    };
    provide_context(live);
    let me = me.user_id;
    use_live(move |event: FeedEvent| {
        if let FeedEvent::FeedPosted { author_id, .. } = event
            && author_id != me
        {
            live.unread.update(|n| *n += 1);
        }
    });
}

pub fn counter() -> AnyView {
    let live = expect_context::<FeedLive>();
    view! { <MenuCounter count=live.unread noun="unread posts"/> }.into_any()
}
