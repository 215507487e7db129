# Shared settings for the project's scripts (sourced, not run).
# One cargo target directory outside the clone, reused between runs and clones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zairyu-target}"
# The virtualenv holding the Python test tools of scripts/requirements-test.txt, and a second one for
# checkov (it pins its own boto3, which must not move moto's).
ZAIRYU_VENV="${ZAIRYU_VENV:-$HOME/.cache/zairyu-venv}"
ZAIRYU_CHECKOV_VENV="${ZAIRYU_CHECKOV_VENV:-$ZAIRYU_VENV-checkov}"
# A third for the SAM CLI (`sam validate --lint`), which pins its own boto3 and cfn-lint.
ZAIRYU_SAM_VENV="${ZAIRYU_SAM_VENV:-$ZAIRYU_VENV-sam}"
# A fifth for cargo-lambda (and zig), which `sam build` runs to build the functions for arm64.
ZAIRYU_LAMBDA_VENV="${ZAIRYU_LAMBDA_VENV:-$ZAIRYU_VENV-lambda}"
# A fourth for the browser tests (Playwright, axe-core, pytest).
ZAIRYU_BROWSER_VENV="${ZAIRYU_BROWSER_VENV:-$ZAIRYU_VENV-browser}"
# A sixth for schemathesis (scripts/api-conformance.sh), which pins its own hypothesis and jsonschema.
ZAIRYU_SCHEMA_VENV="${ZAIRYU_SCHEMA_VENV:-$ZAIRYU_VENV-schemathesis}"

# start_moto: starts a moto server of its own (scripts/moto_serial.py) on a free port, waits until it answers,
# and stops it when the calling script exits; its address is in ZAIRYU_MOTO_URL.
start_moto() {
  local port moto_log
  port=$("$ZAIRYU_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  moto_log="$(mktemp -t zairyu-moto.XXXXXX.log)"
  "$ZAIRYU_VENV/bin/python" scripts/moto_serial.py 127.0.0.1 "$port" >"$moto_log" 2>&1 &
  moto_pid=$!
  trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true' EXIT
  export ZAIRYU_MOTO_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if "$ZAIRYU_VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/')" "$ZAIRYU_MOTO_URL" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$moto_pid" 2>/dev/null; then
      echo "moto server did not start:" >&2; cat "$moto_log" >&2; exit 1
    fi
    sleep 0.2
  done
  echo "moto server did not answer on $ZAIRYU_MOTO_URL" >&2; exit 1
}

# ensure_venv DIR REQUIREMENTS: creates or updates the virtualenv when the requirements changed since it
# was last filled.
ensure_venv() {
  local dir="$1" req="$2" stamp
  stamp="$dir/.requirements-$(sha256sum "$req" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> installing Python test tools of $req into $dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    touch "$stamp"
  fi
}
