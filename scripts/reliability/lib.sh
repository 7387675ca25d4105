# Shared helpers of the reliability scripts: sourced, never run. Each script gets a private work folder,
# a private PostgreSQL cluster (unix socket inside its folder, no TCP), API instances built in Release
# and started as in production, PASS/FAIL bookkeeping, and a clean-up on EXIT that stops all of it.
# shellcheck shell=bash
set -uo pipefail

RELIABILITY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$RELIABILITY_DIR/../.." && pwd)"
APP_DIR="$REPO/bin/Release/net10.0"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_DB=sliceauth
# One HS256 key shared by every instance a script starts.
SIGNING_KEY="$(openssl rand -base64 48)"

passed=0 failed=0
WORK=""
PGDATA=""
PGPORT=""
declare -a CLEANUP_PIDS=()
declare -A API_PID=() API_LOG=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
now_ms() { date +%s%3N; }

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...: PASS when the command succeeds.
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# Echoes a file of a Node script's output and counts its PASS/FAIL lines. A script that died without
# its summary line counts as a failure.
tally() {
  local file=$1 line seen=0
  while IFS= read -r line; do
    echo "$line"
    case $line in
      "PASS "*) passed=$((passed + 1)) ;;
      "FAIL "*) failed=$((failed + 1)) ;;
      "DONE"*) seen=1 ;;
    esac
  done <"$file"
  [ "$seen" = 1 ] || fail "$(basename "$file" .out): the load script finished its run"
}

summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}

cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  exec 2>/dev/null  # no "Killed" job notices for what is stopped here
  # PgBouncer first, by its pid file, so that the runuser above it (one of CLEANUP_PIDS) reaps it.
  if [ -n "$WORK" ] && [ -f "$WORK/pgbouncer/pgbouncer.pid" ]; then
    pid=$(cat "$WORK/pgbouncer/pgbouncer.pid" 2>/dev/null) && [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  for pid in "${API_PID[@]}" "${CLEANUP_PIDS[@]}"; do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  done
  if [ -n "$PGDATA" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1
  fi
  { wait; } 2>/dev/null
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "(work folder kept: $WORK)"; else rm -rf "$WORK"; fi
  fi
  exit "$status"
}

setup_work() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  WORK="$(mktemp -d /tmp/sliceauth-rel.XXXXXX)"
  chmod 755 "$WORK"
}

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 20000))
    if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then echo "$port"; return 0; fi
  done
  return 1
}

# NATIVE=1 runs the scripts on the native executable that `dotnet publish` makes, as deployed.
build_api() {
  if [ "${NATIVE:-0}" = 1 ]; then publish_native; return; fi
  log "building $REPO/SliceAuth.csproj (Release)"
  local attempt
  for attempt in 1 2; do
    if dotnet build -c Release "$REPO/SliceAuth.csproj" -v q -nologo >"$WORK/build.log" 2>&1; then return 0; fi
    sleep 2  # another build of the same tree may hold obj/ for a moment
  done
  tail -n 20 "$WORK/build.log"
  fail "the API builds in Release"
  exit 1
}

publish_native() {
  log "publishing the native executable of $REPO/SliceAuth.csproj"
  if ! dotnet publish -c Release "$REPO/SliceAuth.csproj" -nologo -o "$WORK/native" >"$WORK/publish.log" 2>&1; then
    tail -n 20 "$WORK/publish.log"
    fail "the API publishes as a native executable"
    exit 1
  fi
  NATIVE_DIR="$WORK/native"
}

# ---- PostgreSQL: a private cluster, socket inside its folder ----
pg_as() { runuser -u postgres -- "$@"; }

pg_init() {
  PGDATA="$WORK/pg"
  PGPORT=$(free_port)
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  pg_as "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; fail "initdb"; exit 1; }
  pg_start || { fail "PostgreSQL starts"; exit 1; }
  psql_q postgres "create database $PG_DB" >/dev/null || { fail "create database"; exit 1; }
}

pg_start() {
  pg_as "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
    -o "-c listen_addresses='' -c unix_socket_directories='$PGDATA' -c port=$PGPORT -c max_connections=200" \
    start >>"$WORK/pg_ctl.log" 2>&1
}

pg_stop_fast() { pg_as "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >>"$WORK/pg_ctl.log" 2>&1; }

# psql_q DATABASE SQL: unaligned, tuples only.
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGDATA" -p "$PGPORT" -U postgres -d "$1" -At -c "$2"; }

direct_connection_string() { echo "Host=$PGDATA;Port=$PGPORT;Username=postgres;Database=$PG_DB"; }

# ---- The API, started as in production ----
# start_api NAME PORT CONNECTION_STRING [VAR=VALUE...]: background instance, log in $WORK/NAME.log.
start_api() {
  local name=$1 port=$2 cs=$3
  shift 3
  API_LOG[$name]="$WORK/$name.log"
  echo "---- start $(date +%H:%M:%S.%3N)" >>"${API_LOG[$name]}"
  # NATIVE_DIR: a folder `dotnet publish` wrote; its native executable runs instead of the JIT build.
  local -a command=(dotnet "$APP_DIR/SliceAuth.dll")
  [ -n "${NATIVE_DIR:-}" ] && command=("$NATIVE_DIR/SliceAuth")
  (
    cd "${NATIVE_DIR:-$APP_DIR}" || exit 1
    exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
      Jwt__SigningKey="$SIGNING_KEY" RateLimits__Enabled=false \
      Passwords__Argon2MemoryKiB=1024 Passwords__Argon2Iterations=1 \
      ConnectionStrings__Postgres="$cs" "$@" \
      "${command[@]}"
  ) >>"${API_LOG[$name]}" 2>&1 &
  API_PID[$name]=$!
}

# wait_ready NAME PORT [SECONDS]: until /health/ready answers 200.
wait_ready() {
  local name=$1 port=$2 limit=${3:-60} i
  for i in $(seq 1 $((limit * 5))); do
    if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready"; then return 0; fi
    kill -0 "${API_PID[$name]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "---- $name did not become ready; its log:"
  tail -n 30 "${API_LOG[$name]}"
  return 1
}

# Exception types that the API's exception handler logged (ASP.NET Core console log), "COUNT TYPE" lines.
handled_exceptions() {
  awk '/ExceptionHandlerMiddleware\[1\]/ { grab = 2; next }
       grab > 0 { grab--; if (grab == 0) { sub(/^ +/, ""); sub(/ .*/, ""); print } }' "$1" | sort | uniq -c
}

# Runs one of the Node load scripts with a time limit of its own plus a margin; output to $WORK/NAME.out.
run_node() {
  local name=$1 limit=$2
  shift 2
  timeout --kill-after=5 "$limit" node "$RELIABILITY_DIR/js/$name.mjs" "$@" >"$WORK/$name.out" 2>&1
}
