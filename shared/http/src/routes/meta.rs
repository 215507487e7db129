//! What the API says of itself: its OpenAPI 3.1 document.

pub const ROUTES: &[RouteSpec] = &[RouteSpec {
    function: F::Status,
    method: "GET",
    path: "/api/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    session: false,
    body: B::None,
    query: None,
    reply: R::Json(document_schema),
    responses: &[200],
    handler: || get(openapi),
}];

#[cfg(feature = "openapi")]
use super::openapi::document_schema;
use crate::RouteSpec;
use crate::routes::B;
use crate::routes::F;
use crate::routes::R;
use axum::http::HeaderValue;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
#[cfg(not(feature = "openapi"))]
fn document_schema() {}

/// The document of the whole API, generated from every resource's route table by
/// [`document`](super::openapi::document) and kept in the repository, where a test holds it to the tables: the
/// `status` function serves it without carrying the other functions' routes.
pub const DOCUMENT: &str = include_str!("../../openapi.json");

async fn openapi() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
        ],
        DOCUMENT,
    )
        .into_response()
}
