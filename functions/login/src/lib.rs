//! Lambda function `login`: log in and out, passwords, own user information (Q44, Q77, Q88-Q97).

use axum::Router;
use zairyu_http::{AppState, Function};

/// The handler Lambda runs: the shared router, limited to this function's routes.
pub fn handler(state: AppState) -> Router {
    zairyu_http::router(state, &[Function::Login])
}
