#!/usr/bin/env bash
# SliceAuth benchmark, one command: `bash bench/run.sh`.
#
# Publishes the API as deployed (`dotnet publish`: one native executable), starts a private durable
# PostgreSQL (the app's EmbeddedPostgres launcher, fsync on, pg_stat_statements loaded), starts the API
# as in production and a bare ASP.NET Core baseline (also native), loads them with wrk, and prints one
# table; every figure goes to bench/results/latest.json. The raw Argon2id rate comes from the bench tool
# compiled the same way; the JIT build's figures are measured beside them as a diagnostic. About 14 minutes
# on 2 cores, 2.5 of them seeding 1M users and 5M refresh tokens. Only 127.0.0.1 is ever bound or loaded.
#
# Every ratio to a reference (the baseline for /auth/me, the raw hash rate for login and register) is
# bracketed: the reference runs before and after each of BENCH_ROUNDS runs of the API, each API run is
# divided by the mean of the two runs around it, and the median of those ratios is the figure. This
# machine's speed drifts by 10-20 % within minutes; a reference measured once, minutes away, moved the
# login ratio by as much as the code did.
#
# Knobs (environment): BENCH_DURATION (s per measurement, 10), BENCH_WARMUP (s, 5), BENCH_ROUNDS (3),
# BENCH_SEED_USERS (1000000), BENCH_SEED_TOKENS_PER_USER (5), BENCH_PGDIR (/tmp/sliceauth-bench),
# BENCH_KEEP_PG, BENCH_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=$ROOT/bench
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CORES=$(nproc)
SEED_USERS=${BENCH_SEED_USERS:-1000000}
TOKENS_PER_USER=${BENCH_SEED_TOKENS_PER_USER:-5}
PGDIR=${BENCH_PGDIR:-/tmp/sliceauth-bench}
OUT=${BENCH_OUT:-$BENCH/results/latest.json}
CHAINS=8
RUN=$(mktemp -d /tmp/sliceauth-bench-run.XXXXXX)
TOOL="dotnet $BENCH/Tool/bin/Release/net10.0/BenchTool.dll"
PASSWORD='bench-Password-Chain-42'
export BENCH_WRK=$BENCH/wrk

log() { printf '\n== %s  [%s]\n' "$*" "$(date +%T)" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# --- Tools --------------------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v jq >/dev/null || need_apt+=(jq)
command -v curl >/dev/null || need_apt+=(curl)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v psql >/dev/null || need_apt+=(postgresql-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
ls /usr/lib/postgresql/*/lib/pg_stat_statements.so >/dev/null 2>&1 || need_apt+=(postgresql-contrib)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "Installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    [ -z "$(ss -Hltn "sport = :$p")" ] && { echo "$p"; return; }
  done
  echo "no free port from $1" >&2; exit 1
}

# --- Build --------------------------------------------------------------------------------------------
log "Building in Release"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
APP_CHANGES=$(git -C "$ROOT" status --porcelain -- Program.cs Features Infrastructure Migrations SliceAuth.csproj 2>/dev/null | wc -l)
NATIVE=$RUN/native
# The tool's native build only measures the raw hash rate; the trim warnings of the API's dependencies
# that it repeats are the API's own publish's concern, so they stay warnings here. Like the API's
# publish, it compiles for speed: the rate must come from the same machine code as the API's hashes.
# A native executable links the server GC only when built for it, and then DOTNET_gcServer picks either
# GC at start; built without it, it runs the workstation GC whatever DOTNET_gcServer says.
dotnet publish -c Release "$BENCH/Tool/BenchTool.csproj" -nologo -v q -clp:ErrorsOnly -p:PublishAot=true \
  -p:OptimizationPreference=Speed -p:ServerGarbageCollection=true -p:TreatWarningsAsErrors=false -o "$NATIVE/tool" >&2
dotnet publish -c Release SliceAuth.csproj -nologo -v q -clp:ErrorsOnly -o "$NATIVE/api" >&2
dotnet publish -c Release "$BENCH/Baseline/Baseline.csproj" -nologo -v q -clp:ErrorsOnly -o "$NATIVE/baseline" >&2
# The JIT builds: the bench tool's other commands, and the diagnostic run of the API on the JIT.
for project in SliceAuth.csproj "$BENCH/Tool/BenchTool.csproj"; do
  dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly >&2
done
NATIVE_TOOL=$NATIVE/tool/BenchTool

# --- Cleanup on any exit ------------------------------------------------------------------------------
API_PID=""; BASE_PID=""; PG_STARTED=""
cleanup() {
  set +e
  [ -n "$BASE_PID" ] && kill "$BASE_PID" 2>/dev/null && wait "$BASE_PID" 2>/dev/null
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null
  # The cluster (about 2 GB after seeding) is fresh every run: it goes, unless BENCH_KEEP_PG=1.
  [ -n "$PG_STARTED" ] && $TOOL pg-stop "$PGDIR" >/dev/null 2>&1 && [ "${BENCH_KEEP_PG:-0}" != 1 ] && rm -rf "$PGDIR"
}
trap cleanup EXIT

# --- PostgreSQL ---------------------------------------------------------------------------------------
log "Starting a fresh PostgreSQL cluster in $PGDIR (fsync on, pg_stat_statements)"
if [ -f "$PGDIR/PG_VERSION" ]; then
  $TOOL pg-stop "$PGDIR" >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
fi
PG_STARTED=1
$TOOL pg-start "$PGDIR" >"$RUN/pg.txt"
mapfile -t pg <"$RUN/pg.txt"
DATADIR=${pg[0]}
CONN=${pg[1]}
sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$DATADIR" -U postgres -d sliceauth -At "$@"; }

# --- The API, as in production ------------------------------------------------------------------------
PORT=$(free_port 5180)
API=http://127.0.0.1:$PORT
export ASPNETCORE_ENVIRONMENT=Production
Jwt__SigningKey=$(openssl rand -base64 48)
export Jwt__SigningKey RateLimits__Enabled=false ConnectionStrings__Postgres="$CONN"

# Starts the API (API_BUILD: native, the default, or jit); START_MS is the time from launch to
# /health/ready answering 200.
start_api() {
  local t0 t1
  t0=$(date +%s%N)
  if [ "${API_BUILD:-native}" = native ]; then
    (cd "$NATIVE/api" && exec ./SliceAuth --urls "$API") >>"$RUN/api.log" 2>&1 &
  elif [ "$API_BUILD" = native_gen0 ]; then
    (cd "$NATIVE/api" && DOTNET_GCgen0size=$GEN0_DIAG exec ./SliceAuth --urls "$API") >>"$RUN/api.log" 2>&1 &
  else
    dotnet bin/Release/net10.0/SliceAuth.dll --urls "$API" >>"$RUN/api.log" 2>&1 &
  fi
  API_PID=$!
  until curl -fs -o /dev/null "$API/health/ready"; do
    kill -0 "$API_PID" 2>/dev/null || { echo "the API exited; see $RUN/api.log" >&2; tail -20 "$RUN/api.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  START_MS=$(( (t1 - t0) / 1000000 ))
}
stop_api() { kill "$API_PID"; wait "$API_PID" || true; API_PID=""; }

log "Starting the API (first start applies the migrations), then 3 timed starts"
start_api; first=$START_MS; stop_api
starts=()
for i in 1 2 3; do
  start_api; starts+=("$START_MS")
  [ "$i" -lt 3 ] && stop_api
done
echo "{\"first_start_with_migrations_ms\":$first,\"runs_ms\":[$(IFS=,; echo "${starts[*]}")]}" >"$RUN/startup.json"
echo "start to ready: first (migrating) ${first} ms; then ${starts[*]} ms" >&2

rss_mark() {
  awk -v phase="$1" '/^VmHWM|^VmRSS|^RssAnon|^RssFile/ {v[$1]=$2}
    END {printf "%s\t%s\t%s\t%s\t%s\n", phase, v["VmRSS:"], v["VmHWM:"], v["RssAnon:"], v["RssFile:"]}' \
    "/proc/$API_PID/status" >>"$RUN/rss.tsv"
}
rss_mark started
SERVER_PID=$API_PID

# --- Helpers ------------------------------------------------------------------------------------------
# CPU accounting around each measurement, in clock ticks: the whole machine (/proc/stat), the server
# under load (SERVER_PID: the API or the baseline), and every process of the bench cluster. What is left
# after those and wrk is other load on the machine, reported so a disturbed run shows as one.
TICKS=$(getconf CLK_TCK)
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local pm t=0 p
  pm=$(head -1 "$DATADIR/postmaster.pid")
  for p in $pm $(pgrep -P "$pm"); do t=$((t + $(proc_ticks "$p"))); done
  echo $t
}
# wrk_run NAME WRK-ARGS...: keeps wrk's output, its JSON line and the CPU split in $RUN/NAME.json.
wrk_run() {
  local name=$1; shift
  local m0 s0 p0 m1 s1 p1 t0 t1 wrk_cpu
  m0=$(machine_ticks); s0=$(proc_ticks "$SERVER_PID"); p0=$(pg_ticks); t0=$(date +%s%N)
  local TIMEFORMAT='%3U %3S'
  { time wrk --timeout 10s "$@" >"$RUN/$name.wrk.txt" 2>&1; } 2>"$RUN/$name.time" ||
    { cat "$RUN/$name.wrk.txt" >&2; exit 1; }
  t1=$(date +%s%N); m1=$(machine_ticks); s1=$(proc_ticks "$SERVER_PID"); p1=$(pg_ticks)
  wrk_cpu=$(awk '{print $1 + $2}' "$RUN/$name.time")
  grep '^WRKJSON ' "$RUN/$name.wrk.txt" | sed 's/^WRKJSON //' |
    jq --argjson wall "$(( (t1 - t0) / 1000000 ))e-3" --argjson ticks "$TICKS" --argjson cores "$CORES" \
      --argjson machine $((m1 - m0)) --argjson server $((s1 - s0)) --argjson pg $((p1 - p0)) --argjson wrk "$wrk_cpu" \
      '. + {cpu: {wall_s: $wall, capacity_s: ($wall * $cores), busy_s: ($machine / $ticks), server_s: ($server / $ticks),
                  postgres_s: ($pg / $ticks), wrk_s: $wrk,
                  other_s: ([($machine / $ticks) - ($server / $ticks) - ($pg / $ticks) - $wrk, 0] | max)}}
       | .cpu |= with_entries(.value |= (. * 1000 | round / 1000))
       | .cpu.server_us_per_ok = (if .ok > 0 then (.cpu.server_s * 1e6 / .ok | round) else null end)
       | .cpu.postgres_us_per_ok = (if .ok > 0 then (.cpu.postgres_s * 1e6 / .ok | round) else null end)' >"$RUN/$name.json"
  jq -c '{rps, p50_ms, p99_ms, non2xx, socket_errors, chains_broken,
          cpu: "server \(.cpu.server_s)s, postgres \(.cpu.postgres_s)s, wrk \(.cpu.wrk_s)s, other \(.cpu.other_s)s of \(.cpu.capacity_s)s"}' \
    "$RUN/$name.json" | sed "s/^/  $name /" >&2
}
json_post() { curl -fsS "$API$1" -H 'content-type: application/json' -d "$2"; }
login_refresh_token() { json_post /auth/login "{\"email\":\"$1\",\"password\":\"$2\"}" | jq -r .refreshToken; }
metric_sum() { # metric_sum REGEX: the sum of the matching Prometheus samples
  curl -fsS "$API/metrics" | grep -E "$1" | awk '{s += $NF} END {printf "%d\n", s}'
}
# bracketed NAME: after the reference runs NAME_ref_1 .. NAME_ref_{ROUNDS+1} and the API's runs NAME_1 ..
# NAME_ROUNDS, writes NAME_rounds.json (each round's rate, the mean of the references around it, the
# ratio, and their median) and copies the median round's API run to NAME.json and the reference run
# before it to NAME_ref.json, so the table shows one real run of each.
bracketed() {
  local name=$1 files=()
  for r in $(seq "$ROUNDS"); do files+=("$RUN/${name}_ref_$r.json" "$RUN/${name}_$r.json"); done
  files+=("$RUN/${name}_ref_$((ROUNDS + 1)).json")
  jq -s --argjson n "$ROUNDS" '
    def rate: .rps // .rate;
    [range(0; $n) as $r | {round: ($r + 1), rate: (.[2 * $r + 1] | rate),
       reference: (((.[2 * $r] | rate) + (.[2 * $r + 2] | rate)) / 2 | . * 100 | round / 100),
       references: [(.[2 * $r] | rate), (.[2 * $r + 2] | rate)]}
     | .ratio = (.rate / .reference | . * 10000 | round / 10000)] as $rounds
    | ($rounds | sort_by(.ratio) | .[(length - 1) / 2 | floor]) as $median
    | {median_ratio: $median.ratio, median_round: $median.round, rounds: $rounds}' "${files[@]}" >"$RUN/${name}_rounds.json"
  local m; m=$(jq -r .median_round "$RUN/${name}_rounds.json")
  cp "$RUN/${name}_$m.json" "$RUN/$name.json"
  cp "$RUN/${name}_ref_$m.json" "$RUN/${name}_ref.json"
  jq -c '{median_ratio, ratios: [.rounds[].ratio]}' "$RUN/${name}_rounds.json" | sed "s/^/  $name /" >&2
}
# sql_per_refresh NAME WRK-ARGS...: runs the refresh chains, with pg_stat_statements and the API's own
# counters (refreshes rotated, Npgsql commands = round trips) read around it; the statements counted are
# those of the database REFRESH_DB (sliceauth unless set).
sql_per_refresh() {
  local name=$1; shift
  sleep 1
  sql -c "select pg_stat_statements_reset()" >/dev/null
  local r0 c0 r1 c1
  local wal="select json_build_object('records', wal_records, 'full_page_images', wal_fpi, 'bytes', wal_bytes, 'writes', wal_write, 'syncs', wal_sync) from pg_stat_wal"
  r0=$(metric_sum '^sliceauth_refreshes_total\{.*outcome="rotated"'); c0=$(metric_sum '^db_client_operation_duration_seconds_count')
  sql -c "$wal" >"$RUN/wal0_$name.json"
  wrk_run "$name" "$@"
  sql -c "$wal" >"$RUN/wal1_$name.json"
  sleep 1.5 # the Prometheus exporter caches a scrape briefly
  r1=$(metric_sum '^sliceauth_refreshes_total\{.*outcome="rotated"'); c1=$(metric_sum '^db_client_operation_duration_seconds_count')
  sql -c "
    with s as (
      select calls, rows, mean_exec_time, mean_plan_time, regexp_replace(query, '\s+', ' ', 'g') as query
      from pg_stat_statements
      where dbid = (select oid from pg_database where datname = '${REFRESH_DB:-sliceauth}')
        and query not ilike '%pg_stat%')
    select json_build_object(
      'refreshes', $((r1 - r0)),
      'npgsql_commands', $((c1 - c0)),
      'statements', (select coalesce(sum(calls), 0) from s),
      'statements_excluding_discard_all', (select coalesce(sum(calls), 0) from s where query <> 'DISCARD ALL'),
      'by_statement', (select json_agg(json_build_object('calls', calls, 'rows', rows, 'mean_ms', round(mean_exec_time::numeric, 3),
                                                         'mean_plan_ms', round(mean_plan_time::numeric, 3),
                                                         'query', left(query, 160)) order by calls desc) from s))" |
    jq --slurpfile w0 "$RUN/wal0_$name.json" --slurpfile w1 "$RUN/wal1_$name.json" \
      '. + {wal: ($w1[0] | with_entries(.value -= $w0[0][.key]))}' >"$RUN/sql_$name.json"
  jq -c '{refreshes, npgsql_commands, statements, wal}' "$RUN/sql_$name.json" | sed "s/^/  sql /" >&2
}

# --- 1. GET /auth/me vs the baseline (c=32) -----------------------------------------------------------
log "1. GET /auth/me vs the baseline, c=32"
EMAIL=bench@bench.example
USER_JSON=$(json_post /auth/register "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
ACCESS=$(json_post /auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | jq -r .accessToken)
BPORT=$(free_port $((PORT + 1)))
(cd "$NATIVE/baseline" &&
  Me__Id=$(jq -r .id <<<"$USER_JSON") Me__Email=$EMAIL exec ./Baseline --urls "http://127.0.0.1:$BPORT" >"$RUN/baseline.log" 2>&1) &
BASE_PID=$!
until curl -fs -o /dev/null "http://127.0.0.1:$BPORT/auth/me"; do sleep 0.05; done
curl -fsS "$API/auth/me" -H "authorization: Bearer $ACCESS" >"$RUN/me.body"
curl -fsS "http://127.0.0.1:$BPORT/auth/me" >"$RUN/baseline.body"
cmp -s "$RUN/me.body" "$RUN/baseline.body" || echo "warning: the baseline's body differs from /auth/me's" >&2

me_run() { SERVER_PID=$API_PID wrk_run "$1" -t2 -c32 -d"$2s" -s "$BENCH/wrk/me.lua" -H "Authorization: Bearer $ACCESS" "$API/auth/me"; }
baseline_run() { SERVER_PID=$BASE_PID wrk_run "$1" -t2 -c32 -d"$2s" -s "$BENCH/wrk/me.lua" "http://127.0.0.1:$BPORT/auth/me"; }
me_run warm_me "$WARMUP"
baseline_run warm_baseline "$WARMUP"
for r in $(seq "$ROUNDS"); do
  baseline_run "me_ref_$r" "$DURATION"
  me_run "me_$r" "$DURATION"
done
baseline_run "me_ref_$((ROUNDS + 1))" "$DURATION"
bracketed me
cp "$RUN/me_ref.json" "$RUN/baseline.json"
kill "$BASE_PID"; wait "$BASE_PID" || true; BASE_PID=""; SERVER_PID=$API_PID
# Diagnostic, not a target: the API's pipeline without token validation or FastEndpoints (GET /health/live
# goes through the same middleware: problems, limits, routing, authentication, rate limiter, metrics).
wrk_run warm_live -t2 -c32 -d"${WARMUP}s" -s "$BENCH/wrk/me.lua" "$API/health/live"
wrk_run live -t2 -c32 -d"$(( (DURATION + 1) / 2 ))s" -s "$BENCH/wrk/me.lua" "$API/health/live"
rss_mark me

# --- 2, 3. Raw Argon2id rate, then login and register (c = cores) --------------------------------------
log "2-3. Raw Argon2id rate on $CORES threads (the API idle), then login and register at c=$CORES"
# hashrate OP [NAME] [TOOL]: the raw rate, with the same CPU accounting as a wrk run (the tool's own CPU
# as "tool"); by the natively compiled tool unless another is given.
hashrate() {
  local m0 m1 t0 t1 cpu TIMEFORMAT='%3U %3S' name=${2:-hash_$1} tool=${3:-$NATIVE_TOOL}
  m0=$(machine_ticks); t0=$(date +%s%N)
  { time $tool hashrate "$1" "$CORES" "$DURATION" >"$RUN/$name.raw"; } 2>"$RUN/$name.time"
  t1=$(date +%s%N); m1=$(machine_ticks)
  cpu=$(awk '{print $1 + $2}' "$RUN/$name.time")
  jq --argjson wall "$(( (t1 - t0) / 1000000 ))e-3" --argjson busy "$(( m1 - m0 ))" --argjson ticks "$TICKS" \
    --argjson cores "$CORES" --argjson tool "$cpu" \
    '. + {cpu: {wall_s: $wall, capacity_s: ($wall * $cores), busy_s: ($busy / $ticks), tool_s: $tool,
                other_s: ([($busy / $ticks) - $tool, 0] | max)}} | .cpu |= with_entries(.value |= (. * 1000 | round / 1000))' \
    "$RUN/$name.raw" >"$RUN/$name.json"
}
# The reference is the hash's ceiling: the faster of the two GCs (each run reports which GC it had). The
# rate under the GC the API's build selects (System.GC.Server, the same for its native and JIT builds) is
# kept beside it, and the JIT's: what the GC choice and compiling ahead of time cost the bare hash.
if [ "$(jq -r '.runtimeOptions.configProperties["System.GC.Server"] // false' bin/Release/net10.0/SliceAuth.runtimeconfig.json)" = true ]; then
  API_GC=server; API_GC_FLAG=1
else
  API_GC=workstation; API_GC_FLAG=0
fi
echo "  the API runs with the $API_GC GC" >&2
echo "{\"api_gc\":\"$API_GC\"}" >"$RUN/gc_modes.json"
for op in verify hash; do
  DOTNET_gcServer=1 hashrate $op hash_${op}_server
  DOTNET_gcServer=0 hashrate $op hash_${op}_workstation
  jq -s 'max_by(.rate)' "$RUN/hash_${op}_server.json" "$RUN/hash_${op}_workstation.json" >"$RUN/hash_$op.json"
done
DOTNET_gcServer=$API_GC_FLAG hashrate verify hash_verify_jit "$TOOL"
DOTNET_gcServer=$API_GC_FLAG hashrate hash hash_hash_jit "$TOOL"
$TOOL hashalloc >"$RUN/hash_alloc.json"
jq -c . "$RUN"/hash_*.json | sed 's/^/  /' >&2

# The bracketing references run on the natively compiled tool under the faster GC of the runs above.
gc_flag() { [ "$(jq -r .gc "$RUN/hash_$1.json")" = server ] && echo 1 || echo 0; }
VERIFY_GC=$(gc_flag verify); HASH_GC=$(gc_flag hash)
# api_rounds NAME OP GC-FLAG WRK-ARGS...: ROUNDS runs of the API, each between two raw rate runs of OP.
api_rounds() {
  local name=$1 op=$2 flag=$3 r; shift 3
  for r in $(seq "$ROUNDS"); do
    DOTNET_gcServer=$flag hashrate "$op" "${name}_ref_$r"
    BENCH_RUN=$name$r$$ wrk_run "${name}_$r" "$@"
  done
  DOTNET_gcServer=$flag hashrate "$op" "${name}_ref_$((ROUNDS + 1))"
  bracketed "$name"
}

export BENCH_EMAIL=$EMAIL BENCH_PASSWORD=$PASSWORD
wrk_run warm_login -t"$CORES" -c"$CORES" -d"${WARMUP}s" -s "$BENCH/wrk/login.lua" "$API"
# The API's collections during the login runs, read from its own /metrics, beside the raw tool's.
gc_marks() { curl -fsS "$API/metrics" | awk '/^dotnet_gc_collections_total/ {n += $NF} /^dotnet_gc_pause_time_seconds_total/ {p = $NF} END {print n, p}'; }
gc0=$(gc_marks)
api_rounds login verify "$VERIFY_GC" -t"$CORES" -c"$CORES" -d"${DURATION}s" -s "$BENCH/wrk/login.lua" "$API"
gc1=$(gc_marks)
# Over the rounds and the raw runs between them (the API idle then): collections per second of login load.
login_s=$(jq -s 'map(.seconds) | add' "$RUN"/login_[0-9]*.json)
echo "$gc0 $gc1 $login_s" |
  awk '{printf "{\"gc_per_s\":%.0f,\"gc_paused_share\":%.3f}\n", ($3 - $1) / $5, ($4 - $2) / $5}' >"$RUN/login_gc.json"
rss_mark login
BENCH_RUN=w$$ wrk_run warm_register -t"$CORES" -c"$CORES" -d"${WARMUP}s" -s "$BENCH/wrk/register.lua" "$API"
api_rounds register hash "$HASH_GC" -t"$CORES" -c"$CORES" -d"${DURATION}s" -s "$BENCH/wrk/register.lua" "$API"
rss_mark register

# --- 4. Refresh rotation chains (c=8) -------------------------------------------------------------------
log "4. POST /auth/refresh, $CHAINS rotation chains"
# refresh_chains NAME: the bench user's chains (fresh logins), warmed up on one set and measured on
# another, with the SQL they cost (sql_per_refresh).
refresh_chains() {
  local name=$1
  for i in $(seq $CHAINS); do login_refresh_token "$EMAIL" "$PASSWORD"; done >"$RUN/tokens_${name}_warm.txt"
  for i in $(seq $CHAINS); do login_refresh_token "$EMAIL" "$PASSWORD"; done >"$RUN/tokens_$name.txt"
  BENCH_TOKENS=$RUN/tokens_${name}_warm.txt wrk_run "warm_$name" -t$CHAINS -c$CHAINS -d"${WARMUP}s" -s "$BENCH/wrk/refresh.lua" "$API"
  BENCH_TOKENS=$RUN/tokens_$name.txt sql_per_refresh "$name" -t$CHAINS -c$CHAINS -d"${DURATION}s" -s "$BENCH/wrk/refresh.lua" "$API"
}
refresh_chains refresh
rss_mark refresh

# --- 5. The same with 1M users and 5M refresh tokens ----------------------------------------------------
SEED_TOKENS=$((SEED_USERS * TOKENS_PER_USER))
log "5. Seeding $SEED_USERS users, $SEED_USERS sessions, $SEED_TOKENS refresh tokens"
SEED_PASSWORD='seeded-Password-Chain-42'
SEED_HASH=$($TOOL phc "$SEED_PASSWORD")
: >"$RUN/seed_ms.tsv"
# Foreign keys are checked by triggers, one row at a time; the seed is consistent by construction, so
# they are skipped for these three statements (session_replication_role), not dropped.
timed_sql() { # timed_sql NAME SQL: runs it, and notes its milliseconds in $RUN/seed_ms.tsv
  local t0; t0=$(now_ms)
  sql -c "$2" >/dev/null
  printf '%s\t%s\n' "$1" $(( $(now_ms) - t0 )) >>"$RUN/seed_ms.tsv"
  printf '  %s: %s ms\n' "$1" $(( $(now_ms) - t0 )) >&2
}
timed_sql users "
  set session_replication_role = replica;
  insert into users (email, password, created_at, updated_at)
  select 'seed' || g || '@bench.example', '$SEED_HASH', now() - interval '30 days', now() - interval '30 days'
  from generate_series(1, $SEED_USERS) g"
timed_sql sessions "
  set session_replication_role = replica;
  insert into sessions (user_id, created_at, user_agent)
  select id, now() - interval '1 day', 'bench-seed' from users where email like 'seed%'"
# Each seeded session holds a chain: TOKENS_PER_USER - 1 retired tokens and one live one. A token's value
# is 'seed-<session id>-<n>', so a seeded session can be refreshed like any other.
timed_sql refresh_tokens "
  set session_replication_role = replica;
  insert into refresh_tokens (user_id, session_id, token_hash, created_at, expires_at, retired_at)
  select s.user_id, s.id, sha256(convert_to('seed-' || s.id || '-' || k, 'UTF8')),
         now() - interval '1 day' + k * interval '1 hour',
         now() + interval '13 days' + k * interval '1 hour',
         case when k < $TOKENS_PER_USER then now() - interval '1 day' + (k + 1) * interval '1 hour' end
  from sessions s cross join generate_series(1, $TOKENS_PER_USER) k
  where s.user_agent = 'bench-seed'"
timed_sql vacuum_analyze "vacuum (analyze) users, sessions, refresh_tokens"
timed_sql checkpoint "checkpoint"
sql -c "select json_build_object(
  'users', (select count(*) from users), 'sessions', (select count(*) from sessions),
  'refresh_tokens', (select count(*) from refresh_tokens),
  'database_mb', pg_database_size(current_database()) / 1048576,
  'refresh_tokens_mb', pg_total_relation_size('refresh_tokens') / 1048576,
  'users_mb', pg_total_relation_size('users') / 1048576,
  'shared_buffers', current_setting('shared_buffers'))" |
  jq --rawfile ms "$RUN/seed_ms.tsv" \
    '. + {ms: ($ms | split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] | tonumber)}) | add)}' >"$RUN/seed.json"
jq -c . "$RUN/seed.json" | sed 's/^/  /' >&2

# EXPLAIN of the refresh statement, its SQL read from the slice (Features/Refresh/Data.cs, RotateAsync)
# with a live seeded token; inside a transaction that is rolled back.
LIVE_SESSION=$(sql -c "select id from sessions where user_agent = 'bench-seed' offset $((SEED_USERS / 2)) limit 1")
LIVE_HASH=$(sql -c "select encode(sha256(convert_to('seed-$LIVE_SESSION-$TOKENS_PER_USER', 'UTF8')), 'hex')")
NOW_TS=$(sql -c "select now()::text")
EXPIRES_TS=$(sql -c "select (now() + interval '14 days')::text")
rotate_sql=$(awk '/RotateAsync\(/ {f = 1} f && /"""/ {c++; if (c == 1) next; if (c == 2) exit} f && c == 1 {print}' \
  "$ROOT/Features/Refresh/Data.cs" |
  sed -e "s/@tokenHash/'\\\\x$LIVE_HASH'::bytea/g" \
      -e "s/@nextHash/'\\\\x$(printf '%064d' 0)'::bytea/g" \
      -e "s/@now/'$NOW_TS'::timestamptz/g" -e "s/@expiresAt/'$EXPIRES_TS'::timestamptz/g")
{ echo "begin;"; echo "explain (analyze, buffers) $rotate_sql;"; echo "rollback;"; } >"$RUN/explain_refresh.sql"
sql -f "$RUN/explain_refresh.sql" >"$RUN/explain_refresh.txt" 2>&1 || echo "(EXPLAIN failed: see above)" >>"$RUN/explain_refresh.txt"
login_sql=$(awk '/FindUserAsync\(/ {f = 1} f && /"""/ {c++; if (c == 1) next; if (c == 2) exit} f && c == 1 {print}' \
  "$ROOT/Features/Login/Data.cs" | sed -e "s/@email/'seed$((SEED_USERS / 3))@bench.example'/g")
sql -c "explain (analyze, buffers) $login_sql" >"$RUN/explain_login.txt" 2>&1 || echo "(EXPLAIN failed)" >>"$RUN/explain_login.txt"
sed 's/^/  /' "$RUN/explain_refresh.txt" >&2

log "5. Login (a random seeded user each time) and refresh chains on the large database"
BENCH_SEEDED=$SEED_USERS BENCH_PASSWORD=$SEED_PASSWORD wrk_run warm_login_large -t"$CORES" -c"$CORES" -d"${WARMUP}s" -s "$BENCH/wrk/login.lua" "$API"
BENCH_SEEDED=$SEED_USERS BENCH_PASSWORD=$SEED_PASSWORD api_rounds login_large verify "$VERIFY_GC" \
  -t"$CORES" -c"$CORES" -d"${DURATION}s" -s "$BENCH/wrk/login.lua" "$API"
# The chains start from live seeded tokens, spread over the table.
sql -c "select 'seed-' || id || '-$TOKENS_PER_USER' from sessions where user_agent = 'bench-seed' order by random() limit $((2 * CHAINS))" >"$RUN/tokens_large_all.txt"
head -n $CHAINS "$RUN/tokens_large_all.txt" >"$RUN/tokens_large_warm.txt"
tail -n $CHAINS "$RUN/tokens_large_all.txt" >"$RUN/tokens_large.txt"
BENCH_TOKENS=$RUN/tokens_large_warm.txt wrk_run warm_refresh_large -t$CHAINS -c$CHAINS -d"${WARMUP}s" -s "$BENCH/wrk/refresh.lua" "$API"
BENCH_TOKENS=$RUN/tokens_large.txt sql_per_refresh refresh_large -t$CHAINS -c$CHAINS -d"${DURATION}s" -s "$BENCH/wrk/refresh.lua" "$API"
rss_mark large

# --- 6. Peak RSS ----------------------------------------------------------------------------------------
awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status" >"$RUN/vmhwm_kb.txt"
stop_api

# --- 5b. Refresh on a small database again --------------------------------------------------------------
# The large run is compared with the mean of two small-database runs around it: step 4's, and this one, on
# a fresh database beside the seeded one (migrated by the API as it starts) and the same chains, so that
# the machine's drift over the seeding and the large runs cancels as in the bracketed ratios.
log "5b. POST /auth/refresh, $CHAINS rotation chains, on a small database again"
SMALL_CONN=${CONN/Database=sliceauth/Database=sliceauth_small}
[ "$SMALL_CONN" != "$CONN" ] || { echo "no Database=sliceauth in the connection string: $CONN" >&2; exit 1; }
sql -c "create database sliceauth_small"
ConnectionStrings__Postgres=$SMALL_CONN start_api; SERVER_PID=$API_PID
json_post /auth/register "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
REFRESH_DB=sliceauth_small refresh_chains refresh_after
stop_api

# Diagnostic, not a target: the same short load (/auth/me, login, refresh, DIAG s each) on a fresh API
# process, native and on the JIT, to show what compiling ahead of time changes; and native with a
# larger gen0 budget (DOTNET_GCgen0size, hex bytes), to show what fewer collections during the hashes
# buy in logins and cost in memory.
DIAG=$(( (DURATION + 1) / 2 ))
GEN0_DIAG=1000000
for build in native native_gen0 jit; do
  API_BUILD=$build start_api; SERVER_PID=$API_PID
  hwm_start=$(awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status")
  access=$(json_post /auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | jq -r .accessToken)
  for i in $(seq $CHAINS); do login_refresh_token "$EMAIL" "$PASSWORD"; done >"$RUN/tokens_$build.txt"
  wrk_run "${build}_me" -t2 -c32 -d"${DIAG}s" -s "$BENCH/wrk/me.lua" -H "Authorization: Bearer $access" "$API/auth/me"
  wrk_run "${build}_login" -t"$CORES" -c"$CORES" -d"${DIAG}s" -s "$BENCH/wrk/login.lua" "$API"
  BENCH_TOKENS=$RUN/tokens_$build.txt wrk_run "${build}_refresh" -t$CHAINS -c$CHAINS -d"${DIAG}s" -s "$BENCH/wrk/refresh.lua" "$API"
  hwm_end=$(awk '/^VmHWM/ {print $2}' "/proc/$API_PID/status")
  printf '{"build":"%s","start_ms":%s,"hwm_after_start_kb":%s,"hwm_after_load_kb":%s}\n' "$build" "$START_MS" "$hwm_start" "$hwm_end" >"$RUN/build_$build.json"
  jq -c . "$RUN/build_$build.json" | sed 's/^/  /' >&2
  stop_api
done

# --- Report ---------------------------------------------------------------------------------------------
jq -n --arg cores "$CORES" --arg kernel "$(uname -r)" --arg dotnet "$(dotnet --version)" \
  --arg postgres "$(sql -c 'show server_version')" --arg wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f2)" \
  --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  --arg load "$LOAD_AT_START" --arg duration "$DURATION" --arg warmup "$WARMUP" --arg date "$(date -u +%FT%TZ)" \
  --arg commit "$COMMIT" --arg dirty "$APP_CHANGES" \
  '{date: $date, commit: $commit, app_files_changed_since_commit: ($dirty | tonumber), cores: ($cores | tonumber),
    cpu: $cpu, load_average_at_start: $load, kernel: $kernel, dotnet_sdk: $dotnet, postgres: $postgres, wrk: $wrk,
    seconds_per_measurement: ($duration | tonumber), warmup_seconds: ($warmup | tonumber)}' >"$RUN/env.json"
mkdir -p "$(dirname "$OUT")"
$TOOL report "$RUN" "$OUT"
echo "raw output of this run: $RUN; figures: $OUT" >&2
