use crate::error::AppError;
use leptos::prelude::*;

/// A readable error message, announced to screen readers.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    view! { <div class="alert alert-error" role="alert">{error.to_string()}</div> }
}

/// Shows an action's outcome: its error, or `success` once it succeeded.
#[component]
pub fn ActionResult<T, S>(
    value: S,
    #[prop(into, optional)] success: Option<String>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(e)) => Some(view! { <ErrorBox error=e/> }.into_any()),
        Some(Ok(_)) => success
            .clone()
            .map(|s| view! { <div class="alert alert-success" role="status">{s}</div> }.into_any()),
        None => None,
    }
}

/// What an empty list shows: what it is and what to do next.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] hint: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty">
            <div class="empty-art" aria-hidden="true"></div>
            <h3>{title}</h3>
            <p>{hint}</p>
            {children.map(|c| c())}
        </div>
    }
}
