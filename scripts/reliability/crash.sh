#!/usr/bin/env bash
# The API killed with SIGKILL in the middle of a refresh load (8 chains) and started again, twice: once
# straight away (back within the 10 s grace window) and once after 12 s (past it). Expected: every chain
# either continues with its last token or answers a clean 401, never a 5xx; afterwards no family
# (refresh_tokens by session_id) has two live tokens unless they are grace siblings (minted <= 10 s apart).
# Usage: bash scripts/reliability/crash.sh      (KEEP_WORK=1 keeps the logs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SLOW_RESTART_SECONDS=${SLOW_RESTART_SECONDS:-12}

setup_work
build_api
pg_init
port=$(free_port)
cs=$(direct_connection_string)
start_api api "$port" "$cs"
check "the API starts and migrates the database" wait_ready api "$port"
[ "$failed" = 0 ] || { summary; exit 1; }

events="$WORK/events"
: >"$events"
log "load: 8 refresh chains (and /auth/me every third refresh)"
run_node chains 150 "$(printf '{"mode":"crash","base":"http://127.0.0.1:%s","chains":8,"maxDurationMs":90000,"events":"%s","started":"%s","db":{"host":"%s","port":%s,"name":"%s"}}' \
  "$port" "$events" "$WORK/started" "$PGDATA" "$PGPORT" "$PG_DB")" &
load=$!
CLEANUP_PIDS+=("$load")
for _ in $(seq 1 300); do [ -f "$WORK/started" ] && break; kill -0 "$load" 2>/dev/null || break; sleep 0.1; done

# crash N DELAY: SIGKILL the API, wait DELAY seconds, start it again and wait until it is ready.
crash() {
  local n=$1 delay=$2 pid=${API_PID[api]}
  log "crash $n: SIGKILL to pid $pid, restart after ${delay} s"
  echo "kill_$n $(now_ms)" >>"$events"
  kill -KILL "$pid"
  { wait "$pid"; } 2>/dev/null
  sleep "$delay"
  echo "restart_$n $(now_ms)" >>"$events"
  start_api api "$port" "$cs"
  if wait_ready api "$port" 60; then
    echo "ready_$n $(now_ms)" >>"$events"
    pass "crash $n: the API restarted after SIGKILL and is ready"
  else
    fail "crash $n: the API restarted after SIGKILL and is ready"
  fi
}

sleep 5
crash 1 0
sleep 6
crash 2 "$SLOW_RESTART_SECONDS"
sleep 5
echo "end $(now_ms)" >>"$events"
wait "$load"
tally "$WORK/chains.out"

exceptions=$(handled_exceptions "${API_LOG[api]}")
check "the API's handler logged no exception (${exceptions:-none})" [ -z "$exceptions" ]
summary
