#!/usr/bin/env bash
# The API as its OpenAPI document describes it, tried from outside: the local server on its embedded default
# with the demo's data, and schemathesis over the document the server serves (/api/openapi.json), once as an
# organization's staff member and once as an officer (each logged in through the API; the session cookie and
# the CSRF token are the document's security schemes, scripts/schemathesis.toml). Every answer must be one the document declares, in the declared
# shape; no 5xx; every schema-valid request accepted or refused for a documented reason.
#
# ZAIRYU_CONFORMANCE_EXAMPLES sets the examples per operation (default 25). Routes that end the session or
# change the password are left out: they would log the run out halfway.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ensure_venv "$ZAIRYU_SCHEMA_VENV" scripts/requirements-schemathesis.txt

cargo build --locked -q -p zairyu-local
data="$(mktemp -d -t zairyu-conformance.XXXXXX)"
out="$data/server.out"
ZAIRYU_ADDR=127.0.0.1:0 ZAIRYU_DATA_DIR="$data" RUST_LOG=warn "$CARGO_TARGET_DIR/debug/zairyu-local" >"$out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" | head -1 || true)"
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then echo "the local server did not start:" >&2; cat "$out" >&2; exit 1; fi
  sleep 0.2
done
echo "==> local server on $url"

python="$ZAIRYU_SCHEMA_VENV/bin/python"
examples="${ZAIRYU_CONFORMANCE_EXAMPLES:-25}"
for user in TANAKA01 OFFICER01; do
  password="$(sed -n "s/.*$user *password \([^ ]*\).*/\1/p" "$data/demo-credentials.txt" | head -1)"
  read -r cookie csrf < <("$python" - "$url" "$user" "$password" <<'PY'
import json, sys, urllib.request
url, user, password = sys.argv[1:4]
req = urllib.request.Request(url + "/api/login", data=json.dumps({"user_id": user, "password": password}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(req) as r:
    cookie = r.headers["Set-Cookie"].split(";")[0]
    print(cookie, json.load(r)["csrf_token"])
PY
)
  echo "==> schemathesis as $user ($examples examples per operation)"
  ZAIRYU_SESSION="${cookie#*=}" ZAIRYU_CSRF="$csrf" "$ZAIRYU_SCHEMA_VENV/bin/st" --config-file scripts/schemathesis.toml \
    run "$url/api/openapi.json" \
    --url "$url" \
    --checks all \
    --exclude-path /api/logout \
    --exclude-path /api/me/password \
    --exclude-path /api/login \
    --max-examples "$examples" \
    --seed 31 \
    --no-color
done
