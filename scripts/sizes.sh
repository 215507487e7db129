#!/usr/bin/env bash
# The deployment size of every Lambda function: `scripts/sizes.sh`. Builds each function's release binary
# for arm64 (Lambda runs them on Graviton) on its own — `cargo build -p <crate>`, so that its features are its
# own, as `sam build` builds it from its directory — zips it as `bootstrap`, the way the Lambda artifact holds
# it, and prints the binary and zip sizes beside a hello-world `lambda_http` function built the same way. Fails
# when a zipped function is over 4 MB (4,000,000 B; issue 15). Needs Debian's aarch64 cross gcc; installs it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
triple=aarch64-unknown-linux-gnu
# 4 MB read the strict way: 4,000,000 bytes (not 4 MiB, as Lambda counts its own "50 MB").
limit=4000000
command -v aarch64-linux-gnu-gcc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc-aarch64-linux-gnu libc6-dev-arm64-cross; }
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
work="$(mktemp -d -t zairyu-sizes.XXXXXX)"
trap 'rm -rf "$work"' EXIT
printf '%-14s %12s %12s %10s\n' function "binary (B)" "zipped (B)" "× hello"
over=0
for pair in bench-hello:hello login:login submit:submit status:status office:office batch-upload:batch-upload \
            notify:notify reminders:reminders outbox:outbox; do
  crate="zairyu-${pair%%:*}" bin="${pair##*:}"
  cargo build --release --locked --quiet -p "$crate" --target "$triple"
  mkdir -p "$work/$bin"
  cp "$CARGO_TARGET_DIR/$triple/release/$bin" "$work/$bin/bootstrap"
  python3 - "$work/$bin" <<'PY'
import sys, zipfile, os
d = sys.argv[1]
with zipfile.ZipFile(os.path.join(d, "function.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.write(os.path.join(d, "bootstrap"), "bootstrap")
PY
  size=$(stat -c %s "$work/$bin/bootstrap") zipped=$(stat -c %s "$work/$bin/function.zip")
  [ "$bin" = hello ] && floor=$zipped
  printf '%-14s %12d %12d %10s\n' "$bin" "$size" "$zipped" "$(python3 -c "print(f'{$zipped / $floor:.2f}')")"
  if [ "$bin" != hello ] && [ "$zipped" -gt "$limit" ]; then over=1; fi
done
if [ "$over" -ne 0 ]; then echo "a zipped function is over 4 MB" >&2; exit 1; fi
