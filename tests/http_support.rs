//! Driving the real router (no socket) as an HTTP client would: shared by the HTTP tests and the log test.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // shared by several targets

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;
use zairyu_app::Services;
use zairyu_domain::fixtures::application_input;
use zairyu_http::{AppState, Function, GeoPolicy, HttpConfig};

use crate::support::{PASSWORD, Reaching, World};

/// The four HTTP functions as deployed, behind one router as the API routes to them: each its own routes, its
/// own services (and their per-instance caches), its table seen through its role (`Reaching`: a call its role
/// could not make in AWS fails the test).
pub fn router(w: &World, secure: bool, geo: GeoPolicy) -> Router {
    // One configuration for all, as the stack gives each function the same cursor key.
    let config = HttpConfig::new(secure, geo).unwrap();
    let functions: Vec<(Function, Router)> = Function::ALL
        .iter()
        .map(|&f| {
            let services = Services::new(Reaching::wiring(&w.wiring, f.role()));
            let state = AppState::for_functions(&[f], &services, config.clone()).unwrap();
            (f, zairyu_http::router(state, &[f]))
        })
        .collect();
    Router::new().fallback_service(tower::service_fn(move |req: Request<Body>| {
        let owner = function_of(req.method().as_str(), req.uri().path());
        let app = functions.iter().find(|(f, _)| *f == owner).map(|(_, r)| r.clone()).unwrap();
        app.oneshot(req)
    }))
}

/// Every function's routes in one process over the world's services, as the local server serves them.
pub fn one_instance(w: &World) -> Router {
    zairyu_http::router(AppState::full(&w.svc, HttpConfig::new(false, GeoPolicy::Off).unwrap()), &Function::ALL)
}

/// The function the API sends a request to: the one whose route matches its path (and its method, if one
/// does), the most literal route first; a path no route has goes to the log-in function (its 404 answer).
pub fn function_of(method: &str, path: &str) -> Function {
    let routes = zairyu_http::routes::all()
        .map(|r| (r.function, r.method, r.path))
        .chain(zairyu_http::web::pages().map(|p| (p.function, p.method, p.path)));
    let got: Vec<&str> = path.split('/').collect();
    routes
        .filter_map(|(f, m, template)| {
            let want: Vec<&str> = template.split('/').collect();
            let fits = want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| w.starts_with('{') || w == g);
            let literal = want.iter().filter(|w| !w.starts_with('{')).count();
            fits.then_some((m == method, literal, f))
        })
        .max_by_key(|(same_method, literal, _)| (*same_method, *literal))
        .map_or(Function::Login, |(_, _, f)| f)
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    /// The body as sent (for answers that are not JSON).
    pub bytes: axum::body::Bytes,
}

pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    Reply { status, headers, body, bytes }
}

/// A route's path with every `{param}` filled in.
pub fn concrete(path: &str) -> String {
    path.split('/').map(|seg| if seg.starts_with('{') { "some-id" } else { seg }).collect::<Vec<_>>().join("/")
}

/// An anonymous JSON request.
pub fn anon(method: &str, uri: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A logged-in client: its cookie and CSRF token.
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

impl Client {
    pub fn req(&self, method: &str, uri: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }

    pub fn json(&self, method: &str, uri: &str, body: Value) -> Request<Body> {
        self.req(method, uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    }
}

/// Q89: the client changes its e-mail address, giving the password in use.
pub async fn change_email(app: &Router, c: &Client, password: &str, email: &str) -> Reply {
    send(app, c.json("POST", "/api/me/email", json!({ "current_password": password, "email": email }))).await
}

pub async fn login(app: &Router, user: &str) -> Client {
    let body = json!({ "user_id": user, "password": PASSWORD });
    let r = send(app, anon("POST", "/api/login", &body)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    Client {
        cookie: cookie.split(';').next().unwrap().to_owned(),
        csrf: r.body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

pub fn assert_problem(r: &Reply, status: StatusCode, kind: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.headers.get(header::CONTENT_TYPE).unwrap(), "application/problem+json");
    assert_eq!(r.body["type"], format!("urn:zairyu:problem:{kind}"), "{:?}", r.body);
    assert_eq!(r.body["status"], status.as_u16());
    assert!(!r.body["detail"].as_str().unwrap().is_empty() && !r.body["detail_ja"].as_str().unwrap().is_empty());
    assert!(!r.body["rule"].as_str().unwrap().is_empty());
}

pub async fn new_application(app: &Router, c: &Client) -> String {
    let r = send(app, c.json("POST", "/api/applications", serde_json::to_value(application_input()).unwrap())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

pub fn photo_req(c: &Client, id: &str, bytes: Vec<u8>, ct: &str) -> Request<Body> {
    c.req("PUT", &format!("/api/applications/{id}/photo"))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(bytes))
        .unwrap()
}

/// Enters the application `body` as `c`, attaches a photo and files it; its ID.
pub async fn file(app: &Router, c: &Client, body: Value) -> String {
    let r = send(app, c.json("POST", "/api/applications", body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(send(app, photo_req(c, &id, crate::support::jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    let r = send(app, c.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    id
}

/// An office action on an application.
pub async fn act(app: &Router, c: &Client, id: &str, action: Value) -> Reply {
    send(app, c.json("POST", &format!("/api/office/applications/{id}/actions"), action)).await
}

/// An agent of org1 (its request for use recorded and approved at the counter, the first password set from
/// the approval's link), logged in; and its user ID.
pub async fn agent_of_org1(app: &Router, w: &World, clerk: &Client, office: &str) -> (Client, String) {
    let req = json!({ "kind": "additional", "requester_name": "Gyosei Taro", "requester_email": "taro@gyosei.example.jp",
        "is_agent": true, "written_request_on_file": true, "office_address": office });
    let r = send(app, clerk.json("POST", "/api/office/organizations/org1/requests-for-use", req)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/office/organizations/org1/requests-for-use/{id}/decision");
    let r = send(app, clerk.json("POST", &uri, json!({ "approve": true }))).await;
    let agent_id = r.body["issued_user_id"].as_str().unwrap().to_owned();
    let approved = zairyu_domain::notification::NotificationKind::RequestForUseApproved;
    let job = w.jobs().await.into_iter().find(|j| j.kind == approved).unwrap();
    let token = job.data["link"].split("token=").nth(1).unwrap().to_owned();
    send(app, anon("POST", "/api/password-reset", &json!({ "token": token, "password": "Gyosei#2026" }))).await;
    let r = send(app, anon("POST", "/api/login", &json!({ "user_id": agent_id, "password": "Gyosei#2026" }))).await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    (Client { cookie, csrf: r.body["csrf_token"].as_str().unwrap().to_owned() }, agent_id)
}
