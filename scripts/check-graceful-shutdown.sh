#!/usr/bin/env bash
# Checks graceful shutdown, which a test host cannot show: SIGTERM while requests are in flight lets
# them finish, then the API exits 0 and stops its development PostgreSQL cluster.
# Usage: bash scripts/check-graceful-shutdown.sh
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port=5099
work=$(mktemp -d)
passed=0 failed=0
check() { if [ "$2" = 0 ]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi; }

dotnet build "$repo/SliceAuth.csproj" -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
# Expensive hashes make each login last about a second, so the requests are still running at SIGTERM.
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" RateLimits__Enabled=false \
  Passwords__Argon2MemoryKiB=262144 Passwords__Argon2Iterations=2 \
  dotnet "$repo/bin/Debug/net10.0/SliceAuth.dll" --contentRoot "$repo" >"$work/api.log" 2>&1 &
api=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break
  sleep 0.5
done
check "the API is ready" "$(curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; echo $?)"

for i in 1 2 3 4; do
  curl -s -o /dev/null -w "%{http_code}\n" -X POST "http://127.0.0.1:$port/auth/login" \
    -H 'content-type: application/json' -d "{\"email\":\"nobody$i@example.com\",\"password\":\"long enough password\"}" \
    >"$work/response$i" 2>/dev/null &
done
sleep 0.3
started=$(date +%s.%N)
kill -TERM "$api"
wait "$api"; code=$?
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
wait

check "the API exits 0 after SIGTERM (exit $code, after ${elapsed}s)" "$([ "$code" = 0 ]; echo $?)"
for i in 1 2 3 4; do
  check "in-flight login $i completed with $(cat "$work/response$i")" "$([ "$(cat "$work/response$i")" = 401 ]; echo $?)"
done
datadir=$(grep -o 'development PostgreSQL cluster in [^ ]*' "$work/api.log" | awk '{print $NF}')
if [ -n "$datadir" ] && [ -f "$datadir/postmaster.pid" ]; then stopped=1; else stopped=0; fi
check "the development PostgreSQL cluster is stopped" "$stopped"
[ "$failed" = 0 ] || tail -n 30 "$work/api.log"
rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
