import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, type TestApi } from '../support/api.ts';

async function post(api: TestApi, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}`, ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe('HTTP edge', () => {
  let api: TestApi;
  before(async () => (api = await startTestApi({ FRAGMARK_MAX_BODY_BYTES: '4096', FRAGMARK_MAX_QUERY_DEPTH: '5', FRAGMARK_MAX_ALIASES: '3', FRAGMARK_MAX_QUERY_COST: '200', FRAGMARK_MAX_QUERY_TOKENS: '1000' })));
  after(() => api.close());

  test('health and readiness', async () => {
    assert.deepEqual(await (await fetch(`${api.url}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as any).checks.database, 'ok');
    assert.equal((await fetch(`${api.url}/nothing-here`)).status, 404);
    // Metrics are off by default (FRAGMARK_METRICS): the route does not exist.
    const metrics = await fetch(`${api.url}/metrics`);
    assert.equal(metrics.status, 404);
    assert.doesNotMatch(await metrics.text(), /fragmark_/);
  });

  test('idle connections outlive the client\'s and a load balancer\'s keep-alive, so the server never resets a reused one', async () => {
    // undici (fetch) reuses a connection for the advertised timeout less 1 s; at Node's default
    // of 5 s, a client busy for 6 s between requests had 2 of 5 reused connections reset.
    const response = await fetch(`${api.url}/healthz`);
    await response.arrayBuffer();
    const timeout = Number(/timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '')?.[1]);
    assert.ok(timeout > 60, `Keep-Alive: ${response.headers.get('keep-alive')}`);
  });

  test('malformed JSON, wrong content type and wrong method are refused clearly', async () => {
    const malformed = await post(api, '{"query": "{ viewer');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.errors[0].extensions.code, 'BAD_REQUEST');
    assert.ok(malformed.body.errors[0].extensions.requestId);

    const text = await post(api, 'query { viewer { role } }', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);

    const put = await fetch(`${api.url}/graphql`, { method: 'PUT' });
    assert.equal(put.status, 405);

    const noQuery = await post(api, JSON.stringify({ variables: {} }));
    assert.equal(noQuery.status, 400);
  });

  test('an oversized body gets 413 and the server keeps serving', async () => {
    const huge = JSON.stringify({ query: `{ viewer { role } }`, variables: { pad: 'x'.repeat(10_000) } });
    const refused = await post(api, huge);
    assert.equal(refused.status, 413);
    assert.equal(refused.body.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
    const fine = await post(api, JSON.stringify({ query: '{ viewer { role } }' }));
    assert.equal(fine.body.data.viewer.role, 'PLATFORM_ADMIN');
  });

  test('deep, alias-heavy and costly queries are rejected before execution', async () => {
    const deep = await post(api, JSON.stringify({ query: '{ viewer { apiKey { id } tenant { id } } apiKeys { edges { node { id } } } a: viewer { role } }' }));
    assert.equal(deep.body.errors, undefined, JSON.stringify(deep.body));

    const fragmentDepth = await post(api, JSON.stringify({
      query: 'query { apiKeys(first: 1) { ...E } } fragment E on ApiKeyConnection { edges { node { ...N } } } fragment N on ApiKey { id }',
    }));
    assert.equal(fragmentDepth.body.errors, undefined);

    const tooDeep = await post(api, JSON.stringify({
      query: '{ apiKeys { edges { node { id } } pageInfo { endCursor } } __schema { types { fields { type { ofType { ofType { name } } } } } } }',
    }));
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.body.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(tooDeep.body.errors[0].extensions.reason, 'DEPTH_LIMIT');
    assert.match(tooDeep.body.errors[0].message, /levels deep/);

    const aliases = await post(api, JSON.stringify({ query: '{ a: viewer { role } b: viewer { role } c: viewer { role } d: viewer { role } }' }));
    assert.match(aliases.body.errors[0].message, /4 aliases; the limit is 3/);
    assert.equal(aliases.body.errors[0].extensions.reason, 'ALIAS_LIMIT');

    const costly = await post(api, JSON.stringify({ query: '{ apiKeys(first: 100) { edges { node { id name role } } } }' }));
    assert.match(costly.body.errors[0].message, /estimated cost/);
    assert.equal(costly.body.errors[0].extensions.reason, 'COST_LIMIT');
    const cheap = await post(api, JSON.stringify({ query: '{ apiKeys(first: 10) { edges { node { id name role } } } }' }));
    assert.equal(cheap.body.errors, undefined);
  });

  test('without a key: nested doubling fragments are refused for their cost, oversized documents before parsing ends', async () => {
    const anonymous = async (query: string) => {
      const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      return { status: response.status, body: (await response.json()) as any };
    };
    // fragment F1 on Query { ...F0 ...F0 } ... : 2^30 copies of F0 when expanded (this froze the API).
    const lines = ['fragment F0 on Query { attestationStatus(jti: "0") { known } }'];
    for (let i = 1; i <= 30; i++) lines.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const doubling = await anonymous([...lines, 'query { ...F30 }'].join('\n'));
    assert.equal(doubling.status, 400);
    assert.equal(doubling.body.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(doubling.body.errors[0].extensions.reason, 'COST_LIMIT');
    assert.equal(doubling.body.errors[0].message, `The query's estimated cost is ${2 ** 31}; the limit is 200.`);

    // About 2 KB (under the body limit) but 1003 tokens.
    const tooLong = await anonymous(`{ ${'x '.repeat(1001)}}`);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.errors[0].extensions.code, 'GRAPHQL_PARSE_FAILED');
    assert.equal(tooLong.body.errors[0].extensions.reason, 'TOKEN_LIMIT');
    assert.match(tooLong.body.errors[0].message, /Document contains more tha[nt] 1000 tokens/);

    const fine = await anonymous('{ attestationStatus(jti: "0") { known } }');
    assert.deepEqual(fine.body, { data: { attestationStatus: { known: false } } });
  });

  test('the client gets the correlation id it sent, or a fresh one', async () => {
    const sent = await post(api, JSON.stringify({ query: '{ nope }' }), { 'x-request-id': 'trace-123' });
    assert.equal(sent.headers.get('x-request-id'), 'trace-123');
    assert.equal(sent.body.errors[0].extensions.requestId, 'trace-123');
    assert.ok(!/Did you mean/.test(sent.body.errors[0].message), 'no schema hints in production');
    const fresh = await post(api, JSON.stringify({ query: '{ viewer { role } }' }), { 'x-request-id': 'bad id with spaces' });
    assert.match(fresh.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });
});

describe('unexpected failures', () => {
  let api: TestApi;
  before(async () => (api = await startTestApi()));
  after(() => api.close());

  test('are masked for the client, logged with the correlation id, and carry no SQL or stack', async () => {
    // Break the database under the running server.
    await api.database.db.$executeRawUnsafe('ALTER TABLE "Tenant" RENAME TO "TenantGone"');
    const result = await api.gql(`mutation { createTenant(input: { name: "Boom" }) { tenant { id } userErrors { code } } }`);
    const error = result.errors?.[0];
    assert.equal(error?.message, 'Internal server error');
    assert.equal(error?.extensions?.code, 'INTERNAL_SERVER_ERROR');
    assert.equal(error?.extensions?.stacktrace, undefined);
    assert.ok(!JSON.stringify(result).includes('Tenant"'), 'no table names leak');
    const requestId = error?.extensions?.requestId;
    const logged = api.logs.map((l) => JSON.parse(l)).find((l) => l.level === 'error' && l.requestId === requestId);
    assert.ok(logged, 'the error is logged with the same correlation id');
    assert.ok(!JSON.stringify(logged).includes(api.adminKey), 'the API key is not logged');

    const ready = await fetch(`${api.url}/healthz`);
    assert.equal(ready.status, 200, 'the server keeps serving');
    await api.database.db.$executeRawUnsafe('ALTER TABLE "TenantGone" RENAME TO "Tenant"');
  });
});
