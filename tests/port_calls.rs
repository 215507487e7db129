//! The rehearsal's first story (tests/stack/test_rehearsal.py: a staff member files with a photo, both receipt
//! numbers are e-mailed, an officer permits and posts the card) run on the embedded adapters in-process, every
//! port wrapped in a counter and each call set down to the function that would make it in AWS (the route's
//! function for a request; notify for sending; reminders for the daily job). It prints the calls per function,
//! the figure to set beside the rehearsal's AWS calls per function (`scripts/bench.sh`). It asserts that the
//! story completes, not the counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;
use zairyu_app::ports::{Email, MailError, Mailer, Table};
use zairyu_domain::values::EmailAddress;
use zairyu_http::GeoPolicy;

mod http_support;
mod support;
mod watched;
use http_support::*;
use support::*;
use watched::{Watch, WatchedBlobs, WatchedQueue, WatchedTable};

/// Port calls, by the function they are set down to.
#[derive(Default)]
struct Counts {
    current: Mutex<&'static str>,
    by: Mutex<BTreeMap<&'static str, u64>>,
}

impl Counts {
    fn as_function(&self, name: &'static str) {
        *self.current.lock().unwrap() = name;
    }
    fn hit(&self) {
        let current = *self.current.lock().unwrap();
        *self.by.lock().unwrap().entry(current).or_default() += 1;
    }
}

/// Counts each watched call for the function of the moment; fails none.
impl Watch for Counts {
    fn call(&self, _what: &'static str) -> bool {
        self.hit();
        false
    }
}

struct CountedMailer(Arc<Counts>, Mutex<Vec<Email>>);

#[async_trait]
impl Mailer for CountedMailer {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        self.0.hit();
        self.1.lock().unwrap().push(email.clone());
        Ok("id".into())
    }
}

#[tokio::test]
async fn the_rehearsal_s_first_story_on_the_embedded_adapters_port_calls_per_function() {
    let counts = Arc::new(Counts::default());
    counts.as_function("set-up");
    let c = Arc::clone(&counts);
    let table: Arc<dyn Table> = Arc::new(zairyu_embedded::SqliteTable::in_memory().unwrap());
    let w = World::wrapped(Arc::new(WatchedTable(table, Arc::clone(&counts))), move |mut wiring| {
        wiring.photos =
            Arc::new(WatchedBlobs(wiring.photos, Arc::clone(&c), "photos.put", "photos.get", "photos.delete"));
        wiring.uploads =
            Arc::new(WatchedBlobs(wiring.uploads, Arc::clone(&c), "uploads.put", "uploads.get", "uploads.delete"));
        wiring.templates = Arc::new(WatchedBlobs(
            wiring.templates,
            Arc::clone(&c),
            "templates.put",
            "templates.get",
            "templates.delete",
        ));
        wiring.queue = Arc::new(WatchedQueue(wiring.queue, Arc::clone(&c)));
        wiring
    })
    .await;
    let app = router(&w, false, GeoPolicy::Off);
    let mailer = Arc::new(CountedMailer(Arc::clone(&counts), Mutex::new(Vec::new())));
    let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
    // The officer is logged in before the story, as the rehearsal's admin is.
    let officer = login(&app, "OFFICER1").await;
    let before = counts.by.lock().unwrap().clone();

    counts.as_function("LoginFunction");
    let staff = login(&app, "TANAKA01").await;
    counts.as_function("SubmitFunction");
    let r =
        send(&app, staff.json("POST", "/api/applications", json!(zairyu_domain::fixtures::application_input()))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let photo = zairyu_domain::fixtures::jpeg(240, 320, 0);
    let put = staff.req("PUT", &format!("/api/applications/{id}/photo")).header("content-type", "image/jpeg");
    assert_eq!(send(&app, put.body(Body::from(photo)).unwrap()).await.status, StatusCode::OK);
    let submit = staff.req("POST", &format!("/api/applications/{id}/submit")).body(Body::empty()).unwrap();
    assert_eq!(send(&app, submit).await.status, StatusCode::OK);
    counts.as_function("NotifyFunction");
    w.deliver(mailer.clone(), from.clone(), 10).await.unwrap();
    // The official-number schedule, run the next day (only its clock moved, as in the rehearsal).
    w.clock.advance(Duration::days(1));
    counts.as_function("RemindersFunction");
    let job = zairyu_domain::schedule::ScheduledJob::OfficialReceiptNumbers;
    assert_eq!(w.svc.daily.run_scheduled(job).await.unwrap().acted, 1);
    w.clock.advance(Duration::days(-1));
    counts.as_function("NotifyFunction");
    w.deliver(mailer.clone(), from.clone(), 10).await.unwrap();
    counts.as_function("StatusFunction");
    let r = send(&app, staff.req("GET", &format!("/api/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert!(r.body["official_receipt_number"].is_string(), "{:?}", r.body);
    counts.as_function("OfficeFunction");
    let act = |body: serde_json::Value| officer.json("POST", &format!("/api/office/applications/{id}/actions"), body);
    for body in [
        json!({ "action": "start_examination" }),
        json!({ "action": "permit", "period_of_stay": "3Y", "expiry_date": "2030-01-20" }),
        json!({ "action": "record_post_documents", "fee_notice_received": true, "fee_notice_signed": true, "old_card_returned": true }),
        json!({ "action": "issue_card_by_post", "dispatched_on": "2026-11-30" }),
    ] {
        let r = send(&app, act(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let r =
        send(&app, officer.req("GET", &format!("/api/office/applications/{id}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.body["status"]["code"], "completed");
    counts.as_function("NotifyFunction");
    w.deliver(mailer.clone(), from, 10).await.unwrap();

    let after = counts.by.lock().unwrap().clone();
    let story: BTreeMap<&str, u64> = after
        .iter()
        .filter(|(k, _)| **k != "set-up")
        .map(|(k, v)| (*k, v - before.get(k).copied().unwrap_or(0)))
        .collect();
    println!("embedded port calls per function, story 1: {story:?} (total {})", story.values().sum::<u64>());
    assert!(mailer.1.lock().unwrap().len() >= 3, "the numbers and the card's news were e-mailed");
}
