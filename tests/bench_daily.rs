//! The daily jobs at April's peak and at ten times it (#34 item 1): a day with 10,000 and with 100,000 filed
//! applications (four in five extensions, one in five changes of status: two series of official numbers),
//! numbered the next day by the official-number job; and as many passport-expiry reminders due on one day.
//!
//! Each run is timed beside its floor, measured in the same run on a table of the same kind: the very writes
//! the job made (every transaction with its items, every single put and delete), replayed bare into a fresh
//! table, sixteen at a time, with nothing read, decided or encoded. On the embedded default (a SQLite file)
//! and, when `ZAIRYU_MOTO_URL` names a moto server, on DynamoDB there (moto's speed, not AWS's: read the ratio).
//!
//! Last, for each run, the time the job as deployed would take in one invocation: the process's CPU time
//! scaled to the function's share of a vCPU (Lambda gives a whole one at 1,769 MB; reminders has 512 MB), plus
//! the AWS calls on its longest serial path at typical in-region latencies (named below) — a model, beside the
//! function's 900 s timeout. Run with `cargo bench -p zairyu-acceptance --bench daily`; sizes with
//! `ZAIRYU_BENCH_DAILY=10000,100000` (the default), tables with `ZAIRYU_BENCH_DAILY_TABLES=embedded,dynamodb`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bench_host;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Instant;

use async_trait::async_trait;
use zairyu_app::ports::{Condition, Item, Key, Page, Query, StoreError, Table, Write};
use zairyu_domain::jst::JstDate;
use zairyu_domain::schedule::ScheduledJob;
use zairyu_embedded::SqliteTable;

use support::*;

/// The memory at which Lambda gives a whole vCPU.
const FULL_VCPU_MB: f64 = 1769.0;

/// The reminders function's memory, as `infra/template.yaml` sets it (read there: one number, one place).
fn memory_mb() -> f64 {
    let template = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml"));
    let function = template.split("\n  RemindersFunction:\n").nth(1).expect("the reminders function");
    let line = function.lines().find(|l| l.trim_start().starts_with("MemorySize:")).expect("its MemorySize");
    line.trim_start().trim_start_matches("MemorySize:").trim().parse().expect("a number of MB")
}
const TIMEOUT_S: f64 = 900.0;
/// Typical in-region latencies (ms) of the calls on the job's serial path.
const GET_MS: f64 = 4.0;
const QUERY_MS: f64 = 6.0;
const BATCH_GET_MS: f64 = 10.0;
const TRANSACT_MS: f64 = 15.0;
const TRANSACT_ITEM_MS: f64 = 0.2;
const DELETE_MS: f64 = 5.0;
const SEND_MS: f64 = 8.0;

/// A table that counts what the job asks of it.
struct Tally {
    inner: Arc<dyn Table>,
    gets: AtomicUsize,
    batch_gets: AtomicUsize,
    queries: AtomicUsize,
    puts: AtomicUsize,
    deletes: AtomicUsize,
    transactions: AtomicUsize,
    items: AtomicUsize,
    /// The writes, as made, while recording (for the floor's replay).
    recording: std::sync::atomic::AtomicBool,
    log: std::sync::Mutex<Vec<Op>>,
}

/// One write call as the job made it.
enum Op {
    Put(Item),
    Delete(Key),
    Transact(Vec<Write>),
}

impl Tally {
    fn new(inner: Arc<dyn Table>) -> Self {
        Self {
            inner,
            gets: AtomicUsize::new(0),
            batch_gets: AtomicUsize::new(0),
            queries: AtomicUsize::new(0),
            puts: AtomicUsize::new(0),
            deletes: AtomicUsize::new(0),
            transactions: AtomicUsize::new(0),
            items: AtomicUsize::new(0),
            recording: std::sync::atomic::AtomicBool::new(false),
            log: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn record(&self, op: impl FnOnce() -> Op) {
        if self.recording.load(SeqCst) {
            self.log.lock().unwrap().push(op());
        }
    }

    fn reset(&self) {
        for c in
            [&self.gets, &self.batch_gets, &self.queries, &self.puts, &self.deletes, &self.transactions, &self.items]
        {
            c.store(0, SeqCst);
        }
        self.log.lock().unwrap().clear();
        self.recording.store(true, SeqCst);
    }
}

#[async_trait]
impl Table for Tally {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.gets.fetch_add(1, SeqCst);
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.batch_gets.fetch_add(keys.len().div_ceil(100), SeqCst);
        self.inner.get_many(keys).await
    }
    async fn put(&self, item: Item, c: Condition) -> Result<(), StoreError> {
        self.puts.fetch_add(1, SeqCst);
        self.record(|| Op::Put(item.clone()));
        self.inner.put(item, c).await
    }
    async fn delete(&self, key: &Key, c: Condition) -> Result<(), StoreError> {
        self.deletes.fetch_add(1, SeqCst);
        self.record(|| Op::Delete(key.clone()));
        self.inner.delete(key, c).await
    }
    async fn query(&self, q: &Query) -> Result<Page, StoreError> {
        self.queries.fetch_add(1, SeqCst);
        self.inner.query(q).await
    }
    async fn increment(&self, key: &Key, a: &str, by: i64, at: Option<i64>) -> Result<i64, StoreError> {
        self.puts.fetch_add(1, SeqCst);
        self.inner.increment(key, a, by, at).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.transactions.fetch_add(1, SeqCst);
        self.items.fetch_add(writes.len(), SeqCst);
        self.record(|| Op::Transact(writes.clone()));
        self.inner.transact(writes).await
    }
}

/// CPU time of the process's threads so far, in seconds (`/proc/self/task/*/schedstat`).
fn cpu_s() -> f64 {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let stat = std::fs::read_to_string(task.unwrap().path().join("schedstat")).unwrap_or_default();
        ns += stat.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    }
    ns as f64 / 1e9
}

async fn bare_table(kind: &str) -> (Arc<dyn Table>, Option<tempfile::TempDir>) {
    match kind {
        "embedded" => {
            let dir = tempfile::tempdir().unwrap();
            let table: Arc<dyn Table> = Arc::new(SqliteTable::open(&dir.path().join("daily.db")).unwrap());
            (table, Some(dir))
        }
        _ => (World::dynamodb_table().await, None),
    }
}

/// The job's writes replayed bare into a fresh table of `kind`, sixteen calls at a time (conditions dropped:
/// the floor decides nothing); the seconds they took.
async fn floor(kind: &str, ops: Vec<Op>) -> f64 {
    use futures::StreamExt;
    let (table, _dir) = bare_table(kind).await;
    let table = table.as_ref();
    let started = Instant::now();
    futures::stream::iter(ops)
        .for_each_concurrent(16, |op| async move {
            match op {
                Op::Put(item) => table.put(item, Condition::None).await.unwrap(),
                Op::Delete(key) => table.delete(&key, Condition::None).await.unwrap(),
                Op::Transact(writes) => {
                    // A check writes nothing: the floor has none.
                    let bare: Vec<Write> = writes
                        .into_iter()
                        .filter_map(|w| match w {
                            Write::Put { item, .. } => Some(Write::Put { item, condition: Condition::None }),
                            Write::Delete { key, .. } => Some(Write::Delete { key, condition: Condition::None }),
                            Write::Check { .. } => None,
                        })
                        .collect();
                    if !bare.is_empty() {
                        table.transact(bare).await.unwrap();
                    }
                }
            }
        })
        .await;
    started.elapsed().as_secs_f64()
}

struct Run {
    wall: f64,
    cpu: f64,
    tally: Arc<Tally>,
}

impl Run {
    fn line(&self, what: &str, floor: f64) {
        let t = &self.tally;
        println!(
            "{what:<44} {:>8.2} s  floor {floor:>8.2} s  ×{:>5.2}  ({} transactions, {} items, {} deletes; {} gets, {} batch gets, {} queries)",
            self.wall,
            self.wall / floor,
            t.transactions.load(SeqCst),
            t.items.load(SeqCst),
            t.deletes.load(SeqCst),
            t.gets.load(SeqCst),
            t.batch_gets.load(SeqCst),
            t.queries.load(SeqCst),
        );
    }

    async fn floor(&self, kind: &str) -> f64 {
        self.tally.recording.store(false, SeqCst);
        let ops = std::mem::take(&mut *self.tally.log.lock().unwrap());
        floor(kind, ops).await
    }
}

/// A world over `kind` whose services go through a tally.
async fn world(kind: &str) -> (World, Arc<Tally>, Option<tempfile::TempDir>) {
    let (table, dir) = bare_table(kind).await;
    let tally = Arc::new(Tally::new(Arc::clone(&table)));
    (World::seen_through(table, tally.clone()).await, tally, dir)
}

async fn official_numbers(kind: &str, n: usize) {
    let (w, tally, _dir) = world(kind).await;
    let on = JstDate::of_instant(zairyu_app::ports::Clock::now(w.clock.as_ref()));
    let changes = n / 5;
    let seeded = Instant::now();
    w.seed_filed("ext", n - changes, false, on).await;
    w.seed_filed("chg", changes, true, on).await;
    eprintln!("{kind}: {n} filed applications written in {:.1} s", seeded.elapsed().as_secs_f64());
    w.clock.advance(chrono::Duration::hours(24));
    tally.reset();
    let (cpu, started) = (cpu_s(), Instant::now());
    let report = w.svc.daily.run_scheduled(ScheduledJob::OfficialReceiptNumbers).await.unwrap();
    let run = Run { wall: started.elapsed().as_secs_f64(), cpu: cpu_s() - cpu, tally };
    assert_eq!((report.acted, report.retried), (n, 0), "{report:?}");
    let floor = run.floor(kind).await;
    run.line(&format!("official numbers, {n} applications ({kind})"), floor);
    // As deployed: the largest series' blocks one after another (the other lane runs beside it), each one
    // transaction (the counter is read once per lane: each block moves it by what it numbered), the block's
    // e-mails queued and their outbox records deleted while the next block is written; before them the due
    // tasks' pages and the batched reads of the applications.
    let transactions = run.tally.transactions.load(SeqCst) as f64;
    let items_per = run.tally.items.load(SeqCst) as f64 / transactions.max(1.0);
    let blocks = (transactions * (n - changes) as f64 / n as f64).ceil();
    let aws = (n as f64 / 500.0).ceil() * QUERY_MS
        + (n as f64 / 100.0).ceil() * BATCH_GET_MS
        + GET_MS
        + blocks * (TRANSACT_MS + items_per * TRANSACT_ITEM_MS).max(SEND_MS + DELETE_MS)
        + SEND_MS
        + DELETE_MS;
    deployed(run.cpu, aws);
}

async fn passport_reminders(kind: &str, n: usize) {
    let (w, tally, _dir) = world(kind).await;
    let today = JstDate::of_instant(zairyu_app::ports::Clock::now(w.clock.as_ref()));
    let due = today.succ();
    // Passports expiring so that their notice falls due tomorrow (Q86).
    let expiry =
        (0..400).map(|d| due.add_days(d)).find(|e| zairyu_domain::schedule::passport_notice_on(*e) == due).unwrap();
    let seeded = Instant::now();
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    let mut people = Vec::new();
    for i in 0..n {
        let person = zairyu_domain::organization::ForeignNational {
            card_number: zairyu_domain::values::ResidenceCardNumber::parse(&format!("PP{i:08}XY")).unwrap(),
            passport_expiry: Some(expiry),
            ..zairyu_domain::fixtures::list_entry()
        };
        people.push((org.clone(), person));
        if people.len() == 45 || i + 1 == n {
            let import =
                zairyu_app::services::import::Import { people: std::mem::take(&mut people), ..Default::default() };
            assert!(w.svc.core.import(import).await.unwrap());
        }
    }
    eprintln!("{kind}: {n} people with passports written in {:.1} s", seeded.elapsed().as_secs_f64());
    w.clock.advance(chrono::Duration::hours(24));
    tally.reset();
    let (cpu, started) = (cpu_s(), Instant::now());
    let report = w.svc.daily.run_scheduled(ScheduledJob::PassportExpiryReminders).await.unwrap();
    let run = Run { wall: started.elapsed().as_secs_f64(), cpu: cpu_s() - cpu, tally };
    assert_eq!(report.acted, n, "{report:?}");
    let floor = run.floor(kind).await;
    run.line(&format!("passport reminders, {n} due ({kind})"), floor);
    // As deployed: sixteen reminders side by side, each reading the person, the organization and its users,
    // then its transaction, its e-mail queued and its outbox record deleted.
    let per = 2.0 * GET_MS + QUERY_MS + TRANSACT_MS + 3.0 * TRANSACT_ITEM_MS + SEND_MS + DELETE_MS;
    let aws = (n as f64 / 500.0).ceil() * QUERY_MS + n as f64 * per / 16.0;
    deployed(run.cpu, aws);
}

fn deployed(cpu: f64, aws_ms: f64) {
    let memory = memory_mb();
    let cpu_deployed = cpu * FULL_VCPU_MB / memory;
    let total = cpu_deployed + aws_ms / 1000.0;
    println!(
        "{:<44} {total:>8.1} s as deployed in one invocation (CPU {cpu:.1} s here → {cpu_deployed:.1} s at {memory} MB; AWS calls on the serial path {:.1} s){}",
        "",
        aws_ms / 1000.0,
        if total > TIMEOUT_S { format!(" — over the {TIMEOUT_S} s timeout") } else { String::new() },
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("host: {}", bench_host::cpu_model());
    println!(
        "latencies assumed as deployed (ms): GetItem {GET_MS}, Query {QUERY_MS}, BatchGetItem {BATCH_GET_MS}, TransactWriteItems {TRANSACT_MS} + {TRANSACT_ITEM_MS}/item, DeleteItem {DELETE_MS}, SQS SendMessage {SEND_MS}"
    );
    let sizes: Vec<usize> = std::env::var("ZAIRYU_BENCH_DAILY")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let tables: Vec<String> = std::env::var("ZAIRYU_BENCH_DAILY_TABLES")
        .unwrap_or_else(|_| {
            if std::env::var("ZAIRYU_MOTO_URL").is_ok() { "embedded,dynamodb".into() } else { "embedded".into() }
        })
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    for kind in &tables {
        for &n in &sizes {
            official_numbers(kind, n).await;
            passport_reminders(kind, n).await;
        }
    }
}
