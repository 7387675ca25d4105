// Two API instances (a, b) on one database through PgBouncer: tokens cross instances, a load is spread
// over both, and one refresh token is raced on both at once. Every loop is bounded in count and time.
import {
  call, check, checkFamilies, config, countBy, done, fmt, info, isProblem, jwtClaims, login, newSession,
  pool, psql, sleep,
} from './common.mjs';

const cfg = { chains: 8, loginWorkers: 2, loadMs: 20_000, races: 30, racers: 4, maxRequestsPerWorker: 50_000, grace: 10, ...config() };
const [A, B] = cfg.bases;
const name = (base) => (base === A ? 'a' : 'b');
const other = (base) => (base === A ? B : A);
const refresh = (base, token) => call(base, 'POST', '/auth/refresh', { body: { refreshToken: token } });
const me = (base, access) => call(base, 'GET', '/auth/me', { bearer: access });

// ---- 1. a token issued by one instance is accepted by the other ----
{
  const s = await newSession(A, 'cross'); // registered and logged in on a
  const m = await me(B, s.access);
  check(m.status === 200 && m.json?.email === s.email, `an access token from a is accepted by b's /auth/me (${m.status})`);
  const r = await refresh(B, s.refresh);
  const rSid = r.status === 200 ? jwtClaims(r.json.accessToken).sid : null;
  check(r.status === 200 && rSid === s.sid, `a refresh token from a refreshes on b, in the same session (${r.status})`);
  const m2 = r.status === 200 ? await me(A, r.json.accessToken) : { status: 'skipped' };
  check(m2.status === 200, `b's new access token is accepted by a's /auth/me (${m2.status})`);
  const r2 = r.status === 200 ? await refresh(A, r.json.refreshToken) : { status: 'skipped' };
  check(r2.status === 200 && jwtClaims(r2.json.accessToken).sid === s.sid, `b's new refresh token refreshes on a (${r2.status})`);
  const old = await refresh(B, s.refresh);
  check(old.status === 200 && jwtClaims(old.json.accessToken).sid === s.sid,
    `a's first token, retired on b, presented again on b within the grace gets a sibling in the same session (${old.status})`);
  const sess = r2.status === 200 ? await call(B, 'GET', '/auth/sessions', { bearer: r2.json.accessToken }) : { status: 'skipped' };
  check(sess.status === 200 && sess.json.length === 1 && sess.json[0].id === s.sid && sess.json[0].current,
    `b lists exactly the one session a opened (${sess.status}, ${sess.json?.length} sessions)`);
}

// ---- 2. a load spread over both instances ----
const log = [];
const record = (kind, base, r) => log.push({ kind, inst: name(base), status: r.status, problem: r.status >= 400 ? isProblem(r) : undefined, error: r.error });
{
  const sessions = await pool(Array.from({ length: cfg.chains }), 4, (_, i) => newSession(i % 2 ? B : A, 'spread'));
  const loginUsers = await pool(Array.from({ length: cfg.loginWorkers }), 2, (_, i) => newSession(i % 2 ? A : B, 'spread-login'));
  let stopping = false;
  const timer = setTimeout(() => (stopping = true), cfg.loadMs);
  let sidChanged = 0;
  const chain = async (s, i) => {
    let base = i % 2 ? A : B; // the other instance than the one that logged it in
    for (let n = 0; !stopping && n < cfg.maxRequestsPerWorker; n++) {
      const r = await refresh(base, s.refresh);
      record('refresh', base, r);
      if (r.status !== 200) {
        await sleep(100);
        if (r.status === 401) return;
        continue;
      }
      if (jwtClaims(r.json.accessToken).sid !== s.sid) sidChanged++;
      s.refresh = r.json.refreshToken;
      s.access = r.json.accessToken;
      base = other(base);
      record('me', base, await me(base, s.access)); // the next instance reads the token the previous one issued
    }
  };
  const logins = async (s, i) => {
    for (let n = 0; !stopping && n < cfg.maxRequestsPerWorker; n++) {
      const base = (n + i) % 2 ? A : B;
      record('login', base, await login(base, s.email));
    }
  };
  await Promise.all([...sessions.map(chain), ...loginUsers.map(logins)]);
  clearTimeout(timer);
  info(`spread load ${cfg.loadMs / 1000} s, ${log.length} requests: ${fmt(countBy(log, (x) => `${x.kind}@${x.inst}=${x.status || x.error}`))}`);
  check(log.filter((x) => x.inst === 'a').length > 100 && log.filter((x) => x.inst === 'b').length > 100, 'the load reached both instances');
  check(log.every((x) => x.status === 200), `every request of the spread load answered 200 (${fmt(countBy(log, (x) => x.status || x.error))})`);
  check(sidChanged === 0, 'every chain stayed in its session across instances');
  const finals = await Promise.all(sessions.map((s, i) => refresh(i % 2 ? B : A, s.refresh)));
  check(finals.every((r) => r.status === 200), `every chain's last token still refreshes (${fmt(countBy(finals, (r) => r.status))})`);
}

// ---- 3. one refresh token raced on both instances at once ----
{
  const outcomes = [];
  let sidMismatch = 0;
  let secondSessions = 0;
  let siblingsRefused = 0;
  const raceSessions = await pool(Array.from({ length: cfg.races }), 4, (_, i) => newSession(i % 2 ? B : A, 'race'));
  for (const s of raceSessions) {
    const bases = Array.from({ length: cfg.racers }, (_, i) => (i % 2 ? B : A));
    const results = await Promise.all(bases.map((base) => refresh(base, s.refresh)));
    outcomes.push(...results.map((r) => r.status || r.error));
    const ok = results.filter((r) => r.status === 200);
    sidMismatch += ok.filter((r) => jwtClaims(r.json.accessToken).sid !== s.sid).length;
    const listed = ok.length ? await call(B, 'GET', '/auth/sessions', { bearer: ok[0].json.accessToken }) : null;
    if (!listed || listed.status !== 200 || listed.json.length !== 1) secondSessions++;
    // Every token the race handed out is a live token of the one family.
    const next = await Promise.all(ok.map((r, i) => refresh(i % 2 ? A : B, r.json.refreshToken)));
    siblingsRefused += next.filter((r) => r.status !== 200).length;
    const rows = psql(cfg.db, `select count(*) from sessions where user_id = (select id from users where lower(email) = lower('${s.email}'))`);
    if (Number(rows[0][0]) !== 1) secondSessions++;
  }
  info(`races: ${cfg.races} tokens, each refreshed ${cfg.racers} times at once (a,b,a,b): ${fmt(countBy(outcomes, (x) => x))}`);
  check(outcomes.every((x) => x === 200), `with the 10 s grace every racing refresh succeeds (${outcomes.filter((x) => x === 200).length}/${outcomes.length})`);
  check(sidMismatch === 0, `every racing refresh stays in the session of the raced token (${sidMismatch} outside)`);
  check(secondSessions === 0, `no race opened a second session (API and database agree on one: ${secondSessions} exceptions)`);
  check(siblingsRefused === 0, `every token a race handed out refreshes afterwards (${siblingsRefused} refused)`);
  const metrics = await Promise.all([A, B].map((base) => call(base, 'GET', '/metrics')));
  const outcomesByInstance = metrics.map((m) =>
    Object.fromEntries([...(m.text ?? '').matchAll(/^sliceauth_refreshes_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)/gm)].map((x) => [x[1], Number(x[2])])));
  info(`refresh outcomes from /metrics: a ${fmt(outcomesByInstance[0])}; b ${fmt(outcomesByInstance[1])}`);
  checkFamilies(cfg.db, cfg.grace);
}
done();
