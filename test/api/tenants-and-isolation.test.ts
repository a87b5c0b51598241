import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';

const CREATE_TENANT = `mutation($input: CreateTenantInput!) {
  createTenant(input: $input) { tenant { id name slug createdAt } adminKey { role } adminKeySecret userErrors { code message field } } }`;

describe('tenants', () => {
  let api: TestApi;
  before(async () => (api = await startTestApi()));
  after(() => api.close());

  test('a platform admin creates a tenant with its first TENANT_ADMIN key', async () => {
    const result = await api.gql(CREATE_TENANT, { input: { name: '  Évian Labs  ' } });
    const payload = result.data.createTenant;
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.tenant.name, 'Évian Labs');
    assert.equal(payload.tenant.slug, 'evian-labs');
    assert.equal(payload.adminKey.role, 'TENANT_ADMIN');
    const viewer = await api.gql(`{ viewer { role tenant { slug } } }`, {}, payload.adminKeySecret);
    assert.deepEqual(viewer.data.viewer, { role: 'TENANT_ADMIN', tenant: { slug: 'evian-labs' } });
  });

  test('slugs are unique and validated', async () => {
    await api.gql(CREATE_TENANT, { input: { name: 'First', slug: 'taken' } });
    const duplicate = await api.gql(CREATE_TENANT, { input: { name: 'Second', slug: 'taken' } });
    assert.equal(duplicate.data.createTenant.tenant, null);
    assert.deepEqual(duplicate.data.createTenant.userErrors.map((e: any) => [e.code, e.field]), [['SLUG_TAKEN', ['input', 'slug']]]);
    const bad = await api.gql(CREATE_TENANT, { input: { name: 'Bad', slug: '-Nope-' } });
    assert.equal(bad.data.createTenant.userErrors[0].code, 'INVALID_INPUT');
    const empty = await api.gql(CREATE_TENANT, { input: { name: '' } });
    assert.deepEqual(empty.data.createTenant.userErrors[0].field, ['input', 'name']);
    assert.equal(await api.database.db.tenant.count({ where: { slug: 'taken' } }), 1);
  });

  test('only platform admins create tenants', async () => {
    const tenant = await createTenant(api, 'Not Platform');
    const refused = await api.gql(CREATE_TENANT, { input: { name: 'Sneaky' } }, tenant.adminKey);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(refused.status, 403);
    assert.equal(await api.database.db.tenant.count({ where: { name: 'Sneaky' } }), 0);
  });

  test('platform admins list every tenant, newest first, deleted ones by filter; tenant keys may not', async () => {
    const LIST = `query($filter: TenantFilter, $after: String) { tenants(first: 1, after: $after, filter: $filter) {
      totalCount edges { node { slug deletedAt } } pageInfo { hasNextPage endCursor } } }`;
    const kept = await createTenant(api, 'Listed Kept');
    const gone = await createTenant(api, 'Listed Gone');
    await api.gql(`mutation($id: ID!) { deleteTenant(input: { id: $id, gracePeriodDays: 7 }) { userErrors { code } } }`, { id: gone.id });
    const all = await api.gql(LIST, {});
    assert.equal(all.data.tenants.totalCount, await api.database.db.tenant.count());
    assert.equal(all.data.tenants.edges[0].node.slug, 'listed-gone', 'newest first');
    const next = await api.gql(LIST, { after: all.data.tenants.pageInfo.endCursor });
    assert.equal(next.data.tenants.edges[0].node.slug, 'listed-kept');
    const active = await api.gql(LIST, { filter: { active: true } });
    assert.equal(active.data.tenants.edges[0].node.slug, 'listed-kept');
    assert.equal(active.data.tenants.totalCount, all.data.tenants.totalCount - 1);
    const deleted = await api.gql(LIST, { filter: { active: false } });
    assert.equal(deleted.data.tenants.totalCount, 1);
    assert.ok(deleted.data.tenants.edges[0].node.deletedAt);
    const refused = await api.gql(LIST, {}, kept.adminKey);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(refused.data?.tenants, undefined, "no tenant is shown");
  });
});

describe('tenant isolation', () => {
  let api: TestApi;
  let a: { id: string; adminKey: string };
  let b: { id: string; adminKey: string };
  let bKey: { id: string; secret: string };
  before(async () => {
    api = await startTestApi();
    a = await createTenant(api, 'Tenant A');
    b = await createTenant(api, 'Tenant B');
    bKey = await createKey(api, b.adminKey, 'OPERATOR', 'b-operator');
  });
  after(() => api.close());

  test("a tenant cannot revoke another tenant's key by id", async () => {
    const attempt = await api.gql(`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } userErrors { code } } }`, { id: bKey.id }, a.adminKey);
    assert.deepEqual(attempt.data.revokeApiKey, { apiKey: null, userErrors: [{ code: 'API_KEY_NOT_FOUND' }] });
    const stillWorks = await api.gql(`{ viewer { role } }`, {}, bKey.secret);
    assert.equal(stillWorks.data.viewer.role, 'OPERATOR');
  });

  test("a tenant's key list never shows another tenant's keys", async () => {
    const list = await api.gql(`{ apiKeys(first: 100) { totalCount edges { node { id name } } } }`, {}, a.adminKey);
    const ids = list.data.apiKeys.edges.map((e: any) => e.node.id);
    assert.equal(list.data.apiKeys.totalCount, 1);
    assert.ok(!ids.includes(bKey.id));
    const platform = await api.gql(`{ apiKeys(first: 100) { edges { node { role } } } }`);
    assert.deepEqual([...new Set(platform.data.apiKeys.edges.map((e: any) => e.node.role))], ['PLATFORM_ADMIN']);
  });

  test('the platform admin cannot revoke tenant keys through the platform scope either', async () => {
    const attempt = await api.gql(`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }`, { id: bKey.id });
    assert.deepEqual(attempt.data.revokeApiKey.userErrors, [{ code: 'API_KEY_NOT_FOUND' }]);
  });
});
