#!/usr/bin/env bash
# A 60-second mixed load (register, login, /auth/me, refresh, logout) from 32 concurrent workers.
# Expected: no 5xx, and the API's resident memory (VmRSS from /proc/PID/status, sampled every second)
# in the last third of the run no more than 10 % above the first third.
# Usage: bash scripts/reliability/soak.sh      (SOAK_SECONDS, SOAK_CONCURRENCY, KEEP_WORK=1)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SOAK_SECONDS=${SOAK_SECONDS:-60}
SOAK_CONCURRENCY=${SOAK_CONCURRENCY:-32}
MAX_GROWTH_PERCENT=${MAX_GROWTH_PERCENT:-10}

setup_work
build_api
pg_init
port=$(free_port)
start_api api "$port" "$(direct_connection_string)"
check "the API starts and migrates the database" wait_ready api "$port"
[ "$failed" = 0 ] || { summary; exit 1; }
api_pid=${API_PID[api]}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
log "API pid $api_pid, VmRSS $(rss_kib "$api_pid") KiB before the load"

log "load: $SOAK_CONCURRENCY workers for $SOAK_SECONDS s"
run_node soak $((SOAK_SECONDS + 60)) "$(printf '{"base":"http://127.0.0.1:%s","concurrency":%s,"durationMs":%s,"started":"%s"}' \
  "$port" "$SOAK_CONCURRENCY" "$((SOAK_SECONDS * 1000))" "$WORK/started")" &
load=$!
CLEANUP_PIDS+=("$load")
for _ in $(seq 1 300); do [ -f "$WORK/started" ] && break; kill -0 "$load" 2>/dev/null || break; sleep 0.1; done

# One sample a second for the length of the load, on the second marks of its start.
samples=()
begin=$(now_ms)
for i in $(seq 1 "$SOAK_SECONDS"); do
  delay=$(( begin + i * 1000 - $(now_ms) ))
  [ "$delay" -gt 0 ] && sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -0 "$load" 2>/dev/null || break
  samples+=("$(rss_kib "$api_pid")")
done
wait "$load"
tally "$WORK/soak.out"

n=${#samples[@]}
echo "  VmRSS (MiB) each second: $(for s in "${samples[@]}"; do printf '%d ' $((s / 1024)); done)"
check "VmRSS sampled every second of the load ($n samples)" [ "$n" -ge $((SOAK_SECONDS - 2)) ]
if [ "$n" -ge 3 ]; then
  third=$((n / 3))
  read -r first last growth ok < <(printf '%s\n' "${samples[@]}" | awk -v t="$third" -v n="$n" -v max="$MAX_GROWTH_PERCENT" '
    { v[NR] = $1 }
    END {
      for (i = 1; i <= t; i++) a += v[i]
      for (i = n - t + 1; i <= n; i++) b += v[i]
      a /= t; b /= t; g = (b - a) * 100 / a
      printf "%.1f %.1f %.1f %d\n", a / 1024, b / 1024, g, (g <= max) }')
  echo "  VmRSS mean: first third ${first} MiB, last third ${last} MiB, growth ${growth} % (limit ${MAX_GROWTH_PERCENT} %)"
  check "VmRSS in the last third is at most ${MAX_GROWTH_PERCENT} % above the first third (${first} -> ${last} MiB, ${growth} %)" [ "$ok" = 1 ]
fi
check "the API process lived through the load" kill -0 "$api_pid"
exceptions=$(handled_exceptions "${API_LOG[api]}")
check "the API's handler logged no exception (${exceptions:-none})" [ -z "$exceptions" ]
summary
