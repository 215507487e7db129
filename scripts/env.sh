# Shared settings for the project's scripts (sourced, not run).
# One cargo target directory outside the clone, reused between runs and clones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/zairyu-target}"
# The virtualenv holding the Python test tools of scripts/requirements-test.txt.
ZAIRYU_VENV="${ZAIRYU_VENV:-$HOME/.cache/zairyu-venv}"

# Creates or updates the virtualenv when the requirements changed since it was last filled.
ensure_venv() {
  local req="$1" stamp
  stamp="$ZAIRYU_VENV/.requirements-$(sha256sum "$req" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> installing Python test tools into $ZAIRYU_VENV"
    python3 -m venv "$ZAIRYU_VENV"
    "$ZAIRYU_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    touch "$stamp"
  fi
}
