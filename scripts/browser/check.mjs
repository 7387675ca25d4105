// Drives headless Chromium (the system's /usr/bin/chromium, through playwright-core) through a
// cookie-mode session against the page served by server.mjs. Prints one PASS/FAIL line per step;
// exits 1 when any step failed. check-cookie-mode.sh starts the API and the proxy, and counts.
//
//   BASE_URL=http://localhost:8080 node check.mjs
import { chromium } from 'playwright-core';
import { randomUUID } from 'node:crypto';

const baseUrl = process.env.BASE_URL ?? 'http://localhost:8080';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const cookieName = 'refresh_token';
const refreshLifetimeSeconds = 14 * 24 * 60 * 60; // Jwt__RefreshTokenLifetime default, 14 days

let passed = 0;
let failed = 0;
const report = (ok, name, detail) => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
};

class CheckError extends Error {}
const expect = (condition, message) => { if (!condition) throw new CheckError(message); };

// A step reports its own PASS/FAIL; an exception inside it is that step's FAIL, and the next steps still run.
async function step(name, body) {
  try {
    report(true, name, (await body()) ?? '');
  } catch (e) {
    report(false, name, e instanceof CheckError ? e.message : `${e?.name ?? 'Error'}: ${e?.message ?? e}`);
  }
}

const compact = (value) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

/** `name=value; Attr; Attr=x` to { name, value, attributes: Map(lower-case name -> value) }. */
function parseSetCookie(line) {
  const [pair, ...attributes] = line.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  return {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
    attributes: new Map(attributes.filter(Boolean).map((a) => {
      const i = a.indexOf('=');
      return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
    })),
  };
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();

  // The Set-Cookie lines of each /auth response, as the browser received them (page scripts cannot read them).
  const setCookies = new Map();
  page.on('response', async (response) => {
    const { pathname } = new URL(response.url());
    if (pathname.startsWith('/auth/'))
      setCookies.set(pathname, response.headerValues('set-cookie'));
  });
  const lastSetCookie = async (pathname) => {
    const lines = (await setCookies.get(pathname)) ?? [];
    return lines.map(parseSetCookie).filter((c) => c.name === cookieName);
  };
  const jarCookie = async () => (await context.cookies(baseUrl + '/auth/refresh')).find((c) => c.name === cookieName)
    ?? (await context.cookies()).find((c) => c.name === cookieName);

  const call = (fn, ...args) => page.evaluate(([f, a]) => window.sliceauth[f](...a), [fn, args]);

  const email = `browser-${randomUUID()}@example.com`;
  const password = `cookie mode ${randomUUID()}`;
  let loginAccess = null;
  let loginCookieValue = null;
  let rotatedCookieValue = null;

  await step(`page served from the API's origin (${baseUrl}/) is a secure context`, async () => {
    const response = await page.goto(baseUrl + '/');
    expect(response?.status() === 200, `GET / answered ${response?.status()}`);
    expect(await call('isSecureContext') === true, 'window.isSecureContext is false on http://localhost');
    return `GET / 200, isSecureContext=true`;
  });

  await step('register', async () => {
    const r = await call('register', email, password);
    expect(r.status === 201, `status ${r.status}: ${compact(r.body)}`);
    expect(r.location === '/auth/me', `Location ${r.location}`);
    return `201, Location: ${r.location}`;
  });

  await step('login ?useCookie=true: tokens without refreshToken in the body', async () => {
    const r = await call('login', email, password);
    expect(r.status === 200, `status ${r.status}: ${compact(r.body)}`);
    expect(r.body?.tokenType === 'Bearer', `tokenType ${r.body?.tokenType}`);
    expect(typeof r.body?.accessToken === 'string' && r.body.accessToken.split('.').length === 3, 'no JWT accessToken');
    expect(r.body?.expiresIn === 900, `expiresIn ${r.body?.expiresIn}`);
    expect(!('refreshToken' in r.body), `body has refreshToken: ${compact(r.body)}`);
    loginAccess = r.body.accessToken;
    return `200, body keys: ${Object.keys(r.body).join(', ')}; Cache-Control: ${r.cacheControl}`;
  });

  await step('login Set-Cookie: refresh_token; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=14 d', async () => {
    expect(loginAccess, 'login failed: no cookie to look at');
    const cookies = await lastSetCookie('/auth/login');
    expect(cookies.length === 1, `${cookies.length} refresh_token Set-Cookie lines on the login response`);
    const [c] = cookies;
    const a = c.attributes;
    expect(c.value.length >= 43, `cookie value of ${c.value.length} characters`);
    expect(a.has('httponly'), 'no HttpOnly');
    expect(a.has('secure'), 'no Secure');
    expect(a.get('samesite')?.toLowerCase() === 'strict', `SameSite=${a.get('samesite')}`);
    expect(a.get('path') === '/auth', `Path=${a.get('path')}`);
    expect(Number(a.get('max-age')) === refreshLifetimeSeconds, `Max-Age=${a.get('max-age')}`);
    return [...a].map(([k, v]) => (v === '' ? k : `${k}=${k === 'expires' ? '…' : v}`)).join('; ');
  });

  await step(`Chromium stored the Secure cookie over http://${new URL(baseUrl).hostname} (context.cookies())`, async () => {
    expect(loginAccess, 'login failed: no cookie to look at');
    const c = await jarCookie();
    expect(c, 'no refresh_token in the browser cookie jar: the Secure cookie was rejected');
    expect(c.httpOnly && c.secure && c.sameSite === 'Strict' && c.path === '/auth',
      `httpOnly=${c.httpOnly} secure=${c.secure} sameSite=${c.sameSite} path=${c.path}`);
    const lifetime = c.expires - Date.now() / 1000;
    expect(Math.abs(lifetime - refreshLifetimeSeconds) < 120, `expires in ${Math.round(lifetime)} s`);
    loginCookieValue = c.value;
    return `domain=${c.domain} path=${c.path} httpOnly secure sameSite=${c.sameSite}, expires in ~${Math.round(lifetime / 86400)} d`;
  });

  // The page lives at `/`, where a Path=/auth cookie is out of document.cookie's sight whatever its
  // flags; so the page's own look is repeated from a document under /auth, next to a script-set
  // Path=/auth control cookie that must show there: only HttpOnly can then hide refresh_token.
  await step('document.cookie does not expose refresh_token (from / and from a document under /auth)', async () => {
    expect(loginAccess, 'login failed: no cookie to look for');
    const atRoot = await call('documentCookie');
    expect(!atRoot.includes(cookieName), `document.cookie at / = ${JSON.stringify(atRoot)}`);
    await page.evaluate(() => { document.cookie = 'probe=visible; path=/auth; samesite=strict'; });
    const authPage = await context.newPage();
    try {
      await authPage.goto(baseUrl + '/auth/me'); // a 401 problem document, but a document at /auth/me
      const underAuth = await authPage.evaluate(() => document.cookie);
      await authPage.evaluate(() => { document.cookie = 'probe=; path=/auth; max-age=0'; });
      expect(underAuth.includes('probe=visible'), `control cookie not visible at /auth/me: ${JSON.stringify(underAuth)}`);
      expect(!underAuth.includes(cookieName), `document.cookie at /auth/me = ${JSON.stringify(underAuth)}`);
      expect(await jarCookie(), 'refresh_token is not in the jar, so this proves nothing');
      return `at / ${JSON.stringify(atRoot)}, at /auth/me ${JSON.stringify(underAuth)} (control cookie only)`;
    } finally {
      await authPage.close();
    }
  });

  await step('GET /auth/me with the access token', async () => {
    const r = await call('me');
    expect(r.status === 200, `status ${r.status}: ${compact(r.body)}`);
    expect(r.body?.email === email, `email ${r.body?.email}`);
    return `200, email matches`;
  });

  await step('refresh ?useCookie=true, empty body, cookie only: new access token, no refreshToken in body', async () => {
    const r = await call('refresh');
    expect(r.status === 200, `status ${r.status}: ${compact(r.body)}`);
    expect(typeof r.body?.accessToken === 'string' && r.body.accessToken !== loginAccess, 'access token missing or unchanged');
    expect(!('refreshToken' in r.body), `body has refreshToken: ${compact(r.body)}`);
    const set = await lastSetCookie('/auth/refresh');
    expect(set.length === 1 && set[0].attributes.has('httponly') && set[0].attributes.get('path') === '/auth',
      `refresh Set-Cookie: ${compact(set)}`);
    const c = await jarCookie();
    expect(c && c.value !== loginCookieValue, 'cookie in the jar was not rotated');
    rotatedCookieValue = c.value;
    return `200, new access token, cookie rotated in the jar`;
  });

  await step('GET /auth/me with the refreshed access token', async () => {
    const r = await call('me');
    expect(r.status === 200 && r.body?.email === email, `status ${r.status}: ${compact(r.body)}`);
    return '200';
  });

  await step('logout (cookie only): 204 and a Set-Cookie that clears refresh_token', async () => {
    const r = await call('logout');
    expect(r.status === 204, `status ${r.status}: ${compact(r.body)}`);
    const set = await lastSetCookie('/auth/logout');
    expect(set.length === 1, `${set.length} refresh_token Set-Cookie lines on the logout response`);
    const a = set[0].attributes;
    const expired = a.get('max-age') === '0' || (a.has('expires') && Date.parse(a.get('expires')) < Date.now());
    expect(set[0].value === '' && expired && a.get('path') === '/auth', `logout Set-Cookie: ${compact(set)}`);
    return `204, Set-Cookie: refresh_token=; expires=${a.get('expires')}; path=${a.get('path')}`;
  });

  await step('refresh_token is gone from the browser cookie jar', async () => {
    const c = await jarCookie();
    expect(!c, `still there: ${compact(c)}`);
    return `context.cookies(): ${(await context.cookies()).length} cookies`;
  });

  // The cookie is gone, so this refresh carries no token at all: API.md answers 400 with errors.refreshToken.
  await step('refresh after logout (no cookie left): rejected, 400 errors.refreshToken', async () => {
    const r = await call('refresh');
    expect(r.status !== 200, `refresh succeeded after logout: ${compact(r.body)}`);
    expect(r.contentType?.startsWith('application/problem+json'), `content-type ${r.contentType}`);
    expect(r.status === 400 && r.body?.errors?.refreshToken, `status ${r.status}: ${compact(r.body)}`);
    return `${r.status} ${r.body?.title ?? ''}`.trim();
  });

  // Put the last rotated cookie back (as a stolen copy would be): the session is revoked, so 401.
  await step('refresh after logout with the old cookie put back: 401 (session revoked)', async () => {
    expect(rotatedCookieValue, 'no rotated cookie value was captured');
    const url = new URL(baseUrl);
    await context.addCookies([{
      name: cookieName, value: rotatedCookieValue, domain: url.hostname, path: '/auth',
      httpOnly: true, secure: true, sameSite: 'Strict', expires: Math.floor(Date.now() / 1000) + 3600,
    }]);
    const r = await call('refresh');
    expect(r.status === 401, `status ${r.status}: ${compact(r.body)}`);
    expect(r.contentType?.startsWith('application/problem+json'), `content-type ${r.contentType}`);
    return `401 ${r.body?.title ?? ''}`.trim();
  });

  await context.close();
} finally {
  await browser.close();
}

process.exitCode = failed > 0 ? 1 : 0;
