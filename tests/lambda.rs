//! Each HTTP function's Lambda handler fed the API Gateway HTTP API v2 events of `events/apigw/`, the way
//! the Lambda runtime feeds it (`lambda_http` parses the event into a request), on the embedded adapters.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use serde_json::Value;
use tower::ServiceExt;
use zairyu_http::{AppState, GeoPolicy, HttpConfig, OriginCheck};

mod support;
use support::*;

/// The origin secret the samples carry in `x-origin-verify` (a deployment's own comes from its stack).
const SAMPLE_ORIGIN_SECRET: &str = "sample-origin-secret-the-stack-generates-its-own";

fn config() -> HttpConfig {
    // As deployed: secure cookies, Japan only, only through the edge (the samples come through CloudFront
    // from Japan, with the origin header).
    let geo = GeoPolicy::from_config("japan", "").unwrap();
    let mut config = HttpConfig::new(true, geo).unwrap();
    config.origin = OriginCheck::from_config(SAMPLE_ORIGIN_SECRET, None).unwrap();
    config
}

fn state(w: &World) -> AppState {
    AppState::full(&w.svc, config())
}

fn event(name: &str) -> lambda_http::Request {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/apigw").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Turns the Lambda request into the body type the router takes, as `lambda_http::run` does.
fn into_axum(req: lambda_http::Request) -> axum::http::Request<Body> {
    let (parts, body) = req.into_parts();
    axum::http::Request::from_parts(parts, Body::from(body.to_vec()))
}

async fn call(app: axum::Router, req: lambda_http::Request) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = app.oneshot(into_axum(req)).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The sample's placeholders replaced by a live session.
fn with_session(mut req: lambda_http::Request, cookie: &str, csrf: &str) -> lambda_http::Request {
    req.headers_mut().insert("cookie", HeaderValue::from_str(cookie).unwrap());
    if req.headers().contains_key("x-csrf-token") {
        req.headers_mut().insert("x-csrf-token", HeaderValue::from_str(csrf).unwrap());
    }
    req
}

async fn logged_in(w: &World) -> (String, String) {
    let (status, headers, body) = call(zairyu_login::handler(state(w)), event("login.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("Secure"));
    (cookie.split(';').next().unwrap().to_owned(), body["csrf_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn login_function_handles_its_sample_event() {
    let w = World::new().await;
    let (cookie, csrf) = logged_in(&w).await;
    assert!(cookie.starts_with("zairyu_session=") && !csrf.is_empty());
    // The sample was sent from 133.1.2.3: the audit trail says so.
    let trail = w.audit("user:TANAKA01").await;
    assert_eq!(trail.last().unwrap().from.as_deref(), Some("133.1.2.3"));
}

#[tokio::test]
async fn submit_function_handles_its_sample_event() {
    let w = World::new().await;
    let (cookie, csrf) = logged_in(&w).await;
    let req = with_session(event("create-application.json"), &cookie, &csrf);
    let (status, _, body) = call(zairyu_submit::handler(state(&w)), req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"]["code"], "input_completed");
    assert_eq!(body["name"], "NGUYEN,VAN,AN");
}

#[tokio::test]
async fn status_function_handles_its_sample_event() {
    let w = World::new().await;
    let (cookie, csrf) = logged_in(&w).await;
    let created = with_session(event("create-application.json"), &cookie, &csrf);
    call(zairyu_submit::handler(state(&w)), created).await;
    let req = with_session(event("list-applications.json"), &cookie, &csrf);
    let (status, _, body) = call(zairyu_status::handler(state(&w)), req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_function_refuses_routes_of_another_function() {
    let w = World::new().await;
    let (status, _, body) = call(zairyu_status::handler(state(&w)), event("login.json")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn office_function_handles_its_sample_event() {
    let w = World::new().await;
    let (token, _) = w.login("OFFICER1").await;
    let req = with_session(event("office-queue.json"), &format!("zairyu_session={token}"), "");
    let (status, _, body) = call(zairyu_office::handler(state(&w)), req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["items"].as_array().unwrap().is_empty());
}

/// Q52: a request sent straight to the `execute-api` endpoint can write `CloudFront-Viewer-Country: JP`
/// itself; without the edge's origin secret it is refused before anything is read, and nothing is audited.
#[tokio::test]
async fn q52_a_request_that_did_not_come_through_the_edge_is_refused_whatever_country_it_claims() {
    let w = World::new().await;
    let forged = |secret: Option<&str>| {
        let mut req = event("login.json");
        req.headers_mut().remove("x-origin-verify");
        if let Some(s) = secret {
            req.headers_mut().insert("x-origin-verify", HeaderValue::from_str(s).unwrap());
        }
        req
    };
    for secret in [
        None,
        Some("guess"),
        Some(&SAMPLE_ORIGIN_SECRET[1..]),
        Some("sample-origin-secret-the-stack-generates-its-owN"),
    ] {
        let (status, headers, body) = call(zairyu_login::handler(state(&w)), forged(secret)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{secret:?}: {body}");
        assert_eq!(body["type"], "urn:zairyu:problem:not-via-edge", "{body}");
        assert!(body["detail_ja"].as_str().is_some_and(|d| d.contains("アドレス") && !d.contains("Q52")), "{body}");
        assert!(headers.get("set-cookie").is_none());
    }
    assert!(w.audit("user:TANAKA01").await.is_empty(), "nothing was tried");

    // Through the edge but from abroad: CloudFront's own viewer country is believed.
    let mut abroad = event("login.json");
    abroad.headers_mut().insert("cloudfront-viewer-country", HeaderValue::from_static("US"));
    let (status, _, body) = call(zairyu_login::handler(state(&w)), abroad).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["type"], "urn:zairyu:problem:outside-japan", "{body}");

    // During a rotation the previous secret still opens the door, and only it.
    let mut rotating = config();
    rotating.origin = OriginCheck::from_config(&"n".repeat(48), Some(SAMPLE_ORIGIN_SECRET)).unwrap();
    let (status, _, body) = call(zairyu_login::handler(AppState::full(&w.svc, rotating)), event("login.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[test]
fn a_deployed_function_will_not_start_without_its_origin_secret_and_cursor_key() {
    // `from_env` reads the process environment; the names it needs are in the template (drift test) and
    // the values are the stack's secrets. Without them it refuses to build a configuration.
    if std::env::var_os("ZAIRYU_ORIGIN_SECRET").is_none() && std::env::var_os("ZAIRYU_CURSOR_KEY").is_none() {
        let e = HttpConfig::from_env().unwrap_err();
        assert!(e.contains("ZAIRYU_ORIGIN_SECRET"), "{e}");
    }
}
