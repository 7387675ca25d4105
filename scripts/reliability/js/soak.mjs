// A mixed load of `concurrency` workers for `durationMs`: each registers a user, then repeats
// login, /auth/me, three refreshes (each followed by /auth/me), logout, and a refresh of the logged-out
// token (401), registering a fresh user every tenth round. Bounded by time and by maxRoundsPerWorker.
import { call, check, config, countBy, done, fmt, info, isProblem, login, markStarted, register, sleep, uniqueEmail } from './common.mjs';

const cfg = { concurrency: 32, durationMs: 60_000, maxRoundsPerWorker: 100_000, ...config() };
const base = cfg.base;
const expected = { register: 201, login: 200, me: 200, refresh: 200, logout: 204, 'refresh-after-logout': 401 };
const counts = {}; // kind -> status -> n
const unexpected = [];
let total = 0;

function record(kind, r) {
  total++;
  const k = (counts[kind] ??= {});
  const s = r.status === 0 ? `no-answer(${r.error})` : String(r.status);
  k[s] = (k[s] ?? 0) + 1;
  const ok = r.status === expected[kind] && (r.status < 400 || isProblem(r));
  if (!ok && unexpected.length < 20) unexpected.push(`${kind} ${s} ${(r.text ?? '').slice(0, 120)}`);
  return ok;
}

let stopping = false;
const started = Date.now();
markStarted(cfg.started);
const timer = setTimeout(() => (stopping = true), cfg.durationMs);

async function worker() {
  let email = uniqueEmail('soak');
  record('register', await register(base, email));
  for (let round = 0; !stopping && round < cfg.maxRoundsPerWorker; round++) {
    if (round % 10 === 9) {
      email = uniqueEmail('soak');
      record('register', await register(base, email));
    }
    const l = await login(base, email);
    if (!record('login', l)) {
      await sleep(100);
      continue;
    }
    let { accessToken: access, refreshToken: refresh } = l.json;
    record('me', await call(base, 'GET', '/auth/me', { bearer: access }));
    for (let i = 0; i < 3 && !stopping; i++) {
      const r = await call(base, 'POST', '/auth/refresh', { body: { refreshToken: refresh } });
      if (!record('refresh', r)) break;
      ({ accessToken: access, refreshToken: refresh } = r.json);
      record('me', await call(base, 'GET', '/auth/me', { bearer: access }));
    }
    record('logout', await call(base, 'POST', '/auth/logout', { body: { refreshToken: refresh } }));
    record('refresh-after-logout', await call(base, 'POST', '/auth/refresh', { body: { refreshToken: refresh } }));
  }
}

await Promise.all(Array.from({ length: cfg.concurrency }, worker));
clearTimeout(timer);
const seconds = (Date.now() - started) / 1000;

info(`${cfg.concurrency} workers, ${seconds.toFixed(1)} s, ${total} requests, ${(total / seconds).toFixed(0)} requests/s`);
for (const [kind, statuses] of Object.entries(counts)) info(`${kind}: ${fmt(statuses)}`);
const all = Object.values(counts).flatMap((m) => Object.entries(m));
const fivexx = all.filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
const noAnswer = all.filter(([s]) => s.startsWith('no-answer')).reduce((n, [, c]) => n + c, 0);
check(fivexx === 0, `0 x 5xx (${fivexx} of ${total})`);
check(noAnswer === 0, `every request got an HTTP answer (${noAnswer} without)`);
for (const u of unexpected) info(`unexpected: ${u}`);
check(unexpected.length === 0, 'every answer is the contract\'s (register 201, login 200, me 200, refresh 200, logout 204, refresh after logout 401 problem+json)');
check(seconds >= cfg.durationMs / 1000 - 1, `the load ran its full ${cfg.durationMs / 1000} s`);
done();
