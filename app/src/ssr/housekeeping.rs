//! The platform's own clean-up: expired sessions, sign-in hand-offs and failed-attempt records,
//! and the rate limiters' idle keys. Every node runs it; the deletes are idempotent.

use super::now_ms;
use super::state::AppState;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(600);

pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        let now = now_ms();
        for sql in [
            "DELETE FROM sessions WHERE expires_at < ?",
            "DELETE FROM login_handoffs WHERE expires_at < ?",
            "DELETE FROM login_attempts WHERE created_at < ? - 86400000",
        ] {
            if let Err(e) = sqlx::query(sql).bind(now).execute(&state.db.writer).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
        state.limits.forget_idle();
    }
}
