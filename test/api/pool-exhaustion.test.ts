/**
 * Security issue #16, item 7: a burst of challenges on a small connection pool. Each request may
 * hold at most one pooled connection at a time (the vault's unseal runs in the challenge's own
 * transaction), so the burst queues for connections instead of deadlocking; whatever still cannot
 * get one in time is answered SERVICE_UNAVAILABLE (retryable), never "Internal server error", and
 * another tenant's requests are not starved.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { holdConnections } from '../support/pool.ts';
import { randomUUID } from 'node:crypto';

const CHALLENGE = `mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 1 }) { challenge { id } userErrors { code message } } }`;
const BURST = 40;

describe('a burst of challenges on a small pool', () => {
  let api: TestApi;
  let operatorKey: string;
  let otherTenantKey: string;
  let watermarkId: string;

  before(async () => {
    api = await startTestApi();
    const tenant = await createTenant(api, 'Burst');
    operatorKey = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    otherTenantKey = (await createTenant(api, 'Bystander')).adminKey;
    watermarkId = (await seedReadyWatermark({ db: api.database.db, vault: api.vault }, tenant.id, { triggerCount: 4 * BURST })).id;
  });
  after(() => api.close());

  test(`${BURST} parallel createChallenge: each succeeds or is told to retry; another tenant stays fast`, async () => {
    const bystander: number[] = [];
    const bystanderErrors: unknown[] = [];
    let bursting = true;
    const watch = (async () => {
      while (bursting) {
        const started = performance.now();
        const r = await api.gql(`query { models(first: 1) { totalCount } }`, {}, otherTenantKey);
        if (r.errors) bystanderErrors.push(r.errors);
        bystander.push(performance.now() - started);
      }
    })();
    const results = await Promise.all(Array.from({ length: BURST }, () => api.gql(CHALLENGE, { w: watermarkId }, operatorKey)));
    bursting = false;
    await watch;

    const succeeded = results.filter((r) => !r.errors).length;
    const sorted = [...bystander].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
    // Reported, not asserted (timings on a shared CI machine): see docs/operations.md.
    console.log(`# burst: ${succeeded}/${BURST} succeeded, ${BURST - succeeded} failed; bystander p50 ${p50.toFixed(0)} ms over ${sorted.length} requests`);
    const internal = results.filter((r) => r.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR'));
    assert.equal(internal.length, 0, `internal errors: ${JSON.stringify(internal[0])}; logged: ${api.logs.find((l) => l.includes('unexpected'))}`);
    for (const r of results) {
      if (r.errors) {
        assert.equal(r.errors[0]!.extensions?.code, 'SERVICE_UNAVAILABLE', JSON.stringify(r.errors));
        assert.equal(r.errors[0]!.extensions?.retryable, true);
        assert.equal(r.status, 503);
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
      } else {
        assert.deepEqual(r.data.createChallenge.userErrors, []);
        assert.ok(r.data.createChallenge.challenge.id);
      }
    }
    assert.deepEqual(bystanderErrors, []);
    assert.ok(succeeded >= BURST / 2, `only ${succeeded} of ${BURST} succeeded`);
  });
});

describe('an exhausted pool', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ FRAGMARK_DB_POOL_SIZE: '2', FRAGMARK_DB_POOL_TIMEOUT_MS: '1000' });
  });
  after(() => api.close());

  const assertRetryable = (response: { status: number; headers: Headers }, extensions: Record<string, unknown> | undefined) => {
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '2');
    assert.equal(extensions?.code, 'SERVICE_UNAVAILABLE');
    assert.equal(extensions?.retryable, true);
    assert.equal(extensions?.retryAfterSeconds, 2);
  };

  test('answers SERVICE_UNAVAILABLE / 503 with Retry-After on GraphQL and REST, then serves again', async () => {
    // Both pooled connections held until the checks are done: no request can get one in time.
    const held = await holdConnections(api.database.db, 2);
    const STATUS = `query($j: ID!) { attestationStatus(jti: $j) { known } }`;

    // In a resolver (attestationStatus needs no key).
    const inResolver = await api.gql(STATUS, { j: randomUUID() }, null);
    assertRetryable(inResolver, inResolver.errors?.[0]?.extensions);
    assert.equal(inResolver.errors?.[0]?.message, 'The service is busy; retry the request shortly.');
    // Before GraphQL runs: authenticating the key needs the database too.
    const inAuthentication = await api.gql(`query { viewer { role } }`, {});
    assertRetryable(inAuthentication, inAuthentication.errors?.[0]?.extensions);
    // A REST route.
    const jwks = await fetch(`${api.url}/.well-known/jwks.json`);
    assertRetryable(jwks, ((await jwks.json()) as { error?: Record<string, unknown> }).error);
    assert.equal(api.logs.filter((l) => l.includes('"level":"error"')).length, 0, 'overload is not logged as an error');

    await held.release();
    const served = await api.gql(STATUS, { j: randomUUID() }, null);
    assert.equal(served.status, 200);
    assert.equal(served.data.attestationStatus.known, false);
  });
});
