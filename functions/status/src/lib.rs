//! Lambda function `status`: the application list and status, the list of affiliated foreign nationals (Q50, Q51, Q80).

use axum::Router;
use zairyu_http::{AppState, Function};

/// The handler Lambda runs: the shared router, limited to this function's routes.
pub fn handler(state: AppState) -> Router {
    zairyu_http::router(state, &[Function::Status])
}
