#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the Python test tools it needs, starts moto server
# on a free port of 127.0.0.1 for the AWS adapters' contract tests, runs every Rust test of the workspace,
# holds the API to its served OpenAPI document with schemathesis (scripts/api-conformance.sh), runs the browser
# tests (scripts/browser-tests.sh), fuzzes the blanket reader for a fixed time (ZAIRYU_FUZZ_SECONDS, default 60),
# lints and checks the infrastructure templates (cfn-lint, sam validate --lint, checkov), tests the template as
# CloudFormation deploys it (tests/stack, over the SAM transform), builds every function as the deployment does
# (scripts/sam-build.sh: `sam build`, each artifact checked), rehearses the stack on a moto server of its own with
# those artifacts (tests/stack/test_rehearsal.py), and stops moto again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

ensure_venv "$ZAIRYU_VENV" scripts/requirements-test.txt
ensure_venv "$ZAIRYU_CHECKOV_VENV" scripts/requirements-checkov.txt
ensure_venv "$ZAIRYU_SAM_VENV" scripts/requirements-sam.txt

start_moto
export ZAIRYU_OPENAPI_VALIDATOR="$ZAIRYU_VENV/bin/openapi-spec-validator"
# The Python with pyHanko, PyMuPDF and ZXing (zxing-cpp): tests/certificates.rs checks the signed certificate with them.
export ZAIRYU_TEST_PYTHON="$ZAIRYU_VENV/bin/python"
echo "==> moto server on $ZAIRYU_MOTO_URL"

echo "==> cargo test (target dir: $CARGO_TARGET_DIR)"
# What each function's role is seen to reach, for the check after the suite that it reaches nothing unused.
ZAIRYU_REACH_SEEN="$(mktemp -t zairyu-reach.XXXXXX)"
export ZAIRYU_REACH_SEEN
cargo test --workspace --locked
echo "==> every partition a role reaches is used by its code (over what the suite saw)"
cargo test --locked -q -p zairyu-acceptance --test infra every_partition_a_role_reaches -- --ignored
unset ZAIRYU_REACH_SEEN

echo "==> API conformance: schemathesis over the served OpenAPI document, as staff and as an officer"
scripts/api-conformance.sh

echo "==> browser tests (headless Chromium, axe-core)"
scripts/browser-tests.sh

echo "==> fuzzing the blanket reader (fixed time)"
scripts/fuzz.sh "${ZAIRYU_FUZZ_SECONDS:-60}"

echo "==> cfn-lint infra/template.yaml"
"$ZAIRYU_VENV/bin/cfn-lint" --regions ap-northeast-1 -- infra/template.yaml
"$ZAIRYU_VENV/bin/cfn-lint" --regions us-east-1 -- infra/edge-waf.yaml infra/edge-logs.yaml
"$ZAIRYU_VENV/bin/cfn-lint" --regions ap-northeast-3 -- infra/backup-copy.yaml
echo "cfn-lint: templates pass"

echo "==> sam validate --lint infra/template.yaml (the SAM transform, offline)"
SAM_CLI_TELEMETRY=0 "$ZAIRYU_SAM_VENV/bin/sam" validate --lint -t infra/template.yaml --region ap-northeast-1

echo "==> checkov infra/template.yaml (every skipped check is justified in the template)"
BC_SKIP_MAPPING=TRUE "$ZAIRYU_CHECKOV_VENV/bin/checkov" -f infra/template.yaml -f infra/edge-waf.yaml -f infra/edge-logs.yaml -f infra/backup-copy.yaml --framework cloudformation --compact --quiet --skip-download

echo "==> sam build, as infra/README.md deploys (scripts/sam-build.sh)"
export ZAIRYU_SAM_BUILD_DIR="${ZAIRYU_SAM_BUILD_DIR:-$HOME/.cache/zairyu-sam-build}"
scripts/sam-build.sh "$ZAIRYU_SAM_BUILD_DIR"

echo "==> the stack as deployed: the transformed template's tests, and the rehearsal on moto (tests/stack)"
scripts/rehearsal-deps.sh
cargo build --locked -q -p zairyu-local
ZAIRYU_SAM_PYTHON="$ZAIRYU_SAM_VENV/bin/python" "$ZAIRYU_VENV/bin/python" -m pytest -q -p no:cacheprovider -s tests/stack
