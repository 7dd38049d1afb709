//! The labels of the values a picker starts with, before it renders.

use super::{Choice, Value};
use crate::error::AppError;
use crate::ui::ErrorBox;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::Arc;

/// Renders a picker with `values` already chosen, each with its label: from `known` at once,
/// the others by one `look_up` of them all, awaited under Suspense (so the server renders the
/// names, and the browser hydrates the same). A value the look-up leaves out (the caller may
/// not see it) keeps its place, labelled by `unknown`; a failed look-up says so beside it.
pub fn named<V, F, Fut>(
    values: Vec<V>,
    known: Vec<Choice<V>>,
    look_up: F,
    unknown: fn(&V) -> Choice<V>,
    render: impl Fn(Vec<Choice<V>>) -> AnyView + Send + Sync + 'static,
) -> AnyView
where
    V: Value + Serialize + DeserializeOwned,
    F: Fn(Vec<V>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<Choice<V>>, AppError>> + Send + 'static,
{
    let missing: Vec<V> = values
        .iter()
        .filter(|v| !known.iter().any(|k| k.value == **v))
        .cloned()
        .collect();
    let in_order = move |found: Vec<Choice<V>>| -> Vec<Choice<V>> {
        values
            .iter()
            .map(|v| {
                known
                    .iter()
                    .chain(&found)
                    .find(|c| c.value == *v)
                    .cloned()
                    .unwrap_or_else(|| unknown(v))
            })
            .collect()
    };
    if missing.is_empty() {
        return render(in_order(Vec::new()));
    }
    let names = Resource::new(|| (), move |_| look_up(missing.clone()));
    let in_order = Arc::new(in_order);
    let render = Arc::new(render);
    view! {
        <Suspense fallback=|| view! { <input type="text" disabled placeholder="Loading…"/> }>
            {
                let (in_order, render) = (in_order.clone(), render.clone());
                move || {
                    let (in_order, render) = (in_order.clone(), render.clone());
                    Suspend::new(async move {
                        match names.await {
                            Ok(found) => render(in_order(found)),
                            Err(error) => view! {
                                {render(in_order(Vec::new()))}
                                <ErrorBox error/>
                            }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
    .into_any()
}
