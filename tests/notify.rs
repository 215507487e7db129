//! The notify function's SQS handler: a batch with a duplicate and a poison message, permanent and
//! temporary mail failures, and — against moto — a job sent through SQS that ends in SES's record.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use zairyu_app::ports::{Email, MailError, Mailer};
use zairyu_domain::values::EmailAddress;
use zairyu_embedded::OutboxMailer;
use zairyu_notify::Notifier;
use zairyu_runtime::RandomIds;

#[macro_use]
mod support;
use support::*;

fn sample() -> SqsEvent {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/sqs/notification-batch.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn notifier(w: &World, mailer: Arc<dyn Mailer>) -> Notifier {
    notifier_from(w, mailer, "no-reply@oras.example.jp")
}

fn notifier_from(w: &World, mailer: Arc<dyn Mailer>, from: &str) -> Notifier {
    Notifier {
        notifications: zairyu_app::Notifications::new(
            w.svc.core.clone(),
            mailer,
            EmailAddress::parse(from).unwrap(),
            "0570-000-000",
        ),
    }
}

fn outbox(w: &World) -> OutboxMailer<SharedClock, Arc<RandomIds<SharedClock>>> {
    let clock = SharedClock(Arc::clone(&w.clock));
    OutboxMailer::new(&w.dir.path().join("outbox"), clock.clone(), Arc::new(RandomIds::with_clock(clock))).unwrap()
}

#[tokio::test]
async fn a_batch_with_a_duplicate_and_a_poison_message_reports_only_the_poison() {
    let w = World::new().await;
    let mail = outbox(&w);
    let n = notifier(&w, Arc::new(mail.clone()));
    let response = n.handle(sample()).await;
    let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
    assert_eq!(failed, vec!["0f1e2d3c-0003-4a5b-8c9d-000000000003"]);
    // One job delivered twice: its two e-mails (Japanese to the user, English to the applicant) once each.
    let sent = mail.messages().unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].subject, "仮受付番号のお知らせ");
    assert_eq!(sent[1].to, vec!["an.nguyen@example.com"]);
    assert!(sent[1].text.contains("TMP-20261127-1K3AT4XY") && sent[1].text.contains("replies are not read"));
    // The same batch again (SQS delivers at least once): nothing more is sent.
    n.handle(sample()).await;
    assert_eq!(mail.messages().unwrap().len(), 2);
}

/// A mailer that refuses, for good or for now.
struct Refusing {
    permanent: bool,
    calls: AtomicUsize,
}

#[async_trait]
impl Mailer for Refusing {
    async fn send(&self, _: &Email) -> Result<String, MailError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(if self.permanent { MailError::rejected("bad address") } else { MailError::unavailable("throttled") })
    }
}

fn only_first(mut e: SqsEvent) -> SqsEvent {
    e.records.truncate(1);
    e
}

#[tokio::test]
async fn a_permanent_refusal_is_recorded_and_not_retried_a_temporary_one_is_retried() {
    let w = World::new().await;
    let permanent = Arc::new(Refusing { permanent: true, calls: AtomicUsize::new(0) });
    let n = notifier(&w, permanent.clone());
    assert!(n.handle(only_first(sample())).await.batch_item_failures.is_empty());
    assert!(n.handle(only_first(sample())).await.batch_item_failures.is_empty());
    assert_eq!(permanent.calls.load(Ordering::SeqCst), 2, "each e-mail tried once, never again");
    let trail = w.audit("notification:temporary_receipt_number:01JDQ8ZK3V6W0C5X8N2M4P7R9T#0").await;
    assert_eq!(trail[0].action, zairyu_domain::audit::AuditAction::NotificationRejected);

    let w = World::new().await;
    let temporary = Arc::new(Refusing { permanent: false, calls: AtomicUsize::new(0) });
    let n = notifier(&w, temporary.clone());
    let r = n.handle(only_first(sample())).await;
    assert_eq!(r.batch_item_failures.len(), 1, "delivered again by the queue");
    n.handle(only_first(sample())).await;
    assert_eq!(temporary.calls.load(Ordering::SeqCst), 2, "and tried again");
}

#[tokio::test]
async fn against_moto_a_job_through_sqs_ends_in_ses_record() {
    let url = std::env::var("ZAIRYU_MOTO_URL").unwrap_or_else(|_| {
        panic!("ZAIRYU_MOTO_URL is not set: run the suite with scripts/test.sh, which starts moto server")
    });
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .test_credentials()
        .region("ap-northeast-1")
        // The HTTP client the functions use (the SDK's default one is not built in: rustls on ring).
        .http_client(zairyu_aws::http_client())
        .endpoint_url(&url)
        .load()
        .await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let ses = aws_sdk_sesv2::Client::new(&config);
    let domain = format!("notify-{}.example.jp", std::process::id());
    zairyu_aws::SesMailer::create_identity(&ses, &domain).await.unwrap();
    let (queue_url, _) =
        zairyu_aws::SqsQueue::create(&sqs, &format!("notify-{}", std::process::id()), 3, 60).await.unwrap();

    // A submission queues the job; the event source mapping hands SQS's messages to the function.
    let job = sample().records[0].body.clone().unwrap().replace("TMP-20261127-1K3AT4XY", "TMP-20261127-MOTO0001");
    sqs.send_message().queue_url(&queue_url).message_body(&job).send().await.unwrap();
    let got = sqs.receive_message().queue_url(&queue_url).max_number_of_messages(10).send().await.unwrap();
    let records = got
        .messages()
        .iter()
        .map(|m| {
            let mut r = SqsMessage::default();
            r.message_id = m.message_id().map(str::to_owned);
            r.receipt_handle = m.receipt_handle().map(str::to_owned);
            r.body = m.body().map(str::to_owned);
            r
        })
        .collect();
    let mut event = SqsEvent::default();
    event.records = records;

    let w = World::on_dynamodb().await;
    let n = notifier_from(&w, Arc::new(zairyu_aws::SesMailer::new(ses, &domain)), &format!("no-reply@{domain}"));
    assert!(n.handle(event).await.batch_item_failures.is_empty());

    let data = zairyu_contract::http::request("GET", &format!("{url}/moto-api/data.json"), &[], b"").await.json();
    let text = data["ses"].to_string();
    assert!(text.contains("TMP-20261127-MOTO0001"), "not in moto's SES record");
}

#[tokio::test]
async fn a_job_that_keeps_failing_ends_in_the_dead_letter_queue() {
    let w = World::new().await;
    let (_, caller) = w.login("TANAKA01").await;
    w.svc.accounts.change_email(&caller, PASSWORD, "hanako@sakura.example.jp").await.unwrap();
    let failing = Arc::new(Refusing { permanent: false, calls: AtomicUsize::new(0) });
    let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
    // The world's queue dead-letters after 5 attempts, as the template's redrive policy does.
    for _ in 0..6 {
        w.deliver(failing.clone(), from.clone(), 10).await.unwrap();
    }
    assert_eq!(failing.calls.load(Ordering::SeqCst), 5);
    let dead = w.queue.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].contains("email_address_changed"));
}

on_both_tables!(an_email_whose_queue_send_failed_after_its_commit_still_goes_out_once);

fn sweep_event() -> aws_lambda_events::event::eventbridge::EventBridgeEvent<serde_json::Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/outbox/sweep.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// #13 item 1: the queue refuses the send right after the commit (SQS unreachable); the job waits in the
/// outbox; the `outbox` function's sweep, fed its sample event, hands it over once the grace period has
/// passed; the e-mail goes out once, and neither another sweep nor a redelivery sends it again.
async fn an_email_whose_queue_send_failed_after_its_commit_still_goes_out_once(w: World) {
    w.queue_down.store(true, Ordering::SeqCst);
    w.svc.accounts.request_password_reset("TANAKA01", "tanaka@sakura.example.jp", None).await.unwrap();
    assert!(w.jobs().await.is_empty(), "the queue took nothing");
    w.queue_down.store(false, Ordering::SeqCst);

    // Within the grace period the sweep leaves the job to the commit's own send.
    assert_eq!(zairyu_outbox::handle(&w.svc.daily, sweep_event()).await.unwrap().jobs, 0);
    w.clock.advance(chrono::Duration::seconds(61));
    // While the queue is still down the sweep fails and keeps the job.
    w.queue_down.store(true, Ordering::SeqCst);
    assert!(zairyu_outbox::handle(&w.svc.daily, sweep_event()).await.is_err());
    w.queue_down.store(false, Ordering::SeqCst);
    assert_eq!(zairyu_outbox::handle(&w.svc.daily, sweep_event()).await.unwrap().jobs, 1);
    assert_eq!(zairyu_outbox::handle(&w.svc.daily, sweep_event()).await.unwrap().jobs, 0, "swept once");

    let mail = outbox(&w);
    let n = notifier(&w, Arc::new(mail.clone()));
    let jobs = w.queue.receive(10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    // Delivered twice (SQS is at-least-once; a sweep may race the commit's send): e-mailed once.
    let event = |d: &zairyu_app::ports::Delivery, id: &str| {
        let mut m = SqsMessage::default();
        m.message_id = Some(id.into());
        m.body = Some(d.body.clone());
        m
    };
    let mut batch = SqsEvent::default();
    batch.records = vec![event(&jobs[0], "m-1"), event(&jobs[0], "m-2")];
    assert!(n.handle(batch).await.batch_item_failures.is_empty());
    let sent = mail.messages().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, vec!["tanaka@sakura.example.jp"]);
}

/// #16 item 7: the notify function's role reaches only the partitions of `PARTITIONS` (its sending marks,
/// the audit records of refused addresses); sending the sample batch, with its duplicate and poison message, and
/// with refusals for good and for now, touches no other.
#[tokio::test]
async fn sending_touches_only_the_partitions_notify_s_role_reaches() {
    let (w, recording) = ObservedTable::world().await;
    recording.partitions.lock().unwrap().clear();
    let mail = outbox(&w);
    notifier(&w, Arc::new(mail.clone())).handle(sample()).await;
    notifier(&w, Arc::new(mail)).handle(sample()).await;
    for permanent in [true, false] {
        let refusing = Arc::new(Refusing { permanent, calls: AtomicUsize::new(0) });
        let mut event = sample();
        // Other keys than the batch above, so these are sent (and refused), not skipped as sent.
        for record in &mut event.records {
            if let Some(body) = record.body.as_mut() {
                *body = body
                    .replace("01JDQ8ZK3V6W0C5X8N2M4P7R9T", &format!("01JDQ8ZK3V6W0C5X8N2M4P7R{}", u8::from(permanent)));
            }
        }
        notifier(&w, refusing).handle(event).await;
    }
    let touched = recording.partitions.lock().unwrap().clone();
    for prefix in zairyu_app::services::notifications::PARTITIONS {
        assert!(touched.iter().any(|pk| pk.starts_with(prefix)), "{prefix} never touched: {touched:?}");
    }
    for pk in &touched {
        assert!(
            zairyu_app::services::notifications::PARTITIONS.iter().any(|p| pk.starts_with(p)),
            "sending touched {pk}, outside notify's partitions"
        );
    }
}
