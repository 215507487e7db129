#!/usr/bin/env bash
# Mutation testing of the domain's rules (cargo-mutants) against the domain crate's own tests.
#
#   scripts/mutants.sh                      # the files of shared/domain/src changed since origin/main (or HEAD~1)
#   scripts/mutants.sh all                  # every rule file
#   scripts/mutants.sh shared/domain/src/eligibility.rs ...
#
# Prints, per file, the viable mutants caught (killed or timed out) out of all viable ones and the share;
# exits non-zero when a file is below ZAIRYU_MUTANTS_FLOOR (default 95). A surviving mutant of a rule is a
# test still to write; one that cannot change behaviour is excluded in .cargo/mutants.toml with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked
floor="${ZAIRYU_MUTANTS_FLOOR:-95}"
out="${ZAIRYU_MUTANTS_OUT:-target/mutants}"
rules=(account acquisition certificate/mod certificate/der certificate/cms certificate/pdf fees work_certificate application/mod application/steps application/document blanket document/mod document/pdf eligibility flood form/mod form/field jst notice office organization period photo prefecture procedure receipt_number
    request_for_use status status_of_residence values)
files=()
if [[ $# -eq 0 ]]; then
    base="$(git merge-base HEAD origin/main 2>/dev/null || git rev-parse HEAD~1)"
    while read -r f; do
        [[ -f "$f" && "$f" == shared/domain/src/*.rs && "$f" != */fixtures.rs ]] && files+=("$f")
    done < <(git diff --name-only "$base" -- shared/domain/src)
elif [[ "$1" == all ]]; then
    for r in "${rules[@]}"; do files+=("shared/domain/src/$r.rs"); done
else
    files=("$@")
fi
if [[ ${#files[@]} -eq 0 ]]; then
    echo "no rule file changed"
    exit 0
fi
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
mkdir -p "$out"
# A separate target directory: the mutated copies must not disturb the workspace's build.
env -u CARGO_TARGET_DIR cargo mutants -p zairyu-domain --test-package zairyu-domain "${args[@]}" \
    -j "${ZAIRYU_MUTANTS_JOBS:-1}" --no-shuffle -o "$out" >/dev/null || true
python3 - "$out/mutants.out/outcomes.json" "$floor" <<'PY'
import json, sys, collections
outcomes = json.load(open(sys.argv[1]))["outcomes"]
floor = float(sys.argv[2])
per = collections.defaultdict(lambda: [0, 0])
for o in outcomes:
    scen = o.get("scenario")
    if not isinstance(scen, dict) or "Mutant" not in scen:
        continue
    f = scen["Mutant"]["file"]
    s = o["summary"]
    if s in ("Unviable",):
        continue
    per[f][1] += 1
    if s in ("CaughtMutant", "Timeout"):
        per[f][0] += 1
low = False
print(f"{'file':45} {'caught':>7} {'viable':>7} {'share':>7}")
for f in sorted(per):
    caught, viable = per[f]
    share = 100.0 * caught / viable if viable else 100.0
    low |= share < floor
    print(f"{f:45} {caught:7} {viable:7} {share:6.1f}%")
sys.exit(1 if low else 0)
PY
