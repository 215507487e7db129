#!/usr/bin/env bash
# Fuzzes the blanket workbook reader for a fixed time (default 60 s): `scripts/fuzz.sh [seconds]`. Part of
# scripts/test.sh. Coverage-guided libFuzzer on the stable toolchain (the sanitizer-coverage passes that
# cargo-fuzz turns on; no address sanitizer is needed for a crate that forbids `unsafe`). The corpus starts
# from real templates, empty and filled, and from files with stray values in far-away cells
# (XFD1048576, BW1048576), so the fuzzer begins where the reader once broke. A crash, a panic, a timeout
# (10 s) or more than 2 GB of memory fails the run and leaves the input in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
seconds="${1:-60}"
# libfuzzer-sys compiles libFuzzer itself (C++).
command -v c++ >/dev/null || { apt-get update -qq && apt-get install -y -qq g++; }
target="$CARGO_TARGET_DIR/fuzz"
triple="$(rustc -vV | sed -n 's/^host: //p')"
flags="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags="$flags -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
flags="$flags -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# --target: the flags reach the fuzz target and its crates, not the build scripts.
(cd fuzz && RUSTFLAGS="$flags" cargo build --locked --release --bin blanket_reader --target "$triple" --target-dir "$target")
corpus="$(mktemp -d -t zairyu-fuzz-corpus.XXXXXX)"
trap 'rm -rf "$corpus"' EXIT
cargo run -q --locked -p zairyu-blanket --example seed_corpus -- "$corpus"
mkdir -p fuzz/artifacts
echo "==> fuzzing the blanket reader for $seconds s from $(ls "$corpus" | wc -l) seed files"
log="$corpus.log"
status=0
"$target/$triple/release/blanket_reader" "$corpus" -max_total_time="$seconds" -max_len=262144 \
  -rss_limit_mb=2048 -timeout=10 -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)|panicked|deadly signal|ERROR: libFuzzer' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "the fuzzer found an input that breaks the reader (exit $status); the input is in fuzz/artifacts/:" >&2
  tail -40 "$log" >&2
  exit 1
fi
rm -f "$log"
