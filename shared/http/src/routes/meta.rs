//! What the API says of itself: its OpenAPI 3.1 document.

use super::*;

pub const ROUTES: &[RouteSpec] = &[RouteSpec {
    function: F::Status,
    method: "GET",
    path: "/api/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    session: false,
    body: B::None,
    reply: R::Json(crate::openapi::document_schema),
    responses: &[200],
    handler: || get(openapi),
}];

async fn openapi() -> Response {
    let mut res = Json(crate::openapi::document()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res
}
