//! Fault injection (#13 item 14): the table, the photo store and the queue the services see fail their N-th
//! call, for every N a whole story makes — entering, photographing and filing an application, the next
//! day's official receipt numbers, examination, the office replacing the photo, a counter action, the
//! outbox sweep and the e-mails. Each step that fails is tried again, as a user or the scheduler would.
//! Whatever call fails, the story ends as the story without faults does: the same records (no half-written
//! change), one temporary and one official receipt number, the same e-mails once each (no job lost or
//! doubled), and no photo in the store that no application shows (an orphan is cleaned, not left).
//!
//! A fault here is a call that does not happen (the dependency could not be reached). Run on the embedded
//! default; `ZAIRYU_FAULTS_REPORT=<file>` writes the number of fault points and the duration (for
//! BENCHMARKS.md).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use zairyu_app::services::counter::UserAction;
use zairyu_app::services::examination::OfficeAction;
use zairyu_app::{Caller, ErrorKind, ServiceError, Wiring};
use zairyu_domain::fixtures::application_input;
use zairyu_domain::jst::JstDate;
use zairyu_domain::period::PeriodOfStay;
use zairyu_domain::schedule::ScheduledJob;
use zairyu_domain::values::EmailAddress;
use zairyu_embedded::{OutboxMailer, SqliteTable};
use zairyu_runtime::RandomIds;

mod support;
mod watched;
use support::*;
use watched::{Watch, WatchedBlobs, WatchedQueue, WatchedTable};

/// Counts the calls the services make to their ports and fails the `fail_at`-th (0: none).
#[derive(Default)]
struct Faults {
    calls: AtomicU64,
    fail_at: AtomicU64,
    /// The calls the story made before its result was read.
    calls_in_story: AtomicU64,
    /// Where each call went, for the report: "table.transact", "photos.put", …
    log: std::sync::Mutex<Vec<&'static str>>,
    /// The process dies at the `fail_at`-th call: that call and every later one fail (a crash, a timeout).
    kill: std::sync::atomic::AtomicBool,
}

impl Faults {
    /// Runs `f` with no fault counted (the set-up a story starts from).
    async fn clean<T, F, Fut>(&self, f: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let at = self.fail_at.swap(0, Ordering::SeqCst);
        let out = f().await;
        self.fail_at.store(at, Ordering::SeqCst);
        out
    }
}

impl Watch for Faults {
    fn call(&self, what: &'static str) -> bool {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.log.lock().unwrap().push(what);
        let at = self.fail_at.load(Ordering::SeqCst);
        n == at || (at != 0 && n > at && self.kill.load(Ordering::SeqCst))
    }
}

/// A world whose services' ports fail as `faults` says, with its table in a file the test can read whole.
async fn world(faults: &Arc<Faults>) -> (World, tempfile::TempDir) {
    let f = Arc::clone(faults);
    let dir = tempfile::tempdir().unwrap();
    let table = Arc::new(SqliteTable::open(&dir.path().join("table.sqlite")).unwrap());
    let w = World::wrapped(table, move |w: Wiring| Wiring {
        table: Arc::new(WatchedTable(w.table, Arc::clone(&f))),
        photos: Arc::new(WatchedBlobs(w.photos, Arc::clone(&f), "photos.put", "photos.get", "photos.delete")),
        queue: Arc::new(WatchedQueue(w.queue, Arc::clone(&f))),
        uploads: Arc::new(WatchedBlobs(w.uploads, Arc::clone(&f), "uploads.put", "uploads.get", "uploads.delete")),
        ..w
    })
    .await;
    (w, dir)
}

/// Runs a step until it succeeds, as a user (or the scheduler) tries again after an error page: at most
/// three times, and only after a failure of a dependency (a refusal of the client is the story's bug).
async fn retry<T, F, Fut>(step: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    for _ in 0..3 {
        match f().await {
            Ok(v) => return v,
            Err(e) if e.kind() != ErrorKind::Client => continue,
            Err(e) => panic!("{step}: refused: {e:?}"),
        }
    }
    panic!("{step}: failed three times with one fault injected")
}

/// What the story leaves behind, in a form two runs can be compared by (IDs, times and tokens differ).
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    /// The kinds of records in the table (partition and sort key up to their first `#`) and how many of
    /// each; the audit trail, flood counters and sessions, which grow with every retried attempt, apart.
    records: BTreeMap<String, usize>,
    /// The application's status, and whether it has its two receipt numbers.
    status: String,
    temporary_number: bool,
    official_number: bool,
    /// The e-mails sent, by recipient and subject, with how many times each.
    emails: BTreeMap<(String, String), usize>,
    /// Photos in the store that no application shows.
    orphan_photos: Vec<String>,
    /// Photos in the store.
    photos: usize,
}

async fn login(w: &World, user: &str) -> Caller {
    let token = retry("log in", || async {
        w.svc.accounts.login(user, PASSWORD, Some("203.0.113.9".into())).await.map(|l| l.session_token)
    })
    .await;
    retry("session", || async { w.svc.accounts.authenticate(&token, None).await.map(|(c, _, _)| c) }).await
}

async fn story(w: &World, faults: &Faults, table: &std::path::Path) -> Outcome {
    let tanaka = login(w, "TANAKA01").await;
    let input = application_input();
    let app = retry("create", || w.svc.applications.create_application(&tanaka, &input)).await;
    let id = app.id().as_str().to_owned();
    retry("photo", || w.svc.applications.attach_photo(&tanaka, &id, jpeg(), Some("face.jpg"))).await;
    retry("submit", || w.svc.applications.submit(&tanaka, &id)).await;

    // The next morning: official receipt numbers (Q33).
    w.clock.advance(chrono::Duration::hours(24));
    retry("official numbers", || w.svc.daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers)).await;

    // Examination, and the office replacing the photo (Q63).
    let officer = login(w, "OFFICER1").await;
    retry("start", || w.svc.examination.office_act(&officer, &id, OfficeAction::StartExamination)).await;
    retry("documents", || w.svc.examination.office_act(&officer, &id, OfficeAction::RequestDocuments)).await;
    let photo = zairyu_domain::fixtures::jpeg(300, 400, 0);
    retry("replace photo", || w.svc.examination.office_replace_photo(&officer, &id, photo.clone())).await;
    let permit = || OfficeAction::Permit {
        period_of_stay: PeriodOfStay::parse("3Y").unwrap(),
        expiry_date: Some(JstDate::parse("2030-01-20").unwrap()),
    };
    retry("permit", || w.svc.examination.office_act(&officer, &id, permit())).await;

    // A counter action: a password reset link for the staff user (Q92).
    retry("reset", || w.svc.counter.office_user_action(&officer, "TANAKA01", UserAction::ResetPassword)).await;

    // A minute on, the outbox sweep sends what a failed send left; then every e-mail goes out.
    w.clock.advance(chrono::Duration::seconds(61));
    retry("sweep", || w.svc.daily.sweep_outbox()).await;
    retry("photo sweep", || w.svc.daily.sweep_photos()).await;
    let clock = SharedClock(Arc::clone(&w.clock));
    let mail =
        OutboxMailer::new(&w.dir.path().join("mail"), clock.clone(), Arc::new(RandomIds::with_clock(clock))).unwrap();
    let from = EmailAddress::parse("no-reply@oras.example.jp").unwrap();
    // The notify function's batches until the queue is empty; a failed one comes back (released).
    let mut failed = 0;
    loop {
        match w.deliver(Arc::new(mail.clone()), from.clone(), 10).await {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() != ErrorKind::Client && failed < 3 => failed += 1,
            Err(e) => panic!("delivery: {e:?}"),
        }
    }
    // The story is over: what follows only reads the result, with no fault left to inject.
    faults.fail_at.store(0, Ordering::SeqCst);
    faults.calls_in_story.store(faults.calls.load(Ordering::SeqCst), Ordering::SeqCst);

    let mut emails = BTreeMap::new();
    for m in mail.messages().unwrap() {
        *emails.entry((m.to.join(","), m.subject.clone())).or_insert(0) += 1;
    }
    let app = w.svc.examination.office_view(&officer, &id).await.unwrap();
    let shown = app.photo().map(|p| p.key.clone());
    let stored = photo_keys(w);
    Outcome {
        records: record_kinds(table),
        status: app.status().code().to_owned(),
        temporary_number: app.temporary_receipt_number().is_some(),
        official_number: app.official_receipt_number().is_some(),
        emails,
        orphan_photos: stored.iter().filter(|k| Some(*k) != shown.as_ref()).cloned().collect(),
        photos: stored.len(),
    }
}

/// Every photo object in the store (the embedded store keeps them as files under `photos/`).
fn photo_keys(w: &World) -> Vec<String> {
    let root = w.dir.path().join("photos");
    let mut keys = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "jpg") {
                keys.push(path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    keys
}

/// The kinds of records in the table and their numbers, read from the embedded table's file.
fn record_kinds(table: &std::path::Path) -> BTreeMap<String, usize> {
    let conn = rusqlite::Connection::open(table).unwrap();
    let mut stmt = conn.prepare("SELECT pk, sk FROM items").unwrap();
    let keys: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let mut kinds = BTreeMap::new();
    for (pk, sk) in keys {
        let kind = |s: &str| s.split('#').next().unwrap_or_default().to_owned();
        let k = format!("{}/{}", kind(&pk), kind(&sk));
        if ["AUDIT/", "FLOOD/", "SESSION/", "USER/FAILURES"].iter().any(|p| k.starts_with(p)) {
            continue;
        }
        *kinds.entry(k).or_insert(0) += 1;
    }
    kinds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_single_fault_in_a_whole_story_ends_as_the_story_without_faults() {
    let started = Instant::now();
    let faults = Arc::new(Faults::default());
    let clean = {
        let (w, dir) = world(&faults).await;
        faults.calls.store(0, Ordering::SeqCst);
        faults.log.lock().unwrap().clear();
        story(&w, &faults, &dir.path().join("table.sqlite")).await
    };
    let points = faults.calls_in_story.load(Ordering::SeqCst);
    let by_port: BTreeMap<&str, usize> =
        faults.log.lock().unwrap()[..usize::try_from(points).unwrap()].iter().fold(BTreeMap::new(), |mut m, w| {
            *m.entry(*w).or_insert(0) += 1;
            m
        });
    assert!(clean.orphan_photos.is_empty() && clean.photos == 1, "{clean:?}");
    assert!(clean.temporary_number && clean.official_number, "{clean:?}");
    assert!(points > 50, "the story makes {points} calls");

    let mut failures = Vec::new();
    for n in 1..=points {
        let faults = Arc::new(Faults::default());
        let (w, dir) = world(&faults).await;
        faults.calls.store(0, Ordering::SeqCst);
        faults.log.lock().unwrap().clear();
        faults.fail_at.store(n, Ordering::SeqCst);
        let got = story(&w, &faults, &dir.path().join("table.sqlite")).await;
        let what = faults.log.lock().unwrap().get(usize::try_from(n - 1).unwrap()).copied().unwrap_or("?");
        if got != clean {
            failures.push(format!("fault at call {n} ({what}):\n  got   {got:?}\n  clean {clean:?}"));
        }
    }
    let took = started.elapsed();
    println!("fault injection: {points} fault points ({by_port:?}) in {:.1} s", took.as_secs_f64());
    if let Ok(file) = std::env::var("ZAIRYU_FAULTS_REPORT") {
        std::fs::write(file, format!("{points}\t{by_port:?}\t{:.1}\n", took.as_secs_f64())).unwrap();
    }
    assert!(
        failures.is_empty(),
        "{} of {points} fault points broke the story:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What a blanket registration leaves behind: the upload as it ended, the application list by status, the
/// result e-mails by kind (one job key each), and the kinds of records (no open-upload mark, no outbox record left).
#[derive(Debug, PartialEq, Eq)]
struct Registered {
    upload: (String, u32, u32, u32),
    list: BTreeMap<String, usize>,
    jobs: BTreeMap<String, usize>,
    records: BTreeMap<String, usize>,
}

/// One blanket file of 6 rows, one wrong, stored and processed; when processing failed (a fault), the sweep
/// that runs at the next start of the local server (or on the batch-upload function's schedule) finishes it.
async fn blanket_story(w: &World, faults: &Faults, table: &std::path::Path) -> Registered {
    use zairyu_domain::application::OrganizationId;
    use zairyu_domain::values::UserId;
    let org = OrganizationId::parse("org1").unwrap();
    let upload_id = faults.clean(|| async {
        w.svc.blanket.start_blanket_upload(&org, &UserId::parse("TANAKA01").unwrap()).await.unwrap().id().to_owned()
    });
    let upload_id = upload_id.await;
    let key = zairyu_app::services::blanket::upload_key(&org, &upload_id);
    let mut rows = faults.clean(|| w.blanket_people(6)).await;
    rows[2][zairyu_blanket::columns::columns().iter().position(|c| c.field == "postcode").unwrap()] = "12".into();
    let bytes =
        zairyu_blanket::template::workbook(zairyu_domain::status_of_residence::ScreenGroup::Work, &rows).unwrap();
    faults
        .clean(|| async {
            w.wiring.uploads.put(&key, bytes.clone(), zairyu_app::services::blanket::XLSX_CONTENT_TYPE).await.unwrap()
        })
        .await;
    faults.calls.store(0, Ordering::SeqCst);
    faults.log.lock().unwrap().clear();
    // The registration, cut off wherever the fault falls.
    let _ = zairyu_blanket::process(&w.svc.blanket, &org, &upload_id, &bytes).await;
    faults.calls_in_story.store(faults.calls.load(Ordering::SeqCst), Ordering::SeqCst);
    // The next start's sweep (tried again as a scheduler would), then the outbox sweep for a lost send.
    let swept = retry("sweep uploads", || zairyu_blanket::sweep(&w.svc.blanket, Duration::ZERO)).await;
    assert_eq!(swept.failed, 0, "{swept:?}");
    w.clock.advance(chrono::Duration::seconds(61));
    retry("sweep outbox", || w.svc.daily.sweep_outbox()).await;

    let upload = w.svc.core.store().uploads().get(&org, &upload_id).await.unwrap().unwrap();
    let caller = login(w, "TANAKA01").await;
    let items = w.lines(&caller, 100).await;
    let mut list = BTreeMap::new();
    for i in items {
        *list.entry(i.status.code).or_insert(0) += 1;
    }
    // The queue delivers at least once and the notify function sends a job's key once: count the keys.
    let mut jobs = BTreeMap::new();
    let keys: std::collections::BTreeSet<_> = w.jobs().await.into_iter().map(|j| (j.kind, j.idempotency_key)).collect();
    for (kind, _) in keys {
        *jobs.entry(format!("{kind:?}")).or_insert(0) += 1;
    }
    Registered {
        upload: (
            format!("{:?}", upload.state()),
            upload.rows_registered(),
            upload.rows_updated(),
            upload.rows_failed(),
        ),
        list,
        jobs,
        records: record_kinds(table),
    }
}

/// #14 item 3: a registration cut off at any call it makes (the crash of a function or of the local server
/// there) is completed by the next attempt: the same applications, the same row errors, the upload ended
/// once with its one e-mail, and no mark or outbox record left over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blanket_registration_cut_off_at_any_call_is_finished_by_the_sweep() {
    let started = Instant::now();
    let faults = Arc::new(Faults::default());
    let clean = {
        let (w, dir) = world(&faults).await;
        blanket_story(&w, &faults, &dir.path().join("table.sqlite")).await
    };
    let points = faults.calls_in_story.load(Ordering::SeqCst);
    assert_eq!(clean.upload, ("RowErrors".to_owned(), 5, 0, 1), "{clean:?}");
    assert_eq!(clean.list.values().sum::<usize>(), 6, "{clean:?}");
    assert_eq!(clean.jobs.get("BlanketUploadFailed"), Some(&1), "{clean:?}");
    assert!(!clean.records.keys().any(|k| k.starts_with("OPENUPLOAD") || k.starts_with("OUTBOX")), "{clean:?}");
    assert!(points > 20, "the registration makes {points} calls");

    let mut failures = Vec::new();
    for n in 1..=points {
        let faults = Arc::new(Faults::default());
        let (w, dir) = world(&faults).await;
        faults.fail_at.store(n, Ordering::SeqCst);
        let got = blanket_story(&w, &faults, &dir.path().join("table.sqlite")).await;
        let what = faults.log.lock().unwrap().get(usize::try_from(n - 1).unwrap()).copied().unwrap_or("?");
        if got != clean {
            failures.push(format!("fault at call {n} ({what}):\n  got   {got:?}\n  clean {clean:?}"));
        }
    }
    println!("blanket registration: {points} fault points in {:.1} s", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} of {points} fault points broke it:\n{}", failures.len(), failures.join("\n"));
}

/// What a day's official numbers left: per series, the serials given in order of the applications as they fell
/// due (`None` for one without a number), and the e-mails of official numbers queued (one job key each).
#[derive(Debug, PartialEq, Eq)]
struct Numbered {
    serials: Vec<Vec<Option<u32>>>,
    emails: usize,
    due_left: usize,
}

/// 25 extensions and 5 changes of status filed on one day (two series, the first two blocks); the next day the
/// job runs, and is killed at its `kill_at`-th call (0: never): that call and every later one fail, as when
/// the function times out or its instance dies. Then it runs again, as its retry or the next schedule would,
/// and the outbox is swept.
async fn numbering_story(kill_at: u64) -> (Numbered, Arc<Faults>) {
    let faults = Arc::new(Faults::default());
    let (w, _dir) = world(&faults).await;
    let on = JstDate::of_instant(zairyu_app::ports::Clock::now(w.clock.as_ref()));
    let mut lanes = Vec::new();
    for (prefix, n, change) in [("ext", 25, false), ("chg", 5, true)] {
        let ids = faults.clean(|| w.seed_filed(prefix, n, change, on)).await;
        lanes.push(ids);
    }
    w.clock.advance(chrono::Duration::hours(24));
    faults.calls.store(0, Ordering::SeqCst);
    faults.log.lock().unwrap().clear();
    faults.kill.store(true, Ordering::SeqCst);
    faults.fail_at.store(kill_at, Ordering::SeqCst);
    let _cut_off = w.svc.daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await;
    faults.calls_in_story.store(faults.calls.load(Ordering::SeqCst), Ordering::SeqCst);
    // Restarted: nothing fails any more.
    faults.fail_at.store(0, Ordering::SeqCst);
    w.svc.daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    w.clock.advance(chrono::Duration::seconds(61));
    w.svc.daily.sweep_outbox().await.unwrap();
    let mut serials = Vec::new();
    for ids in &lanes {
        let mut lane = Vec::new();
        for id in ids {
            let app = w
                .svc
                .core
                .store()
                .applications()
                .get(&zairyu_domain::application::ApplicationId::parse(id).unwrap())
                .await
                .unwrap()
                .unwrap();
            lane.push(app.official_receipt_number().map(|n| n.serial()));
        }
        serials.push(lane);
    }
    let keys: std::collections::BTreeSet<String> = w
        .jobs()
        .await
        .into_iter()
        .filter(|j| j.kind == zairyu_domain::notification::NotificationKind::OfficialReceiptNumber)
        .map(|j| j.idempotency_key)
        .collect();
    let due_left = w
        .svc
        .core
        .store()
        .due_tasks()
        .all(on.succ(), zairyu_domain::schedule::DueTask::ReceiptNumber)
        .await
        .unwrap()
        .len();
    (Numbered { serials, emails: keys.len(), due_left }, faults)
}

/// #34 item 1: the official-number job killed at each of its calls in turn, then run again, gives every
/// application of the day its number once: each series 1, 2, 3, … without a gap or a number twice, one
/// e-mail per application, no task left. (Which application gets which serial may differ from an uncut
/// run's: a block cut off may be numbered again in another order; the series stays gap-free.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_number_job_killed_at_any_call_resumes_without_a_gap_or_a_number_twice() {
    let (clean, faults) = numbering_story(0).await;
    let expected: Vec<Vec<Option<u32>>> = vec![(1..=25).map(Some).collect(), (1..=5).map(Some).collect()];
    assert_eq!(clean, Numbered { serials: expected, emails: 30, due_left: 0 });
    let points = faults.calls_in_story.load(Ordering::SeqCst);
    assert!(points > 30, "the job makes {points} calls");
    let mut failures = Vec::new();
    for k in 1..=points {
        let (got, faults) = numbering_story(k).await;
        let what = faults.log.lock().unwrap().get(usize::try_from(k - 1).unwrap()).copied().unwrap_or("?");
        let mut sorted: Vec<Vec<Option<u32>>> = got.serials.clone();
        for lane in &mut sorted {
            lane.sort_unstable();
        }
        let whole = Numbered { serials: sorted, emails: got.emails, due_left: got.due_left };
        if whole != clean {
            failures.push(format!("killed at call {k} ({what}): {got:?}"));
        }
    }
    println!("the official-number job killed at each of its {points} calls");
    assert!(
        failures.is_empty(),
        "{} of {points} kill points broke the numbers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
