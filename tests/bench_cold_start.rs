//! Cold start of every Lambda function, beside a hello-world `lambda_http` function built in the same run.
//!
//! Each function's release binary is built on its own (`cargo build --release -p <crate>`, so that its features
//! are its own, as `sam build` builds it from its directory), then started again and again against a Runtime
//! API stub on loopback, as Lambda starts it: *init* is the time from the process's start to its first
//! `GET /runtime/invocation/next`; *first response* the time to the answer of its first event. The events are
//! ones a function answers without calling AWS (a request without a session, an empty batch; for `status` also
//! the OpenAPI document, a 173 KB answer, on a row of its own); every AWS endpoint points at the stub, which counts any call, and a function that calls AWS while
//! starting is reported. Run with `cargo bench -p zairyu-acceptance --bench cold_start`; it prints figures and
//! asserts only that each function answered as expected.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bench_host;
use bench_host::cpu_model;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const RUNS: usize = 21;
const ORIGIN_SECRET: &str = "cold-start-bench-origin-secret-0123456789";

/// What the stub saw.
enum Seen {
    Next,
    Response(String),
    Error(String),
}

struct Stub {
    port: u16,
    /// The event the next `next` hands out (taken once per run).
    event: Arc<Mutex<Option<String>>>,
    seen: Receiver<(Seen, Instant)>,
    aws_calls: Arc<AtomicUsize>,
    /// Connections still being served: a stopped function's request may still sit in its socket, and must
    /// be answered (with no event) before the next start's event is set, or it would take that event.
    open: Arc<AtomicUsize>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, body))
}

fn answer(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &str) {
    let mut text = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    let _ = stream.write_all(text.as_bytes());
}

fn serve(stream: TcpStream, event: Arc<Mutex<Option<String>>>, seen: Sender<(Seen, Instant)>, aws: Arc<AtomicUsize>) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    while let Some((method, path, body)) = read_request(&mut reader) {
        let at = Instant::now();
        let body = String::from_utf8_lossy(&body).into_owned();
        if path == "/2018-06-01/runtime/invocation/next" {
            let _ = seen.send((Seen::Next, at));
            match event.lock().unwrap().take() {
                Some(event) => {
                    let deadline = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap()
                        + Duration::from_secs(30);
                    answer(
                        &mut writer,
                        "200 OK",
                        &[
                            ("content-type", "application/json".into()),
                            ("lambda-runtime-aws-request-id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd".into()),
                            ("lambda-runtime-deadline-ms", deadline.as_millis().to_string()),
                            (
                                "lambda-runtime-invoked-function-arn",
                                "arn:aws:lambda:ap-northeast-1:123456789012:function:zairyu-bench".into(),
                            ),
                            ("lambda-runtime-trace-id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=0".into()),
                        ],
                        &event,
                    );
                }
                // The second `next` waits, as Lambda's does, until the process is stopped.
                None => return,
            }
        } else if path.starts_with("/2018-06-01/runtime/") {
            let what = if path.ends_with("/response") { Seen::Response(body) } else { Seen::Error(body) };
            let _ = seen.send((what, at));
            answer(&mut writer, "202 Accepted", &[("content-type", "application/json".into())], "{}");
        } else {
            aws.fetch_add(1, Ordering::SeqCst);
            eprintln!("  an AWS call: {method} {path}");
            answer(&mut writer, "500 Internal Server Error", &[], "");
        }
    }
}

fn stub() -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let event = Arc::new(Mutex::new(None));
    let (tx, seen) = channel();
    let aws_calls = Arc::new(AtomicUsize::new(0));
    let open = Arc::new(AtomicUsize::new(0));
    let (e, a, o) = (Arc::clone(&event), Arc::clone(&aws_calls), Arc::clone(&open));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (e, tx, a, o) = (Arc::clone(&e), tx.clone(), Arc::clone(&a), Arc::clone(&o));
            o.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                serve(stream, e, tx, a);
                o.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Stub { port, event, seen, aws_calls, open }
}

/// An API Gateway HTTP API (v2) event through CloudFront from Japan, without a session.
fn http_event(method: &str, path: &str) -> String {
    serde_json::json!({
        "version": "2.0",
        "routeKey": format!("{method} {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "host": "api.oras.example.jp",
            "x-forwarded-for": "133.1.2.3, 130.176.88.12",
            "x-forwarded-proto": "https",
            "cloudfront-viewer-country": "JP",
            "x-origin-verify": ORIGIN_SECRET,
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": "api.oras.example.jp",
            "domainPrefix": "api",
            "http": { "method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "130.176.88.12", "userAgent": "bench" },
            "requestId": "cZ3jXg2fNjMEMpA=",
            "routeKey": format!("{method} {path}"),
            "stage": "$default",
            "time": "27/Nov/2026:01:00:00 +0000",
            "timeEpoch": 1795741200000u64
        },
        "isBase64Encoded": false
    })
    .to_string()
}

struct Case {
    /// The row's name (a function measured with two first events has two rows).
    label: &'static str,
    package: &'static str,
    binary: &'static str,
    /// The first event and what its answer must contain, or none: the function's every event reads the table.
    first: Option<(String, &'static str)>,
}

fn cases() -> Vec<Case> {
    let http = |m: &str, p: &str| http_event(m, p);
    vec![
        Case {
            label: "hello",
            package: "zairyu-bench-hello",
            binary: "hello",
            first: Some((http("GET", "/"), "\"statusCode\":200")),
        },
        Case {
            label: "login",
            package: "zairyu-login",
            binary: "login",
            first: Some((http("GET", "/api/me"), "\"statusCode\":401")),
        },
        Case {
            label: "submit",
            package: "zairyu-submit",
            binary: "submit",
            first: Some((http("POST", "/api/applications"), "\"statusCode\":401")),
        },
        Case {
            label: "status",
            package: "zairyu-status",
            binary: "status",
            first: Some((http("GET", "/api/applications"), "\"statusCode\":401")),
        },
        // The same start, answering with the API's whole document (173 KB, JSON-escaped into the runtime's
        // response): what a large first answer adds.
        Case {
            label: "status (API doc)",
            package: "zairyu-status",
            binary: "status",
            first: Some((http("GET", "/api/openapi.json"), "\"statusCode\":200")),
        },
        Case {
            label: "office",
            package: "zairyu-office",
            binary: "office",
            first: Some((http("GET", "/api/office/applications"), "\"statusCode\":401")),
        },
        Case {
            label: "batch-upload",
            package: "zairyu-batch-upload",
            binary: "batch-upload",
            first: Some((r#"{"Records":[]}"#.into(), "\"processed\":0")),
        },
        Case {
            label: "notify",
            package: "zairyu-notify",
            binary: "notify",
            first: Some((r#"{"Records":[]}"#.into(), "\"batchItemFailures\":[]")),
        },
        Case { label: "reminders", package: "zairyu-reminders", binary: "reminders", first: None },
        Case { label: "outbox", package: "zairyu-outbox", binary: "outbox", first: None },
    ]
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
}

fn build(package: &str) {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--locked", "--quiet", "-p", package])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status()
        .unwrap();
    assert!(status.success(), "cargo build -p {package}");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One start: (init, first response) in milliseconds.
fn start_once(stub: &Stub, case: &Case) -> (f64, Option<f64>) {
    // The last start's connections answered and closed first (see `Stub::open`).
    let quiet = Instant::now() + Duration::from_secs(5);
    while stub.open.load(Ordering::SeqCst) > 0 && Instant::now() < quiet {
        std::thread::sleep(Duration::from_millis(1));
    }
    while stub.seen.try_recv().is_ok() {}
    // A function without a first event gets none: its `next` waits until it is stopped.
    *stub.event.lock().unwrap() = case.first.as_ref().map(|(e, _)| e.clone());
    let endpoint = format!("http://127.0.0.1:{}", stub.port);
    let started = Instant::now();
    let mut child = Command::new(target_dir().join("release").join(case.binary))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", stub.port))
        .env("AWS_LAMBDA_FUNCTION_NAME", format!("zairyu-bench-{}", case.binary))
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/zairyu-bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_REGION", "ap-northeast-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDBENCH")
        .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
        .env("AWS_SESSION_TOKEN", "bench-token")
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("ZAIRYU_TABLE", "zairyu-bench-table")
        .env("ZAIRYU_QUEUE_URL", format!("{endpoint}/123456789012/zairyu-bench-jobs"))
        .env("ZAIRYU_DEAD_LETTER_URL", format!("{endpoint}/123456789012/zairyu-bench-dlq"))
        .env("ZAIRYU_PHOTOS_BUCKET", "zairyu-bench-photos")
        .env("ZAIRYU_UPLOADS_BUCKET", "zairyu-bench-uploads")
        .env("ZAIRYU_TEMPLATES_BUCKET", "zairyu-bench-templates")
        .env("ZAIRYU_PUBLIC_URL", "https://oras.example.jp")
        .env("ZAIRYU_ORIGIN_SECRET", ORIGIN_SECRET)
        .env("ZAIRYU_CURSOR_KEY", "cold-start-bench-cursor-key-0123456789abcdef")
        .env("ZAIRYU_SENDER", "no-reply@oras.example.jp")
        .env("ZAIRYU_MAIL_RATE", "14")
        .env("ZAIRYU_MAIL_CONCURRENCY", "10")
        .env("ZAIRYU_HELP_DESK", "0570-000-000")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut init = None;
    let mut first = None;
    let deadline = Instant::now() + Duration::from_secs(10);
    while first.is_none() && Instant::now() < deadline {
        match stub.seen.recv_timeout(Duration::from_millis(100)) {
            Ok((Seen::Next, at)) if init.is_none() => {
                init = Some(at.duration_since(started).as_secs_f64() * 1e3);
                if case.first.is_none() {
                    break;
                }
            }
            Ok((Seen::Next, _)) => {}
            Ok((Seen::Response(body), at)) => {
                let expected = case.first.as_ref().map(|(_, e)| *e).unwrap_or_default();
                assert!(body.replace(' ', "").contains(expected), "{}: {body}", case.binary);
                first = Some(at.duration_since(started).as_secs_f64() * 1e3);
            }
            Ok((Seen::Error(body), _)) => panic!("{} failed: {body}", case.binary),
            Err(_) => {
                if let Some(status) = child.try_wait().unwrap() {
                    panic!("{} exited: {status}", case.binary);
                }
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let init = init.unwrap_or_else(|| panic!("{} never asked for an event", case.binary));
    assert!(case.first.is_none() || first.is_some(), "{} never answered", case.binary);
    (init, first)
}

fn main() {
    // `ZAIRYU_BENCH_ONLY=login,status` measures those (and hello, the floor) only.
    let only = std::env::var("ZAIRYU_BENCH_ONLY").ok();
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.binary == "hello" || only.as_deref().is_none_or(|o| o.split(',').any(|b| b == c.binary)))
        .collect();
    for case in &cases {
        build(case.package);
    }
    let stub = stub();
    println!("cold start, medians of {RUNS} interleaved starts each (CPU: {})", cpu_model());
    println!(
        "{:<18} {:>10} {:>8} {:>16} {:>8}  {:>6}",
        "function", "init ms", "× hello", "first resp. ms", "× hello", "AWS"
    );
    // One start of each first, not counted: the binaries come into the page cache. Then rounds that start
    // every function once, so that a slow moment of a shared machine falls on all of them alike.
    let mut calls = vec![0; cases.len()];
    let mut inits = vec![Vec::new(); cases.len()];
    let mut firsts = vec![Vec::new(); cases.len()];
    for (i, case) in cases.iter().enumerate() {
        let before = stub.aws_calls.load(Ordering::SeqCst);
        start_once(&stub, case);
        calls[i] += stub.aws_calls.load(Ordering::SeqCst) - before;
    }
    for _ in 0..RUNS {
        for (i, case) in cases.iter().enumerate() {
            let before = stub.aws_calls.load(Ordering::SeqCst);
            let (init, first) = start_once(&stub, case);
            calls[i] += stub.aws_calls.load(Ordering::SeqCst) - before;
            inits[i].push(init);
            firsts[i].extend(first);
        }
    }
    // Each ratio is the median of the rounds' own ratios (a start over hello's start in the same round): a
    // machine that slows down or speeds up between rounds moves a round's figures together, its ratio less.
    let hello = cases.iter().position(|c| c.binary == "hello").unwrap();
    let ratio = |of: &[f64], floor: &[f64]| median(of.iter().zip(floor).map(|(x, f)| x / f).collect());
    for (i, case) in cases.iter().enumerate() {
        let init = median(inits[i].clone());
        let first = (!firsts[i].is_empty()).then(|| median(firsts[i].clone()));
        let first_text = first.map_or("—".to_owned(), |f| format!("{f:.2}"));
        let first_ratio = first.map_or("—".to_owned(), |_| format!("{:.2}", ratio(&firsts[i], &firsts[hello])));
        println!(
            "{:<18} {init:>10.2} {:>8.2} {first_text:>16} {first_ratio:>8}  {:>6}",
            case.label,
            ratio(&inits[i], &inits[hello]),
            calls[i]
        );
    }
    println!("(× hello: the median of each round's own ratio to hello's start in that round)");
}
