//! The layers hold by the dependency graph, not by discipline: the domain is rules only (no async runtime,
//! no async traits, no JSON, no I/O, nothing of the layers above), the use cases know no adapter and no
//! HTTP, and the adapters know no HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The crates a package depends on for its normal build, by name.
fn dependencies(package: &str) -> BTreeSet<String> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", package, "-e", "normal", "--prefix", "none", "--locked", "--offline"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|name| name != package)
        .collect()
}

fn assert_none_of(package: &str, banned: &[&str]) {
    let deps = dependencies(package);
    let found: Vec<_> = banned.iter().filter(|b| deps.contains(**b)).collect();
    assert!(found.is_empty(), "{package} depends on {found:?}");
}

#[test]
fn the_domain_is_rules_only() {
    assert_none_of(
        "zairyu-domain",
        &["tokio", "async-trait", "serde_json", "futures", "zairyu-app", "axum", "rusqlite", "aws-config", "tracing"],
    );
}

#[test]
fn the_use_cases_know_no_adapter_and_no_http() {
    assert_none_of(
        "zairyu-app",
        &[
            "tokio",
            "axum",
            "http",
            "rusqlite",
            "aws-config",
            "aws-sdk-dynamodb",
            "aws-sdk-s3",
            "aws-sdk-sqs",
            "aws-sdk-sesv2",
            "calamine",
            "rust_xlsxwriter",
            "lambda_runtime",
            "zairyu-http",
            "zairyu-embedded",
            "zairyu-aws",
        ],
    );
}

#[test]
fn the_adapters_know_no_http_and_no_other_adapter() {
    assert_none_of("zairyu-embedded", &["axum", "zairyu-http", "zairyu-aws", "aws-config"]);
    assert_none_of("zairyu-aws", &["axum", "zairyu-http", "zairyu-embedded", "rusqlite"]);
}

/// What only the local server needs: the embedded twin of every AWS service.
const EMBEDDED: &[&str] = &["zairyu-embedded", "rusqlite"];
/// Reading and writing blanket files.
const SPREADSHEETS: &[&str] = &["zairyu-blanket", "rust_xlsxwriter", "calamine", "zip"];
/// The HTTP layer of the API functions.
const HTTP: &[&str] = &["zairyu-http", "axum", "lambda_http"];
/// A regular-expression engine, which only `RUST_LOG` filters of `EnvFilter` would need (we read the levels
/// with `Targets`).
const REGEX: &[&str] = &["regex-automata", "matchers"];

/// Each Lambda function carries only its own code: the route modules it serves (crate features of
/// `zairyu-http`) and the SDK clients its services use (features of `zairyu-aws`). Resolved for one package at
/// a time, as `sam build` builds each function from its own directory.
#[test]
fn each_function_links_only_what_it_uses() {
    let banned = |groups: &[&[&'static str]], more: &[&'static str]| -> Vec<&'static str> {
        groups.iter().flat_map(|g| g.iter().copied()).chain(more.iter().copied()).collect()
    };
    let cases: [(&str, Vec<&str>); 8] = [
        // Log-in, passwords and the user's own data: the table and the queue (reset e-mails), nothing else.
        // Only notify holds the key that signs electronic certificates (#35): no other links KMS's client.
        ("zairyu-login", banned(&[EMBEDDED, SPREADSHEETS, REGEX], &["aws-sdk-s3", "aws-sdk-sesv2", "aws-sdk-kms"])),
        // Submit starts uploads (a link), but reads and writes no spreadsheet.
        ("zairyu-submit", banned(&[EMBEDDED, SPREADSHEETS, REGEX], &["aws-sdk-sesv2", "aws-sdk-kms"])),
        ("zairyu-status", banned(&[EMBEDDED, REGEX], &["aws-sdk-sesv2", "aws-sdk-kms"])),
        ("zairyu-office", banned(&[EMBEDDED, SPREADSHEETS, REGEX], &["aws-sdk-sesv2", "aws-sdk-kms"])),
        ("zairyu-batch-upload", banned(&[EMBEDDED, HTTP, REGEX], &["aws-sdk-sesv2", "aws-sdk-kms"])),
        // Notify seals electronic certificates (KMS) into the photos' bucket (S3) before their e-mails.
        ("zairyu-notify", banned(&[EMBEDDED, SPREADSHEETS, HTTP, REGEX], &[])),
        ("zairyu-reminders", banned(&[EMBEDDED, SPREADSHEETS, HTTP, REGEX], &["aws-sdk-sesv2", "aws-sdk-kms"])),
        ("zairyu-outbox", banned(&[EMBEDDED, SPREADSHEETS, HTTP, REGEX], &["aws-sdk-sesv2", "aws-sdk-kms"])),
    ];
    for (package, banned) in cases {
        assert_none_of(package, &banned);
    }
}
