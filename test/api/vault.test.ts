import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';

const KEYRING = 'keyring { currentVersion minVersion pendingRewrap shredAfter shreddedAt versions { version destroyedAt } }';
const ROTATE = `mutation($input: RotateTenantKeyInput!) { rotateTenantKey(input: $input) { ${KEYRING} rewrapped remaining userErrors { code message field } } }`;
const REWRAP = `mutation($input: RewrapTenantSecretsInput!) { rewrapTenantSecrets(input: $input) { ${KEYRING} rewrapped remaining userErrors { code field } } }`;
const RETIRE = `mutation($input: RetireTenantKeyVersionsInput!) { retireTenantKeyVersions(input: $input) { ${KEYRING} userErrors { code message } } }`;
const DELETE = `mutation($input: DeleteTenantInput!) { deleteTenant(input: $input) { tenant { id deletedAt } shredAfter userErrors { code message field } } }`;
const actor = { apiKeyId: null };
const bytes = (s: string) => new TextEncoder().encode(s);

describe('key management through the API', () => {
  let api: TestApi;
  let tenant: { id: string; adminKey: string };
  before(async () => {
    api = await startTestApi();
    tenant = await createTenant(api, 'Vaulted');
    for (let i = 0; i < 3; i++) await api.vault.seal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: `w${i}` }, bytes(`set ${i}`), actor);
  });
  after(() => api.close());

  test('rotation with rewrap moves every secret to the new version; they still open', async () => {
    const result = await api.gql(ROTATE, { input: {} }, tenant.adminKey);
    const payload = result.data.rotateTenantKey;
    assert.deepEqual(payload.userErrors, []);
    assert.equal(payload.keyring.currentVersion, 2);
    assert.deepEqual([payload.rewrapped, payload.remaining, payload.keyring.pendingRewrap], [3, 0, 0]);
    assert.equal(new TextDecoder().decode(await api.vault.unseal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: 'w1' }, actor)), 'set 1');
    const viewer = await api.gql(`{ viewer { tenant { keyring { currentVersion versions { version } } } } }`, {}, tenant.adminKey);
    assert.deepEqual(viewer.data.viewer.tenant.keyring.versions.map((v: any) => v.version), [1, 2]);
  });

  test('retirement waits for the rewrap; resumable rewrap in batches', async () => {
    const rotated = await api.gql(ROTATE, { input: { rewrap: false } }, tenant.adminKey);
    assert.equal(rotated.data.rotateTenantKey.remaining, 3);
    const early = await api.gql(RETIRE, { input: { minVersion: 3 } }, tenant.adminKey);
    assert.equal(early.data.retireTenantKeyVersions.userErrors[0].code, 'REWRAP_PENDING');
    const badBatch = await api.gql(REWRAP, { input: { batchSize: 0 } }, tenant.adminKey);
    assert.deepEqual(badBatch.data.rewrapTenantSecrets.userErrors, [{ code: 'INVALID_VAULT_INPUT', field: ['input', 'batchSize'] }]);
    const first = await api.gql(REWRAP, { input: { batchSize: 2 } }, tenant.adminKey);
    assert.deepEqual([first.data.rewrapTenantSecrets.rewrapped, first.data.rewrapTenantSecrets.remaining], [2, 1]);
    const second = await api.gql(REWRAP, { input: { batchSize: 2 } }, tenant.adminKey);
    assert.deepEqual([second.data.rewrapTenantSecrets.rewrapped, second.data.rewrapTenantSecrets.remaining], [1, 0]);
    const retired = await api.gql(RETIRE, { input: { minVersion: 3 } }, tenant.adminKey);
    assert.equal(retired.data.retireTenantKeyVersions.keyring.minVersion, 3);
    assert.ok(retired.data.retireTenantKeyVersions.keyring.versions.filter((v: any) => v.version < 3).every((v: any) => v.destroyedAt));
  });

  test('only admins manage keys, and only platform admins touch other tenants', async () => {
    const operator = await createKey(api, tenant.adminKey, 'OPERATOR');
    assert.equal((await api.gql(ROTATE, { input: {} }, operator.secret)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const other = await createTenant(api, 'Other');
    assert.equal((await api.gql(ROTATE, { input: { tenantId: other.id } }, tenant.adminKey)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const byPlatform = await api.gql(ROTATE, { input: { tenantId: other.id } });
    assert.equal(byPlatform.data.rotateTenantKey.keyring.currentVersion, 2);
    const unknown = await api.gql(ROTATE, { input: { tenantId: '00000000-0000-7000-8000-000000000000' } });
    assert.equal(unknown.data.rotateTenantKey.userErrors[0].code, 'TENANT_NOT_FOUND');
  });

  test('the audit trail records each act, is filterable, and stays within the tenant', async () => {
    const rotations = await api.gql(`{ auditEvents(filter: { action: "vault.rotate" }) { totalCount edges { node { action keyVersion actorApiKeyId } } } }`, {}, tenant.adminKey);
    assert.equal(rotations.data.auditEvents.totalCount, 2);
    assert.ok(rotations.data.auditEvents.edges.every((e: any) => e.node.actorApiKeyId));
    const seals = await api.gql(`{ auditEvents(first: 100, filter: { action: "vault.seal" }) { totalCount edges { node { purpose recordId details } } } }`, {}, tenant.adminKey);
    assert.equal(seals.data.auditEvents.totalCount, 3);
    assert.deepEqual(JSON.parse(seals.data.auditEvents.edges[0].node.details), { bytes: 5 });
    const viewer = await createKey(api, tenant.adminKey, 'VIEWER');
    assert.equal((await api.gql(`{ auditEvents { totalCount } }`, {}, viewer.secret)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const stranger = await createTenant(api, 'Stranger');
    const theirs = await api.gql(`{ auditEvents(first: 100) { edges { node { action recordId } } } }`, {}, stranger.adminKey);
    assert.deepEqual(theirs.data.auditEvents.edges.map((e: any) => e.node.action), ['tenant.create']);
  });
});

describe('deleteTenant', () => {
  let api: TestApi;
  before(async () => (api = await startTestApi()));
  after(() => api.close());

  test('with no grace period: access ends and the keys are destroyed at once', async () => {
    const doomed = await createTenant(api, 'Doomed');
    await api.vault.seal({ tenantId: doomed.id, purpose: 'trigger-set', recordId: 'w' }, bytes('secret'), actor);
    const result = await api.gql(DELETE, { input: { id: doomed.id } }, doomed.adminKey);
    assert.deepEqual(result.data.deleteTenant.userErrors, []);
    assert.ok(result.data.deleteTenant.tenant.deletedAt);
    assert.equal((await api.gql(`{ viewer { role } }`, {}, doomed.adminKey)).status, 401);
    await assert.rejects(api.vault.unseal({ tenantId: doomed.id, purpose: 'trigger-set', recordId: 'w' }, actor), /destroyed/);
    const again = await api.gql(DELETE, { input: { id: doomed.id } });
    assert.equal(again.data.deleteTenant.userErrors[0].code, 'TENANT_NOT_FOUND');
  });

  test('with a grace period: access ends now, keys survive until the period ends', async () => {
    const leaving = await createTenant(api, 'Leaving');
    await api.vault.seal({ tenantId: leaving.id, purpose: 'trigger-set', recordId: 'w' }, bytes('kept for now'), actor);
    const result = await api.gql(DELETE, { input: { id: leaving.id, gracePeriodDays: 7 } });
    const shredAfter = new Date(result.data.deleteTenant.shredAfter).getTime();
    assert.ok(Math.abs(shredAfter - (Date.now() + 7 * 86_400_000)) < 60_000);
    assert.equal((await api.gql(`{ viewer { role } }`, {}, leaving.adminKey)).status, 401);
    assert.equal(new TextDecoder().decode(await api.vault.unseal({ tenantId: leaving.id, purpose: 'trigger-set', recordId: 'w' }, actor)), 'kept for now');
    assert.deepEqual(await api.vault.shredDue(new Date(shredAfter + 1000)), [leaving.id]);
    await assert.rejects(api.vault.unseal({ tenantId: leaving.id, purpose: 'trigger-set', recordId: 'w' }, actor), /destroyed/);
  });

  test('tenant admins cannot delete other tenants; bad grace periods are refused', async () => {
    const a = await createTenant(api, 'Alpha');
    const b = await createTenant(api, 'Beta');
    assert.equal((await api.gql(DELETE, { input: { id: b.id } }, a.adminKey)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const bad = await api.gql(DELETE, { input: { id: a.id, gracePeriodDays: 90 } }, a.adminKey);
    assert.deepEqual(bad.data.deleteTenant.userErrors[0].field, ['input', 'gracePeriodDays']);
    assert.equal((await api.gql(`{ viewer { role } }`, {}, b.adminKey)).data.viewer.role, 'TENANT_ADMIN');
  });
});

describe('rotation of many secrets', () => {
  let api: TestApi;
  let worker: TestWorker;
  before(async () => {
    api = await startTestApi({}, { superviseIntervalSeconds: 1 }, { rewrap: { batchSize: 2, batchesPerRequest: 1 } });
  });
  after(async () => {
    if (worker) await stopTestWorker(worker);
    await api.close();
  });

  test('rewraps a bounded part in the request and the rest in a resumable background job', async () => {
    const tenant = await createTenant(api, 'Many');
    for (let i = 0; i < 7; i++) await api.vault.seal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: `s${i}` }, bytes(`secret ${i}`), actor);
    const rotated = await api.gql(`mutation { rotateTenantKey(input: {}) { rewrapped remaining job { id kind status } keyring { currentVersion } userErrors { code } } }`, {}, tenant.adminKey);
    const payload = rotated.data.rotateTenantKey;
    assert.deepEqual([payload.rewrapped, payload.remaining, payload.job.kind], [2, 5, 'REWRAP']);
    worker = await startTestWorker(api);
    let job: any;
    for (let i = 0; i < 300; i++) {
      job = (await api.gql(`query($id: ID!) { job(id: $id) { status progress message } }`, { id: payload.job.id }, tenant.adminKey)).data.job;
      if (job.status === 'SUCCEEDED' || job.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(job.status, 'SUCCEEDED', JSON.stringify(job));
    assert.equal(job.progress, 1);
    assert.equal((await api.vault.status(tenant.id)).pendingRewrap, 0);
    for (let i = 0; i < 7; i++) {
      assert.equal(new TextDecoder().decode(await api.vault.unseal({ tenantId: tenant.id, purpose: 'trigger-set', recordId: `s${i}` }, actor)), `secret ${i}`);
    }
  });
});
