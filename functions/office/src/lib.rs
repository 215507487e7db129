//! Lambda function `office`: the immigration officers' side: the office queue, examination, residence cards, withdrawals (Q22, Q34, Q46-Q71).

use axum::Router;
use zairyu_http::{AppState, Function};

/// The handler Lambda runs: the shared router, limited to this function's routes.
pub fn handler(state: AppState) -> Router {
    zairyu_http::router(state, &[Function::Office])
}
