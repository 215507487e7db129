#!/usr/bin/env bash
# The deployment size of every Lambda function: `scripts/sizes.sh`. Measures the artifacts the deployment's
# own build makes (scripts/sam-build.sh: `sam build`, each function cross-compiled for arm64 by cargo-lambda from
# its own directory, so that its features are its own), zipped as Lambda's package holds them, beside a
# hello-world `lambda_http` function built the same way (cargo-lambda, arm64, release). Fails when a zipped
# function is over 4 MB (4,000,000 B; issue 15) — sam-build.sh's check.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
build="${ZAIRYU_SAM_BUILD_DIR:-$HOME/.cache/zairyu-sam-build}"
# sam's own chatter (its banner, each function it builds) is kept out of the table: shown only on a failure.
log="$(mktemp -t zairyu-sizes.XXXXXX)"
scripts/sam-build.sh "$build" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; exit 1; }
rm -f "$log"
PATH="$ZAIRYU_LAMBDA_VENV/bin:$PATH" cargo lambda build --release --arm64 --quiet -p zairyu-bench-hello --bin hello
python3 - "$build" "$CARGO_TARGET_DIR/lambda/hello/bootstrap" <<'PY'
import io, json, pathlib, sys, zipfile
build, hello = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def zipped(data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("bootstrap", data)
    return len(buf.getvalue())
floor = zipped(hello.read_bytes())
print(f"{'function':<22} {'binary (B)':>12} {'zipped (B)':>12} {'× hello':>8}")
print(f"{'hello':<22} {hello.stat().st_size:>12} {floor:>12} {1:>8.2f}")
for name, s in json.loads((build / "sizes.json").read_text()).items():
    print(f"{name:<22} {s['bootstrap']:>12} {s['zipped']:>12} {s['zipped'] / floor:>8.2f}")
PY
