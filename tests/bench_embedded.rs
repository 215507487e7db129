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
    // First, while the process is small, so its peak memory says something about the blanket files.
    // `ZAIRYU_BENCH_ONLY=blanket` registers the 300-row file again and again, for a profiler to watch.
    if std::env::var("ZAIRYU_BENCH_ONLY").as_deref() == Ok("blanket") {
        return blanket_only(&dir).await;
    }
    edge_files();
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
    // 12 organizations and their users (7 writes each with the due tasks and lookups) per transaction.
    for chunk in (0..ORGS).collect::<Vec<_>>().chunks(12) {
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
    status_kib("VmHWM:")
}

/// A figure of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// The 300-row registration alone, twenty times, each in a fresh table.
async fn blanket_only(dir: &tempfile::TempDir) {
    use zairyu_domain::application::OrganizationId;
    use zairyu_domain::status_of_residence::ScreenGroup;
    use zairyu_domain::values::UserId;
    let org = OrganizationId::parse("org1").unwrap();
    let user = UserId::parse("TANAKA01").unwrap();
    for round in 0..20 {
        let w =
            World::with_table(Arc::new(SqliteTable::open(&dir.path().join(format!("only{round}.db"))).unwrap())).await;
        let rows = w.blanket_people(300).await;
        let file = zairyu_blanket::template::workbook(ScreenGroup::Work, &rows).unwrap();
        let upload = w.svc.blanket.start_blanket_upload(&org, &user).await.unwrap();
        let done = zairyu_blanket::process(&w.svc.blanket, &org, upload.id(), &file).await.unwrap();
        assert_eq!(done.rows_registered(), 300);
    }
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

    // Registration beside its floors, in rounds: each round registers the file into a fresh table and
    // measures both floors right after, so that a slow moment of a shared machine falls on all of them;
    // each figure is the median of its rounds.
    const ROUNDS: usize = 5;
    let (mut took, mut bare, mut read_floor, mut write_floor) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let user = UserId::parse("TANAKA01").unwrap();
    for round in 0..ROUNDS {
        // The first round in the table the file was made for; each later one in a fresh table of the same
        // 300 people (the file names them by their cards).
        let fresh;
        let w = if round == 0 {
            &w
        } else {
            fresh =
                World::with_table(Arc::new(SqliteTable::open(&dir.path().join(format!("blanket{round}.db"))).unwrap()))
                    .await;
            fresh.blanket_people(300).await;
            &fresh
        };
        let t = Instant::now();
        let upload = w.svc.blanket.start_blanket_upload(&org, &user).await.unwrap();
        let done = zairyu_blanket::process(&w.svc.blanket, &org, upload.id(), &file).await.unwrap();
        assert_eq!(done.rows_registered(), 300);
        took.push(t.elapsed().as_secs_f64() * 1e3);
        // Floor: the same 300 transactions of three items each (application, card lookup, open claim),
        // written straight to the table with nothing read or checked.
        let table = SqliteTable::open(&dir.path().join(format!("floor{round}.db"))).unwrap();
        let t = Instant::now();
        for i in 0..300 {
            let writes = ["APP", "CARDAPP", "OPENAPP"]
                .iter()
                .map(|k| zairyu_app::ports::Write::Put {
                    item: item(&format!("{k}#{i}"), k),
                    condition: Condition::None,
                })
                .collect();
            table.transact(writes).await.unwrap();
        }
        bare.push(t.elapsed().as_secs_f64() * 1e3);
        // The tighter floor (#15): calamine reading the same bytes, plus the same 900 items written in as few
        // transactions as DynamoDB allows (100 writes each).
        let t = Instant::now();
        {
            use calamine::Reader;
            let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&file)).unwrap();
            let range = wb.worksheet_range(zairyu_blanket::template::DATA_SHEET).unwrap();
            assert!(range.height() >= 300);
        }
        read_floor.push(t.elapsed().as_secs_f64() * 1e3);
        let table = SqliteTable::open(&dir.path().join(format!("tight{round}.db"))).unwrap();
        let t = Instant::now();
        let items: Vec<_> = (0..300)
            .flat_map(|i| ["APP", "CARDAPP", "OPENAPP"].map(|k| (format!("{k}#{i}"), k)))
            .map(|(pk, sk)| zairyu_app::ports::Write::Put { item: item(&pk, sk), condition: Condition::None })
            .collect();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            table.transact(items.by_ref().take(100).collect()).await.unwrap();
        }
        write_floor.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (took, bare, read_floor, write_floor) = (median(took), median(bare), median(read_floor), median(write_floor));
    let tight = read_floor + write_floor;
    println!("blanket: upload to all 300 applications stored, median of {ROUNDS} rounds: {took:.1} ms");
    println!(
        "blanket: 300-row registration {took:.1} ms, floor (300 bare 3-item transactions) {bare:.1} ms, ratio {:.1}",
        took / bare
    );
    println!(
        "blanket: 300-row registration {took:.1} ms, floor (calamine read {read_floor:.1} ms + 900 writes in 9 transactions {write_floor:.1} ms) {tight:.1} ms, ratio {:.1}",
        took / tight
    );
}

/// #14 items 1 and 8: files at the edges, read (or refused) beside the floor of merely unpacking the same
/// bytes, and the memory they take beside their size. First a file of one applicant and one stray value in
/// the sheet's last cell (XFD1048576; it once made the reader ask for 550 GB), then the largest file taken
/// (just under 5 MB, every cell of 300 rows filled with text that does not compress).
fn edge_files() {
    let far = edge_workbook(1, 20, Some((1_048_575, 16_383)));
    edge_file("far-away cell (XFD1048576)", &far);
    let mut width = 330;
    let largest = loop {
        let bytes = edge_workbook(300, width, None);
        if bytes.len() <= zairyu_blanket::reader::MAX_FILE_BYTES {
            break bytes;
        }
        width = width * 95 / 100;
    };
    edge_file("largest allowed file", &largest);
}

fn edge_file(what: &str, bytes: &[u8]) {
    use std::io::Read as _;
    // The peak from here on: the high-water mark is reset to what is resident now (Linux clear_refs 5).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    const RUNS: u32 = 5;
    let t = Instant::now();
    let mut outcome = String::new();
    for _ in 0..RUNS {
        outcome = match zairyu_blanket::read(bytes) {
            Ok(b) => format!("read, {} rows", b.rows.len()),
            Err(e) => format!("refused: {e}"),
        };
    }
    let read = t.elapsed() / RUNS;
    let peak = peak_kib();
    // Floor: unpacking every entry of the same archive, which any reader of it has to do.
    let t = Instant::now();
    for _ in 0..RUNS {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sink = Vec::new();
        for i in 0..archive.len() {
            sink.clear();
            archive.by_index(i).unwrap().read_to_end(&mut sink).unwrap();
        }
    }
    let floor = t.elapsed() / RUNS;
    println!(
        "blanket edge: {what}: {} bytes, {outcome}; {:.1} ms per read, floor (unpack only) {:.1} ms, ratio {:.1}; peak memory +{} KiB for a {} KiB file",
        bytes.len(),
        read.as_secs_f64() * 1e3,
        floor.as_secs_f64() * 1e3,
        read.as_secs_f64() / floor.as_secs_f64(),
        peak.saturating_sub(before),
        bytes.len() / 1024
    );
}

/// A workbook shaped like the template, written cell by cell with rust_xlsxwriter: `rows` applicants whose
/// every cell holds `width` characters that do not compress, and a stray value at `stray` (0-based).
fn edge_workbook(rows: u32, width: usize, stray: Option<(u32, u16)>) -> Vec<u8> {
    use zairyu_blanket::columns::columns;
    use zairyu_blanket::template::{DATA_SHEET, META_SHEET, rules_row_text};
    let mut wb = rust_xlsxwriter::Workbook::new();
    let data = wb.add_worksheet();
    data.set_name(DATA_SHEET).unwrap();
    let cols = columns();
    for (c, col) in cols.iter().enumerate() {
        let c = c as u16;
        data.write_string(0, c, &col.ja).unwrap();
        data.write_string(1, c, &col.en).unwrap();
        data.write_string(2, c, rules_row_text(col)).unwrap();
    }
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for r in 0..rows {
        for c in 0..cols.len() as u16 {
            let text: String = (0..width)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    char::from(alphabet[(seed % alphabet.len() as u64) as usize])
                })
                .collect();
            data.write_string(3 + r, c, text).unwrap();
        }
    }
    if let Some((r, c)) = stray {
        data.write_string(r, c, "x").unwrap();
    }
    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET).unwrap();
    meta.write_string(0, 0, "procedure").unwrap();
    meta.write_string(0, 1, "extension").unwrap();
    meta.write_string(1, 0, "screen_group").unwrap();
    meta.write_string(1, 1, "work").unwrap();
    wb.save_to_buffer().unwrap()
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
