//! The list path and authentication, each beside its floor measured in the same run (issue 15, item 3).
//!
//! On the embedded default (a SQLite file, as the local server keeps it) with 50 applications, requests go
//! one at a time through the real router, in-process: `GET /api/applications?limit=50` and `GET /api/me`.
//! Each figure is the process's CPU time per request (and wall time), beside its floor:
//!
//! - *router floor*: a bare axum route answering a fixed text, sent the same way;
//! - *SQL floor*: the very statement the table runs for the list's query
//!   ([`zairyu_embedded::table::query_statement`] of each of [`zairyu_app::store::list_queries`]: the lines
//!   alone, from each shard of the list),
//!   prepared once and cached, its rows read as text and not decoded;
//! - *serialize floor*: writing the same page's JSON (the answer's body) again.
//!
//! The list's floor is the three together; `/api/me`'s is the router floor and one read of the session by key
//! (the least any authentication needs). Run with `cargo bench -p zairyu-acceptance --bench list`; it prints
//! figures and asserts only that the requests succeed; with `ZAIRYU_BENCH_ONLY=list` (or `me`) it sends only
//! those requests, many times, for a profiler to watch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bench_host;
use bench_host::cpu_model;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use zairyu_app::store::list_queries;
use zairyu_embedded::SqliteTable;
use zairyu_http::GeoPolicy;

mod http_support;
mod support;
use http_support::*;
use support::*;

/// CPU time of the process's threads so far, in microseconds: the sum of each thread's time on a CPU, in
/// nanoseconds, from `/proc/self/task/*/schedstat` (finer than the 10 ms ticks of `/proc/self/stat`).
fn cpu_us() -> f64 {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let stat = std::fs::read_to_string(task.unwrap().path().join("schedstat")).unwrap_or_default();
        ns += stat.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    }
    ns as f64 / 1000.0
}

/// The median of each column over rounds.
fn median(rounds: &[(f64, f64)]) -> (f64, f64) {
    let pick = |f: fn(&(f64, f64)) -> f64| {
        let mut v: Vec<f64> = rounds.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (pick(|r| r.0), pick(|r| r.1))
}

/// (CPU µs, wall µs) per call of `f`, over `n` calls after `n / 10` of warm-up.
async fn measure<F, Fut>(n: usize, mut f: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..n / 10 {
        f().await;
    }
    let (cpu, wall) = (cpu_us(), Instant::now());
    for _ in 0..n {
        f().await;
    }
    ((cpu_us() - cpu) / n as f64, wall.elapsed().as_secs_f64() * 1e6 / n as f64)
}

/// A figure, and its ratio over its floor as (median, lowest, highest) of the rounds.
fn line(what: &str, (cpu, wall): (f64, f64), ratio: Option<(f64, f64, f64)>) {
    let ratio = ratio.map_or(String::new(), |(m, lo, hi)| format!("{m:>6.2}× [{lo:.2}–{hi:.2}]"));
    println!("{what:<58} {cpu:>9.1} µs CPU {wall:>9.1} µs wall {ratio}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let w = World::with_table(Arc::new(SqliteTable::open(&path).unwrap())).await;
    let (_, caller) = w.login("TANAKA01").await;
    for _ in 0..50 {
        let input = w.another_person().await;
        w.svc.applications.create_application(&caller, &input).await.unwrap();
    }
    let app = router(&w, false, GeoPolicy::Off);
    let client = login(&app, "TANAKA01").await;
    let get = |uri: &str| client.req("GET", uri).body(Body::empty()).unwrap();

    let list = || async {
        let res = app.clone().oneshot(get("/api/applications?limit=50")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap();
    };
    let me = || async {
        let res = app.clone().oneshot(get("/api/me")).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    };
    let page = send(&app, get("/api/applications?limit=50")).await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 50);

    // The floors.
    let bare = axum::Router::new().route("/x", axum::routing::get(|| async { "ok" }));
    let router_floor = || async {
        let res = bare.clone().oneshot(Request::get("/x").body(Body::empty()).unwrap()).await.unwrap();
        axum::body::to_bytes(res.into_body(), 1 << 10).await.unwrap();
    };
    let org = zairyu_domain::application::OrganizationId::parse("org1").unwrap();
    let statements: Vec<_> =
        list_queries(&org, None, 50).iter().map(|q| zairyu_embedded::table::query_statement(q).unwrap()).collect();
    let conn = rusqlite::Connection::open(&path).unwrap();
    SqliteTable::plan_once(&conn).unwrap();
    let sql_floor = || {
        let mut n = 0;
        for (sql, args) in &statements {
            let mut stmt = conn.prepare_cached(sql).unwrap();
            let mut rows = stmt.query(rusqlite::params_from_iter(args.iter())).unwrap();
            while let Some(row) = rows.next().unwrap() {
                // Every column the table reads, as text.
                for i in 0..row.as_ref().column_count() {
                    n += row.get_ref(i).unwrap().as_str_or_null().unwrap().map_or(0, str::len);
                }
            }
        }
        assert!(n > 0);
    };
    let session_read = || {
        let mut stmt = conn.prepare_cached("SELECT item, doc, summary FROM items WHERE pk = ?1 AND sk = ?2").unwrap();
        let row: (String, Option<String>, Option<String>) =
            stmt.query_row(["USER#TANAKA01", "USER"], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        std::hint::black_box(row);
    };
    let body = page.body.clone();
    // Of the list's own work: the service's call (the query and its lines, no HTTP, no authentication).
    let service = || async {
        std::hint::black_box(w.svc.applications.applications(&caller, None, 50).await.unwrap());
    };

    const N: usize = 2000;
    // `ZAIRYU_BENCH_ONLY=list` (or `me`) sends only those requests, many of them: a profile of one path.
    match std::env::var("ZAIRYU_BENCH_ONLY").as_deref() {
        Ok("list") => {
            measure(N * 10, list).await;
            return;
        }
        Ok("me") => {
            measure(N * 50, me).await;
            return;
        }
        _ => {}
    }
    println!(
        "list path and authentication, one request at a time, in-process, medians of {ROUNDS} interleaved rounds (CPU: {})",
        cpu_model()
    );
    // Each round measures every floor and every request once, so that a slow moment of a shared machine
    // falls on all of them alike; each figure is the median of its rounds.
    const ROUNDS: usize = 11;
    let mut rounds: [Vec<(f64, f64)>; 7] = Default::default();
    for _ in 0..ROUNDS {
        rounds[0].push(measure(N * 5, router_floor).await);
        rounds[1].push(measure(N / 2, || async { sql_floor() }).await);
        rounds[2].push(
            measure(N / 2, || async {
                std::hint::black_box(serde_json::to_vec(&body).unwrap());
            })
            .await,
        );
        rounds[3].push(measure(N * 5, || async { session_read() }).await);
        rounds[4].push(measure(N / 2, list).await);
        rounds[5].push(measure(N * 2, me).await);
        rounds[6].push(measure(N / 2, service).await);
    }
    // Each round's ratio over the floor measured in that same round, then their median: a machine that slows
    // down between rounds (a neighbour, the clock) moves a round's figures together, and its ratio less.
    let ratios = |of: usize, floor: &dyn Fn(usize) -> f64| {
        let mut v: Vec<f64> = (0..ROUNDS).map(|i| rounds[of][i].0 / floor(i)).collect();
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0], v[v.len() - 1])
    };
    let list_ratio = ratios(4, &|i| rounds[0][i].0 + rounds[1][i].0 + rounds[2][i].0);
    let me_ratio = ratios(5, &|i| rounds[0][i].0 + rounds[3][i].0);
    let [router, sql, serialize, key_read, list, me, service] = rounds.map(|r| median(&r));
    line("router floor (a bare axum route)", router, None);
    line("SQL floor (the list's statement, cached, rows as text)", sql, None);
    line("serialize floor (the page's JSON)", serialize, None);
    line("read one item by key (cached statement)", key_read, None);
    line("GET /api/applications?limit=50 (50 of 50)", list, Some(list_ratio));
    line("GET /api/me", me, Some(me_ratio));
    line("  of which the service's call (query and lines, no HTTP)", service, None);
    println!(
        "(the ratios: CPU per request over its floor measured in the same round, the median of the rounds' ratios \
         [lowest–highest] — the list's floor: router + SQL + serialize; /api/me's: router + one read by key)"
    );
}
