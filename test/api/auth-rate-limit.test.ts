/**
 * Failed API-key authentications are rate-limited per client address (real HTTP, real server).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
// 3 failures per hour: nothing refills while the test runs.
before(async () => (api = await startTestApi({ FRAGMARK_AUTH_FAILURE_LIMIT: '3', FRAGMARK_AUTH_FAILURE_WINDOW_SECONDS: '3600' })));
after(() => api.close());

const VIEWER = JSON.stringify({ query: '{ viewer { role } }' });
const BAD_KEY = `fmk_${'A'.repeat(43)}`;

/** POST /graphql from `localAddress` (any 127.0.0.0/8 address reaches the loopback server). */
function post(key: string | null, localAddress = '127.0.0.1', body = VIEWER): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${api.url}/graphql`, {
      method: 'POST',
      localAddress,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('after the allowed failures, an address gets 429 with Retry-After, whatever key it sends', async () => {
  for (let i = 0; i < 3; i++) {
    const refused = await post(BAD_KEY);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.errors[0].extensions.code, 'UNAUTHENTICATED');
  }
  // A malformed header counts as a failure too, but the allowance is already used up.
  const limited = await post(BAD_KEY);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.errors[0].extensions.code, 'RATE_LIMITED');
  assert.match(limited.body.errors[0].message, /Too many failed authentications/);
  // One failure refills every 3600 / 3 = 1200 s.
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 1100 && retryAfter <= 1200, `Retry-After: ${limited.headers['retry-after']}`);

  // The key is not even looked at: a valid one is refused the same way (no oracle for guesses).
  const valid = await post(api.adminKey);
  assert.equal(valid.status, 429);
  assert.equal(valid.body.errors[0].extensions.code, 'RATE_LIMITED');

  // The upload routes authenticate through the same limiter.
  const upload = await fetch(`${api.url}/v1/model-versions/00000000-0000-7000-8000-000000000000/artifact`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.adminKey}` },
    body: new FormData(),
  });
  assert.equal(upload.status, 429);
  assert.ok(Number(upload.headers.get('retry-after')) > 0);
  assert.equal(((await upload.json()) as any).error.code, 'RATE_LIMITED');

  // Requests without a key are not affected (public queries, health).
  const anonymous = await post(null, '127.0.0.1', JSON.stringify({ query: '{ attestationStatus(jti: "0") { known } }' }));
  assert.equal(anonymous.status, 200);
  assert.equal(anonymous.body.data.attestationStatus.known, false);
  assert.equal((await fetch(`${api.url}/healthz`)).status, 200);

  // Another client address has its own allowance.
  const elsewhere = await post(api.adminKey, '127.0.0.2');
  assert.equal(elsewhere.status, 200);
  assert.equal(elsewhere.body.data.viewer.role, 'PLATFORM_ADMIN');
  assert.ok(api.logs.some((line) => line.includes('too many failed authentications')), 'the block is logged once');
});

test('successful authentications do not use the allowance up', async () => {
  for (let i = 0; i < 10; i++) assert.equal((await post(api.adminKey, '127.0.0.3')).status, 200);
  assert.equal((await post(BAD_KEY, '127.0.0.3')).status, 401);
});
