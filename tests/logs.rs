//! What the logs hold: a whole scenario — log-in refused and accepted, an application entered with all its
//! personal data, its photo, filing, examination, the card, password and e-mail changes, reset requests,
//! e-mails sent, the daily jobs — runs with every log line captured as the Lambda functions write them
//! (JSON, debug level), and no password, token, residence card number, name or e-mail address is in them;
//! each request's lines carry its request ID.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{StatusCode, header};
use serde_json::json;
use zairyu_domain::fixtures::application_input;
use zairyu_domain::values::EmailAddress;
use zairyu_http::GeoPolicy;

mod http_support;
mod support;
use http_support::*;
use support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_scenario_logs_no_secret_and_no_personal_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_env_filter("debug")
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let w = World::new().await;
    let app = router(&w, false, GeoPolicy::Off);
    // Refused log-ins: a wrong password, an unknown user.
    for (user, password) in [("TANAKA01", "Wrong#pass1"), ("NOBODY99", "Wrong#pass2")] {
        let r = send(&app, anon("POST", "/api/login", &json!({ "user_id": user, "password": password }))).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let tanaka = login(&app, "TANAKA01").await;
    let officer = login(&app, "OFFICER1").await;
    // An application with every personal field, refused once (a wrong card number) and then entered.
    let mut wrong = serde_json::to_value(application_input()).unwrap();
    wrong["residence_card_number"] = json!("ZZ99999999ZZ");
    assert_eq!(
        send(&app, tanaka.json("POST", "/api/applications", wrong)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r =
        send(&app, tanaka.json("POST", "/api/applications", serde_json::to_value(application_input()).unwrap())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let photo = tanaka
        .req("PUT", &format!("/api/applications/{id}/photo"))
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(Body::from(jpeg()))
        .unwrap();
    assert_eq!(send(&app, photo).await.status, StatusCode::OK);
    let submitted =
        send(&app, tanaka.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap()).await;
    assert_eq!(submitted.status, StatusCode::OK);
    assert!(submitted.headers.get("x-request-id").is_some(), "every answer names its request");
    let number = submitted.body["temporary_receipt_number"].as_str().unwrap().to_owned();
    send(&app, tanaka.req("GET", "/api/applications").body(Body::empty()).unwrap()).await;
    send(&app, tanaka.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    send(&app, tanaka.req("GET", "/api/foreign-nationals").body(Body::empty()).unwrap()).await;
    // The office examines and posts the card.
    for action in [
        json!({ "action": "start_examination" }),
        json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }),
        json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": true }),
        json!({ "action": "issue_card_by_post", "dispatched_on": "2026-12-10" }),
    ] {
        let r = send(&app, officer.json("POST", &format!("/api/office/applications/{id}/actions"), action)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    // The counter looks at the list, puts a person on it and looks up a user.
    let person = json!({ "name": "SILVA,ANA", "nationality": "Brazil", "birth_date": "1990-01-02", "sex": "female",
        "status_of_residence": "技術・人文知識・国際業務", "period_of_stay": "3Y", "expiry_date": "2027-02-01",
        "passport_number": "FZ1234567", "passport_expiry": "2031-01-01", "email": "ana.silva@example.com" });
    let r =
        send(&app, officer.json("PUT", "/api/office/organizations/org1/foreign-nationals/GH12345678JK", person)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    send(&app, officer.req("GET", "/api/office/users/TANAKA01").body(Body::empty()).unwrap()).await;
    // Passwords and addresses change; resets are asked for, by a known and an unknown user.
    let new_password = "Kaede#2027x";
    let r = send(
        &app,
        tanaka.json("POST", "/api/me/password", json!({ "current_password": PASSWORD, "new_password": new_password })),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = change_email(&app, &tanaka, new_password, "hanako.tanaka@sakura.example.jp").await;
    assert_eq!(r.status, StatusCode::OK);
    for (user, email) in [("SUZUKI02", "suzuki@kaede.example.jp"), ("NOBODY99", "nobody@example.jp")] {
        send(&app, anon("POST", "/api/password-reset/request", &json!({ "user_id": user, "email": email }))).await;
    }
    send(&app, tanaka.req("POST", "/api/logout").body(Body::empty()).unwrap()).await;
    // The e-mails go out (their texts hold names, numbers and links), and the daily jobs run.
    let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = SharedClock(Arc::clone(&w.clock));
    let ids = Arc::new(zairyu_runtime::RandomIds::with_clock(clock.clone()));
    let outbox = zairyu_embedded::OutboxMailer::new(dir.path(), clock, ids).unwrap();
    let sent = w.deliver(Arc::new(outbox.clone()), from, 100).await.unwrap();
    assert!(sent >= 8, "{sent}");
    w.clock.advance(chrono::Duration::days(1));
    for job in zairyu_domain::schedule::ScheduledJob::ALL {
        w.svc.daily.run_scheduled(job).await.unwrap();
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The logs say what happened, request by request…
    assert!(logs.lines().count() > 30, "{logs}");
    assert!(logs.contains("\"request_id\"") && logs.contains("\"route\":\"/api/applications/{id}/submit\""), "{logs}");
    assert!(
        logs.lines().any(|l| l.contains("\"name\":\"submit\"") && l.contains("\"request_id\"")),
        "the service call has its span, inside the request's: {logs}"
    );
    // Each request ends with a line whose `fields.status` is the number it answered: the template's metric
    // filters (`{ $.fields.status >= 500 }`) count the 5xx answers from it, and a deployment rolls back on them.
    let statuses: Vec<u64> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| matches!(v["fields"]["message"].as_str(), Some("request done" | "request failed")))
        .filter_map(|v| v["fields"]["status"].as_u64())
        .collect();
    assert!(statuses.contains(&200) && statuses.contains(&401), "{statuses:?}");
    // …and nothing that is a secret or a person's.
    let (cookie_token, csrf) = (tanaka.cookie.split('=').nth(1).unwrap().to_owned(), tanaka.csrf.clone());
    let forbidden = [
        PASSWORD,
        new_password,
        "Wrong#pass1",
        cookie_token.as_str(),
        csrf.as_str(),
        "AB12345678CD",
        "GH12345678JK",
        "C1234567",
        "FZ1234567",
        "NGUYEN",
        "SILVA",
        "Tanaka Hanako",
        "tanaka@sakura.example.jp",
        "hanako.tanaka@",
        "suzuki@kaede",
        "nobody@example.jp",
        "an.nguyen@example.com",
        "ana.silva@",
        "090-1234-5678",
        "霞が関",
        number.as_str(),
        "password?token=",
    ];
    for f in forbidden {
        assert!(
            !logs.contains(f),
            "the logs hold {f:?}:\n{}",
            logs.lines().filter(|l| l.contains(f)).collect::<Vec<_>>().join("\n")
        );
    }
}
