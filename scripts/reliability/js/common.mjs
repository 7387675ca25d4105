// Helpers shared by the reliability load scripts: no dependencies, Node 20's global fetch.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const PASSWORD = 'reliability check passphrase 42';

export function config() {
  const raw = process.argv[2];
  if (!raw) throw new Error('usage: node script.mjs \'{"json":"config"}\'');
  return JSON.parse(raw);
}

let passed = 0;
let failed = 0;
export function check(ok, what) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  return ok;
}
export function info(what) {
  console.log(`  ${what}`);
}
/** The marker the bash side looks for: the script got to its end. */
export function done() {
  console.log(`DONE ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

export const uniqueEmail = (prefix) => `${prefix}-${randomBytes(6).toString('hex')}@example.com`;

/**
 * One HTTP call. Never throws: a request that got no HTTP answer (refused, reset, timed out) has status 0
 * and `error`. Records when it started and ended (ms since the epoch, the clock `date +%s%3N` reads).
 */
export async function call(base, method, path, { body, bearer, timeoutMs = 10_000, headers = {} } = {}) {
  const t0 = Date.now();
  const h = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (bearer) h.authorization = `Bearer ${bearer}`;
  try {
    const res = await fetch(base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      ct: res.headers.get('content-type') ?? '',
      retryAfter: res.headers.get('retry-after'),
      json,
      text,
      t0,
      t1: Date.now(),
    };
  } catch (e) {
    return { status: 0, error: String(e?.cause?.code ?? e?.cause?.message ?? e?.name ?? e), t0, t1: Date.now() };
  }
}

/** RFC 9457 problem+json with the status it answers and a traceId. */
export function isProblem(r) {
  return r.ct.startsWith('application/problem+json') && r.json?.status === r.status && typeof r.json?.traceId === 'string';
}

/** A 503 as the contract wants it: problem+json with Retry-After. */
export function isClean503(r) {
  return r.status === 503 && isProblem(r) && /^\d+$/.test(r.retryAfter ?? '');
}

export function jwtClaims(token) {
  const payload = token.split('.')[1];
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

export const tokenHashHex = (refreshToken) => createHash('sha256').update(refreshToken, 'utf8').digest('hex');

export async function register(base, email) {
  return call(base, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
}

export async function login(base, email) {
  return call(base, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
}

/** Registers and logs in, retrying a few times; throws when it cannot (set-up, before any fault). */
export async function newSession(base, prefix) {
  const email = uniqueEmail(prefix);
  const reg = await register(base, email);
  if (reg.status !== 201) throw new Error(`register ${email}: ${reg.status} ${reg.error ?? reg.text}`);
  const r = await login(base, email);
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.error ?? r.text}`);
  return { email, refresh: r.json.refreshToken, access: r.json.accessToken, sid: jwtClaims(r.json.accessToken).sid };
}

/** Runs `fn` on `items` with at most `limit` at once. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Events the bash side writes while the load runs, one `NAME MILLISECONDS` a line; later lines of the
 * same name win.
 */
export function readEvents(path) {
  const events = {};
  if (!path || !existsSync(path)) return events;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [name, ms] = line.trim().split(/\s+/);
    if (name && ms) events[name] = Number(ms);
  }
  return events;
}

export function markStarted(path) {
  if (path) writeFileSync(path, String(Date.now()));
}

/** psql against the script's private cluster: rows of `|`-separated columns. */
export function psql(db, sql) {
  const out = execFileSync(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', db.host, '-p', String(db.port), '-U', 'postgres', '-d', db.name, '-At', '-c', sql],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('|'));
}

/**
 * Families (refresh_tokens grouped by session_id) with more than one live token (not retired, not
 * revoked). Allowed only through the grace rule, which the data shows: a refresh retires a token and
 * stores its successor with created_at equal to that retired_at (one `now`); a login stores the first
 * token with the session's created_at; the grace rule stores a sibling and retires nothing. So, per
 * family and instant, tokens created beyond the retirements (and the opening) at that instant are grace
 * siblings. Checked: every retirement has its successor, live tokens <= 1 + grace siblings, and every
 * sibling was minted within `graceSeconds` of the retirement of an older token of its family (its
 * parent's; the two siblings' created_at distance), in either direction, since a racing loser may read
 * the clock before the winner.
 */
export function checkFamilies(db, graceSeconds, label = '') {
  const rows = psql(
    db,
    `with family as (
       select t.session_id, s.created_at as opened,
              count(*) filter (where t.retired_at is null and t.revoked_at is null) as live,
              extract(epoch from max(t.created_at) filter (where t.retired_at is null and t.revoked_at is null)
                               - min(t.created_at) filter (where t.retired_at is null and t.revoked_at is null)) as span
         from refresh_tokens t join sessions s on s.id = t.session_id
        group by t.session_id, s.created_at
       having count(*) filter (where t.retired_at is null and t.revoked_at is null) > 1
     ), created as (
       select t.session_id, t.created_at as at, count(*) as n
         from refresh_tokens t join family f on f.session_id = t.session_id group by 1, 2
     ), retired as (
       select t.session_id, t.retired_at as at, count(*) as n
         from refresh_tokens t join family f on f.session_id = t.session_id where t.retired_at is not null group by 1, 2
     ), instant as (
       select coalesce(c.session_id, r.session_id) as session_id, coalesce(c.at, r.at) as at,
              coalesce(c.n, 0) - coalesce(r.n, 0) - case when coalesce(c.at, r.at) = f.opened then 1 else 0 end as extra
         from created c full join retired r on r.session_id = c.session_id and r.at = c.at
         join family f on f.session_id = coalesce(c.session_id, r.session_id)
     ), sibling as (
       select i.session_id, i.extra,
              (select min(abs(extract(epoch from i.at - p.retired_at))) from refresh_tokens p
                where p.session_id = i.session_id and p.retired_at is not null and p.created_at < i.at) as fork
         from instant i where i.extra > 0
     )
     select f.session_id, f.live, f.span,
            coalesce((select sum(g.extra) from sibling g where g.session_id = f.session_id), 0),
            coalesce((select max(coalesce(g.fork, 1e9)) from sibling g where g.session_id = f.session_id), 0),
            (select count(*) from instant i where i.session_id = f.session_id and i.extra < 0)
       from family f`,
  );
  const families = Number(psql(db, 'select count(distinct session_id) from refresh_tokens')[0][0]);
  const bad = rows.filter(([, live, , siblings, fork, missing]) =>
    Number(live) > 1 + Number(siblings) || Number(fork) > graceSeconds + 0.01 || Number(missing) > 0);
  info(`${label}families: ${families}; with several live tokens: ${rows.length}`);
  // The unexplained ones all, the others up to five.
  const shown = [...bad, ...rows.filter((r) => !bad.includes(r)).slice(0, 5)];
  if (rows.length > shown.length) info(`  (${rows.length - shown.length} more with a grace fork not shown; largest sibling distance ${Math.max(...rows.map((r) => Number(r[4]))).toFixed(3)} s)`);
  for (const [sid, live, span, siblings, fork, missing] of shown)
    info(`  ${bad.some((b) => b[0] === sid) ? 'UNEXPLAINED ' : ''}family ${sid}: ${live} live tokens created ${Number(span).toFixed(3)} s apart; ` +
      `${siblings} grace sibling(s), minted within ${Number(fork).toFixed(3)} s of an older token's retirement` +
      (Number(missing) > 0 ? `; ${missing} retirement(s) without a successor` : ''));
  return check(
    bad.length === 0,
    `${label}no family has two live tokens except through the grace rule (${rows.length} families with a grace fork, ${bad.length} unexplained)`,
  );
}

export function countBy(list, key) {
  const m = {};
  for (const x of list) {
    const k = key(x);
    m[k] = (m[k] ?? 0) + 1;
  }
  return m;
}

export const fmt = (m) =>
  Object.entries(m)
    .sort()
    .map(([k, v]) => `${k}:${v}`)
    .join(' ') || 'none';
