//! The service as one router: the API's resources and the pages of the given functions, with the layers
//! every request passes (Japan only, through the edge, security headers, tracing).

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::extract::client_ip;
use crate::function::Function;
use crate::geo::GeoPolicy;
use crate::routes::RESOURCES;
use crate::{AppState, Problem};

/// The router of the given functions' routes, with the Japan-only layer (Q52).
pub fn router(state: AppState, functions: &[Function]) -> Router {
    crate::web::set_help_desk(&state.config.help_desk);
    // The pages and every resource's public routes go into one router; each resource's session routes,
    // layered, are merged into it once.
    let mut r: Router<AppState> = crate::web::add_pages(Router::new(), functions);
    let mut private = Vec::new();
    for resource in RESOURCES {
        let (public, session) = resource.add_to(r, &state, functions);
        r = public;
        private.extend(session);
    }
    for session in private {
        r = r.merge(session);
    }
    r.fallback(|uri: axum::http::Uri, headers: axum::http::HeaderMap| async move {
        // The API answers problems; every other path is a page's.
        if crate::web::is_page(uri.path()) {
            crate::web::not_found_page(crate::web::visitor_lang(&headers))
        } else {
            Problem::not_found().into_response()
        }
    })
    .method_not_allowed_fallback(|| async {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            "http.method",
            "this path does not take that method".into(),
            "このパスはそのメソッドを受け付けません。".into(),
        )
    })
    .layer(axum::extract::DefaultBodyLimit::max(crate::limits::DEFAULT))
    .layer(axum::middleware::from_fn_with_state(state.clone(), japan_only))
    .layer(axum::middleware::from_fn(header_limits))
    .layer(axum::middleware::from_fn_with_state(state.clone(), crate::edge::through_the_edge))
    .layer(axum::middleware::from_fn_with_state(state.clone(), crate::trace::security_headers))
    .layer(axum::middleware::from_fn(crate::trace::trace_requests))
    .with_state(state)
}

/// Q52: requests from outside Japan are refused, as the geo policy decides.
pub async fn japan_only(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.config.geo != GeoPolicy::Off {
        let (parts, body) = req.into_parts();
        let country = parts.headers.get("cloudfront-viewer-country").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let ip = client_ip(&parts);
        if !state.config.geo.allows(country.as_deref(), ip) {
            // A browser gets the explanation as a page in its language; the API, a problem.
            if crate::web::is_page(parts.uri.path()) {
                return crate::web::error_page(crate::web::visitor_lang(&parts.headers), &Problem::outside_japan());
            }
            return Problem::outside_japan().into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(req).await
}

/// Requests whose headers exceed [`crate::limits::HEADER_BYTES`] or [`crate::limits::HEADER_COUNT`] are refused
/// with a problem (a page for a page's path), before anything else reads them.
async fn header_limits(req: Request, next: Next) -> Response {
    let headers = req.headers();
    let bytes: usize = headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    if bytes <= crate::limits::HEADER_BYTES && headers.len() <= crate::limits::HEADER_COUNT {
        return next.run(req).await;
    }
    let problem = Problem::new(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "headers-too-large",
        "Request headers too large",
        "http.headers_too_large",
        format!(
            "the request's headers are over {} bytes or {} headers; send fewer (clear this site's cookies)",
            crate::limits::HEADER_BYTES,
            crate::limits::HEADER_COUNT
        ),
        "リクエストのヘッダーが大きすぎます。このサイトのCookieを削除してから、もう一度お試しください。".into(),
    );
    if crate::web::is_page(req.uri().path()) {
        return crate::web::error_page(crate::web::visitor_lang(req.headers()), &problem);
    }
    problem.into_response()
}
