#!/usr/bin/env bash
# PostgreSQL stopped (pg_ctl stop -m fast) for about 5 s under a mixed load (refresh chains, /auth/me,
# logins), then started again, with the API left running. Expected: 503 problem+json with Retry-After
# while it is down and never a 500; 2xx again by itself after the restart; every chain that got a 503
# refreshes with the same token afterwards (no session lost).
# Usage: bash scripts/reliability/db-faults.sh      (KEEP_WORK=1 keeps the logs)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DOWN_SECONDS=${DOWN_SECONDS:-5}

setup_work
build_api
pg_init
port=$(free_port)
start_api api "$port" "$(direct_connection_string)"
check "the API starts and migrates the database" wait_ready api "$port"
[ "$failed" = 0 ] || { summary; exit 1; }
api_pid=${API_PID[api]}

events="$WORK/events"
: >"$events"
log "load: 6 refresh chains, 2 /auth/me workers, 2 login workers"
run_node chains 120 "$(printf '{"mode":"db-faults","base":"http://127.0.0.1:%s","chains":6,"meWorkers":2,"loginWorkers":2,"maxDurationMs":60000,"events":"%s","started":"%s","db":{"host":"%s","port":%s,"name":"%s"}}' \
  "$port" "$events" "$WORK/started" "$PGDATA" "$PGPORT" "$PG_DB")" &
load=$!
CLEANUP_PIDS+=("$load")
for _ in $(seq 1 300); do [ -f "$WORK/started" ] && break; kill -0 "$load" 2>/dev/null || break; sleep 0.1; done

sleep 6
log "stopping PostgreSQL (-m fast) for ${DOWN_SECONDS} s"
echo "stop_begin $(now_ms)" >>"$events"
pg_stop_fast; stop_status=$?
echo "stop_done $(now_ms)" >>"$events"
sleep "$DOWN_SECONDS"
ready_while_down=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/health/ready")
log "starting PostgreSQL again"
echo "start_begin $(now_ms)" >>"$events"
pg_start; start_status=$?
echo "start_done $(now_ms)" >>"$events"
sleep 12
echo "end $(now_ms)" >>"$events"
wait "$load"
tally "$WORK/chains.out"

check "pg_ctl stop -m fast and start succeeded" [ "$stop_status" = 0 -a "$start_status" = 0 ]
check "/health/ready answered 503 while PostgreSQL was down (got $ready_while_down)" [ "$ready_while_down" = 503 ]
check "/health/ready answers 200 after the restart" curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$port/health/ready"
check "the API process was never restarted (pid $api_pid alive)" kill -0 "$api_pid"
starts=$(grep -c '^---- start' "${API_LOG[api]}")
check "the API was started once ($starts)" [ "$starts" = 1 ]
exceptions=$(handled_exceptions "${API_LOG[api]}")
echo "  exceptions logged by the API's handler: $(echo ${exceptions:-none})"
check "every exception the API's handler logged is a database one (Npgsql)" [ -z "$(grep -v Npgsql <<<"$exceptions")" ]
summary
