// Refresh chains (each response's refresh token feeds the next request), /auth/me and logins against
// one API while the bash side breaks something: PostgreSQL stopped (mode "db-faults") or the API killed
// with SIGKILL and restarted (mode "crash"). The bash side writes its events (name and epoch ms) to the
// events file; the load stops at the event "end" or after maxDurationMs, whichever comes first.
// Every loop is bounded by that time and by maxRequestsPerWorker.
import {
  call, check, checkFamilies, config, countBy, done, fmt, info, isClean503, isProblem, jwtClaims,
  login, markStarted, newSession, pool, readEvents, sleep, tokenHashHex, psql,
} from './common.mjs';

const cfg = {
  chains: 8,
  meWorkers: 0,
  loginWorkers: 0,
  maxDurationMs: 90_000,
  maxRequestsPerWorker: 50_000,
  pauseMs: 5,
  retryMs: 200,
  grace: 10,
  ...config(),
};
const base = cfg.base;
const log = []; // every answer: { kind, status, t0, t1, ct, retryAfter, problem, clean503, error, chain }

function record(kind, r, chain) {
  log.push({
    kind,
    chain,
    status: r.status,
    t0: r.t0,
    t1: r.t1,
    error: r.error,
    problem: r.status >= 400 ? isProblem(r) : undefined,
    clean503: r.status === 503 ? isClean503(r) : undefined,
  });
}

// ---- set-up, before any fault ----
const sessions = await pool(Array.from({ length: cfg.chains + cfg.meWorkers }), 4, () => newSession(base, 'chain'));
const loginUsers = await pool(Array.from({ length: cfg.loginWorkers }), 4, () => newSession(base, 'login'));
const chains = sessions.slice(0, cfg.chains).map((s, id) => ({
  id,
  ...s,
  requests: 0,
  rotations: 0,
  sidChanged: 0,
  interruptions: [], // { status, t, resolved: 'continued' | 'clean401' | 'dirty401' | null, token }
  ended: null,
  unexpected: [],
  final: null,
}));
const meSessions = sessions.slice(cfg.chains);

let stopping = false;
const started = Date.now();
markStarted(cfg.started);
const poller = (async () => {
  while (!stopping) {
    if (readEvents(cfg.events).end || Date.now() - started > cfg.maxDurationMs) stopping = true;
    else await sleep(100);
  }
})();

async function chainWorker(c) {
  let iteration = 0;
  while (!stopping && c.requests < cfg.maxRequestsPerWorker) {
    const presented = c.refresh;
    const r = await call(base, 'POST', '/auth/refresh', { body: { refreshToken: presented } });
    c.requests++;
    record('refresh', r, c.id);
    const open = c.interruptions.find((x) => x.resolved === null);
    if (r.status === 200) {
      if (open) open.resolved = 'continued';
      if (jwtClaims(r.json.accessToken).sid !== c.sid) c.sidChanged++;
      c.refresh = r.json.refreshToken;
      c.access = r.json.accessToken;
      c.rotations++;
    } else if (r.status === 503 || r.status === 0) {
      // Keep the token and present it again: the session must survive the fault.
      if (!open) c.interruptions.push({ status: r.status, t: r.t0, resolved: null, token: presented });
      await sleep(cfg.retryMs);
      continue;
    } else if (r.status === 401) {
      if (open) open.resolved = isProblem(r) ? 'clean401' : 'dirty401';
      c.ended = { t: r.t0, clean: isProblem(r), token: presented, interrupted: Boolean(open) };
      break;
    } else {
      c.unexpected.push(r.status);
      await sleep(cfg.retryMs);
    }
    if (++iteration % 3 === 0) {
      const m = await call(base, 'GET', '/auth/me', { bearer: c.access });
      record('me', m, c.id);
    }
    await sleep(cfg.pauseMs);
  }
}

async function meWorker(s) {
  for (let n = 0; !stopping && n < cfg.maxRequestsPerWorker; n++) {
    record('me', await call(base, 'GET', '/auth/me', { bearer: s.access }));
    await sleep(cfg.pauseMs);
  }
}

async function loginWorker(s) {
  for (let n = 0; !stopping && n < cfg.maxRequestsPerWorker; n++) {
    const r = await login(base, s.email);
    record('login', r);
    await sleep(r.status === 200 ? cfg.pauseMs : cfg.retryMs);
  }
}

await Promise.all([...chains.map(chainWorker), ...meSessions.map(meWorker), ...loginUsers.map(loginWorker)]);
stopping = true;
await poller;
const loadEnded = Date.now();

// Every chain still going presents its last token once more, retrying for up to 15 s.
await Promise.all(
  chains
    .filter((c) => !c.ended)
    .map(async (c) => {
      for (let n = 0; n < 75; n++) {
        const r = await call(base, 'POST', '/auth/refresh', { body: { refreshToken: c.refresh } });
        record('final', r, c.id);
        if (r.status === 503 || r.status === 0) {
          await sleep(200);
          continue;
        }
        c.final = r.status;
        if (r.status === 200) {
          const open = c.interruptions.find((x) => x.resolved === null);
          if (open) open.resolved = 'continued';
        }
        return;
      }
      c.final = 'no answer';
    }),
);

// ---- figures ----
const ev = readEvents(cfg.events);
const rel = (t) => (((t - started) / 1000).toFixed(1) + 's');
info(`load ${((loadEnded - started) / 1000).toFixed(1)} s, ${log.length} requests; events: ${Object.entries(ev).map(([k, v]) => `${k}@${rel(v)}`).join(' ')}`);
for (const kind of ['refresh', 'me', 'login', 'final']) {
  const k = log.filter((x) => x.kind === kind);
  if (k.length) info(`${kind}: ${fmt(countBy(k, (x) => (x.status === 0 ? `no-answer(${x.error})` : x.status)))}`);
}
info(`chain rotations: ${chains.map((c) => c.rotations).join(' ')}`);

const fiveXX = log.filter((x) => x.status >= 500);
check(log.filter((x) => x.status >= 500 && x.status !== 503).length === 0,
  `no 5xx other than 503 at any time (${fmt(countBy(fiveXX, (x) => x.status))})`);
check(chains.every((c) => c.sidChanged === 0), 'every refresh stayed in its chain\'s session (same sid)');
check(chains.every((c) => c.unexpected.length === 0),
  `no refresh answered anything but 200, 401, 503 (${chains.flatMap((c) => c.unexpected).join(',') || 'none'})`);

if (cfg.mode === 'db-faults') dbFaultChecks();
else crashChecks();
done();

function dbFaultChecks() {
  const { stop_begin: stopBegin, stop_done: stopDone, start_begin: startBegin, start_done: startDone } = ev;
  if (!check(stopBegin && stopDone && startBegin && startDone, 'the fault happened during the load (stop and start events recorded)')) return;
  const all503 = log.filter((x) => x.status === 503);
  check(all503.every((x) => x.clean503), `every 503 is problem+json with Retry-After (${all503.length} of them)`);
  const noAnswer = log.filter((x) => x.status === 0);
  check(noAnswer.length === 0, `every request got an HTTP answer (${noAnswer.length} without: ${fmt(countBy(noAnswer, (x) => x.error))})`);

  // Fully down: the request started after pg_ctl stop returned and ended before pg_ctl start began.
  const down = log.filter((x) => x.t0 >= stopDone && x.t1 <= startBegin);
  const downDb = down.filter((x) => x.kind === 'refresh' || x.kind === 'login');
  info(`PostgreSQL down ${((startDone - stopBegin) / 1000).toFixed(1)} s; requests entirely inside: ${fmt(countBy(down, (x) => `${x.kind}=${x.status}`))}`);
  check(downDb.length > 0 && downDb.every((x) => x.status === 503),
    `while PostgreSQL is down every refresh and login answers 503 (${downDb.filter((x) => x.status === 503).length}/${downDb.length})`);
  const downMe = down.filter((x) => x.kind === 'me');
  check(downMe.every((x) => x.status === 200), `while PostgreSQL is down /auth/me (no database) still answers 200 (${downMe.length})`);
  const stray503 = all503.filter((x) => x.t1 < stopBegin || x.t0 > startDone + 10_000);
  check(stray503.length === 0, `no 503 answered before the stop began or asked for later than 10 s after the restart (${stray503.length})`);

  for (const kind of ['refresh', 'login']) {
    const first = log.filter((x) => x.kind === kind && x.status === 200 && x.t0 >= startDone).sort((a, b) => a.t0 - b.t0)[0];
    const last503 = all503.filter((x) => x.kind === kind).sort((a, b) => b.t1 - a.t1)[0];
    const after = first ? ((first.t1 - startDone) / 1000).toFixed(2) : 'never';
    check(first && first.t1 - startDone <= 10_000,
      `${kind} recovers by itself: first 200 ${after} s after PostgreSQL was back` +
        (last503 ? `, last 503 answered ${Math.abs((last503.t1 - startDone) / 1000).toFixed(2)} s ${last503.t1 >= startDone ? 'after' : 'before'} it` : ''));
  }
  const tail = log.filter((x) => x.t0 >= startDone + 5_000 && x.kind !== 'final');
  check(tail.length > 0 && tail.every((x) => x.status >= 200 && x.status < 300),
    `from 5 s after the restart on, every answer is 2xx (${fmt(countBy(tail, (x) => x.status))})`);

  const interrupted = chains.filter((c) => c.interruptions.length > 0);
  const recovered = interrupted.filter((c) => c.interruptions.every((x) => x.resolved === 'continued'));
  check(interrupted.length > 0 && recovered.length === interrupted.length,
    `chains that got a 503 retried their last token successfully after recovery (${recovered.length}/${interrupted.length})`);

  // A chain refused with 401 lost its session. Forgiven only if its token was retired at the instant of
  // the stop (a rotation that committed while its answer was lost) and the retry came after the grace.
  const lost = chains.filter((c) => c.ended);
  let unexcused = 0;
  for (const c of lost) {
    const rows = psql(cfg.db, `select extract(epoch from retired_at) * 1000, extract(epoch from revoked_at) * 1000
                                 from refresh_tokens where token_hash = decode('${tokenHashHex(c.ended.token)}', 'hex')`);
    const retired = rows[0]?.[0] ? Number(rows[0][0]) : null;
    const atStop = retired !== null && retired >= stopBegin - 1000 && retired <= stopDone + 1000;
    info(`chain ${c.id} answered 401 at ${rel(c.ended.t)}: token retired ${retired ? rel(retired) : 'never'}${atStop ? ' (being rotated at the stop)' : ''}`);
    if (!atStop) unexcused++;
  }
  check(unexcused === 0, `no session lost that was not being rotated at the stop (${lost.length} chains got 401, ${unexcused} unexplained)`);
  const finals = chains.filter((c) => !c.ended);
  check(finals.every((c) => c.final === 200),
    `after the load every chain's last token still refreshes (${finals.filter((c) => c.final === 200).length}/${finals.length}: ${fmt(countBy(finals, (c) => c.final))})`);
  checkFamilies(cfg.db, cfg.grace);
}

function crashChecks() {
  const kills = Object.keys(ev).filter((k) => k.startsWith('kill_')).sort();
  if (!check(kills.length > 0 && kills.every((k) => ev[k.replace('kill_', 'ready_')]), `the API was killed and restarted during the load (${kills.length} times)`)) return;
  for (const k of kills) {
    const n = k.slice(5);
    info(`crash ${n}: SIGKILL at ${rel(ev[k])}, restarted at ${rel(ev[`restart_${n}`])}, ready ${((ev[`ready_${n}`] - ev[k]) / 1000).toFixed(1)} s after the kill`);
  }
  const refreshes = log.filter((x) => x.kind === 'refresh' || x.kind === 'final');
  const answered = refreshes.filter((x) => x.status !== 0);
  check(answered.every((x) => x.status === 200 || (x.status === 401 && x.problem)),
    `every refresh answer is 200 or a clean 401 problem+json (${fmt(countBy(answered, (x) => x.status))})`);
  const noAnswer = log.filter((x) => x.status === 0);
  const outside = noAnswer.filter((x) => !kills.some((k) => x.t1 >= ev[k] - 50 && x.t0 <= ev[k.replace('kill_', 'ready_')] + 50));
  check(outside.length === 0, `requests went unanswered only while the API was down (${noAnswer.length} while down, ${outside.length} otherwise)`);

  const interruptions = chains.flatMap((c) => c.interruptions);
  info(`chain interruptions: ${interruptions.length}; ${fmt(countBy(interruptions, (x) => x.resolved ?? 'unresolved'))}`);
  check(interruptions.length > 0 && interruptions.every((x) => x.resolved === 'continued' || x.resolved === 'clean401'),
    `every interrupted chain continued with its last token or answered a clean 401`);
  const lostUninterrupted = chains.filter((c) => c.ended && !c.ended.interrupted);
  check(lostUninterrupted.length === 0, `no chain was refused without a crash in between (${lostUninterrupted.length})`);
  // Within the grace window a token whose rotation committed just before the kill gets a sibling.
  for (const k of kills) {
    const n = k.slice(5);
    if (ev[`ready_${n}`] - ev[k] > (cfg.grace - 2) * 1000) continue;
    const refused = interruptions.filter((x) => x.t >= ev[k] - 1000 && x.t <= ev[`ready_${n}`] && x.resolved !== 'continued');
    check(refused.length === 0, `crash ${n} (back within the grace window): every interrupted chain continued (${refused.length} refused)`);
  }
  const finals = chains.filter((c) => !c.ended);
  check(finals.every((c) => c.final === 200),
    `every chain not refused still refreshes with its last token at the end (${finals.filter((c) => c.final === 200).length}/${finals.length})`);
  checkFamilies(cfg.db, cfg.grace);
}
