/**
 * Serving the dashboard's build: content types, caching, single-page-app fallback for page
 * navigations only, 404s for missing files and API paths, no way out of the build folder, and a
 * clear message when the dashboard was not built.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDashboardRequest, serveDashboard } from '../../src/api/http/dashboard-route.ts';

describe('dashboard route', () => {
  let root: string;
  let dist: string;
  let url: string;
  let server: http.Server;
  let dir: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fragmark-dashboard-route-'));
    dist = path.join(root, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(dist, 'assets', 'index-B3Pr9LUr.js'), 'console.log(1)');
    await writeFile(path.join(dist, 'assets', 'index-D-uLQsfZ.css'), 'body{}');
    await writeFile(path.join(dist, 'robots.txt'), 'User-agent: *');
    await writeFile(path.join(root, 'secret.txt'), 'outside the build');
    await symlink(path.join(root, 'secret.txt'), path.join(dist, 'link.txt'));
    dir = dist;
    // The same dispatch as the API server: API routes first, then the dashboard, then a JSON 404.
    server = http.createServer(async (req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (isDashboardRequest(req, pathname)) await serveDashboard(req, res, pathname, dir);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"No route"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  const get = (p: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      // Raw request: fetch would normalise "..", and these paths must reach the server as written.
      const req = http.request(`${url}${p}`, { method, headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.path = p;
      req.end();
    });

  test('index.html for / and page navigations, never cached; strict security headers', async () => {
    for (const p of ['/', '/index.html', '/versions/abc']) {
      const res = await get(p, { accept: 'text/html,application/xhtml+xml' });
      assert.equal(res.status, 200, p);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.body, '<!doctype html><title>app</title>');
    }
  });

  test('hashed assets are immutable, other files revalidated, with their content types', async () => {
    const js = await get('/assets/index-B3Pr9LUr.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.body, 'console.log(1)');
    const css = await get('/assets/index-D-uLQsfZ.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const robots = await get('/robots.txt');
    assert.equal(robots.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(robots.headers['cache-control'], 'no-cache');
    const head = await get('/assets/index-B3Pr9LUr.js', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String('console.log(1)'.length));
    assert.equal(head.body, '');
  });

  test('missing files, API paths and non-navigations are 404s, not the app', async () => {
    assert.equal((await get('/assets/index-OLDHASH1.js', { accept: 'text/html' })).status, 404);
    assert.equal((await get('/favicon.ico', { accept: 'text/html' })).status, 404);
    for (const p of ['/graphql/x', '/v1/whatever', '/.well-known/other', '/healthz/deep']) {
      const res = await get(p, { accept: 'text/html' });
      assert.equal(res.status, 404, p);
      assert.match(res.headers['content-type'] ?? '', /json/, p);
    }
    // A script asking for an unknown path gets the API's JSON 404, not an HTML page.
    assert.match((await get('/nothing-here', { accept: '*/*' })).headers['content-type'] ?? '', /json/);
    assert.equal(isDashboardRequest({ method: 'POST', headers: { accept: 'text/html' } }, '/'), false);
  });

  test('nothing outside the build folder is served', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fetc/passwd', '/link.txt', '/..\\secret.txt', '/%00', '/%E0%A4%A']) {
      const res = await get(p, { accept: 'text/html' });
      assert.ok(!res.body.includes('outside the build'), p);
      assert.ok(res.status === 404 || (res.status === 200 && res.body.includes('<title>app</title>')), `${p}: ${res.status}`);
    }
  });

  test('not built: a clear 404', async () => {
    dir = path.join(root, 'missing');
    try {
      const res = await get('/', { accept: 'text/html' });
      assert.equal(res.status, 404);
      assert.match(res.body, /The dashboard is not built\. Run `npm run dashboard:build`/);
    } finally {
      dir = dist;
    }
  });
});
