#!/usr/bin/env bash
# Real-browser check of cookie mode: headless Chromium (Debian's /usr/bin/chromium, driven by npm
# playwright-core) logs in with ?useCookie=true, refreshes from the HttpOnly cookie alone and logs
# out, against the API started here in Development (embedded PostgreSQL under <repo>/.data) behind
# server.mjs, which serves page.html on the API's origin.
#
#   bash scripts/browser/check-cookie-mode.sh      (from any directory)
#
# Prints one PASS/FAIL line per step and `N passed, M failed`; exits non-zero when a step failed.
# Stops everything it started, the API with SIGTERM so that it stops its PostgreSQL cluster too.
#
# Environment: API_PORT and PROXY_PORT pick the ports (default: free ones); CHROMIUM the browser
# binary (default /usr/bin/chromium, installed with apt-get when missing); FRESH_DB=1 runs the API
# with a throwaway content root, so that its embedded PostgreSQL is a new cluster in a temporary
# folder instead of the development one in <repo>/.data (hermetic: neither shares nor pollutes it).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PROJECT="$REPO/SliceAuth.csproj"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
FRESH_DB="${FRESH_DB:-0}"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/sliceauth-browser.XXXXXX")"
# As root the embedded cluster runs as the postgres user, which must reach a FRESH_DB cluster's folder.
chmod 755 "$LOGS"

passed=0
failed=0
api_pid=""
proxy_pid=""

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# Stops a process we started: SIGTERM, then up to $2 seconds' grace, then SIGKILL.
stop() {
  local pid="$1" grace="$2" name="$3"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  echo "warning: $name (pid $pid) ignored SIGTERM for ${grace}s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  trap '' INT TERM # a second Ctrl-C must not cut the shutdown short
  stop "$proxy_pid" 5 "the proxy"
  # `dotnet run` forwards SIGTERM to the app, whose shutdown stops the embedded PostgreSQL.
  stop "$api_pid" 30 "the API"
  # A FRESH_DB cluster goes with the API that started (and, on SIGTERM, stopped) it.
  if [ -n "$api_pid" ] && ! kill -0 "$api_pid" 2>/dev/null; then rm -rf "$LOGS/root"; fi
  if [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; then rm -rf "$LOGS"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish() {
  if [ "$failed" -ne 0 ]; then
    # The first error the API logged usually says why (e.g. a database error behind a 503).
    first_error="$(grep -m1 -E '^\s+MessageText:' "$LOGS/api.log" 2>/dev/null || grep -m1 -A1 -E '^fail: ' "$LOGS/api.log" 2>/dev/null | tail -n1)"
    first_error="$(echo "$first_error" | sed 's/^ *//')"
    [ -z "$first_error" ] || echo "api: $first_error"
    echo "logs: $LOGS"
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# Prints the HTTP status of a GET (000 when nothing answers); node, so curl is not needed.
http_status() {
  node -e '
    fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
      .then((r) => console.log(r.status), () => console.log("000"));' "$1"
}

free_port() {
  node -e '
    const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# 1. Chromium
if [ ! -x "$CHROMIUM" ] && [ "$CHROMIUM" = /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium; } >"$LOGS/apt.log" 2>&1
fi
if [ -x "$CHROMIUM" ] && version="$("$CHROMIUM" --version 2>/dev/null)"; then
  pass "chromium: $CHROMIUM ($version)"
else
  fail "chromium: $CHROMIUM missing or not runnable (see $LOGS/apt.log)"
  finish
fi

# 2. playwright-core, pinned by package-lock.json
if (cd "$HERE" && npm install --no-audit --no-fund) >"$LOGS/npm.log" 2>&1 \
   && pw="$(cd "$HERE" && node -p 'require("playwright-core/package.json").version' 2>/dev/null)"; then
  pass "npm install: playwright-core $pw"
else
  fail "npm install (see $LOGS/npm.log)"
  finish
fi

# 3. The API, built once, then run without building
if dotnet build "$PROJECT" -nologo >"$LOGS/build.log" 2>&1; then
  pass "dotnet build $(basename "$PROJECT")"
else
  fail "dotnet build $PROJECT: $(grep -m1 -E 'error' "$LOGS/build.log" | sed 's/^ *//')"
  finish
fi

API_PORT="${API_PORT:-$(free_port)}"
PROXY_PORT="${PROXY_PORT:-$(free_port)}"
while [ "$PROXY_PORT" = "$API_PORT" ]; do PROXY_PORT="$(free_port)"; done

# `dotnet run --project` runs the app in the project folder, its content root: the embedded cluster is
# <repo>/.data/postgres. FRESH_DB=1 points the content root at a throwaway folder with the settings.
content_root=""
if [ "$FRESH_DB" = 1 ]; then
  content_root="$LOGS/root"
  mkdir -p "$content_root" && cp "$REPO"/appsettings*.json "$content_root/"
else
  # A running development cluster belongs to another API (or was left by a killed one): ours would
  # reuse it and stop it on exit, under whoever uses it.
  pidfile="$REPO/.data/postgres/postmaster.pid"
  if [ -f "$pidfile" ] && kill -0 "$(head -n1 "$pidfile")" 2>/dev/null; then
    fail "development PostgreSQL in $REPO/.data is already running (pid $(head -n1 "$pidfile")): stop its API first, or run with FRESH_DB=1"
    finish
  fi
fi
env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" RateLimits__Enabled=false \
  ${content_root:+"ASPNETCORE_CONTENTROOT=$content_root"} \
  dotnet run --no-build --project "$PROJECT" --no-launch-profile >"$LOGS/api.log" 2>&1 &
api_pid=$!

started=$SECONDS
status=000
while [ $((SECONDS - started)) -lt 60 ]; do
  kill -0 "$api_pid" 2>/dev/null || break
  status="$(http_status "http://127.0.0.1:$API_PORT/health/ready")"
  [ "$status" = 200 ] && break
  sleep 1
done
if [ "$status" = 200 ]; then
  [ "$FRESH_DB" = 1 ] && db="fresh cluster" || db="$REPO/.data"
  pass "API ready on http://127.0.0.1:$API_PORT with $db (GET /health/ready 200 after $((SECONDS - started)) s)"
else
  kill -0 "$api_pid" 2>/dev/null && why="GET /health/ready answered $status for 60 s" || why="the API exited"
  fail "API on http://127.0.0.1:$API_PORT: $why; last log line: $(tail -n1 "$LOGS/api.log")"
  finish
fi

# 4. The same-origin proxy
PORT="$PROXY_PORT" API_PORT="$API_PORT" node "$HERE/server.mjs" >"$LOGS/proxy.log" 2>&1 &
proxy_pid=$!
status=000
for _ in $(seq 50); do
  kill -0 "$proxy_pid" 2>/dev/null || break
  status="$(http_status "http://127.0.0.1:$PROXY_PORT/")"
  [ "$status" = 200 ] && break
  sleep 0.2
done
if [ "$status" = 200 ] && [ "$(http_status "http://127.0.0.1:$PROXY_PORT/auth/me")" = 401 ]; then
  pass "proxy on http://127.0.0.1:$PROXY_PORT: / serves page.html, /auth/* goes to the API"
else
  fail "proxy on http://127.0.0.1:$PROXY_PORT (see $LOGS/proxy.log)"
  finish
fi

# 5. The browser session
BASE_URL="http://localhost:$PROXY_PORT" CHROMIUM="$CHROMIUM" node "$HERE/check.mjs" 2>"$LOGS/check.err" | tee "$LOGS/check.out"
driver=${PIPESTATUS[0]}
passed=$((passed + $(grep -c '^PASS' "$LOGS/check.out")))
failed=$((failed + $(grep -c '^FAIL' "$LOGS/check.out")))
if [ "$driver" -ne 0 ] && ! grep -q '^FAIL' "$LOGS/check.out"; then
  fail "browser driver exited with $driver: $(grep -m1 -E 'Error' "$LOGS/check.err")"
fi

finish
