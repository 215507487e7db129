//! The notify function's SQS handler: a batch with a duplicate and a poison message, permanent and
//! temporary mail failures, and — against moto — a job sent through SQS that ends in SES's record.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use zairyu_app::access::Role;

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
    // As the function is wired: with a key to seal electronic certificates, into the photos' store.
    let core = w.as_role(Role::Notify).core.clone();
    let seal = Arc::new(zairyu_embedded::LocalSeal::generate().unwrap());
    let sealing =
        zairyu_app::services::certificates::Sealing::new(core.clone(), seal, "https://oras.example.jp".into());
    Notifier {
        notifications: zairyu_app::Notifications::new(core, mailer, EmailAddress::parse(from).unwrap(), "0570-000-000")
            .with_sealing(sealing, w.wiring.photos.clone()),
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
    assert_eq!(zairyu_outbox::handle(&w.as_role(Role::Outbox).daily, sweep_event()).await.unwrap().jobs, 0);
    w.clock.advance(chrono::Duration::seconds(61));
    // While the queue is still down the sweep fails and keeps the job.
    w.queue_down.store(true, Ordering::SeqCst);
    assert!(zairyu_outbox::handle(&w.as_role(Role::Outbox).daily, sweep_event()).await.is_err());
    w.queue_down.store(false, Ordering::SeqCst);
    assert_eq!(zairyu_outbox::handle(&w.as_role(Role::Outbox).daily, sweep_event()).await.unwrap().jobs, 1);
    assert_eq!(
        zairyu_outbox::handle(&w.as_role(Role::Outbox).daily, sweep_event()).await.unwrap().jobs,
        0,
        "swept once"
    );

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

/// #16 item 7, #34 item 5: the notify function's role reaches no more than sending needs: every test here sends
/// through its role's reach (`Reaching`), and sending the sample batch, with its duplicate and poison message,
/// and with refusals for good and for now, reads and writes each partition it names.
#[tokio::test]
async fn notify_s_role_reaches_what_sending_needs_and_no_more() {
    let (w, recording) = ObservedTable::world().await;
    // An electronic certificate issued (#35): its e-mail's job seals it first.
    let certificate = zairyu_domain::certificate::Certificate::issue(
        zairyu_domain::certificate::CertificateCode::from_random(42),
        zairyu_domain::office::Office::Tokyo,
        zairyu_domain::values::NameOnCard::parse("TRAN,THI,BINH").unwrap(),
        zairyu_domain::error::Text::parse("Viet Nam").unwrap(),
        zairyu_domain::jst::JstDate::parse("1998-07-05").unwrap(),
        zairyu_domain::status_of_residence::StatusOfResidence::EngineerHumanitiesInternational,
        zairyu_domain::jst::JstDate::parse("2026-11-27").unwrap(),
    );
    let code = certificate.code().clone();
    let import = zairyu_app::services::import::Import { certificates: vec![certificate], ..Default::default() };
    assert!(w.svc.core.import(import).await.unwrap());
    let job = zairyu_domain::job::NotificationJob::new(
        zairyu_domain::notification::NotificationKind::ElectronicCertificateIssued,
        "electronic_certificate_issued:app-1:e-1",
        vec![zairyu_domain::job::Addressee {
            email: EmailAddress::parse("binh.tran@example.com").unwrap(),
            language: zairyu_domain::error::Language::En,
        }],
    )
    .about(zairyu_domain::procedure::Procedure::CertificateOfEligibility)
    .with("receipt_number", "東オンＣＥ26000001")
    .with("code", code.grouped())
    .with("valid_until", "2027-02-27")
    .with("certificate_link", format!("https://oras.example.jp/verify/{}/certificate.pdf", code.grouped()))
    .with("verify_link", format!("https://oras.example.jp/verify/{}", code.grouped()));
    let mut batch = sample();
    let mut record = SqsMessage::default();
    record.message_id = Some("m-coe".into());
    record.body = Some(serde_json::to_string(&job).unwrap());
    batch.records.push(record);
    recording.partitions.lock().unwrap().clear();
    let mail = outbox(&w);
    let failures = notifier(&w, Arc::new(mail.clone())).handle(batch).await.batch_item_failures;
    assert!(!failures.iter().any(|f| f.item_identifier == "m-coe"), "sealed and sent: {failures:?}");
    assert!(w.wiring.photos.get(&format!("certificates/{code}.pdf")).await.unwrap().is_some(), "sealed");
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
    let reach = Role::Notify.reach();
    for prefix in reach.reads.iter().chain(reach.writes) {
        assert!(touched.iter().any(|pk| pk.starts_with(prefix)), "{prefix} never touched: {touched:?}");
    }
}

/// SES as an account with a sending rate sees it: a bucket of `per_second` sends, refilled at `per_second` a
/// second (of tokio's clock) — a second's worth may go at once, no more on average; beyond, "slow down"
/// (`TooManyRequestsException`). Counts what it delivered, per address and receipt number.
struct RateLimitedSes {
    per_second: usize,
    /// Sends left in the bucket, and when it was last filled.
    window: std::sync::Mutex<(tokio::time::Instant, f64)>,
    delivered: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    refused: AtomicUsize,
}

#[async_trait]
impl Mailer for RateLimitedSes {
    async fn send(&self, email: &Email) -> Result<String, MailError> {
        let now = tokio::time::Instant::now();
        {
            let mut w = self.window.lock().unwrap();
            let rate = self.per_second as f64;
            w.1 = (w.1 + now.duration_since(w.0).as_secs_f64() * rate).min(rate);
            w.0 = now;
            if w.1 < 1.0 {
                self.refused.fetch_add(1, Ordering::SeqCst);
                return Err(MailError::throttled("SES TooManyRequestsException"));
            }
            w.1 -= 1.0;
        }
        let key = format!("{}|{}", email.to[0], email.text.lines().find(|l| l.contains("BURST-")).unwrap_or(""));
        *self.delivered.lock().unwrap().entry(key).or_default() += 1;
        Ok("id".into())
    }
}

/// What a burst through notify came to.
struct Burst {
    delivered: usize,
    duplicates: usize,
    dead_letters: usize,
    refusals: usize,
    seconds: f64,
}

/// `jobs` notification jobs of two e-mails each, queued at once (the official receipt numbers at midnight),
/// drained by `instances` notify instances (the poller's MaximumConcurrency) in batches of ten, each instance
/// sending through `mailer_for(instance)`; a record the handler reports failed comes back (SQS's visibility
/// timeout) until its fifth receive, then goes to the dead-letter queue (the redrive policy). On tokio's paused
/// clock: the figures are SES's rate at work, not this machine's speed.
async fn burst(jobs: usize, instances: usize, ses: Arc<RateLimitedSes>, paced: Option<(f64, u32)>) -> Burst {
    use std::collections::VecDeque;
    let w = World::new().await;
    let template = sample().records[0].body.clone().unwrap();
    let queue: VecDeque<(String, String, u32)> = (0..jobs)
        .map(|i| {
            let body = template
                .replace("01JDQ8ZK3V6W0C5X8N2M4P7R9T", &format!("BURST{i:021}"))
                .replace("TMP-20261127-1K3AT4XY", &format!("BURST-{i:06}"));
            (format!("m{i}"), body, 0)
        })
        .collect();
    let queue = Arc::new(std::sync::Mutex::new(queue));
    let dead = Arc::new(AtomicUsize::new(0));
    let start = tokio::time::Instant::now();
    let mut workers = Vec::new();
    for _ in 0..instances {
        let mailer: Arc<dyn Mailer> = match paced {
            Some((rate, shared_by)) => Arc::new(zairyu_runtime::pace::Paced::new(ses.clone(), rate, shared_by)),
            None => ses.clone(),
        };
        let n = notifier(&w, mailer);
        let (queue, dead) = (Arc::clone(&queue), Arc::clone(&dead));
        workers.push(tokio::spawn(async move {
            loop {
                let batch: Vec<(String, String, u32)> = {
                    let mut q = queue.lock().unwrap();
                    let k = q.len().min(10);
                    q.drain(..k).collect()
                };
                if batch.is_empty() {
                    break;
                }
                let mut event = SqsEvent::default();
                event.records = batch
                    .iter()
                    .map(|(id, body, _)| {
                        let mut m = SqsMessage::default();
                        m.message_id = Some(id.clone());
                        m.body = Some(body.clone());
                        m
                    })
                    .collect();
                let failed: Vec<String> =
                    n.handle(event).await.batch_item_failures.into_iter().map(|f| f.item_identifier).collect();
                for (id, body, receives) in batch {
                    if failed.contains(&id) {
                        if receives + 1 >= 5 {
                            dead.fetch_add(1, Ordering::SeqCst);
                        } else {
                            queue.lock().unwrap().push_back((id, body, receives + 1));
                        }
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let delivered = ses.delivered.lock().unwrap();
    Burst {
        delivered: delivered.len(),
        duplicates: delivered.values().filter(|n| **n > 1).count(),
        dead_letters: dead.load(Ordering::SeqCst),
        refusals: ses.refused.load(Ordering::SeqCst),
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn new_account_ses() -> Arc<RateLimitedSes> {
    Arc::new(RateLimitedSes {
        per_second: 14,
        window: std::sync::Mutex::new((tokio::time::Instant::now(), 14.0)),
        delivered: std::sync::Mutex::new(std::collections::HashMap::new()),
        refused: AtomicUsize::new(0),
    })
}

/// #30 item 5: April's midnight burst — 10,000 jobs, 20,000 e-mails — against a new production account's SES
/// (14 a second), drained by ten notify instances each keeping to its share of the rate: every e-mail
/// delivered once, none dead-lettered, at the account's rate. The same burst sent as fast as SQS hands it over
/// (the code before pacing) dead-letters jobs: the test can fail.
#[tokio::test(start_paused = true)]
async fn a_burst_of_20000_e_mails_drains_at_the_account_s_rate_with_none_dead_lettered() {
    let ses = new_account_ses();
    let b = burst(10_000, 10, ses, Some((14.0, 10))).await;
    assert_eq!(b.delivered, 20_000, "every e-mail delivered");
    assert_eq!(b.duplicates, 0, "none twice");
    assert_eq!(b.dead_letters, 0, "none dead-lettered");
    let rate = b.delivered as f64 / b.seconds;
    println!(
        "burst: 20,000 e-mails at MailSendRate 14/s over 10 instances: {rate:.2} e-mails/s delivered, drained in {:.0} s ({:.1} min; floor {:.0} s at the account's rate), {} slow-downs",
        b.seconds,
        b.seconds / 60.0,
        20_000.0 / 14.0,
        b.refusals
    );
    assert!(rate > 14.0 * 0.9 && rate <= 14.0 * 1.01, "{rate} e-mails a second");

    let unpaced = burst(2_000, 10, new_account_ses(), None).await;
    assert!(unpaced.dead_letters > 0, "sent unpaced, jobs end in the dead-letter queue");
}
