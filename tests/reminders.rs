//! The daily jobs with the clock moved: each fires on its day, once, catches up a missed day, and ignores
//! tasks made stale by a later change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use zairyu_app::access::Role;

use chrono::{TimeZone, Utc};
use zairyu_app::ServiceError;
use zairyu_domain::account::LoginRefusal;
use zairyu_domain::fixtures::application_input;
use zairyu_domain::organization::UseState;
use zairyu_domain::schedule::ScheduledJob;
use zairyu_domain::values::EmailAddress;
use zairyu_embedded::{OutboxMailer, OutboxMessage};
use zairyu_runtime::RandomIds;

mod support;
use support::*;

/// 10:00 JST on the given day.
fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

struct Mail {
    outbox: OutboxMailer<SharedClock, Arc<RandomIds<SharedClock>>>,
}

impl Mail {
    fn new(w: &World) -> Self {
        let clock = SharedClock(Arc::clone(&w.clock));
        Self {
            outbox: OutboxMailer::new(
                &w.dir.path().join("mail"),
                clock.clone(),
                Arc::new(RandomIds::with_clock(clock)),
            )
            .unwrap(),
        }
    }

    /// Delivers everything queued; every message sent so far.
    async fn sent(&self, w: &World) -> Vec<OutboxMessage> {
        let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
        while w.deliver(Arc::new(self.outbox.clone()), from.clone(), 100).await.unwrap() > 0 {}
        self.outbox.messages().unwrap()
    }
}

fn with_subject<'a>(mails: &'a [OutboxMessage], subject: &str) -> Vec<&'a OutboxMessage> {
    mails.iter().filter(|m| m.subject == subject).collect()
}

#[tokio::test]
async fn q33_the_official_number_comes_the_next_day_once() {
    let w = World::new().await;
    let mail = Mail::new(&w);
    let (_, caller) = w.login("TANAKA01").await;
    let app = w.svc.applications.create_application(&caller, &application_input()).await.unwrap();
    w.svc.applications.attach_photo(&caller, app.id().as_str(), jpeg(), None).await.unwrap();
    w.svc.applications.submit(&caller, app.id().as_str()).await.unwrap();
    assert_eq!(
        w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap().acted,
        0
    );
    w.clock.set(at(2026, 11, 28));
    let report = w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    assert_eq!((report.tasks, report.acted), (1, 1));
    let numbered = w.svc.applications.application(&caller, app.id().as_str()).await.unwrap();
    assert_eq!(numbered.official_receipt_number().unwrap().to_string(), "東オンＥＮ26000001");
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    let sent = mail.sent(&w).await;
    assert_eq!(with_subject(&sent, "申請受付番号のお知らせ").len(), 1, "to the user, once");
    assert_eq!(with_subject(&sent, "Application receipt number").len(), 1, "to the applicant, once");
}

#[tokio::test]
async fn q73_periodic_report_reminder_two_months_before_expiry_once() {
    let w = World::new().await;
    let mail = Mail::new(&w);
    // Approved 2026-06-01: expires 2027-05-31; reminder on 2027-03-31.
    w.clock.set(at(2027, 3, 30));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PeriodicReportReminders).await.unwrap();
    assert!(with_subject(&mail.sent(&w).await, "定期報告のお知らせ（有効期限の2か月前）").is_empty());
    w.clock.set(at(2027, 3, 31));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PeriodicReportReminders).await.unwrap();
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PeriodicReportReminders).await.unwrap();
    let sent = mail.sent(&w).await;
    let reminders = with_subject(&sent, "定期報告のお知らせ（有効期限の2か月前）");
    assert_eq!(reminders.len(), 2, "one for each organization's user");
    let tanaka = reminders.iter().find(|m| m.to == vec!["tanaka@sakura.example.jp"]).unwrap();
    assert!(tanaka.text.contains("2027-05-31") && tanaka.text.contains("2027-04-30"));
}

#[tokio::test]
async fn q76_suspended_the_day_after_expiry_and_log_in_says_why() {
    let w = World::new().await;
    let mail = Mail::new(&w);
    w.clock.set(at(2027, 5, 31));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::SuspendExpiredOrganizations).await.unwrap();
    let org = w.organization("org1").await;
    assert_eq!(org.use_state(), UseState::Active);
    w.clock.set(at(2027, 6, 1));
    let report =
        w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::SuspendExpiredOrganizations).await.unwrap();
    assert_eq!(report.acted, 2);
    let org = w.organization("org1").await;
    assert_eq!(org.use_state(), UseState::Suspended);
    let e = w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap_err();
    assert!(matches!(e, ServiceError::Login(LoginRefusal::OrganizationSuspended)), "{:?}", e);
    assert_eq!(with_subject(&mail.sent(&w).await, "システム利用停止のお知らせ").len(), 2);
    assert_eq!(
        w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::SuspendExpiredOrganizations).await.unwrap().acted,
        0
    );
}

#[tokio::test]
async fn q97_password_reminders_30_and_7_days_before_and_a_missed_day_is_caught_up() {
    let w = World::new().await;
    let mail = Mail::new(&w);
    // Set 2026-06-01: expires 2027-06-01; reminders on 2027-05-02 and 2027-05-25.
    w.clock.set(at(2027, 5, 1));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    // 2027-05-02 passes without a run; the run of 05-03 catches it up.
    w.clock.set(at(2027, 5, 3));
    let report = w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    assert_eq!(report.days.len(), 2);
    let sent = mail.sent(&w).await;
    assert_eq!(with_subject(&sent, "パスワード有効期限のお知らせ（30日前）").len(), 2);
    w.clock.set(at(2027, 5, 25));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    let sent = mail.sent(&w).await;
    let seven = with_subject(&sent, "パスワード有効期限のお知らせ（7日前）");
    assert_eq!(seven.len(), 2);
    assert!(seven[0].text.contains("2027-06-01"));
}

#[tokio::test]
async fn a_password_changed_since_makes_the_old_reminders_stale() {
    let w = World::new().await;
    let mail = Mail::new(&w);
    let (_, caller) = w.login("TANAKA01").await;
    w.svc.accounts.change_password(&caller, "no-session", PASSWORD, "Kaede#2027x").await.unwrap();
    w.clock.set(at(2027, 5, 2));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    let sent = mail.sent(&w).await;
    let to: Vec<_> =
        with_subject(&sent, "パスワード有効期限のお知らせ（30日前）").iter().map(|m| m.to.clone()).collect();
    assert_eq!(to, vec![vec!["suzuki@kaede.example.jp".to_owned()]], "only the user who did not change it");
}

#[tokio::test]
async fn q86_passport_expiry_notice_three_months_before() {
    let w = World::new().await;
    let mail = Mail::new(&w);
    // The passport on the list expires 2027-03-15: the notice is due 2026-12-15.
    w.clock.set(at(2026, 12, 15));
    w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PassportExpiryReminders).await.unwrap();
    let sent = mail.sent(&w).await;
    let notices = with_subject(&sent, "旅券の有効期限が近づいています");
    assert_eq!(notices.len(), 2);
    assert!(notices[0].text.contains("NGUYEN,VAN,AN") && notices[0].text.contains("2027-03-15"));
}

/// #34 item 1: many people of one organization fall due on one day; each is its own notice, and the
/// organization's users are read once for all of them (not once a person).
#[tokio::test]
async fn q86_one_organization_s_passports_due_on_one_day_read_its_users_once() {
    let (w, seen) = ObservedTable::world().await;
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    let people = (0..5)
        .map(|i| {
            let person = zairyu_domain::organization::ForeignNational {
                card_number: zairyu_domain::values::ResidenceCardNumber::parse(&format!("PP{i:08}XY")).unwrap(),
                passport_expiry: Some(zairyu_domain::jst::JstDate::parse("2027-03-15").unwrap()),
                ..zairyu_domain::fixtures::list_entry()
            };
            (org.clone(), person)
        })
        .collect();
    assert!(w.svc.core.import(zairyu_app::services::import::Import { people, ..Default::default() }).await.unwrap());
    let mail = Mail::new(&w);
    w.clock.set(at(2026, 12, 15));
    seen.per_partition.lock().unwrap().clear();
    let report = w.as_role(Role::Reminders).daily.run_scheduled(ScheduledJob::PassportExpiryReminders).await.unwrap();
    assert_eq!(report.acted, 7, "the five, and the one person of each organization seeded: {report:?}");
    assert_eq!(with_subject(&mail.sent(&w).await, "旅券の有効期限が近づいています").len(), 7);
    let reads = seen.by_partition();
    assert_eq!(reads.get("gsi1 ORG#org1").map(|c| c.0), Some(1), "{reads:?}");
    assert_eq!(reads.get("gsi1 ORG#org2").map(|c| c.0), Some(1), "{reads:?}");
}

#[tokio::test]
async fn the_reminders_function_runs_each_sample_schedule_event() {
    use aws_lambda_events::event::eventbridge::EventBridgeEvent;
    use zairyu_domain::schedule::ScheduledJobDetail;
    let w = World::new().await;
    for job in ScheduledJob::ALL {
        let name = serde_json::to_value(job).unwrap().as_str().unwrap().to_owned();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../events/schedule/{name}.json"));
        let event: EventBridgeEvent<ScheduledJobDetail> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(event.detail.job, job);
        let report = zairyu_reminders::handle(&w.as_role(Role::Reminders).daily, event).await.unwrap();
        assert_eq!(report.days.len(), 1, "{job:?}");
    }
}

/// #16 item 2: a run that failed every retry lands on the on-failure queue as Lambda's record; invoked with
/// that record (infra/README.md), the function runs the original job.
#[tokio::test]
async fn a_failed_run_is_replayed_from_its_on_failure_record() {
    let w = World::new().await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/replay/reminders-on-failure.json");
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    let event = zairyu_reminders::event(record).unwrap();
    assert_eq!(event.detail.job, ScheduledJob::OfficialReceiptNumbers);
    let report = zairyu_reminders::handle(&w.as_role(Role::Reminders).daily, event).await.unwrap();
    assert_eq!(report.days.len(), 1);
}
