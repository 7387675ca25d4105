#!/usr/bin/env bash
# The tests run on the JIT; this runs every endpoint on the native executable that `dotnet publish`
# makes, as deployed: a private PostgreSQL cluster, ASPNETCORE_ENVIRONMENT=Production, a random HS256
# key, then an RS256 key file. It checks statuses, bodies, headers and the rows written, the problem
# answers to bad input, the start-up refusals, 503 while the database is down, and a clean SIGTERM.
# Usage: bash scripts/check-native.sh (as root, like the reliability scripts; about 2 minutes).
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/reliability/lib.sh"
setup_work
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }

publish_native
check "the publish wrote the executable and its OpenAPI document" test -x "$NATIVE_DIR/SliceAuth" -a -s "$NATIVE_DIR/swagger.json"
pg_init
cs=$(direct_connection_string)
port=$(free_port)
base="http://127.0.0.1:$port"

# request METHOD PATH [BODY] [CURL ARGS...]: sets STATUS, BODY and HEADERS (a file).
HEADERS="$WORK/headers"
request() {
  local method=$1 path=$2 body=${3:-}
  shift 3 2>/dev/null || shift $#
  local -a data=()
  [ -n "$body" ] && data=(-H 'Content-Type: application/json' --data-binary "$body")
  BODY=$(curl -s -D "$HEADERS" -o - -w '\n%{http_code}' -X "$method" "${data[@]}" "$@" "$base$path")
  STATUS=${BODY##*$'\n'}
  BODY=${BODY%$'\n'*}
}
field() { jq -r "$1" <<<"$BODY"; }
header() { grep -i "^$1:" "$HEADERS" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
is_problem() { [ "$STATUS" = "$1" ] && header content-type | grep -q '^application/problem+json' && [ "$(field .status)" = "$1" ] && [ -n "$(field .traceId)" ]; }

# ---- Start-up ----------------------------------------------------------------------------------------
started=$(now_ms)
start_api native "$port" "$cs" Jwt__RefreshReuseGrace=00:00:00
check "the native API becomes ready on an empty database" wait_ready native "$port" 30
log "ready in $(($(now_ms) - started)) ms"
request GET /health/ready
check "/health/ready: 200 {\"status\":\"Healthy\"}" test "$STATUS $BODY" = '200 {"status":"Healthy"}'
request GET /health/live
check "/health/live: 200" test "$STATUS" = 200
migrations=$(grep -l '^\[Migration(' "$REPO"/Migrations/*.cs | wc -l)
check "every migration ($migrations) is recorded as applied" test "$(psql_q "$PG_DB" 'select count(*) from "VersionInfo"')" = "$migrations"

# ---- Register ----------------------------------------------------------------------------------------
email="native.$RANDOM@example.com"
password='a long native passphrase 42'
request POST /auth/register "{\"email\":\"$email\",\"password\":\"$password\"}"
user_id=$(field .id)
check "register: 201, Location /auth/me, the account in the body" \
  test "$STATUS $(header location) $(field .email)" = "201 /auth/me $email" -a -n "$(field .createdAt | grep -E '^[0-9]{4}-')"
check "register: the row stores an Argon2id hash, not the password" \
  test "$(psql_q "$PG_DB" "select password like '\$argon2id\$%' from users where id = '$user_id'")" = t
request POST /auth/register "{\"email\":\"${email^^}\",\"password\":\"$password\"}"
check "register: the same email in other case is a 409 problem" is_problem 409
request POST /auth/register '{"email":"not-an-email","password":"short"}'
check "register: bad email and password are a 400 problem naming both fields" \
  eval 'is_problem 400 && [ "$(field ".errors.email | length")" -ge 1 ] && [ "$(field ".errors.password | length")" -ge 1 ]'

# ---- Login and the access token ----------------------------------------------------------------------
request POST /auth/login "{\"email\":\"$email\",\"password\":\"wrong password here\"}"
check "login: a wrong password is a 401 problem" is_problem 401
request POST /auth/login "{\"email\":\"$email\",\"password\":\"$password\"}"
access=$(field .accessToken)
refresh=$(field .refreshToken)
check "login: 200 Bearer tokens, expiresIn 900, Cache-Control no-store" \
  test "$STATUS $(field .tokenType) $(field .expiresIn) $(header cache-control)" = "200 Bearer 900 no-store" \
  -a "$(tr -cd . <<<"$access" | wc -c)" = 2 -a -n "$refresh"
check "login: a refresh-token row is written, and no row holds the token itself" \
  test "$(psql_q "$PG_DB" "select count(*), count(*) filter (where t::text like '%$refresh%') from refresh_tokens t where user_id = '$user_id'")" = "1|0"
request GET /auth/me "" -H "Authorization: Bearer $access"
check "me: 200 with the account's id and email" test "$STATUS $(field .id) $(field .email)" = "200 $user_id $email"
request GET /auth/me
check "me without a token: 401 problem with WWW-Authenticate: Bearer" eval 'is_problem 401 && header www-authenticate | grep -q "^Bearer"'
request GET /auth/me "" -H "Authorization: Bearer ${access%?}x"
check "me with a tampered token: 401" is_problem 401

# ---- Refresh rotation and reuse ----------------------------------------------------------------------
request POST /auth/refresh "{\"refreshToken\":\"$refresh\"}"
rotated=$(field .refreshToken)
check "refresh: 200 with a new pair" test "$STATUS" = 200 -a -n "$rotated" -a "$rotated" != "$refresh"
request POST /auth/refresh "{\"refreshToken\":\"$refresh\"}"
check "refresh: the retired token again is a 401 problem" is_problem 401
request POST /auth/refresh "{\"refreshToken\":\"$rotated\"}"
check "refresh: after that reuse its successor is revoked too (401)" is_problem 401
request POST /auth/refresh '{}'
check "refresh with no token: 400 naming refreshToken" eval 'is_problem 400 && [ "$(field ".errors.refreshToken | length")" -ge 1 ]'

# ---- Cookie mode, sessions, password change, logout --------------------------------------------------
request POST '/auth/login?useCookie=true' "{\"email\":\"$email\",\"password\":\"$password\"}"
cookie=$(header set-cookie)
check "login ?useCookie=true: HttpOnly refresh_token cookie, no refreshToken in the body" \
  eval '[ "$STATUS" = 200 ] && [[ "$cookie" == refresh_token=*HttpOnly* || "$cookie" == refresh_token=*httponly* ]] && [ "$(field .refreshToken)" = null ]'
cookie_token=${cookie#refresh_token=}; cookie_token=${cookie_token%%;*}
request POST /auth/refresh "" -H "Cookie: refresh_token=$cookie_token" -H 'Content-Length: 0'
check "refresh from the cookie: 200" test "$STATUS" = 200
request POST /auth/login "{\"email\":\"$email\",\"password\":\"$password\"}" -A 'native-check/1'
access=$(field .accessToken)
refresh=$(field .refreshToken)
request GET /auth/sessions "" -H "Authorization: Bearer $access"
check "sessions: 200, the caller's session marked current with its user agent" \
  test "$STATUS $(field '[.[] | select(.current)] | length') $(field '.[] | select(.current) | .userAgent')" = "200 1 native-check/1"
other=$(field '[.[] | select(.current | not)][0].id')
request DELETE "/auth/sessions/$other" "" -H "Authorization: Bearer $access"
check "revoke another session: 204, its row revoked" \
  test "$STATUS $(psql_q "$PG_DB" "select revoked_at is not null from sessions where id = '$other'")" = "204 t"
request DELETE /auth/sessions/not-a-guid "" -H "Authorization: Bearer $access"
check "revoke with a malformed id: a 4xx problem" eval 'is_problem "$STATUS" && [ "$STATUS" -ge 400 ] && [ "$STATUS" -lt 500 ]'
new_password='another long native passphrase 43'
request POST /auth/password "{\"currentPassword\":\"$password\",\"newPassword\":\"$new_password\"}" -H "Authorization: Bearer $access"
check "change password: 204" test "$STATUS" = 204
request POST /auth/login "{\"email\":\"$email\",\"password\":\"$new_password\"}"
check "login with the new password: 200" test "$STATUS" = 200
refresh=$(field .refreshToken)
access=$(field .accessToken)
request POST /auth/logout "{\"refreshToken\":\"$refresh\"}"
check "logout: 204, and the token no longer refreshes" eval '[ "$STATUS" = 204 ] && request POST /auth/refresh "{\"refreshToken\":\"$refresh\"}" && is_problem 401'
request POST /auth/logout-all "" -H "Authorization: Bearer $access"
check "logout-all: 204, no live session left" \
  test "$STATUS $(psql_q "$PG_DB" "select count(*) from sessions where user_id = '$user_id' and revoked_at is null")" = "204 0"

# ---- Bad input, documents, metrics -------------------------------------------------------------------
request POST /auth/login '{"email": "x@example.com", "password": '
check "malformed JSON: 400 problem under errors.body" eval 'is_problem 400 && [ "$(field ".errors.body | length")" = 1 ]'
request POST /auth/login '{"email": 42, "password": "x"}'
check "a field of the wrong type: 400 problem under its name" eval 'is_problem 400 && [ "$(field ".errors.email | length")" = 1 ]'
request POST /auth/login "" -H 'Content-Type: text/plain' --data-binary 'hello'
check "a body that is not JSON: 415 problem" is_problem 415
request POST /auth/register "{\"email\":\"big@example.com\",\"password\":\"$(head -c 70000 /dev/zero | tr '\0' a)\"}"
check "a body over the size limit: 413 problem" is_problem 413
request GET /nowhere
check "an unknown path: 404 problem" is_problem 404
request GET /.well-known/jwks.json
check "JWKS with HS256: 200 and no keys" test "$STATUS $(field '.keys | length')" = "200 0"
request GET /swagger/v1/swagger.json
check "OpenAPI document: 200 with all ten /auth and JWKS paths" test "$STATUS $(field '.paths | keys | length')" = "200 10"
request GET /metrics
check "metrics: 200 with the SliceAuth counters and request durations" \
  eval '[ "$STATUS" = 200 ] && grep -q "^sliceauth_logins_total" <<<"$BODY" && grep -q "^http_server_request_duration_seconds_bucket" <<<"$BODY"'
check "no stack trace in the log" eval '! grep -q "   at " "${API_LOG[native]}"'

# ---- The database down and back ----------------------------------------------------------------------
pg_stop_fast
request POST /auth/login "{\"email\":\"$email\",\"password\":\"$new_password\"}"
check "database down: login is a 503 problem with Retry-After" eval 'is_problem 503 && [ -n "$(header retry-after)" ]'
request GET /health/ready
check "database down: /health/ready 503" test "$STATUS" = 503
pg_start
request POST /auth/login "{\"email\":\"$email\",\"password\":\"$new_password\"}"
check "database back: login 200 without restarting the API" test "$STATUS" = 200

# ---- SIGTERM, then an RS256 key file -----------------------------------------------------------------
kill -TERM "${API_PID[native]}"
wait "${API_PID[native]}"
check "SIGTERM: the API exits 0" test $? = 0
unset 'API_PID[native]'

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/rs256.pem" 2>/dev/null
start_api rs256 "$port" "$cs" Jwt__Algorithm=RS256 Jwt__KeyFile="$WORK/rs256.pem"
check "RS256 from a key file: ready" wait_ready rs256 "$port" 30
request GET /.well-known/jwks.json
kid=$(field '.keys[0].kid')
check "RS256: JWKS publishes one RSA key (kty, alg, use, n, e)" \
  test "$(field '[.keys[0] | .kty, .alg, .use] | join(" ")') $(field '.keys | length')" = "RSA RS256 sig 1" -a -n "$(field '.keys[0].n')"
request POST /auth/login "{\"email\":\"$email\",\"password\":\"$new_password\"}"
access=$(field .accessToken)
token_header=$(cut -d. -f1 <<<"$access" | tr '_-' '/+' | base64 -d 2>/dev/null)
check "RS256: the access token names RS256 and the published kid" \
  eval '[ "$(jq -r .alg <<<"$token_header")" = RS256 ] && [ "$(jq -r .kid <<<"$token_header")" = "$kid" ]'
request GET /auth/me "" -H "Authorization: Bearer $access"
check "RS256: me accepts it" test "$STATUS" = 200

# ---- Start-up refusals -------------------------------------------------------------------------------
refusal() {
  local out
  out=$(cd "$NATIVE_DIR" && env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" "$@" \
    timeout 30 ./SliceAuth 2>&1 >/dev/null)
  local code=$?
  echo "$out" | tail -n 1
  [ "$code" = 1 ]
}
check "no signing key: exit 1 naming Jwt:SigningKey" \
  eval 'refusal ConnectionStrings__Postgres="$cs" | grep -q "Jwt:SigningKey"'
check "an access-token lifetime out of range: exit 1 naming it" \
  eval 'refusal ConnectionStrings__Postgres="$cs" Jwt__SigningKey="$SIGNING_KEY" Jwt__AccessTokenLifetime=00:00:01 | grep -q "AccessTokenLifetime"'
check "no connection string: exit 1 naming ConnectionStrings:Postgres" \
  eval 'refusal Jwt__SigningKey="$SIGNING_KEY" | grep -q "ConnectionStrings:Postgres"'

summary
