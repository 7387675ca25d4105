// A tiny same-origin front for the browser check: serves page.html at `/` and proxies `/auth` and
// `/auth/*` to the API, so the page and the API share one origin and the refresh cookie
// (SameSite=Strict; Path=/auth) flows as it would behind a real reverse proxy.
// No dependencies: node:http only. Listens on 127.0.0.1 only.
//
//   PORT=8080 API_PORT=5080 node server.mjs
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT);
const apiPort = Number(process.env.API_PORT);
const host = '127.0.0.1';
if (!Number.isInteger(port) || !Number.isInteger(apiPort)) {
  console.error('server.mjs: set PORT and API_PORT');
  process.exit(2);
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business; everything else (Cookie,
// Set-Cookie, Content-Type, Authorization, Cache-Control, Location, ...) passes through unchanged.
const hopByHop = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

// Raw headers keep repeated fields (several Set-Cookie lines) exactly as they came.
function passThrough(rawHeaders) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2)
    if (!hopByHop.has(rawHeaders[i].toLowerCase())) out.push(rawHeaders[i], rawHeaders[i + 1]);
  return out;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host ?? host}`);

  if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    try {
      const html = await readFile(path.join(here, 'page.html'));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : html);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    }
    return;
  }

  if (url.pathname === '/auth' || url.pathname.startsWith('/auth/')) {
    const upstream = http.request({
      host, port: apiPort, method: req.method, path: req.url,
      headers: passThrough(req.rawHeaders),
    }, (apiRes) => {
      res.writeHead(apiRes.statusCode, apiRes.statusMessage, passThrough(apiRes.rawHeaders));
      apiRes.pipe(res);
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    req.pipe(upstream);
    return;
  }

  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
});

server.listen(port, host, () => console.log(`proxy on http://${host}:${port} -> API on http://${host}:${apiPort}`));
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
