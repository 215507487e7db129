#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the Python test tools it needs, runs every Rust
# test of the workspace, and lints the infrastructure template.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

ensure_venv scripts/requirements-test.txt

echo "==> cargo test (target dir: $CARGO_TARGET_DIR)"
cargo test --workspace --locked

echo "==> cfn-lint infra/template.yaml"
"$ZAIRYU_VENV/bin/cfn-lint" --regions ap-northeast-1 -- infra/template.yaml
echo "cfn-lint: template passes"
