//! Lambda function `submit`: enter, photograph, submit an application; change the receipt method (Q4, Q23-Q35, Q53).

use axum::Router;
use zairyu_http::{AppState, Function};

/// The handler Lambda runs: the shared router, limited to this function's routes.
pub fn handler(state: AppState) -> Router {
    zairyu_http::router(state, &[Function::Submit])
}
