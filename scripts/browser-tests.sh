#!/usr/bin/env bash
# The browser tests (#17 item 5): Debian's headless Chromium driven by Playwright against the local server
# (the debug build of `zairyu-local`, on a free port, in a data folder of its own), every visited page
# checked with axe-core. Installs what it needs: `chromium-headless-shell` and a Japanese font from apt, the
# Python tools into a virtualenv. Screenshots go to $ZAIRYU_SCREENSHOTS (printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

chromium=/usr/bin/chromium-headless-shell
if [ ! -x "$chromium" ] || ! fc-list 2>/dev/null | grep -qi ipagothic; then
  echo "==> installing chromium-headless-shell and fonts-ipafont-gothic (apt)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-ipafont-gothic >/dev/null
fi
ensure_venv "$ZAIRYU_BROWSER_VENV" scripts/requirements-browser.txt

cargo build --locked -q -p zairyu-local
export ZAIRYU_LOCAL_BIN="$CARGO_TARGET_DIR/debug/zairyu-local"
export ZAIRYU_CHROMIUM="$chromium"
export ZAIRYU_SCREENSHOTS="${ZAIRYU_SCREENSHOTS:-$CARGO_TARGET_DIR/screenshots}"
rm -rf "$ZAIRYU_SCREENSHOTS" && mkdir -p "$ZAIRYU_SCREENSHOTS"
"$ZAIRYU_BROWSER_VENV/bin/python" -m pytest -q -p no:cacheprovider tests/browser "$@"
echo "==> screenshots of every page the browser tests visited, in both languages: $ZAIRYU_SCREENSHOTS"
