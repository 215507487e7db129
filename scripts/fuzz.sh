#!/usr/bin/env bash
# Fuzzes the blanket workbook reader for a while (default 60 s): `scripts/fuzz.sh [seconds]`.
# Needs the nightly toolchain and cargo-fuzz, which it installs when missing. Seeds the corpus with real
# templates (empty and filled) so the fuzzer starts from valid workbooks.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus=fuzz/corpus/blanket_reader
mkdir -p "$corpus"
cargo run -q -p zairyu-blanket --example seed_corpus -- "$corpus"
cargo +nightly fuzz run blanket_reader "$corpus" -- -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048
