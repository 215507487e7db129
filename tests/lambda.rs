//! Each HTTP function's Lambda handler fed the API Gateway HTTP API v2 events of `events/apigw/`, the way
//! the Lambda runtime feeds it (`lambda_http` parses the event into a request), on the embedded adapters.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use serde_json::Value;
use tower::ServiceExt;
use zairyu_http::{AppState, GeoPolicy, HttpConfig};

mod support;
use support::*;

fn state(w: &World) -> AppState {
    // As deployed: secure cookies, Japan only (the samples come through CloudFront from Japan).
    let geo = GeoPolicy::from_config("japan", "").unwrap();
    AppState::full(&w.svc, HttpConfig { secure_cookies: true, geo })
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
