#!/usr/bin/env bash
# The deployment's build, exactly as infra/README.md tells an operator to run it, and a check of what it made:
#
#   scripts/sam-build.sh [BUILD_DIR]          (default .aws-sam/build)
#
# installs the SAM CLI and cargo-lambda (with zig) into virtualenvs and the arm64 Rust target, runs
# `sam build` over infra/template.yaml (BuildMethod rust-cargolambda: every function cross-compiled for
# Lambda's Graviton), then checks each artifact: a `bootstrap` that is an ELF executable for aarch64, needing
# no newer glibc than Amazon Linux 2023's (2.34), and under 4 MB zipped (4,000,000 B). It prints each
# artifact's sizes. scripts/sizes.sh and the rehearsal on moto use these same artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
build_dir="${1:-.aws-sam/build}"

ensure_venv "$ZAIRYU_SAM_VENV" scripts/requirements-sam.txt
ensure_venv "$ZAIRYU_LAMBDA_VENV" scripts/requirements-lambda.txt
rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

start=$(date +%s)
PATH="$ZAIRYU_LAMBDA_VENV/bin:$ZAIRYU_SAM_VENV/bin:$PATH" SAM_CLI_TELEMETRY=0 \
  sam build --template infra/template.yaml --beta-features --build-dir "$build_dir"
echo "sam build: $(( $(date +%s) - start )) s"

python3 tests/stack/artifacts.py "$build_dir"
