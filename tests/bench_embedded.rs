//! Throughput of the embedded default: table operations on a SQLite file, and whole use cases through the
//! services. Run with `cargo bench -p zairyu-acceptance --bench embedded`; it prints figures, it asserts
//! nothing. (AWS-via-moto figures would measure moto, not us, so there are none.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Instant;

use zairyu_domain::fixtures::application_input;
use zairyu_domain::ports::{Attr, Condition, Index, Item, Key, Query, SortKey, Table, attr};
use zairyu_embedded::SqliteTable;

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
        table.increment(&Key::new("COUNTER#bench", "COUNTER"), "value", 1).await.unwrap();
    }
    report("table increment", N, t);

    let w = World::with_table(Arc::new(SqliteTable::open(&dir.path().join("services.db")).unwrap())).await;
    let (_, caller) = w.login("TANAKA01").await;
    const APPS: usize = 300;
    let input = application_input();
    let mut ids = Vec::new();
    let t = Instant::now();
    for _ in 0..APPS {
        ids.push(w.ports.create_application(&caller, &input).await.unwrap().id);
    }
    report("service: create application (checks + store)", APPS, t);
    let t = Instant::now();
    for id in &ids {
        w.ports.attach_photo(&caller, id.as_str(), jpeg(), None).await.unwrap();
    }
    report("service: attach photo", APPS, t);
    let t = Instant::now();
    for id in &ids {
        w.ports.submit(&caller, id.as_str()).await.unwrap();
    }
    report("service: submit (number, audit, 2 jobs queued)", APPS, t);
    let t = Instant::now();
    for _ in 0..20 {
        w.ports.applications(&caller, None, 50).await.unwrap();
    }
    report("service: list applications (page of 50)", 20, t);
    let t = Instant::now();
    for _ in 0..20 {
        w.ports.login("TANAKA01", PASSWORD, None).await.unwrap();
    }
    report("service: log in (argon2id verify, 19 MiB, t=2)", 20, t);
}
