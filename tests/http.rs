//! The HTTP API through the real router (no socket): every route's success and failure classes, the
//! session cookie and CSRF, isolation between organizations, Japan-only access, problem+json errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use serde_json::{Value, json};
use zairyu_domain::fixtures::application_input;
use zairyu_http::routes::all as all_routes;
use zairyu_http::{AppState, Function, GeoPolicy, HttpConfig};

mod http_support;
mod support;
use http_support::*;
use support::*;

#[tokio::test]
/// #17 item 3: `SameSite=Lax`, so that a link from an e-mail arrives with the session (every change still
/// needs its CSRF token).
async fn login_sets_a_lax_http_only_cookie_secure_outside_local() {
    let w = World::new().await;
    for secure in [false, true] {
        let app = router(&w, secure, GeoPolicy::Off);
        let body = json!({ "user_id": "TANAKA01", "password": PASSWORD });
        let r = send(&app, anon("POST", "/api/login", &body)).await;
        assert_eq!(r.status, StatusCode::OK);
        let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert_eq!(cookie.contains("Secure"), secure);
        assert_eq!(r.body["user"]["user_id"], "TANAKA01");
        assert!(r.body["user"].get("password_hash").is_none());
    }
}

#[tokio::test]
async fn login_refusals_are_problems_in_both_languages() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let body = json!({ "user_id": "TANAKA01", "password": "Wrong#pass1" });
    let r = send(&app, anon("POST", "/api/login", &body)).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "login-refused");
    assert_eq!(r.body["rule"], "login.invalid_credentials");
    for _ in 0..4 {
        send(&app, anon("POST", "/api/login", &body)).await;
    }
    let right = json!({ "user_id": "TANAKA01", "password": PASSWORD });
    let r = send(&app, anon("POST", "/api/login", &right)).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "login-refused");
    assert_eq!(r.body["rule"], "login.locked");
}

/// A log-in from a known address, as every one behind the edge is: a wrong password counts against the
/// address and a right one reads that count, each through the log-in function's own role (the IAM twin: its
/// policy must let it read the address's flood counter, which a log-in without an address never touches).
#[tokio::test]
async fn a_log_in_from_an_address_reads_and_counts_its_failures_through_the_login_role() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let from = |body: &serde_json::Value| {
        let mut req = anon("POST", "/api/login", body);
        req.headers_mut().insert("x-forwarded-for", "203.0.113.5".parse().unwrap());
        req
    };
    let wrong = json!({ "user_id": "TANAKA01", "password": "Wrong#pass1" });
    assert_problem(&send(&app, from(&wrong)).await, StatusCode::UNAUTHORIZED, "login-refused");
    let right = json!({ "user_id": "TANAKA01", "password": PASSWORD });
    assert_eq!(send(&app, from(&right)).await.status, StatusCode::OK);
}

/// 100 parallel anonymous log-ins on a server that checks 2 passwords at once and lets 8 wait: the rest are
/// told at once to come back (429, `Retry-After`, problem+json in both languages), and nothing else fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_log_ins_is_bounded_and_the_excess_told_to_retry() {
    let w = World::new().await;
    let wiring = zairyu_app::Wiring {
        hasher: Arc::new(zairyu_runtime::Argon2Hasher::with(zairyu_runtime::Argon2Params::default(), 2, 8).unwrap()),
        ..w.wiring.clone()
    };
    let services = zairyu_app::Services::new(wiring);
    let state = AppState::full(&services, HttpConfig::new(false, GeoPolicy::Off).unwrap());
    let app = zairyu_http::router(state, &Function::ALL);
    let mut logins = tokio::task::JoinSet::new();
    for i in 0..100 {
        let app = app.clone();
        logins.spawn(async move {
            let body = json!({ "user_id": format!("NOBODY{i:02}"), "password": "Guess#1234" });
            send(&app, anon("POST", "/api/login", &body)).await
        });
    }
    let (mut refused, mut busy) = (0, 0);
    while let Some(r) = logins.join_next().await {
        let r = r.unwrap();
        match r.status {
            StatusCode::UNAUTHORIZED => refused += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_problem(&r, StatusCode::TOO_MANY_REQUESTS, "busy");
                assert_eq!(r.headers.get(header::RETRY_AFTER).unwrap(), "2");
                assert!(r.body["detail_ja"].as_str().unwrap().contains("集中"));
                busy += 1;
            }
            other => panic!("{other}: {:?}", r.body),
        }
    }
    assert!(refused >= 10 && busy > 0 && refused + busy == 100, "refused {refused}, busy {busy}");
    // Once the burst is over, log-in works again.
    let right = json!({ "user_id": "TANAKA01", "password": PASSWORD });
    assert_eq!(send(&app, anon("POST", "/api/login", &right)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn too_many_reset_requests_are_a_429_problem_with_retry_after() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let body = json!({ "user_id": "NOBODY99", "email": "x@example.jp" });
    for _ in 0..5 {
        assert_eq!(send(&app, anon("POST", "/api/password-reset/request", &body)).await.status, StatusCode::ACCEPTED);
    }
    let r = send(&app, anon("POST", "/api/password-reset/request", &body)).await;
    assert_problem(&r, StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
    assert_eq!(r.body["rule"], "flood.password_reset");
    let seconds: u32 = r.headers.get(header::RETRY_AFTER).unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&seconds), "{seconds}");
    assert!(r.body["detail_ja"].as_str().unwrap().contains(&format!("{seconds}秒後")));
}

#[tokio::test]
async fn bad_bodies_get_4xx_problems_never_500() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let post = |ct: &str, body: String| {
        Request::builder()
            .method("POST")
            .uri("/api/login")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    assert_problem(
        &send(&app, post("application/json", "{not json".into())).await,
        StatusCode::BAD_REQUEST,
        "malformed-body",
    );
    let unknown = json!({ "user_id": "A", "password": "B", "admin": true }).to_string();
    assert_problem(&send(&app, post("application/json", unknown)).await, StatusCode::BAD_REQUEST, "malformed-body");
    assert_problem(
        &send(&app, post("text/plain", "{}".into())).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    );
    let huge = format!("{{\"user_id\":\"{}\",\"password\":\"x\"}}", "a".repeat(300 * 1024));
    assert_problem(
        &send(&app, post("application/json", huge)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
    );
    let r = send(&app, Request::builder().uri("/api/nowhere").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = send(&app, Request::builder().method("DELETE").uri("/api/me").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
}

#[tokio::test]
async fn sessions_and_csrf() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let r = send(&app, Request::builder().uri("/api/me").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    let c = login(&app, "TANAKA01").await;
    let r = send(&app, c.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["email"], "tanaka@sakura.example.jp");
    // A state-changing request without the CSRF header, or with a wrong one, is refused.
    let no_csrf = Request::builder()
        .method("POST")
        .uri("/api/me/email")
        .header(header::COOKIE, &c.cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "current_password": PASSWORD, "email": "x@example.jp" }).to_string()))
        .unwrap();
    assert_problem(&send(&app, no_csrf).await, StatusCode::FORBIDDEN, "csrf");
    let forged = Client { cookie: c.cookie.clone(), csrf: "forged".into() };
    assert_problem(&change_email(&app, &forged, PASSWORD, "x@example.jp").await, StatusCode::FORBIDDEN, "csrf");
    let r = change_email(&app, &c, PASSWORD, "hanako@sakura.example.jp").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["email"], "hanako@sakura.example.jp");
    // Q44: 30 idle minutes end the session.
    w.clock.advance(Duration::minutes(30));
    assert_problem(
        &send(&app, c.req("GET", "/api/me").body(Body::empty()).unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn passwords_change_and_reset_over_http() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let c = login(&app, "TANAKA01").await;
    let r = send(
        &app,
        c.json("POST", "/api/me/password", json!({ "current_password": PASSWORD, "new_password": "short" })),
    )
    .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["field"], "new_password");
    let r = send(
        &app,
        c.json("POST", "/api/me/password", json!({ "current_password": PASSWORD, "new_password": "Kaede#2027x" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let body = json!({ "user_id": "TANAKA01", "email": "tanaka@sakura.example.jp" });
    let r = send(&app, anon("POST", "/api/password-reset/request", &body)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let link = w
        .jobs()
        .await
        .into_iter()
        .find(|j| j.kind == zairyu_domain::notification::NotificationKind::PasswordResetLink)
        .unwrap();
    let token = link.data["link"].split("token=").nth(1).unwrap().to_owned();
    let body = json!({ "token": token, "password": "Momiji#2027" });
    let r = send(&app, anon("POST", "/api/password-reset", &body)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(&app, anon("POST", "/api/password-reset", &body)).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "link-invalid");
    // The reset ended every session, this one too.
    let r = send(&app, c.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    let body = json!({ "user_id": "TANAKA01", "password": "Momiji#2027" });
    let r = send(&app, anon("POST", "/api/login", &body)).await;
    assert_eq!(r.status, StatusCode::OK);
    let c = Client {
        cookie: r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned(),
        csrf: r.body["csrf_token"].as_str().unwrap().to_owned(),
    };
    let r = send(&app, c.req("POST", "/api/logout").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn application_life_over_http_with_every_field_error_at_once() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let c = login(&app, "TANAKA01").await;
    let mut bad = serde_json::to_value(application_input()).unwrap();
    bad["name"] = json!("Nguyen Van An");
    bad["postcode"] = json!("1");
    bad["sex"] = json!("?");
    let r = send(&app, c.json("POST", "/api/applications", bad)).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "sex", "postcode"]);
    assert!(r.body["errors"][0]["message_ja"].as_str().unwrap().contains("半角大文字"));

    let id = new_application(&app, &c).await;
    let r = send(&app, c.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["rule"], "application.photo_missing");
    assert_problem(
        &send(&app, photo_req(&c, &id, jpeg(), "image/png")).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    );
    assert_problem(
        &send(&app, photo_req(&c, &id, vec![0xFF; 51_201], "image/jpeg")).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let r = send(&app, photo_req(&c, &id, png, "image/jpeg")).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["rule"], "photo.not_jpeg");
    // A truncated JPEG (its header whole) and a 651-byte file whose header claims 65,500 × 65,500 pixels are
    // refused by decoding, with the Q23 problem in both languages.
    let whole = jpeg();
    let r = send(&app, photo_req(&c, &id, whole[..whole.len() - 100].to_vec(), "image/jpeg")).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["rule"], "photo.corrupt");
    assert!(r.body["errors"][0]["message_ja"].as_str().unwrap().contains("破損"));
    let mut huge = zairyu_domain::fixtures::jpeg(240, 320, 651 - whole.len() - 4);
    let sof = huge.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    huge[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xDC, 0xFF, 0xDC]);
    assert_eq!(huge.len(), 651);
    let r = send(&app, photo_req(&c, &id, huge, "image/jpeg")).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["rule"], "photo.dimensions");
    assert!(r.body["errors"][0]["message_en"].as_str().unwrap().contains("65500 × 65500"));
    let r = send(&app, c.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["photo_attached"], false, "no refused photo is kept");
    let r = send(&app, photo_req(&c, &id, jpeg(), "image/jpeg")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["photo_attached"], true);
    let r = send(&app, c.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"]["code"], "application_completed");
    assert_eq!(r.body["status"]["label_ja"], "申請完了");
    assert_eq!(r.body["receipt_date"], "2026-11-27");
    assert!(r.body["temporary_receipt_number"].as_str().unwrap().starts_with("TMP-20261127-"));

    let r = send(
        &app,
        c.json("PUT", &format!("/api/applications/{id}/receipt-method"), json!({ "receipt_method": "by pigeon" })),
    )
    .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // A residence card is not e-mailed: only a certificate of eligibility is (a well-formed way it does not offer).
    let r = send(
        &app,
        c.json("PUT", &format!("/api/applications/{id}/receipt-method"), json!({ "receipt_method": "email" })),
    )
    .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(
        (&r.body["errors"][0]["field"], &r.body["errors"][0]["rule"]),
        (&json!("receipt_method"), &json!("application.receipt_method_not_offered")),
        "{:?}",
        r.body
    );
    assert!(r.body["errors"][0]["message_ja"].as_str().unwrap().contains("メール"), "{:?}", r.body);
    let r = send(&app, c.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["receipt_method"], "post", "unchanged");
    let r = send(
        &app,
        c.json("PUT", &format!("/api/applications/{id}/receipt-method"), json!({ "receipt_method": "counter" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["receipt_method"], "counter");

    let r = send(&app, c.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    let r = send(&app, c.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["form"]["address"]["prefecture"], "東京都");
    assert_eq!(r.body["photo"]["width"], 240);
    assert_eq!(r.body["status"]["code"], "application_completed");
    let r = send(&app, c.req("GET", "/api/foreign-nationals").body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["items"][0]["filing_window"]["opens"], "2026-10-20");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_click_on_submit_gives_one_number() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let c = login(&app, "TANAKA01").await;
    let id = new_application(&app, &c).await;
    send(&app, photo_req(&c, &id, jpeg(), "image/jpeg")).await;
    let uri = format!("/api/applications/{id}/submit");
    let (a, b) = tokio::join!(
        send(&app, c.req("POST", &uri).header("idempotency-key", "k1").body(Body::empty()).unwrap()),
        send(&app, c.req("POST", &uri).header("idempotency-key", "k1").body(Body::empty()).unwrap())
    );
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(a.body["temporary_receipt_number"], b.body["temporary_receipt_number"]);
    let r = send(&app, c.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn q16_every_route_answers_404_for_another_organizations_application_and_it_is_audited() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let suzuki = login(&app, "SUZUKI02").await;
    let id = new_application(&app, &tanaka).await;
    let attempts = vec![
        suzuki.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap(),
        photo_req(&suzuki, &id, jpeg(), "image/jpeg"),
        suzuki.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap(),
        suzuki.json("PUT", &format!("/api/applications/{id}/receipt-method"), json!({ "receipt_method": "counter" })),
    ];
    let n = attempts.len();
    for req in attempts {
        assert_problem(&send(&app, req).await, StatusCode::NOT_FOUND, "not-found");
    }
    let r = send(&app, suzuki.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    assert!(r.body["items"].as_array().unwrap().is_empty());
    let trail = w.audit(&format!("application:{id}")).await;
    let refused: Vec<_> = trail
        .iter()
        .filter(|e| e.actor == "SUZUKI02" && e.action == zairyu_domain::audit::AuditAction::Access)
        .collect();
    assert_eq!(refused.len(), n);
}

#[tokio::test]
async fn q52_japan_only_when_switched_on() {
    let w = World::new().await;
    let policy = GeoPolicy::from_config("japan", "133.0.0.0/8").unwrap();
    let app = router(&w, true, policy);
    let get = |headers: &[(&str, &str)]| {
        let mut b = Request::builder().uri("/api/openapi.json");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    };
    assert_problem(&send(&app, get(&[])).await, StatusCode::FORBIDDEN, "outside-japan");
    assert_problem(
        &send(&app, get(&[("cloudfront-viewer-country", "US")])).await,
        StatusCode::FORBIDDEN,
        "outside-japan",
    );
    assert_eq!(send(&app, get(&[("cloudfront-viewer-country", "JP")])).await.status, StatusCode::OK);
    assert_eq!(send(&app, get(&[("x-forwarded-for", "8.8.8.8, 133.1.2.3")])).await.status, StatusCode::OK);
    assert_problem(
        &send(&app, get(&[("x-forwarded-for", "133.1.2.3, 8.8.8.8")])).await,
        StatusCode::FORBIDDEN,
        "outside-japan",
    );
    // Off (the local default): the same request passes.
    let open = router(&w, false, GeoPolicy::Off);
    assert_eq!(send(&open, get(&[("cloudfront-viewer-country", "US")])).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_and_the_router_agree() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let r = send(&app, Request::builder().uri("/api/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["openapi"], "3.1.0");
    let paths = r.body["paths"].as_object().unwrap();
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, all_routes().count());
    for spec in all_routes() {
        assert!(paths[spec.path].get(spec.method.to_lowercase()).is_some(), "{} {}", spec.method, spec.path);
        // Every declared route is served: without a session it is refused, never "not found".
        let uri = concrete(spec.path);
        let req = Request::builder()
            .method(spec.method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let status = send(&app, req).await.status;
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{} {} → {status}",
            spec.method,
            spec.path
        );
    }
}

/// Each function, built as its Lambda main builds it (only the services of its own routes), serves exactly
/// its own routes, and every one of them has the services it uses: called with a session, none answers 500
/// (a route without its service would, before reading anything).
#[tokio::test]
async fn each_function_serves_exactly_its_own_routes_with_the_services_they_use() {
    let w = World::new().await;
    let full = router(&w, false, GeoPolicy::Off);
    for f in Function::ALL {
        let state = AppState::for_functions(&[f], &w.svc, HttpConfig::new(false, GeoPolicy::Off).unwrap()).unwrap();
        let app = zairyu_http::router(state, &[f]);
        for spec in all_routes() {
            let uri = concrete(spec.path);
            // Without a session a served route is refused, never "not found".
            let anonymous = Request::builder()
                .method(spec.method)
                .uri(&uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let status = send(&app, anonymous).await.status;
            let served = status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED;
            assert_eq!(served, spec.function == f, "{f:?}: {} {} → {status}", spec.method, spec.path);
            if !served {
                continue;
            }
            // A session of its own for each call (one of the routes is the log-out), each in a new window of
            // the flood limits (20 log-ins of one user ID in ten minutes).
            w.clock.advance(Duration::minutes(10));
            let client =
                login(&full, if spec.path.starts_with("/api/office/") { "OFFICER1" } else { "TANAKA01" }).await;
            let req = client
                .req(spec.method, &uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let r = send(&app, req).await;
            assert_ne!(
                r.status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{f:?}: {} {} {:?}",
                spec.method,
                spec.path,
                r.body
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// The office side

async fn filed(app: &Router, c: &Client, edit: impl FnOnce(&mut Value)) -> String {
    let mut input = serde_json::to_value(application_input()).unwrap();
    edit(&mut input);
    file(app, c, input).await
}

#[tokio::test]
async fn q51_q55_q71_life_by_post_from_filing_to_the_card() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    let id = filed(&app, &tanaka, |_| {}).await;

    let queue = send(
        &app,
        officer.req("GET", "/api/office/applications?status=application_completed").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(queue.status, StatusCode::OK, "{:?}", queue.body);
    assert_eq!(queue.body["items"][0]["id"], id.as_str());

    assert_eq!(act(&app, &officer, &id, json!({ "action": "start_examination" })).await.status, StatusCode::OK);
    assert_eq!(act(&app, &officer, &id, json!({ "action": "request_documents" })).await.status, StatusCode::OK);
    // The expiry follows from the period (from the day after the current expiry, 2027-01-20): one given
    // that differs is refused naming the right one, beside the expiry.
    let r =
        act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-21" }))
            .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["field"], "expiry_date", "{:?}", r.body);
    assert_eq!(r.body["errors"][0]["rule"], "application.permitted_expiry_differs");
    assert!(r.body["detail"].as_str().unwrap().contains("2030-01-20"), "{:?}", r.body);
    assert!(r.body["detail_ja"].as_str().unwrap().contains("3年の満了日は2030-01-20"), "{:?}", r.body);
    // Without it, the period alone decides it.
    let r = act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "3Y" })).await;
    assert_eq!(r.body["status"]["code"], "waiting_for_issuance", "{:?}", r.body);
    assert_eq!(r.body["decision"]["outcome"], "permitted");
    assert_eq!((&r.body["decision"]["period"], &r.body["decision"]["expiry"]), (&json!("3Y"), &json!("2030-01-20")));
    // The user may no longer switch to the counter (Q53).
    let r = send(
        &app,
        tanaka.json("PUT", &format!("/api/applications/{id}/receipt-method"), json!({ "receipt_method": "counter" })),
    )
    .await;
    assert_problem(&r, StatusCode::CONFLICT, "application-state");
    // No card before the signed fee notice is in (Q55, Q65).
    let r = act(&app, &officer, &id, json!({ "action": "issue_card_by_post", "dispatched_on": "2026-12-10" })).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let docs = json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": true });
    assert_eq!(act(&app, &officer, &id, docs).await.status, StatusCode::OK);
    let r = act(&app, &officer, &id, json!({ "action": "issue_card_by_post", "dispatched_on": "2026-12-10" })).await;
    assert_eq!(r.body["status"]["code"], "completed");

    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind.code()).collect();
    for k in ["documents_requested", "examination_completed", "residence_card_issued"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
}

#[tokio::test]
async fn q54_q67_life_at_the_counter_and_no_third_party() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    let id = filed(&app, &tanaka, |i| i["receipt_method"] = json!("counter")).await;
    act(&app, &officer, &id, json!({ "action": "start_examination" })).await;
    let r =
        act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "1Y", "expiry_date": "2028-01-20" }))
            .await;
    assert_eq!(r.body["status"]["code"], "examination_completed");
    let r = act(
        &app,
        &officer,
        &id,
        json!({ "action": "hand_over_at_counter", "collector": "third_party", "fee_notice_signed": true }),
    )
    .await;
    assert_eq!(r.body["rule"], "application.third_party_collector");
    let r = act(
        &app,
        &officer,
        &id,
        json!({ "action": "hand_over_at_counter", "collector": "applicant", "fee_notice_signed": true }),
    )
    .await;
    assert_eq!(r.body["status"]["code"], "completed");
}

#[tokio::test]
async fn q48_q49_withdrawals() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let clerk = login(&app, "CLERK01").await;
    let with_re_entry = filed(&app, &tanaka, |i| i["procedures"] = json!(["extension", "re_entry_multiple"])).await;
    let r =
        act(&app, &clerk, &with_re_entry, json!({ "action": "withdraw_attachment", "attachment": "re_entry" })).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["withdrawn_attachments"], json!(["re_entry"]));
    assert_eq!(r.body["status"]["code"], "application_completed");
    let card = w.another_person().await.residence_card_number;
    let other = filed(&app, &tanaka, |i| i["residence_card_number"] = json!(card)).await;
    let r = act(&app, &clerk, &other, json!({ "action": "withdraw" })).await;
    assert_eq!(r.body["status"]["code"], "withdrawn");
    // Withdrawn, the person's application is no longer open: a new one may be entered (Q48), and while the
    // other is open, none (#14 item 2): a 409 problem naming the open one.
    let again = send(&app, tanaka.json("POST", "/api/applications", json!(application_input()))).await;
    assert_problem(&again, StatusCode::CONFLICT, "application-open");
    assert!(again.body["detail"].as_str().unwrap().contains(&with_re_entry), "{:?}", again.body);
    let mut input = serde_json::to_value(application_input()).unwrap();
    input["residence_card_number"] = json!(card);
    let r = send(&app, tanaka.json("POST", "/api/applications", input)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

/// #31 item 6: an entry is changed or discarded by its user before filing (and by no one once filed); an
/// officer withdraws an entered one too; either way the person is free for another application.
#[tokio::test]
async fn an_entry_is_changed_or_discarded_before_filing_and_an_officer_may_withdraw_it() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let suzuki = login(&app, "SUZUKI02").await;
    let clerk = login(&app, "CLERK01").await;
    let created = send(&app, tanaka.json("POST", "/api/applications", json!(application_input()))).await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let mut changed = serde_json::to_value(application_input()).unwrap();
    changed["desired_period_of_stay"] = json!("1Y");
    let r = send(&app, tanaka.json("PUT", &format!("/api/applications/{id}/entry"), changed.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let detail = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(detail.body["form"]["desired_period_of_stay"], "1Y", "{:?}", detail.body);
    // Another person on the same entry is another entry; a change that does not read is a 422.
    let mut other = changed.clone();
    other["residence_card_number"] = json!(w.another_person().await.residence_card_number);
    let r = send(&app, tanaka.json("PUT", &format!("/api/applications/{id}/entry"), other)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let mut wrong = changed.clone();
    wrong["postcode"] = json!("1000");
    assert_problem(
        &send(&app, tanaka.json("PUT", &format!("/api/applications/{id}/entry"), wrong)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
    // Another organization's user finds nothing to change or discard.
    let r = send(&app, suzuki.json("PUT", &format!("/api/applications/{id}/entry"), changed.clone())).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let discard =
        |c: &Client, id: &str| c.req("POST", &format!("/api/applications/{id}/discard")).body(Body::empty()).unwrap();
    assert_problem(&send(&app, discard(&suzuki, &id)).await, StatusCode::NOT_FOUND, "not-found");
    let r = send(&app, discard(&tanaka, &id)).await;
    assert_eq!(r.body["status"]["code"], "withdrawn", "{:?}", r.body);
    // The person is free: entered again, filed, and then neither changed nor discarded.
    let again = filed(&app, &tanaka, |_| {}).await;
    assert_problem(&send(&app, discard(&tanaka, &again)).await, StatusCode::CONFLICT, "application-state");
    let r = send(&app, tanaka.json("PUT", &format!("/api/applications/{again}/entry"), changed)).await;
    assert_problem(&r, StatusCode::CONFLICT, "application-state");
    // An officer withdraws an entry not yet filed.
    let card = w.another_person().await.residence_card_number;
    let mut input = serde_json::to_value(application_input()).unwrap();
    input["residence_card_number"] = json!(card);
    let entered = send(&app, tanaka.json("POST", "/api/applications", input)).await;
    let entered = entered.body["id"].as_str().unwrap().to_owned();
    let r = act(&app, &clerk, &entered, json!({ "action": "withdraw" })).await;
    assert_eq!(r.body["status"]["code"], "withdrawn", "{:?}", r.body);
}

#[tokio::test]
async fn the_office_authorization_matrix() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let clerk = login(&app, "CLERK01").await;
    let osaka = login(&app, "OSAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    let id = filed(&app, &tanaka, |_| {}).await;
    // An organization user reaches no office route.
    for req in [
        tanaka.req("GET", "/api/office/applications?status=application_completed").body(Body::empty()).unwrap(),
        tanaka.req("GET", &format!("/api/office/applications/{id}")).body(Body::empty()).unwrap(),
        tanaka.json(
            "POST",
            &format!("/api/office/applications/{id}/actions"),
            json!({ "action": "start_examination" }),
        ),
        tanaka
            .req("PUT", &format!("/api/office/applications/{id}/photo"))
            .header(header::CONTENT_TYPE, "image/jpeg")
            .body(Body::from(jpeg()))
            .unwrap(),
    ] {
        assert_problem(&send(&app, req).await, StatusCode::FORBIDDEN, "forbidden");
    }
    // An officer of another office: the application does not exist for them, and the attempt is audited.
    let r = act(&app, &osaka, &id, json!({ "action": "start_examination" })).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    let r = send(
        &app,
        osaka
            .req("GET", "/api/office/applications?status=application_completed&office=tokyo")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    assert!(
        w.audit(&format!("application:{id}"))
            .await
            .iter()
            .any(|e| e.actor == "OSAKA01" && e.action == zairyu_domain::audit::AuditAction::Access)
    );
    // The wrong role.
    let r = act(&app, &clerk, &id, json!({ "action": "start_examination" })).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    // The wrong status.
    let r =
        act(&app, &officer, &id, json!({ "action": "permit", "period_of_stay": "1Y", "expiry_date": "2028-01-20" }))
            .await;
    assert_problem(&r, StatusCode::CONFLICT, "application-state");
    // Bad bodies and queries.
    let r = act(&app, &officer, &id, json!({ "action": "launch_rocket" })).await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "malformed-body");
    let r =
        send(&app, officer.req("GET", "/api/office/applications?status=sleeping").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // Officers are not organization users either.
    let r = send(&app, officer.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn q63_the_office_replaces_a_wrong_photo() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    let id = filed(&app, &tanaka, |_| {}).await;
    let req = officer
        .req("PUT", &format!("/api/office/applications/{id}/photo"))
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(Body::from(jpeg()))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r =
        send(&app, officer.req("GET", &format!("/api/office/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["photo"]["height"], 320);
}

#[tokio::test]
async fn scenario_1_first_use_from_request_to_first_log_in() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    let org = json!({ "kind": "corporation", "name": "Sakura Systems K.K.", "location": "Chiyoda-ku, Tokyo", "corporate_number": "7011001021234", "office": "tokyo" });
    let r = send(&app, clerk.json("POST", "/api/office/organizations", org)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let org_id = r.body["id"].as_str().unwrap().to_owned();
    let bad = json!({ "kind": "corporation", "name": "X", "location": "Y", "corporate_number": "7011001021235", "office": "tokyo" });
    let r = send(&app, clerk.json("POST", "/api/office/organizations", bad)).await;
    assert_eq!(r.body["errors"][0]["rule"], "corporate_number.check_digit");
    // An additional request before the first approval is refused (Q3).
    let additional =
        json!({ "kind": "additional", "requester_name": "Sato", "requester_email": "sato@sakura.example.jp" });
    let r = send(&app, clerk.json("POST", &format!("/api/office/organizations/{org_id}/requests-for-use"), additional))
        .await;
    assert_eq!(r.body["errors"][0]["rule"], "request_for_use.not_yet_approved");
    let new =
        json!({ "kind": "new", "requester_name": "Tanaka Ichiro", "requester_email": "ichiro@sakura.example.jp" });
    let r = send(&app, clerk.json("POST", &format!("/api/office/organizations/{org_id}/requests-for-use"), new)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let req_id = r.body["id"].as_str().unwrap().to_owned();
    let r = send(
        &app,
        clerk.json(
            "POST",
            &format!("/api/office/organizations/{org_id}/requests-for-use/{req_id}/decision"),
            json!({ "approve": true }),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let user_id = r.body["issued_user_id"].as_str().unwrap().to_owned();
    let r =
        send(&app, clerk.req("GET", &format!("/api/office/organizations/{org_id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["approval"]["approved_on"], "2026-11-27");
    assert_eq!(r.body["approval"]["expires_on"], "2027-11-26", "one year less a day (Q14)");
    // The result e-mail carries the user ID and the one-time link (Q88).
    let job = w
        .jobs()
        .await
        .into_iter()
        .find(|j| j.kind == zairyu_domain::notification::NotificationKind::RequestForUseApproved)
        .unwrap();
    assert_eq!(job.to[0].email.as_str(), "ichiro@sakura.example.jp");
    assert_eq!(job.data["user_id"], user_id);
    let token = job.data["link"].split("token=").nth(1).unwrap().to_owned();
    let body = json!({ "token": token, "password": "Sakura#2026x" });
    assert_eq!(send(&app, anon("POST", "/api/password-reset", &body)).await.status, StatusCode::NO_CONTENT);
    let body = json!({ "user_id": user_id, "password": "Sakura#2026x" });
    let r = send(&app, anon("POST", "/api/login", &body)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["user"]["organization_id"], org_id.as_str());
}

#[tokio::test]
async fn scenario_2_an_agent_needs_the_written_request_and_gets_one_id_per_organization() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    let agent = |written: bool| json!({ "kind": "additional", "requester_name": "Gyosei Taro", "requester_email": "taro@gyosei.example.jp", "is_agent": true, "written_request_on_file": written, "office_address": "3-3-3 Toranomon, Minato-ku, Tokyo" });
    let r = send(&app, clerk.json("POST", "/api/office/organizations/org1/requests-for-use", agent(false))).await;
    assert_eq!(r.body["errors"][0]["rule"], "request_for_use.written_request_missing");
    let mut ids = Vec::new();
    for org in ["org1", "org2"] {
        let r =
            send(&app, clerk.json("POST", &format!("/api/office/organizations/{org}/requests-for-use"), agent(true)))
                .await;
        let req = r.body["id"].as_str().unwrap().to_owned();
        let r = send(
            &app,
            clerk.json(
                "POST",
                &format!("/api/office/organizations/{org}/requests-for-use/{req}/decision"),
                json!({ "approve": true }),
            ),
        )
        .await;
        ids.push(r.body["issued_user_id"].as_str().unwrap().to_owned());
    }
    assert_ne!(ids[0], ids[1], "one user ID per organization served (Q19, Q20)");
    for (id, org) in ids.iter().zip(["org1", "org2"]) {
        let r = send(&app, clerk.req("GET", &format!("/api/office/users/{id}")).body(Body::empty()).unwrap()).await;
        assert_eq!(r.body["kind"], "agent");
        assert_eq!(r.body["organization_id"], org);
    }
}

#[tokio::test]
async fn q80_the_list_is_kept_by_the_counter() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    let person = json!({ "name": "SILVA,ANA", "nationality": "Brazil", "birth_date": "19920101", "sex": "female", "status_of_residence": "student", "period_of_stay": "1Y", "expiry_date": "20270115" });
    let r =
        send(&app, clerk.json("PUT", "/api/office/organizations/org1/foreign-nationals/ZZ11223344YY", person)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let bad = json!({ "name": "Silva Ana", "nationality": "Brazil", "birth_date": "1992", "sex": "女", "status_of_residence": "student", "period_of_stay": "1Y", "expiry_date": "20270115" });
    let r = send(&app, clerk.json("PUT", "/api/office/organizations/org1/foreign-nationals/ZZ11223344YY", bad)).await;
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 2);
    let tanaka = login(&app, "TANAKA01").await;
    let r = send(&app, tanaka.req("GET", "/api/foreign-nationals").body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let r = send(
        &app,
        clerk
            .req("DELETE", "/api/office/organizations/org1/foreign-nationals/ZZ11223344YY")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(
        &app,
        clerk
            .req("DELETE", "/api/office/organizations/org1/foreign-nationals/ZZ11223344YY")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    // Another office's organization does not exist for this counter.
    let osaka = login(&app, "OSAKA01").await;
    let r = send(&app, osaka.req("GET", "/api/office/organizations/org1").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn q92_q96_the_counter_manages_users_and_q79_protects_pending_examinations() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    for _ in 0..5 {
        send(&app, anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": "Wrong#pass1" }))).await;
    }
    let r =
        send(&app, clerk.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": "lift_lockout" }))).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let tanaka = login(&app, "TANAKA01").await;
    send(&app, clerk.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": "suspend" }))).await;
    let r = send(&app, anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": PASSWORD }))).await;
    assert_eq!(r.body["rule"], "login.user_suspended");
    assert_problem(
        &send(&app, tanaka.req("GET", "/api/me").body(Body::empty()).unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    send(&app, clerk.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": "resume" }))).await;
    let tanaka = login(&app, "TANAKA01").await;
    // Staff are not agents: the agent deletion refuses them.
    let r =
        send(&app, clerk.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": "delete_agent" }))).await;
    assert_eq!(r.body["errors"][0]["rule"], "user.action_not_offered");
    assert_eq!(send(&app, tanaka.req("GET", "/api/me").body(Body::empty()).unwrap()).await.status, StatusCode::OK);
}

/// Q92–Q97: the counter of any office — the nearest one the user came to — finds the user by e-mail address
/// or by organization and name, tells the user ID, lifts a lock and sends a reset link, and the audit trail
/// names the office; what is the organization's own office's (a suspension) stays there.
#[tokio::test]
async fn q92_q97_any_office_s_counter_finds_a_user_lifts_a_lock_and_sends_a_link() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    // OSAKA01 is at Osaka's counter; TANAKA01's organization is Tokyo's.
    let osaka = login(&app, "OSAKA01").await;
    for _ in 0..5 {
        send(&app, anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": "Wrong#pass1" }))).await;
    }
    let found =
        send(&app, osaka.json("POST", "/api/office/users/search", json!({ "email": "tanaka@sakura.example.jp" })))
            .await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
    assert_eq!(found.body["items"][0]["user_id"], "TANAKA01");
    let named =
        send(&app, osaka.req("GET", "/api/office/organizations/org1/users?name=tanaka").body(Body::empty()).unwrap())
            .await;
    assert_eq!(named.body["items"][0]["user_id"], "TANAKA01", "{:?}", named.body);
    let user = send(&app, osaka.req("GET", "/api/office/users/TANAKA01").body(Body::empty()).unwrap()).await;
    assert_eq!(user.status, StatusCode::OK);
    let action = |a: &str| osaka.json("POST", "/api/office/users/TANAKA01/actions", json!({ "action": a }));
    assert_eq!(send(&app, action("lift_lockout")).await.status, StatusCode::OK);
    assert_eq!(send(&app, action("reset_password")).await.status, StatusCode::OK);
    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind).collect();
    assert!(kinds.contains(&zairyu_domain::notification::NotificationKind::PasswordSetupLink), "{kinds:?}");
    assert_problem(&send(&app, action("suspend")).await, StatusCode::FORBIDDEN, "forbidden");
    let trail = w.audit("user:TANAKA01").await;
    let by = |a: zairyu_domain::audit::AuditAction| trail.iter().find(|e| e.action == a).map(|e| e.office);
    use zairyu_domain::audit::AuditAction as A;
    assert_eq!(by(A::LiftLockout), Some(Some(zairyu_domain::office::Office::Osaka)));
    assert_eq!(by(A::PasswordLink), Some(Some(zairyu_domain::office::Office::Osaka)));
    // The organization's own office's matters stay there: its file, its list.
    let r = send(&app, osaka.req("GET", "/api/office/organizations/org1").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
    // Officers' own accounts are an admin's alone.
    let r = send(&app, osaka.req("GET", "/api/office/users/CLERK01").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::NOT_FOUND, "not-found");
}

#[tokio::test]
async fn q75_q76_a_periodic_report_resumes_a_suspended_organization() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    // Suspended (as the daily job does the day after the expiry, Q76).
    let id = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    let store = w.svc.core.store();
    let mut org = store.organizations().get(&id).await.unwrap().unwrap();
    // Suspended as the daily job does the day after the expiry (Q76).
    assert!(org.suspend_if_expired(zairyu_domain::jst::JstDate::parse("2027-06-01").unwrap()));
    let mut change = zairyu_app::store::UnitOfWork::new(start());
    change.save(&org).unwrap();
    store.commit(change).await.unwrap();
    let r =
        send(&app, clerk.json("POST", "/api/office/organizations/org1/periodic-reports", json!({ "approve": true })))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["use_state"], "active");
    assert_eq!(r.body["approval"]["expires_on"], "2028-05-31", "old expiry + 1 year (Q75)");
    let kinds: Vec<_> = w.jobs().await.into_iter().map(|j| j.kind.code()).collect();
    assert!(kinds.contains(&"periodic_report_approved") && kinds.contains(&"use_resumed"), "{kinds:?}");
}

#[tokio::test]
async fn q79_an_agent_is_not_deleted_while_its_application_is_being_examined() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "CLERK01").await;
    let (agent, agent_id) = agent_of_org1(&app, &w, &clerk, "3-3-3 Toranomon, Minato-ku, Tokyo").await;
    let id = filed(&app, &agent, |_| {}).await;
    let officer = login(&app, "OFFICER1").await;
    act(&app, &officer, &id, json!({ "action": "start_examination" })).await;
    let delete = json!({ "action": "delete_agent" });
    let r = send(&app, clerk.json("POST", &format!("/api/office/users/{agent_id}/actions"), delete.clone())).await;
    assert_eq!(r.body["errors"][0]["rule"], "agent_deletion.examination_pending");
    act(&app, &officer, &id, json!({ "action": "deny" })).await;
    let r = send(&app, clerk.json("POST", &format!("/api/office/users/{agent_id}/actions"), delete)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = send(&app, anon("POST", "/api/login", &json!({ "user_id": agent_id, "password": "Gyosei#2026" }))).await;
    assert_eq!(r.body["rule"], "login.user_cancelled");
}

#[tokio::test]
async fn every_office_action_is_refused_to_the_wrong_office_the_wrong_role_and_in_the_wrong_status() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    let clerk = login(&app, "CLERK01").await;
    let osaka = login(&app, "OSAKA01").await;
    let id = filed(&app, &tanaka, |_| {}).await;
    let actions = [
        (json!({ "action": "start_examination" }), false),
        (json!({ "action": "request_documents" }), false),
        (json!({ "action": "permit", "period_of_stay": "1Y", "expiry_date": "2028-01-20" }), false),
        (json!({ "action": "deny" }), false),
        (
            json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": false }),
            false,
        ),
        (json!({ "action": "issue_card_by_post", "dispatched_on": "2026-12-01" }), false),
        (json!({ "action": "hand_over_at_counter", "collector": "applicant", "fee_notice_signed": true }), true),
        (json!({ "action": "withdraw" }), true),
        (json!({ "action": "withdraw_attachment", "attachment": "re_entry" }), true),
    ];
    for (action, clerk_may) in actions {
        assert_problem(&act(&app, &tanaka, &id, action.clone()).await, StatusCode::FORBIDDEN, "forbidden");
        assert_problem(&act(&app, &osaka, &id, action.clone()).await, StatusCode::NOT_FOUND, "not-found");
        if !clerk_may {
            assert_problem(&act(&app, &clerk, &id, action.clone()).await, StatusCode::FORBIDDEN, "forbidden");
        }
        let name = action["action"].as_str().unwrap();
        // In "Application completed", only these may happen at all.
        let possible_now = ["start_examination", "withdraw", "withdraw_attachment"].contains(&name);
        if !possible_now {
            let r = act(&app, &officer, &id, action.clone()).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{name}: {:?}", r.body);
        }
    }
}

/// Generated from the route tables, so a route added tomorrow is covered without anyone remembering: every
/// route that needs a session answers 401 without one and, for a method that changes something, 403 without
/// the CSRF token — before its input is read (the bodies here are garbage on purpose); and the public routes
/// are exactly the ones meant to be.
#[tokio::test]
async fn every_session_route_refuses_without_a_session_and_without_the_csrf_token() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let staff = login(&app, "TANAKA01").await;
    let mut public = Vec::new();
    for spec in all_routes() {
        let uri = concrete(spec.path);
        let garbage = || Body::from("not json at all");
        if !spec.session {
            public.push(format!("{} {}", spec.method, spec.path));
            continue;
        }
        let anonymous = Request::builder()
            .method(spec.method)
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(garbage())
            .unwrap();
        let r = send(&app, anonymous).await;
        assert_problem(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
        if !matches!(spec.method, "GET" | "HEAD") {
            let no_csrf = Request::builder()
                .method(spec.method)
                .uri(&uri)
                .header(header::COOKIE, &staff.cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(garbage())
                .unwrap();
            let r = send(&app, no_csrf).await;
            assert_problem(&r, StatusCode::FORBIDDEN, "csrf");
            let wrong_csrf = Request::builder()
                .method(spec.method)
                .uri(&uri)
                .header(header::COOKIE, &staff.cookie)
                .header("x-csrf-token", "not-the-token")
                .header(header::CONTENT_TYPE, "application/json")
                .body(garbage())
                .unwrap();
            assert_eq!(send(&app, wrong_csrf).await.status, StatusCode::FORBIDDEN, "{} {}", spec.method, spec.path);
        }
    }
    public.sort();
    assert_eq!(
        public,
        vec![
            "GET /api/notices",
            "GET /api/openapi.json",
            "POST /api/login",
            "POST /api/password-reset",
            "POST /api/password-reset/request",
        ],
        "the routes anyone may call without logging in"
    );
}

fn openapi_document() -> Value {
    zairyu_http::openapi::document()
}

/// The document the `status` function serves is kept in the repository (so that function need not carry every
/// other function's routes); it must be the one the route tables generate. `ZAIRYU_BLESS=1` rewrites it.
#[test]
fn the_committed_openapi_document_is_the_generated_one() {
    let generated = openapi_document();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/http/openapi.json");
    if std::env::var("ZAIRYU_BLESS").as_deref() == Ok("1") {
        let mut text = serde_json::to_string_pretty(&generated).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
    }
    let committed: Value = serde_json::from_str(zairyu_http::routes::meta::DOCUMENT).unwrap();
    assert!(
        committed == generated,
        "shared/http/openapi.json is not the document the route tables generate: run \
         `ZAIRYU_BLESS=1 cargo test -p zairyu-acceptance --test http the_committed_openapi` and commit it"
    );
}

/// A body's schema, resolved: a reference to a component that describes properties or alternatives, never a
/// bare `{"type": "object"}` or `true` that tells a client nothing.
fn assert_described(doc: &Value, schema: &Value, what: &str) {
    let (name, component) = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{what}: {reference}"));
            (name.to_owned(), &doc["components"]["schemas"][name])
        }
        None => ("(inline)".to_owned(), schema),
    };
    let described = component.get("properties").is_some()
        || component.get("oneOf").is_some()
        || component.get("anyOf").is_some()
        || component.get("enum").is_some();
    assert!(described, "{what}: the schema {name} describes nothing: {component}");
    if let Some(required) = component.get("required") {
        for field in required.as_array().unwrap() {
            assert!(component["properties"].get(field.as_str().unwrap()).is_some(), "{what}: {name}.{field}");
        }
    }
}

#[test]
fn every_json_body_of_every_route_has_a_schema_with_its_properties() {
    let doc = openapi_document();
    let mut bodies = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let what = format!("{method} {path}");
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                assert_described(&doc, schema, &format!("{what} request"));
                bodies += 1;
            }
            for (code, response) in op["responses"].as_object().unwrap() {
                if let Some(schema) = response.pointer("/content/application~1json/schema") {
                    assert_described(&doc, schema, &format!("{what} {code}"));
                    bodies += 1;
                }
                if code.starts_with('2') && !matches!(code.as_str(), "202" | "204") {
                    assert!(response.get("content").is_some(), "{what} {code} has no body described");
                }
            }
        }
    }
    assert!(bodies > 40, "{bodies}");
    // Closed sets are enumerated, unknown fields refused where the API refuses them.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["OfficeAction"]["oneOf"].as_array().unwrap().len() >= 9, "{}", schemas["OfficeAction"]);
    assert_eq!(schemas["LoginBody"]["additionalProperties"], json!(false));
    assert_eq!(schemas["LoginBody"]["required"], json!(["user_id", "password"]));
}

#[test]
fn the_served_openapi_document_validates_as_openapi_3_1() {
    let validator = std::env::var("ZAIRYU_OPENAPI_VALIDATOR").unwrap_or_else(|_| {
        panic!("ZAIRYU_OPENAPI_VALIDATOR is not set: run the suite with scripts/test.sh, which installs it")
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&openapi_document()).unwrap()).unwrap();
    let out = std::process::Command::new(validator).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// A table that works, or fails every call the way a dependency fails (unreachable, with the SDK's words)
/// or the way our own bug shows (a record that does not decode), as switched.
struct FaultyTable {
    inner: Arc<dyn zairyu_app::ports::Table>,
    mode: std::sync::atomic::AtomicU8,
}

const SDK_TEXT: &str = "ResourceNotFoundException: Requested resource not found: Table: zairyu-prod-table (Service: DynamoDB, Status Code: 400, Request ID: 7Q2LM)";

impl FaultyTable {
    fn fail(&self) -> Result<(), zairyu_app::ports::StoreError> {
        match self.mode.load(std::sync::atomic::Ordering::SeqCst) {
            1 => Err(zairyu_app::ports::StoreError::unavailable(SDK_TEXT)),
            2 => Err(zairyu_app::ports::StoreError::corrupt(
                "expected value at line 1 column 9 in {\"name\":\"NGUYEN,VAN,AN\"",
            )),
            _ => Ok(()),
        }
    }
}

#[async_trait::async_trait]
impl zairyu_app::ports::Table for FaultyTable {
    async fn get(
        &self,
        key: &zairyu_app::ports::Key,
    ) -> Result<Option<zairyu_app::ports::Item>, zairyu_app::ports::StoreError> {
        self.fail()?;
        self.inner.get(key).await
    }
    async fn put(
        &self,
        item: zairyu_app::ports::Item,
        c: zairyu_app::ports::Condition,
    ) -> Result<(), zairyu_app::ports::StoreError> {
        self.fail()?;
        self.inner.put(item, c).await
    }
    async fn delete(
        &self,
        key: &zairyu_app::ports::Key,
        c: zairyu_app::ports::Condition,
    ) -> Result<(), zairyu_app::ports::StoreError> {
        self.fail()?;
        self.inner.delete(key, c).await
    }
    async fn query(
        &self,
        q: &zairyu_app::ports::Query,
    ) -> Result<zairyu_app::ports::Page, zairyu_app::ports::StoreError> {
        self.fail()?;
        self.inner.query(q).await
    }
    async fn increment(
        &self,
        key: &zairyu_app::ports::Key,
        a: &str,
        by: i64,
        expires_at: Option<i64>,
    ) -> Result<i64, zairyu_app::ports::StoreError> {
        self.fail()?;
        self.inner.increment(key, a, by, expires_at).await
    }
    async fn transact(&self, writes: Vec<zairyu_app::ports::Write>) -> Result<(), zairyu_app::ports::StoreError> {
        self.fail()?;
        self.inner.transact(writes).await
    }
}

/// A dependency that fails answers 503 and our own bug 500, each with a generic problem in both languages:
/// no response body ever carries the adapter's, the SDK's or the decoder's words.
#[tokio::test]
async fn faults_answer_503_or_500_with_no_adapter_text_in_the_body() {
    let table = Arc::new(FaultyTable {
        inner: Arc::new(zairyu_embedded::SqliteTable::in_memory().unwrap()),
        mode: std::sync::atomic::AtomicU8::new(0),
    });
    let w = World::with_table(table.clone()).await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    for (mode, status, kind) in
        [(1, StatusCode::SERVICE_UNAVAILABLE, "unavailable"), (2, StatusCode::INTERNAL_SERVER_ERROR, "internal")]
    {
        table.mode.store(mode, std::sync::atomic::Ordering::SeqCst);
        let requests = [
            tanaka.req("GET", "/api/applications").body(Body::empty()).unwrap(),
            tanaka.json("POST", "/api/applications", serde_json::to_value(application_input()).unwrap()),
            anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": PASSWORD })),
            anon(
                "POST",
                "/api/password-reset/request",
                &json!({ "user_id": "TANAKA01", "email": "tanaka@sakura.example.jp" }),
            ),
        ];
        for req in requests {
            let r = send(&app, req).await;
            assert_problem(&r, status, kind);
            let body = r.body.to_string();
            for leak in
                ["zairyu-prod", "ResourceNotFound", "DynamoDB", "Request ID", "line 1 column", "NGUYEN", "decode"]
            {
                assert!(!body.contains(leak), "{leak} in {body}");
            }
        }
    }
    table.mode.store(0, std::sync::atomic::Ordering::SeqCst);
    let r = send(&app, tanaka.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "back once the dependency is");
}

/// Q50 paging: a cursor the service gave out leads to the next page; a tampered or made-up one is the
/// client's mistake, a 400 problem — never a 5xx, never silently the first page.
#[tokio::test]
async fn a_tampered_page_cursor_is_a_400_problem() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let tanaka = login(&app, "TANAKA01").await;
    new_application(&app, &tanaka).await;
    use base64::Engine;
    let not_json = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("not a cursor");
    for cursor in ["%%%", "not-base64!", not_json.as_str()] {
        for path in ["/api/applications", "/api/foreign-nationals"] {
            let r =
                send(&app, tanaka.req("GET", &format!("{path}?cursor={cursor}")).body(Body::empty()).unwrap()).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "bad-cursor");
        }
    }
    let officer = login(&app, "OFFICER1").await;
    let uri = format!("/api/office/applications?status=application_completed&cursor={not_json}");
    assert_problem(
        &send(&app, officer.req("GET", &uri).body(Body::empty()).unwrap()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad-cursor",
    );
}

/// #13 item 8: a page cursor is opaque — no residence card number or store key in it, encrypted and not only
/// encoded — and works only for the user and the list that received it.
#[tokio::test]
async fn page_cursors_are_sealed_for_their_user_and_list() {
    let w = World::new().await;
    w.blanket_people(3).await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, suzuki) = (login(&app, "TANAKA01").await, login(&app, "SUZUKI02").await);
    let get = |c: &Client, uri: String| c.req("GET", &uri).body(Body::empty()).unwrap();

    // Every page followed, one person per page: each person once, the cursors readable by no one.
    let (mut seen, mut cursors, mut next) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let uri = match &next {
            None => "/api/foreign-nationals?limit=1".to_owned(),
            Some(c) => format!("/api/foreign-nationals?limit=1&cursor={c}"),
        };
        let r = send(&app, get(&tanaka, uri)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        for p in r.body["items"].as_array().unwrap() {
            seen.push(p["residence_card_number"].as_str().unwrap().to_owned());
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => {
                cursors.push(c.to_owned());
                next = Some(c.to_owned());
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no person twice: {seen:?}");
    use base64::Engine;
    for c in &cursors {
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).unwrap();
        let text = String::from_utf8_lossy(&decoded);
        for card in &seen {
            assert!(!c.contains(card.as_str()) && !text.contains(card.as_str()), "{card} in a cursor");
        }
        for key_part in ["FN#", "ORG#", "\"pk\"", "\"sk\""] {
            assert!(!text.contains(key_part), "a store key in a cursor: {text}");
        }
    }

    // The first cursor, carried to another user, another list, or changed by one character: 400.
    let first = &cursors[0];
    let r = send(&app, get(&suzuki, format!("/api/foreign-nationals?limit=1&cursor={first}"))).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "bad-cursor");
    let r = send(&app, get(&tanaka, format!("/api/applications?limit=1&cursor={first}"))).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "bad-cursor");
    let mut changed = first.clone().into_bytes();
    changed[10] = if changed[10] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(changed).unwrap();
    let r = send(&app, get(&tanaka, format!("/api/foreign-nationals?limit=1&cursor={changed}"))).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "bad-cursor");
    let r = send(&app, get(&tanaka, format!("/api/foreign-nationals?limit=1&cursor={first}"))).await;
    assert_eq!(r.status, StatusCode::OK, "the untouched cursor still works");
    assert_eq!(r.body["items"][0]["residence_card_number"], seen[1].as_str());
}

/// Authorization comes before input: a staff user on an office route, or an officer on an organization's,
/// is refused (403) whatever it sends; unknown query parameters and bad codes are 400/422 problems naming
/// what they are, never plain text.
#[tokio::test]
async fn authorization_before_input_and_query_problems() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (staff, officer) = (login(&app, "TANAKA01").await, login(&app, "OFFICER1").await);
    let r =
        send(&app, staff.req("GET", "/api/office/applications?status=bogus&x=1").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(&app, staff.json("POST", "/api/office/organizations", json!({ "garbage": true }))).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = send(&app, officer.json("POST", "/api/applications", json!({ "garbage": true }))).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    let r =
        send(&app, officer.req("GET", "/api/blanket/template?screen_group=work").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::FORBIDDEN, "forbidden");
    // Unknown query parameters: a problem, not axum's plain text.
    let r = send(&app, staff.req("GET", "/api/applications?limit=5&colour=blue").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "malformed-query");
    let r = send(&app, staff.req("GET", "/api/applications?limit=many").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::BAD_REQUEST, "malformed-query");
    // A bad screen group says it is not a screen group.
    let r = send(&app, staff.req("GET", "/api/blanket/template?screen_group=bogus").body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["rule"], "screen_group.unknown");
    assert!(r.body["detail"].as_str().unwrap().contains("input-screen group"), "{:?}", r.body);
    // A screen whose statuses cannot file the procedure online has no template of it (#35): said so.
    let uri = "/api/blanket/template?screen_group=student&procedure=work_certificate";
    let r = send(&app, staff.req("GET", uri).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["rule"], "screen_group.without_procedure");
    assert!(r.body["detail_ja"].as_str().unwrap().contains("別の入力画面"), "{:?}", r.body);
    let uri = "/api/blanket/template?screen_group=work&procedure=work_certificate";
    assert_eq!(send(&app, staff.req("GET", uri).body(Body::empty()).unwrap()).await.status, StatusCode::OK);
    let r = send(&app, officer.req("GET", "/api/office/applications?status=bogus").body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["rule"], "status.unknown");
}

/// Every answer — data, problems, the not-found fallback, over HTTPS or the local plain HTTP — carries the
/// security headers, and none that can hold personal data may be cached.
#[tokio::test]
async fn security_headers_and_no_store_on_every_answer() {
    let w = World::new().await;
    for secure in [false, true] {
        let app = router(&w, secure, GeoPolicy::Off);
        let staff = login(&app, "TANAKA01").await;
        let answers = [
            send(&app, staff.req("GET", "/api/me").body(Body::empty()).unwrap()).await,
            send(&app, staff.req("GET", "/api/applications").body(Body::empty()).unwrap()).await,
            send(&app, anon("POST", "/api/login", &json!({ "user_id": "TANAKA01", "password": "Wrong#pass1" }))).await,
            send(&app, Request::builder().uri("/nowhere").body(Body::empty()).unwrap()).await,
        ];
        for r in &answers {
            let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"), "{:?}", r.status);
            assert!(h("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
            assert_eq!(h("referrer-policy").as_deref(), Some("no-referrer"));
            assert_eq!(h("cache-control").as_deref(), Some("no-store"), "{:?}", r.status);
            assert_eq!(h("strict-transport-security").is_some(), secure);
        }
    }
    // The public API description may be cached.
    let app = router(&w, true, GeoPolicy::Off);
    let r = send(&app, Request::builder().uri("/api/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(r.headers.get("cache-control").unwrap(), "public, max-age=300");
}

/// Q80 at filing, not only at entry: a person taken off the list at the counter after the application was
/// entered cannot be filed for — the filing checks eligibility again (only that check makes the proof
/// filing needs).
#[tokio::test]
async fn q80_a_person_taken_off_the_list_after_entry_cannot_be_filed_for() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let (tanaka, clerk) = (login(&app, "TANAKA01").await, login(&app, "CLERK01").await);
    let id = new_application(&app, &tanaka).await;
    assert_eq!(send(&app, photo_req(&tanaka, &id, jpeg(), "image/jpeg")).await.status, StatusCode::OK);
    let removed = send(
        &app,
        clerk
            .req("DELETE", "/api/office/organizations/org1/foreign-nationals/AB12345678CD")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{:?}", removed.body);
    let r =
        send(&app, tanaka.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.body["errors"][0]["field"], "residence_card_number", "{:?}", r.body);
    let detail = send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(detail.body["status"]["code"], "input_completed", "nothing was filed");
}

/// Issue 15: authenticating a request costs one read — the session and its user together (the token names
/// the user, masked: #31 item 10, the cookie does not show whose it is) — and `GET /api/me` answers from what
/// authentication read. A session token of an earlier form (no user in it, or the user in plain) still works,
/// at the cost of a second read.
#[tokio::test]
async fn authenticating_a_request_costs_one_read() {
    let (w, counting) = ObservedTable::world().await;
    let app = router(&w, false, GeoPolicy::Off);
    let c = login(&app, "TANAKA01").await;
    assert!(
        c.cookie.starts_with("zairyu_session=") && !c.cookie.to_ascii_uppercase().contains("TANAKA01"),
        "{}",
        c.cookie
    );
    let (reads, writes) = (
        counting.reads.load(std::sync::atomic::Ordering::SeqCst),
        counting.writes.load(std::sync::atomic::Ordering::SeqCst),
    );
    let r = send(&app, c.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["user_id"], "TANAKA01");
    assert_eq!(counting.reads.load(std::sync::atomic::Ordering::SeqCst) - reads, 1, "one read");
    assert_eq!(counting.writes.load(std::sync::atomic::Ordering::SeqCst) - writes, 0, "no write within the minute");

    // A token whose user part names someone else finds no session.
    let secret = c.cookie.split_once('.').unwrap().1;
    let suzuki = zairyu_domain::values::UserId::parse("SUZUKI02").unwrap();
    let forged = http_support::Client {
        cookie: format!("zairyu_session={}", zairyu_app::store::session_token(&suzuki, secret)),
        csrf: c.csrf.clone(),
    };
    let r = send(&app, forged.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // A session of the earlier form (a bare secret, from before tokens named their user) goes on working.
    let now = zairyu_app::ports::Clock::now(w.clock.as_ref());
    let user_id = zairyu_domain::values::UserId::parse("TANAKA01").unwrap();
    let user = w.svc.core.store().users().get(&user_id).await.unwrap().unwrap().into_inner();
    let session = zairyu_app::store::Session {
        user_id,
        generation: user.session_generation(),
        csrf_hash: zairyu_app::store::token_hash("csrf-of-old"),
        created_at: now,
        last_seen_at: now,
    };
    let mut change = zairyu_app::store::UnitOfWork::new(now);
    change.put_session("old-form-secret-token", &session, Duration::minutes(30)).unwrap();
    w.svc.core.store().commit(change).await.unwrap();
    let old =
        http_support::Client { cookie: "zairyu_session=old-form-secret-token".into(), csrf: "csrf-of-old".into() };
    let reads = counting.reads.load(std::sync::atomic::Ordering::SeqCst);
    let r = send(&app, old.req("GET", "/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(counting.reads.load(std::sync::atomic::Ordering::SeqCst) - reads, 2, "the session, then its user");
}

/// #34 item 2: no hot key from one busy session. 1,000 requests of one logged-in user, three seconds apart
/// (50 minutes, never idle): the session is written at most once a minute (so the idle limit of Q44 stays exact
/// to the minute) and the one notices partition, read by every top page, at most once a minute per instance;
/// a notice published by the office shows at once on the instance that published it.
#[tokio::test]
async fn a_thousand_requests_of_one_session_write_its_session_once_a_minute_and_read_the_notices_once_a_minute() {
    let (w, counting) = ObservedTable::world().await;
    let app = router(&w, false, GeoPolicy::Off);
    let c = login(&app, "TANAKA01").await;
    let before = counting.by_partition();
    for i in 0..1_000 {
        w.clock.advance(Duration::seconds(3));
        let path = if i % 2 == 0 { "/" } else { "/api/me" };
        let r = send(&app, c.req("GET", path).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "request {i} ({path})");
    }
    let after = counting.by_partition();
    let grew = |pk: &str| {
        let (r0, w0) = before.get(pk).copied().unwrap_or_default();
        let (r1, w1) = after.get(pk).copied().unwrap_or_default();
        (r1 - r0, w1 - w0)
    };
    let sessions: Vec<&String> = after.keys().filter(|pk| pk.starts_with("SESSION#")).collect();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let (_, session_writes) = grew(sessions[0]);
    assert!((45..=51).contains(&session_writes), "{session_writes} writes of the session in 50 minutes");
    let (notice_reads, notice_writes) = grew("NOTICE");
    assert!((45..=51).contains(&notice_reads), "{notice_reads} reads of the notices in 50 minutes");
    assert_eq!(notice_writes, 0);
    let busiest = after.keys().map(|pk| (grew(pk).1, pk)).max().unwrap();
    assert!(busiest.0 <= 51, "the partition written most: {busiest:?}");
    // For BENCHMARKS.md (scripts/bench.sh).
    println!(
        "1,000 requests of one session in 50 minutes: the session written {session_writes} times, the notices \
         read {notice_reads} times (before the cache: once per top page, 500); the key written most: {} writes",
        busiest.0
    );
}

/// #30 item 3: the body limits the edge's WAF holds are the application's own (`zairyu_http::limits`): a JSON
/// body or a page's form one byte over 64 KB is refused, one at the limit is read (and judged on its content).
#[tokio::test]
async fn bodies_over_the_route_s_limit_are_refused_and_at_the_limit_read() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let limit = zairyu_http::limits::DEFAULT;
    let padded = |len: usize| {
        let head = r#"{"user_id":"TANAKA01","password":""#;
        let tail = r#""}"#;
        format!("{head}{}{tail}", "x".repeat(len - head.len() - tail.len()))
    };
    let json = |body: String| {
        Request::builder()
            .method("POST")
            .uri("/api/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(send(&app, json(padded(limit + 1))).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(send(&app, json(padded(limit))).await.status, StatusCode::UNAUTHORIZED, "read, and a wrong password");
    let form = |len: usize| {
        let head = "user_id=TANAKA01&password=";
        Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("{head}{}", "x".repeat(len - head.len()))))
            .unwrap()
    };
    // Over the limit the form cannot be read (a malformed-form page); at the limit it is, and the wrong
    // password is told.
    assert_eq!(send(&app, form(limit + 1)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(send(&app, form(limit)).await.status, StatusCode::UNAUTHORIZED);
}

/// #31 item 10: headers over the limits are refused as a problem (a page on a page's path), in our words,
/// before anything else reads them; just under the limits is served.
#[tokio::test]
async fn too_many_or_too_large_headers_are_refused_as_a_problem() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let with = |path: &str, headers: &[(String, String)]| {
        let mut r = Request::builder().method("GET").uri(path);
        for (k, v) in headers {
            r = r.header(k.as_str(), v.as_str());
        }
        r.body(Body::empty()).unwrap()
    };
    let many: Vec<(String, String)> =
        (0..=zairyu_http::limits::HEADER_COUNT).map(|i| (format!("x-extra-{i}"), "1".to_owned())).collect();
    let large = vec![("cookie".to_owned(), format!("junk={}", "a".repeat(zairyu_http::limits::HEADER_BYTES)))];
    for headers in [&many, &large] {
        let r = send(&app, with("/api/health", headers)).await;
        assert_problem(&r, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large");
        assert!(r.body["detail_ja"].as_str().is_some_and(|d| !d.is_ascii()));
        let page = send(&app, with("/login", headers)).await;
        assert_eq!(page.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
        assert!(page.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/html"));
    }
    let under: Vec<(String, String)> =
        (0..zairyu_http::limits::HEADER_COUNT - 8).map(|i| (format!("x-extra-{i}"), "1".to_owned())).collect();
    assert_eq!(send(&app, with("/login", &under)).await.status, StatusCode::OK);
}

/// #34 item 5: each HTTP function refreshes the session it checks (Q44: at most once a minute), so each role
/// reaches the sessions: a request to each function a minute after the previous one, each through its role
/// (`Reaching` refuses a write its role could not make).
#[tokio::test]
async fn every_http_function_refreshes_the_session_through_its_own_role() {
    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    let clerk = login(&app, "TANAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    for (who, path, function) in [
        (&clerk, "/api/me", Function::Login),
        (&clerk, "/api/applications", Function::Status),
        (&clerk, "/applications/photos", Function::Submit),
        (&officer, "/api/office/applications?status=application_completed", Function::Office),
    ] {
        assert_eq!(function_of("GET", path.split('?').next().unwrap()), function, "{path}");
        w.clock.advance(Duration::seconds(61));
        let r = send(&app, who.req("GET", path).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&r.bytes));
    }
}
