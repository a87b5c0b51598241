import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';

const CREATE = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id role name active expiresAt } secret userErrors { code message field } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id revokedAt active } userErrors { code message field } } }`;
const VIEWER = `{ viewer { role tenant { id } apiKey { id name prefix lastUsedAt } } }`;

describe('API keys', () => {
  let api: TestApi;
  let tenant: { id: string; adminKey: string };
  before(async () => {
    api = await startTestApi();
    tenant = await createTenant(api, 'Keys Inc');
  });
  after(() => api.close());

  test('a new key works at once, is shown once, and only its SHA-256 is stored', async () => {
    const created = await api.gql(CREATE, { input: { name: 'CI', role: 'OPERATOR' } }, tenant.adminKey);
    const { apiKey, secret, userErrors } = created.data.createApiKey;
    assert.deepEqual(userErrors, []);
    assert.match(secret, /^fmk_[A-Za-z0-9_-]{43}$/);
    assert.equal(apiKey.role, 'OPERATOR');

    const viewer = await api.gql(VIEWER, {}, secret);
    assert.equal(viewer.data.viewer.role, 'OPERATOR');
    assert.equal(viewer.data.viewer.tenant.id, tenant.id);
    assert.equal(viewer.data.viewer.apiKey.id, apiKey.id);
    assert.ok(secret.startsWith(viewer.data.viewer.apiKey.prefix));

    const row = await api.database.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    assert.equal(row.secretHash, createHash('sha256').update(secret).digest('hex'));
    assert.ok(row.lastUsedAt, 'lastUsedAt is recorded');
    const dump = JSON.stringify(await api.database.db.apiKey.findMany());
    assert.ok(!dump.includes(secret.slice(4)), 'the secret itself is stored nowhere');
  });

  test('revocation takes effect on the next request and is idempotent', async () => {
    const key = await createKey(api, tenant.adminKey, 'VIEWER');
    assert.equal((await api.gql(VIEWER, {}, key.secret)).status, 200);
    const revoked = await api.gql(REVOKE, { id: key.id }, tenant.adminKey);
    assert.equal(revoked.data.revokeApiKey.apiKey.active, false);
    const firstRevokedAt = revoked.data.revokeApiKey.apiKey.revokedAt;

    const refused = await api.gql(VIEWER, {}, key.secret);
    assert.equal(refused.status, 401);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.match(refused.errors![0]!.message, /revoked/);

    const again = await api.gql(REVOKE, { id: key.id }, tenant.adminKey);
    assert.equal(again.data.revokeApiKey.apiKey.revokedAt, firstRevokedAt);
  });

  test('any key may revoke itself; a non-admin may not revoke others', async () => {
    const viewer = await createKey(api, tenant.adminKey, 'VIEWER');
    const other = await createKey(api, tenant.adminKey, 'VIEWER');
    const forbidden = await api.gql(REVOKE, { id: other.id }, viewer.secret);
    assert.equal(forbidden.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await api.gql(VIEWER, {}, other.secret)).status, 200);

    const self = await api.gql(REVOKE, { id: viewer.id }, viewer.secret);
    assert.deepEqual(self.data.revokeApiKey.userErrors, []);
    assert.equal((await api.gql(VIEWER, {}, viewer.secret)).status, 401);
  });

  test('expired keys are refused; an expiry in the past is an input error', async () => {
    const past = await api.gql(CREATE, { input: { name: 'old', role: 'VIEWER', expiresAt: '2020-01-01T00:00:00Z' } }, tenant.adminKey);
    assert.equal(past.data.createApiKey.apiKey, null);
    assert.deepEqual(past.data.createApiKey.userErrors.map((e: any) => [e.code, e.field]), [['INVALID_INPUT', ['input', 'expiresAt']]]);

    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api.gql(CREATE, { input: { name: 'temp', role: 'VIEWER', expiresAt: soon } }, tenant.adminKey);
    const { apiKey, secret } = created.data.createApiKey;
    assert.equal(apiKey.expiresAt, soon);
    assert.equal((await api.gql(VIEWER, {}, secret)).status, 200);

    // Let the clock pass the expiry (moved in the database rather than waiting).
    await api.database.db.apiKey.update({ where: { id: apiKey.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const refused = await api.gql(VIEWER, {}, secret);
    assert.equal(refused.status, 401);
    assert.match(refused.errors![0]!.message, /expired/);
  });

  test('nobody can mint a key with more rights than their own', async () => {
    const operator = await createKey(api, tenant.adminKey, 'OPERATOR');
    const byOperator = await api.gql(CREATE, { input: { name: 'x', role: 'VIEWER' } }, operator.secret);
    assert.equal(byOperator.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    const escalate = await api.gql(CREATE, { input: { name: 'x', role: 'PLATFORM_ADMIN' } }, tenant.adminKey);
    assert.deepEqual(escalate.data.createApiKey.userErrors.map((e: any) => e.code), ['ROLE_ESCALATION']);
    assert.equal(escalate.data.createApiKey.apiKey, null);

    const otherTenant = await createTenant(api, 'Other Tenant');
    const crossTenant = await api.gql(CREATE, { input: { name: 'x', role: 'VIEWER', tenantId: otherTenant.id } }, tenant.adminKey);
    assert.equal(crossTenant.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    const platform = await api.gql(CREATE, { input: { name: 'ops', role: 'TENANT_ADMIN', tenantId: otherTenant.id } });
    assert.deepEqual(platform.data.createApiKey.userErrors, []);
    const minted = await api.gql(VIEWER, {}, platform.data.createApiKey.secret);
    assert.equal(minted.data.viewer.tenant.id, otherTenant.id);

    const tenantlessAdmin = await api.gql(CREATE, { input: { name: 'x', role: 'TENANT_ADMIN' } });
    assert.deepEqual(tenantlessAdmin.data.createApiKey.userErrors.map((e: any) => e.field), [['input', 'tenantId']]);
  });

  test('bad names and malformed keys get clear errors', async () => {
    const blank = await api.gql(CREATE, { input: { name: '   ', role: 'VIEWER' } }, tenant.adminKey);
    assert.deepEqual(blank.data.createApiKey.userErrors.map((e: any) => e.field), [['input', 'name']]);
    for (const header of ['Basic abc', 'Bearer', 'Bearer fmk_short']) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: header },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
      assert.equal(response.status, 401, header);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    }
    const missing = await api.gql(VIEWER, {}, null);
    assert.equal(missing.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  test('apiKeys pages through keys newest first with Relay cursors', async () => {
    const pager = await createTenant(api, 'Pager');
    for (let i = 0; i < 4; i++) await createKey(api, pager.adminKey, 'VIEWER', `k${i}`);
    const query = `query($after: String) { apiKeys(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 5; guard++) {
      const page: any = (await api.gql(query, { after }, pager.adminKey)).data.apiKeys;
      assert.equal(page.totalCount, 5);
      names.push(...page.edges.map((e: any) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(names, ['k3', 'k2', 'k1', 'k0', 'First admin key']);

    const badCursor = await api.gql(`{ apiKeys(after: "nope") { totalCount } }`, {}, pager.adminKey);
    assert.equal(badCursor.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const tooMany = await api.gql(`{ apiKeys(first: 1000) { totalCount } }`, {}, pager.adminKey);
    assert.equal(tooMany.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

    const active = await api.gql(`{ apiKeys(filter: { active: false }) { totalCount } }`, {}, pager.adminKey);
    assert.equal(active.data.apiKeys.totalCount, 0);
    const viewer = await createKey(api, pager.adminKey, 'VIEWER');
    const listByViewer = await api.gql(`{ apiKeys { totalCount } }`, {}, viewer.secret);
    assert.equal(listByViewer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});
