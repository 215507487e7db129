//! One span per request, named by its route template (never the raw path: a path can hold a residence card
//! number) and carrying a request ID — API Gateway's in Lambda, a generated one locally — that every log
//! line inside it carries and that the response names in `X-Request-Id`, so a user's report of a failure
//! finds its log lines.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The response header naming the request.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// API Gateway's request ID when the request came through it, else one of this process's own.
fn request_id(req: &Request) -> String {
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) =
        req.extensions().get::<lambda_http::request::RequestContext>()
        && let Some(id) = &ctx.request_id
    {
        return id.clone();
    }
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static STARTED: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let started = STARTED.get_or_init(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default()
    });
    format!("local-{started:x}-{:06x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The layer: the request's span, its outcome logged once at its end.
pub async fn trace_requests(req: Request, next: Next) -> Response {
    let id = request_id(&req);
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "-".into());
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), route = %route);
    async move {
        let started = Instant::now();
        let mut res = next.run(req).await;
        let status = res.status().as_u16();
        let elapsed_ms = started.elapsed().as_millis() as u64;
        if status >= 500 {
            tracing::error!(status, elapsed_ms, "request failed");
        } else {
            tracing::info!(status, elapsed_ms, "request done");
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(REQUEST_ID_HEADER, v);
        }
        res
    }
    .instrument(span)
    .await
}

/// The content security policy of every response: nothing but our own resources, no inline script, forms
/// posted to us only, never framed.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// [`CONTENT_SECURITY_POLICY`] with forms also posted to `origin` (`scheme://host[:port]`).
pub fn content_security_policy_posting_to(origin: &str) -> String {
    CONTENT_SECURITY_POLICY.replace("form-action 'self'", &format!("form-action 'self' {origin}"))
}

/// Security headers on every response (answers of the API, problems and the not-found fallback alike), and
/// `Cache-Control: no-store` on every response that does not say otherwise: an answer can hold personal
/// data and must not stay in a shared or browser cache.
pub async fn security_headers(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: Request,
    next: Next,
) -> Response {
    use axum::http::header;
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A page whose form posts elsewhere (a file straight to the object store) states its own policy.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
