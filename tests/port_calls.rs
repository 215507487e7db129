//! The rehearsal's first story (tests/stack/test_rehearsal.py: a staff member files with a photo, both receipt
//! numbers are e-mailed, an officer permits and posts the card) run on the embedded adapters in-process, every
//! port wrapped in a counter and each call set down to the function that would make it in AWS (the route's
//! function for a request; notify for sending; reminders for the daily job). It prints the calls per function,
//! the figure to set beside the rehearsal's AWS calls per function (`scripts/bench.sh`). It asserts that the
//! story completes, not the counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::json;
use zairyu_app::ports::{
    BlobError, BlobStore, Condition, Delivery, Email, Item, Key, MailError, Mailer, Page, PresignedForm,
    PresignedUpload, Query, QueueError, StoreError, Table, Write,
};
use zairyu_domain::values::EmailAddress;
use zairyu_http::GeoPolicy;

mod http_support;
mod support;
use http_support::*;
use support::*;

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

struct CountedTable(Arc<dyn Table>, Arc<Counts>);

#[async_trait]
impl Table for CountedTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.1.hit();
        self.0.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.1.hit();
        self.0.get_many(keys).await
    }
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        self.1.hit();
        self.0.put(item, condition).await
    }
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        self.1.hit();
        self.0.delete(key, condition).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.1.hit();
        self.0.query(query).await
    }
    async fn increment(&self, key: &Key, attribute: &str, by: i64, expires_at: Option<i64>) -> Result<i64, StoreError> {
        self.1.hit();
        self.0.increment(key, attribute, by, expires_at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.1.hit();
        self.0.transact(writes).await
    }
}

/// Objects read and written count; presigning is the signer's own arithmetic (no call in AWS either).
struct CountedBlobs(Arc<dyn BlobStore>, Arc<Counts>);

#[async_trait]
impl BlobStore for CountedBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        self.1.hit();
        self.0.put(key, bytes, content_type).await
    }
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        self.1.hit();
        self.0.get(key).await
    }
    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.1.hit();
        self.0.delete(key).await
    }
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        length: u64,
        expires_in: StdDuration,
    ) -> Result<PresignedUpload, BlobError> {
        self.0.presign_put(key, content_type, length, expires_in).await
    }
    async fn presign_form(
        &self,
        key: &str,
        content_type: &str,
        max_length: u64,
        expires_in: StdDuration,
        redirect: &str,
    ) -> Result<PresignedForm, BlobError> {
        self.0.presign_form(key, content_type, max_length, expires_in, redirect).await
    }
}

/// Sends count; receiving and acknowledging are the event source mapping's in AWS, not the function's.
struct CountedQueue(Arc<dyn zairyu_app::ports::JobQueue>, Arc<Counts>);

#[async_trait]
impl zairyu_app::ports::JobQueue for CountedQueue {
    async fn send(&self, body: &str) -> Result<(), QueueError> {
        self.1.hit();
        self.0.send(body).await
    }
    async fn receive(&self, max: u32) -> Result<Vec<Delivery>, QueueError> {
        self.0.receive(max).await
    }
    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        self.0.ack(receipt).await
    }
    async fn release(&self, receipt: &str) -> Result<(), QueueError> {
        self.0.release(receipt).await
    }
    async fn dead_letters(&self, max: u32) -> Result<Vec<String>, QueueError> {
        self.0.dead_letters(max).await
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
    let w = World::wrapped(Arc::new(CountedTable(table, Arc::clone(&counts))), move |mut wiring| {
        wiring.photos = Arc::new(CountedBlobs(wiring.photos, Arc::clone(&c)));
        wiring.uploads = Arc::new(CountedBlobs(wiring.uploads, Arc::clone(&c)));
        wiring.templates = Arc::new(CountedBlobs(wiring.templates, Arc::clone(&c)));
        wiring.queue = Arc::new(CountedQueue(wiring.queue, Arc::clone(&c)));
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
