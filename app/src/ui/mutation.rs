//! A change the user asked for (a button, a menu item): pending while the server works, one
//! at a time, its error kept for the page to show (never dropped), and what to do with the
//! answer. Instead of a hand-rolled `spawn_local` with its own signals at each button. The
//! closures are `Send + Sync`: they are stored while the page renders on the server too.

use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

type Call<I, O> =
    Box<dyn Fn(I) -> Pin<Box<dyn Future<Output = Result<O, AppError>>>> + Send + Sync>;
type Done<O> = Box<dyn Fn(O) + Send + Sync>;

pub struct Mutation<I: 'static, O: 'static> {
    /// True while the server works (buttons disable themselves on it).
    pub pending: RwSignal<bool>,
    /// Why the last attempt failed, until the next one starts.
    pub error: RwSignal<Option<AppError>>,
    call: StoredValue<Call<I, O>>,
    done: StoredValue<Done<O>>,
}

impl<I: 'static, O: 'static> Clone for Mutation<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static, O: 'static> Copy for Mutation<I, O> {}

/// `call` sends the change; `done` gets the server's answer when it succeeds.
pub fn mutation<I, O, F, Fut>(call: F, done: impl Fn(O) + Send + Sync + 'static) -> Mutation<I, O>
where
    F: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, AppError>> + 'static,
{
    Mutation {
        pending: RwSignal::new(false),
        error: RwSignal::new(None),
        call: StoredValue::new(Box::new(move |input| Box::pin(call(input)))),
        done: StoredValue::new(Box::new(done)),
    }
}

impl<I: 'static, O: 'static> Mutation<I, O> {
    /// Sends the change, unless one is still on its way.
    pub fn run(&self, input: I) {
        let this = *self;
        if this.pending.get_untracked() {
            return;
        }
        let Some(sent) = this.call.try_with_value(|call| call(input)) else {
            return;
        };
        this.pending.set(true);
        this.error.set(None);
        leptos::task::spawn_local(async move {
            match sent.await {
                Ok(answer) => {
                    this.done.try_with_value(|done| done(answer));
                }
                Err(e) => this.error.set(Some(e)),
            }
            this.pending.set(false);
        });
    }
}
