#!/usr/bin/env bash
# Load figures of the local server (release build): the application list and log-in, under wrk on this
# machine. Prints wrk's reports (requests/s and the latency distribution) and the server's memory. Talks only
# to 127.0.0.1; bounded in time (10 s per run). The functions' sizes: scripts/sizes.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

# ZAIRYU_LOCAL_BIN: measure an already built local server (e.g. of an earlier commit) instead of building.
if [ -z "${ZAIRYU_LOCAL_BIN:-}" ]; then
  cargo build --release --locked --quiet -p zairyu-local
fi
bin="$CARGO_TARGET_DIR/release"
local_bin="${ZAIRYU_LOCAL_BIN:-$bin/zairyu-local}"
data="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
ZAIRYU_FLOOD_LIMITS=off ZAIRYU_ADDR="127.0.0.1:$port" ZAIRYU_DATA_DIR="$data" RUST_LOG=warn "$local_bin" >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do [ -f "$data/demo-credentials.txt" ] && curl -sf "$url/api/openapi.json" >/dev/null && break; sleep 0.1; done
password=$(awk '/staff user/ {print $5}' "$data/demo-credentials.txt")
login_body="{\"user_id\":\"TANAKA01\",\"password\":\"$password\"}"
resp=$(curl -s -D - -H 'content-type: application/json' -d "$login_body" "$url/api/login")
cookie=$(printf '%s' "$resp" | awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}')
csrf=$(printf '%s' "$resp" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
expiry=$(curl -s -H "cookie: $cookie" "$url/api/foreign-nationals" | python3 -c 'import json,sys; print([p["expiry_date"] for p in json.load(sys.stdin)["items"] if p["name"]=="NGUYEN,VAN,AN"][0])')
# 50 applications need 50 foreign nationals (one open application per person): the officer puts them on
# the organization's list, as the counter does (Q80), then the staff user enters one application each.
officer_password=$(awk '/officer user/ {print $5}' "$data/demo-credentials.txt")
resp=$(curl -s -D - -H 'content-type: application/json' -d "{\"user_id\":\"OFFICER01\",\"password\":\"$officer_password\"}" "$url/api/login")
officer_cookie=$(printf '%s' "$resp" | awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}')
officer_csrf=$(printf '%s' "$resp" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
python3 - "$url" "$cookie" "$csrf" "$expiry" "$officer_cookie" "$officer_csrf" <<'PY'
import json, sys, urllib.request
url, cookie, csrf, expiry, officer_cookie, officer_csrf = sys.argv[1:]
def send(method, path, body, cookie, csrf):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json", "cookie": cookie, "x-csrf-token": csrf})
    urllib.request.urlopen(req).read()
for i in range(50):
    card = "BN%08dKT" % i
    person = {"residence_card_number": card, "name": "NGUYEN,VAN,AN", "nationality": "Viet Nam", "birth_date": "19950412",
              "sex": "男", "status_of_residence": "技術・人文知識・国際業務", "period_of_stay": "1Y", "expiry_date": expiry,
              "passport_number": "C1234567", "passport_expiry": "20300101", "email": "an.nguyen@example.com",
              "kanji_name_on_card": False}
    send("PUT", "/api/office/organizations/sakura-systems/foreign-nationals/" + card, person, officer_cookie, officer_csrf)
    body = {"procedures": ["extension"], "nationality": "Viet Nam", "birth_date": "19950412", "name": "NGUYEN,VAN,AN", "sex": "男",
            "married": "無", "occupation": "Engineer", "home_country_address": "Ha Noi", "postcode": "100-0013", "prefecture": "東京都",
            "city": "千代田区", "street": "霞が関1-1-1", "mobile": "090-1234-5678", "passport_number": "C1234567", "passport_expiry": "20300101",
            "status_of_residence": "技術・人文知識・国際業務", "period_of_stay": "1Y", "expiry_date": expiry, "residence_card_number": card,
            "desired_period_of_stay": "3Y", "reason": "Continuing employment", "criminal_record": False, "relatives_in_japan": False,
            "receipt_method": "post", "receiving_office": "tokyo", "notice_email": "an.nguyen@example.com", "in_japan": True, "applicant_requested": True}
    send("POST", "/api/applications", body, cookie, csrf)
PY

echo "== GET /api/applications (page of 50 of 50 applications), 2 threads, 16 connections, 10 s"
wrk -t2 -c16 -d10s --latency -H "cookie: $cookie" "$url/api/applications?limit=50"

# The pages (#17 item 6): the application list and the new-application form as a browser gets them, beside
# the JSON route above; each page's size (at most 50 KB of HTML; the style sheet at most 30 KB).
person=$(curl -s -H "cookie: $cookie" "$url/foreign-nationals" | sed -n 's/.*href="\(\/applications\/new?person=[^"]*\)".*/\1/p' | head -1)
css=$(curl -s "$url/" | sed -n 's/.*rel="stylesheet" href="\([^"]*\)".*/\1/p' | head -1)
for page in "/applications" "$person" "$css"; do
  printf '== size of %s: %s bytes\n' "${page%%\?*}" "$(curl -s -H "cookie: $cookie" "$url$page" | wc -c)"
done
echo "== GET /applications (the list page: 50 of 50 applications as HTML), 2 threads, 16 connections, 10 s"
wrk -t2 -c16 -d10s --latency -H "cookie: $cookie" "$url/applications"
echo "== GET /applications/new (the form, filled in from the list), 2 threads, 16 connections, 10 s"
wrk -t2 -c16 -d10s --latency -H "cookie: $cookie" "$url$person"

lua="$(mktemp)"
cat > "$lua" <<LUA
wrk.method = "POST"
wrk.body = '$login_body'
wrk.headers["content-type"] = "application/json"
LUA
echo "== POST /api/login (argon2id verify each), 2 threads, 8 connections, 10 s"
wrk -t2 -c8 -d10s --latency -s "$lua" "$url/api/login"
rm -f "$lua"

rss() { awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }
echo "== memory: 100 parallel anonymous log-ins (each an argon2id check of 19 MiB)"
echo "resident before: $(rss)"
python3 - "$url" <<'PY'
import collections, json, sys, threading, urllib.error, urllib.request
url, codes, lock = sys.argv[1], collections.Counter(), threading.Lock()
def login(i):
    body = json.dumps({"user_id": f"NOBODY{i:02d}", "password": "Guess#1234"}).encode()
    req = urllib.request.Request(url + "/api/login", data=body, headers={"content-type": "application/json"})
    try:
        code = urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        code = e.code
    with lock:
        codes[code] += 1
threads = [threading.Thread(target=login, args=(i,)) for i in range(100)]
for t in threads: t.start()
for t in threads: t.join()
print("answers:", dict(sorted(codes.items())))
PY
echo "resident after: $(rss)"
sleep 2
echo "resident 2 s later: $(rss)"

