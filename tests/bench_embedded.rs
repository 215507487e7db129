//! Throughput of the embedded default: table operations on a SQLite file, and whole use cases through the
//! services. Run with `cargo bench -p zairyu-acceptance --bench embedded`; it prints figures, it asserts
//! nothing. (AWS-via-moto figures would measure moto, not us, so there are none.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Instant;

use chrono::TimeZone;
use zairyu_app::ports::{Attr, Condition, Index, Item, Key, Query, SortKey, Table, attr};
use zairyu_domain::error::Language;
use zairyu_domain::fixtures::application_input;
use zairyu_domain::job::{Addressee, NotificationJob};
use zairyu_domain::notification::NotificationKind;
use zairyu_domain::schedule::ScheduledJob;
use zairyu_domain::values::EmailAddress;
use zairyu_embedded::{OutboxMailer, SqliteTable};
use zairyu_runtime::RandomIds;

mod support;
use support::*;

fn report(what: &str, n: usize, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{what:<48} {n:>6} ops in {secs:>7.3} s = {:>9.0} ops/s  ({:.1} µs/op)",
        n as f64 / secs,
        secs * 1e6 / n as f64
    );
}

fn item(pk: &str, sk: &str) -> Item {
    Item::from([
        (attr::PK.into(), Attr::S(pk.into())),
        (attr::SK.into(), Attr::S(sk.into())),
        ("doc".into(), Attr::S("x".repeat(2000))),
        (attr::VERSION.into(), Attr::N(1)),
    ])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    // First, while the process is small, so its peak memory says something about the blanket file.
    blanket(&dir).await;

    let table: Arc<dyn Table> = Arc::new(SqliteTable::open(&dir.path().join("bench.db")).unwrap());
    const N: usize = 5000;

    let t = Instant::now();
    for i in 0..N {
        table.put(item(&format!("ORG#{}", i % 50), &format!("APP#{i:06}")), Condition::None).await.unwrap();
    }
    report("table put (2 KB item, file-backed)", N, t);

    let t = Instant::now();
    for i in 0..N {
        table.put(item(&format!("ORG#{}", i % 50), &format!("APP#{i:06}")), Condition::Version(1)).await.unwrap_or(());
    }
    report("table put only-if-version", N, t);

    let t = Instant::now();
    for i in 0..N {
        table.get(&Key::new(format!("ORG#{}", i % 50), format!("APP#{i:06}"))).await.unwrap().unwrap();
    }
    report("table get", N, t);

    let t = Instant::now();
    for i in 0..N / 10 {
        let q =
            Query::partition(Index::Primary, format!("ORG#{}", i % 50)).sort(SortKey::Prefix("APP#".into())).limit(20);
        assert_eq!(table.query(&q).await.unwrap().items.len(), 20);
    }
    report("table query (page of 20)", N / 10, t);

    let t = Instant::now();
    for _ in 0..N {
        table.increment(&Key::new("COUNTER#bench", "COUNTER"), "value", 1, None).await.unwrap();
    }
    report("table increment", N, t);

    let w = World::with_table(Arc::new(SqliteTable::open(&dir.path().join("services.db")).unwrap())).await;
    let (_, caller) = w.login("TANAKA01").await;
    const APPS: usize = 300;
    // One foreign national per application (one open application per person).
    w.blanket_people(APPS).await;
    let inputs: Vec<_> = (0..APPS)
        .map(|i| {
            let mut input = application_input();
            input.residence_card_number = blanket_card(i);
            input
        })
        .collect();
    let mut ids = Vec::new();
    let t = Instant::now();
    for input in &inputs {
        ids.push(w.svc.applications.create_application(&caller, input).await.unwrap().id().clone());
    }
    report("service: create application (checks + store)", APPS, t);
    let t = Instant::now();
    for id in &ids {
        w.svc.applications.attach_photo(&caller, id.as_str(), jpeg(), None).await.unwrap();
    }
    report("service: attach photo", APPS, t);
    let t = Instant::now();
    for id in &ids {
        w.svc.applications.submit(&caller, id.as_str()).await.unwrap();
    }
    report("service: submit (number, audit, 2 jobs queued)", APPS, t);
    let t = Instant::now();
    for _ in 0..20 {
        w.svc.applications.applications(&caller, None, 50).await.unwrap();
    }
    report("service: list applications (page of 50)", 20, t);
    // A new window of the flood limits: one user ID may try 20 log-ins in ten minutes.
    w.clock.advance(chrono::Duration::minutes(10));
    let t = Instant::now();
    for _ in 0..20 {
        w.svc.accounts.login("TANAKA01", PASSWORD, None).await.unwrap();
    }
    report("service: log in (argon2id verify, 19 MiB, t=2)", 20, t);

    // E-mails: jobs from the queue, rendered from their templates, written as .eml files, once each.
    const MAILS: usize = 2000;
    for i in 0..MAILS {
        let job = NotificationJob::new(
            NotificationKind::TemporaryReceiptNumber,
            format!("bench:{i}"),
            vec![Addressee { email: EmailAddress::parse("tanaka@sakura.example.jp").unwrap(), language: Language::Ja }],
        )
        .with("receipt_number", format!("TMP-20261127-{i:08}"))
        .with("receipt_date", "2026-11-27");
        w.queue.send(&serde_json::to_string(&job).unwrap()).await.unwrap();
    }
    let clock = SharedClock(Arc::clone(&w.clock));
    let outbox =
        OutboxMailer::new(&dir.path().join("outbox"), clock.clone(), Arc::new(RandomIds::with_clock(clock))).unwrap();
    let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
    let t = Instant::now();
    let mut sent = 0;
    loop {
        let n = w.deliver(Arc::new(outbox.clone()), from.clone(), 10).await.unwrap();
        if n == 0 && w.queue.receive(1).await.unwrap().is_empty() {
            break;
        }
        sent += n;
    }
    report("notify: e-mails rendered, de-duplicated, sent to the outbox", sent, t);

    // The reminders job over 10,000 organizations (one user each) whose reminder falls due today.
    const ORGS: usize = 10_000;
    let r = World::with_table(Arc::new(SqliteTable::open(&dir.path().join("reminders.db")).unwrap())).await;
    let t = Instant::now();
    // 16 organizations and their users (6 writes each with the due tasks) per transaction.
    for chunk in (0..ORGS).collect::<Vec<_>>().chunks(16) {
        let (organizations, users) = chunk.iter().map(|i| bench_org(*i)).unzip();
        let import = zairyu_app::services::import::Import { organizations, users, ..Default::default() };
        assert!(r.svc.core.import(import).await.unwrap());
    }
    report("seed: organization + user + their due tasks", ORGS, t);
    // Approved 2026-06-01: reminder 2027-03-31; the users' passwords, set 2026-06-01, remind on 2027-05-02.
    r.clock.set(chrono::Utc.with_ymd_and_hms(2027, 3, 31, 1, 0, 0).unwrap());
    let t = Instant::now();
    let done = r.svc.daily.run_scheduled(ScheduledJob::PeriodicReportReminders).await.unwrap();
    report("reminders: periodic report reminder per organization", done.acted, t);
    r.clock.set(chrono::Utc.with_ymd_and_hms(2027, 5, 2, 1, 0, 0).unwrap());
    let t = Instant::now();
    let done = r.svc.daily.run_scheduled(ScheduledJob::PasswordExpiryReminders).await.unwrap();
    report("reminders: password expiry reminder per user", done.acted, t);
}

/// Peak resident memory of this process so far (VmHWM), in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A 300-row blanket file: parse and validate alone, then from upload to every row stored.
async fn blanket(dir: &tempfile::TempDir) {
    use zairyu_domain::application::OrganizationId;
    use zairyu_domain::form::ApplicationForm;
    use zairyu_domain::jst::JstDate;
    use zairyu_domain::status_of_residence::ScreenGroup;
    use zairyu_domain::values::UserId;

    let w = World::with_table(Arc::new(SqliteTable::open(&dir.path().join("blanket.db")).unwrap())).await;
    let org = OrganizationId::parse("org1").unwrap();
    let rows = w.blanket_people(300).await;
    let file = zairyu_blanket::template::workbook(ScreenGroup::Work, &rows).unwrap();
    println!("blanket file: 300 rows, {} bytes", file.len());

    let before = peak_kib();
    let today = JstDate::parse("2026-11-27").unwrap();
    const RUNS: usize = 10;
    let t = Instant::now();
    for _ in 0..RUNS {
        let b = zairyu_blanket::read(&file).unwrap();
        for row in &b.rows {
            ApplicationForm::parse(&row.input, today).unwrap();
        }
    }
    report("blanket: read + validate a 300-row file", RUNS, t);
    println!("blanket: peak resident memory {} KiB (was {} KiB before reading)", peak_kib(), before);

    let user = UserId::parse("TANAKA01").unwrap();
    let t = Instant::now();
    let upload = w.svc.blanket.start_blanket_upload(&org, &user).await.unwrap();
    let done = zairyu_blanket::process(&w.svc.blanket, &org, upload.id(), &file).await.unwrap();
    assert_eq!(done.rows_registered(), 300);
    report("blanket: upload to all 300 applications stored", 1, t);
}

fn bench_org(i: usize) -> (zairyu_domain::organization::Organization, zairyu_domain::account::User) {
    use zairyu_domain::account::{User, UserKind};
    use zairyu_domain::application::OrganizationId;
    use zairyu_domain::error::Text;
    use zairyu_domain::jst::JstDate;
    use zairyu_domain::office::Office;
    use zairyu_domain::organization::{ApprovalOfUse, Organization, OrganizationKind, OrganizationProfile};
    use zairyu_domain::values::UserId;
    let approved = JstDate::parse("2026-06-01").unwrap();
    let id = OrganizationId::parse(&format!("bench-org-{i}")).unwrap();
    let profile =
        OrganizationProfile::parse(OrganizationKind::IndividualBusiness, "Bench", "Tokyo", "", Office::Tokyo).unwrap();
    let org = Organization::approved(id.clone(), profile, ApprovalOfUse::granted(approved));
    let mut user = User::new(
        UserId::parse(&format!("BENCH{i:06}")).unwrap(),
        UserKind::OrganizationStaff,
        Some(id),
        Text::parse("Bench").unwrap(),
        EmailAddress::parse(&format!("user{i}@bench.example.jp")).unwrap(),
        Language::Ja,
    );
    // Its password's age drives the reminders; nobody logs in as a bench user.
    user.change_password("bench users do not log in".into(), approved);
    (org, user)
}
