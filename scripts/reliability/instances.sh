#!/usr/bin/env bash
# Two API instances on one database through PgBouncer in transaction pooling mode (Debian's pgbouncer,
# run as the postgres user from an ini in the work folder, auth_type=trust, 127.0.0.1 only). The schema is
# migrated first over a direct connection (`SliceAuth.dll migrate`), then both instances start through
# the pooler. Expected: a token issued by one instance is accepted by the other (/auth/me, /auth/refresh),
# a load spread over both answers 2xx, a refresh token raced on both at once stays one family and one
# session (all succeed within the 10 s grace), and no prepared-statement or protocol error in any log.
# Usage: bash scripts/reliability/instances.sh      (POOLER_SETTINGS, KEEP_WORK=1)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Added to the API's connection string to PgBouncer. Npgsql prepares nothing unless told to (Max Auto
# Prepare=0 is its default, kept explicit); No Reset On Close skips the DISCARD ALL that Npgsql would
# otherwise send on every connection it takes back from its pool, which under transaction pooling runs
# on whatever server connection PgBouncer hands out and resets nothing useful.
POOLER_SETTINGS=${POOLER_SETTINGS-"No Reset On Close=true;Max Auto Prepare=0"}

# Debian's pgbouncer, installed when missing (as bench/run.sh installs what it needs).
if ! command -v pgbouncer >/dev/null && ! [ -x /usr/sbin/pgbouncer ]; then
  log "installing pgbouncer"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
fi

setup_work
build_api
pg_init

log "migrating over a direct connection"
(
  cd "$APP_DIR" && env ASPNETCORE_ENVIRONMENT=Production Jwt__SigningKey="$SIGNING_KEY" \
    ConnectionStrings__Postgres="$(direct_connection_string)" dotnet "$APP_DIR/SliceAuth.dll" migrate
) >"$WORK/migrate.log" 2>&1
migrate_status=$?
check "SliceAuth.dll migrate applies the schema over the direct connection (exit $migrate_status)" [ "$migrate_status" = 0 ]
migrations=$(psql_q "$PG_DB" 'select count(*) from "VersionInfo"' 2>/dev/null)
echo "  migrations applied: ${migrations:-none}"

# ---- PgBouncer, transaction pooling ----
bouncer_port=$(free_port)
bouncer="$WORK/pgbouncer"
mkdir -p "$bouncer"
cat >"$bouncer/pgbouncer.ini" <<EOF
[databases]
$PG_DB = host=$PGDATA port=$PGPORT dbname=$PG_DB user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $bouncer/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
logfile = $bouncer/pgbouncer.log
pidfile = $bouncer/pgbouncer.pid
admin_users = postgres
EOF
echo '"postgres" ""' >"$bouncer/userlist.txt"
chown -R postgres:postgres "$bouncer"
pg_as pgbouncer "$bouncer/pgbouncer.ini" >"$WORK/pgbouncer.start.log" 2>&1 &
CLEANUP_PIDS+=("$!")
for _ in $(seq 1 50); do [ -n "$(ss -Hltn "sport = :$bouncer_port")" ] && break; sleep 0.1; done
check "pgbouncer listens on 127.0.0.1:$bouncer_port (transaction pooling)" [ -n "$(ss -Hltn "sport = :$bouncer_port")" ]
pooled_cs="Host=127.0.0.1;Port=$bouncer_port;Username=postgres;Database=$PG_DB${POOLER_SETTINGS:+;$POOLER_SETTINGS}"
echo "  connection string through the pooler: $pooled_cs"

port_a=$(free_port)
port_b=$(free_port)
while [ "$port_b" = "$port_a" ]; do port_b=$(free_port); done
start_api a "$port_a" "$pooled_cs"
start_api b "$port_b" "$pooled_cs"
check "instance a starts through PgBouncer" wait_ready a "$port_a"
check "instance b starts through PgBouncer" wait_ready b "$port_b"
[ "$failed" = 0 ] || { summary; exit 1; }
pool_mode=$(psql -X -h 127.0.0.1 -p "$bouncer_port" -U postgres -d pgbouncer -At -c 'show config' 2>/dev/null | awk -F'|' '$1 == "pool_mode" { print $2 }')
check "PgBouncer reports pool_mode=transaction ($pool_mode)" [ "$pool_mode" = transaction ]

log "cross-instance tokens, a spread load and refresh races"
run_node instances 180 "$(printf '{"bases":["http://127.0.0.1:%s","http://127.0.0.1:%s"],"db":{"host":"%s","port":%s,"name":"%s"}}' \
  "$port_a" "$port_b" "$PGDATA" "$PGPORT" "$PG_DB")"
tally "$WORK/instances.out"

read -r xacts queries < <(psql -X -h 127.0.0.1 -p "$bouncer_port" -U postgres -d pgbouncer -At -c 'show stats' 2>/dev/null |
  awk -F'|' -v db="$PG_DB" '$1 == db { print $2, $3 }')
check "the instances' queries went through PgBouncer (${xacts:-0} transactions, ${queries:-0} queries)" [ "${xacts:-0}" -gt 1000 ]
pattern='prepared statement|42P05|26000|08P01|protocol violation|unsupported startup parameter|NpgsqlException|PostgresException'
for name in a b; do
  hits=$(grep -ciE "$pattern" "${API_LOG[$name]}")
  check "no prepared-statement, protocol or database error in instance $name's log ($hits lines)" [ "$hits" = 0 ]
  [ "$hits" = 0 ] || grep -iE "$pattern" "${API_LOG[$name]}" | sort | uniq -c | sort -rn | head -n 5
  exceptions=$(handled_exceptions "${API_LOG[$name]}")
  check "instance $name's handler logged no exception (${exceptions:-none})" [ -z "$exceptions" ]
done
bouncer_errors=$(grep -ciE 'prepared statement|unsupported|protocol|ERROR' "$bouncer/pgbouncer.log")
check "no error in PgBouncer's log ($bouncer_errors lines)" [ "$bouncer_errors" = 0 ]
[ "$bouncer_errors" = 0 ] || grep -iE 'prepared statement|unsupported|protocol|ERROR' "$bouncer/pgbouncer.log" | head -n 5
summary
