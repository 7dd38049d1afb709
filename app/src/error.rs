//! The one error type that crosses the wire. Each variant is something a user can act on.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", content = "message")]
pub enum AppError {
    /// A field of a form is missing or malformed; the message names the field.
    #[error("{0}")]
    Invalid(String),
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You don't have permission to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Something already exists (a portal address, an e-mail in this portal).
    #[error("{0}")]
    Conflict(String),
    #[error("Wrong e-mail or password.")]
    BadCredentials,
    #[error("Too many attempts. Please wait {0} seconds and try again.")]
    Throttled(u64),
    /// A plan limit (users, storage) would be exceeded.
    #[error("{0}")]
    LimitReached(String),
    /// This link was already used or has expired.
    #[error("This link has expired or was already used.")]
    LinkExpired,
    #[error("The file is too large (the limit is {0}).")]
    TooLarge(String),
    /// An unexpected failure; details are in the server log, never shown to users.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request could not reach the server or was malformed in transit.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 400,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::BadCredentials => 401,
            Self::Throttled(_) => 429,
            Self::LimitReached(_) => 403,
            Self::LinkExpired => 410,
            Self::TooLarge(_) => 413,
            Self::Internal => 500,
            Self::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => Self::Invalid(m),
            // On the server, undecodable arguments are the caller's mistake (an unknown
            // reaction, a malformed id); in the browser, an undecodable answer is transport.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => Self::Invalid(format!("Invalid request: {m}")),
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => Self::Transport(m),
            other => Self::Transport(other.to_string()),
        }
    }

    /// Serialises the error for the response and, for API clients, answers with the matching
    /// HTTP status (plain form posts keep Leptos' redirect back to the form).
    fn ser(&self) -> bytes::Bytes {
        #[cfg(feature = "ssr")]
        set_status(self.status());
        <JsonEncoding as server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| bytes::Bytes::from_static(br#"{"error":"Internal"}"#))
    }
}

#[cfg(feature = "ssr")]
fn set_status(status: u16) {
    use leptos::prelude::use_context;
    let from_form = crate::ssr::caller::is_plain_form_post();
    if let (false, Some(response), Ok(code)) = (
        from_form,
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Self::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                Self::Internal
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
