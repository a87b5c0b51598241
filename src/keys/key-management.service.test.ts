import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../auth/actor.ts';
import { DEFAULT_QUEUE_SETTINGS, JobQueue } from '../jobs/job-queue.ts';
import { createLogger } from '../logging/logger.ts';
import { randomKey, sodiumReady } from '../vault/aead.ts';
import { Vault } from '../vault/vault.ts';
import { DEFAULT_REWRAP_SETTINGS, KeyManagementService, type RewrapSettings } from './key-management.service.ts';
import { KeysRepository } from './keys.repository.ts';

let testDb: TestDatabase;
let queue: JobQueue;
let vault: Vault;
let tenantA: string;
let tenantB: string;
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const actor = (tenantId: string, role: Actor['role'] = 'TENANT_ADMIN'): Actor => ({ apiKeyId: randomUUID(), role, tenantId });
const sut = (who: Actor | null, settings: RewrapSettings = DEFAULT_REWRAP_SETTINGS) => new KeyManagementService(new KeysRepository(testDb.db), vault, queue, who, settings);
const bytes = (text: string) => new TextEncoder().encode(text);
const sealIn = (tenantId: string, recordId: string, text = `secret of ${recordId}`) =>
  vault.seal({ tenantId, purpose: 'trigger-set', recordId }, bytes(text), { apiKeyId: null });
const versionsOf = async (tenantId: string) => (await testDb.db.vaultSecret.findMany({ where: { keyringId: tenantId }, orderBy: { recordId: 'asc' } })).map((s) => s.keyVersion);

before(async () => {
  testDb = await createTestDatabase();
  await sodiumReady();
  vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  queue = await JobQueue.start(testDb.url, DEFAULT_QUEUE_SETTINGS, createLogger('silent', {}, () => {}), { supervise: false, listen: false });
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
  await sealIn(tenantA, 'a1');
  await sealIn(tenantB, 'b1');
});
after(async () => {
  await queue.stop(1000);
  await testDb.drop();
});

test('only admins manage keys, tenant admins only their own keyring; unknown or deleted tenants are TENANT_NOT_FOUND', async () => {
  for (const role of ['OPERATOR', 'VIEWER'] as const) {
    const weak = sut(actor(tenantA, role));
    await assert.rejects(weak.status(), { code: 'FORBIDDEN' }, role);
    await assert.rejects(weak.rotate(null, true), { code: 'FORBIDDEN' }, role);
    await assert.rejects(weak.rewrap(null, 10), { code: 'FORBIDDEN' }, role);
    await assert.rejects(weak.retire(null, 1, false), { code: 'FORBIDDEN' }, role);
  }
  await assert.rejects(sut(null).status(), { code: 'UNAUTHENTICATED' });
  await assert.rejects(sut(null).rotate(tenantA, false), { code: 'UNAUTHENTICATED' });

  const adminA = sut(actor(tenantA));
  assert.equal((await adminA.status()).currentVersion, 1, 'no tenant named: the own keyring');
  assert.equal((await adminA.status(tenantA)).currentVersion, 1);
  await assert.rejects(adminA.status(tenantB), { code: 'FORBIDDEN' });
  await assert.rejects(adminA.rotate(tenantB, true), { code: 'FORBIDDEN' });
  await assert.rejects(adminA.retire(tenantB, 1, true), { code: 'FORBIDDEN' });
  assert.equal((await vault.status(tenantB)).currentVersion, 1, "tenant B's keyring is untouched");
  assert.equal(await testDb.db.auditEvent.count({ where: { tenantId: tenantB, action: { in: ['vault.rotate', 'vault.retire'] } } }), 0);

  assert.equal((await sut(PLATFORM).status(tenantB)).currentVersion, 1, 'platform admins read any tenant\'s keyring');
  await assert.rejects(sut(PLATFORM).status(randomUUID()), { code: 'TENANT_NOT_FOUND' });
  await assert.rejects(sut(PLATFORM).status('not-a-uuid'), { code: 'TENANT_NOT_FOUND' });
  const gone = (await testDb.db.tenant.create({ data: { name: 'Gone', slug: 'gone', deletedAt: new Date() } })).id;
  await assert.rejects(sut(PLATFORM).rotate(gone, false), { code: 'TENANT_NOT_FOUND' });
});

test('rotate with rewrap: a new version, secrets moved onto it in the request, audited with the caller; they still open', async () => {
  const tenant = (await testDb.db.tenant.create({ data: { name: 'Rotating', slug: 'rotating' } })).id;
  await sealIn(tenant, 'r1', 'first');
  await sealIn(tenant, 'r2', 'second');
  const admin = actor(tenant);

  const result = await sut(admin).rotate(null, true);
  assert.deepEqual([result.keyring.currentVersion, result.rewrapped, result.remaining, result.jobId], [2, 2, 0, null]);
  assert.deepEqual(await versionsOf(tenant), [2, 2]);
  assert.equal(new TextDecoder().decode(await vault.unseal({ tenantId: tenant, purpose: 'trigger-set', recordId: 'r1' }, { apiKeyId: null })), 'first');
  const events = await testDb.db.auditEvent.findMany({ where: { tenantId: tenant, action: { in: ['vault.rotate', 'vault.rewrap'] } }, orderBy: { id: 'asc' } });
  assert.deepEqual(events.map((e) => [e.action, e.actorApiKeyId, e.keyVersion]), [['vault.rotate', admin.apiKeyId, 2], ['vault.rewrap', admin.apiKeyId, 2]]);

  const without = await sut(admin).rotate(null, false);
  assert.deepEqual([without.keyring.currentVersion, without.rewrapped, without.remaining], [3, 0, 2], 'without rewrap the secrets stay where they are');
  assert.deepEqual(await versionsOf(tenant), [2, 2]);
  assert.equal((await vault.status(tenantA)).currentVersion, 1, 'no other keyring moved');
});

test('what a request does not rewrap goes to a REWRAP job of the tenant; rewrap takes bounded batches', async () => {
  const tenant = (await testDb.db.tenant.create({ data: { name: 'Many', slug: 'many' } })).id;
  for (const record of ['m1', 'm2', 'm3']) await sealIn(tenant, record);
  const admin = actor(tenant);

  const result = await sut(admin, { batchSize: 1, batchesPerRequest: 1 }).rotate(null, true);
  assert.deepEqual([result.rewrapped, result.remaining], [1, 2]);
  assert.ok(result.jobId);
  const job = await testDb.db.job.findUniqueOrThrow({ where: { id: result.jobId } });
  assert.deepEqual([job.tenantId, job.kind, job.status], [tenant, 'REWRAP', 'QUEUED']);

  for (const bad of [0, 5001, 1.5]) await assert.rejects(sut(admin).rewrap(null, bad), { code: 'INVALID_VAULT_INPUT' }, String(bad));
  const batch = await sut(admin).rewrap(null, 1);
  assert.deepEqual([batch.rewrapped, batch.remaining, batch.keyring.pendingRewrap], [1, 1, 1]);
  const byPlatform = await sut(PLATFORM).rewrap(tenant, 5000);
  assert.deepEqual([byPlatform.rewrapped, byPlatform.remaining], [1, 0]);
  assert.deepEqual(await versionsOf(tenant), [2, 2, 2]);
});

test('retire refuses while secrets use the old versions (unless forced), then destroys those keys', async () => {
  const tenant = (await testDb.db.tenant.create({ data: { name: 'Retiring', slug: 'retiring' } })).id;
  await sealIn(tenant, 'old');
  const admin = sut(actor(tenant));
  await admin.rotate(null, false);
  await assert.rejects(admin.retire(null, 2, false), { code: 'REWRAP_PENDING' });
  await assert.rejects(admin.retire(null, 3, false), { code: 'INVALID_VAULT_INPUT' });
  await assert.rejects(admin.retire(null, 0, false), { code: 'INVALID_VAULT_INPUT' });
  assert.equal((await testDb.db.vaultKey.findFirstOrThrow({ where: { keyringId: tenant, version: 1 } })).destroyedAt, null);

  await admin.rewrap(null, 10);
  const keyring = await admin.retire(null, 2, false);
  assert.equal(keyring.minVersion, 2);
  const old = await testDb.db.vaultKey.findFirstOrThrow({ where: { keyringId: tenant, version: 1 } });
  assert.ok(old.destroyedAt);
  assert.equal(old.wrappedKey.length, 0, 'the retired key-encryption key is gone');
  assert.equal(await testDb.db.auditEvent.count({ where: { tenantId: tenant, action: 'vault.retire' } }), 1);
});

test('a platform admin without a tenant acts on the platform keyring, and never queues a job for it', async () => {
  await vault.ensurePlatformKeyring();
  await vault.seal({ tenantId: null, purpose: 'signing-key', recordId: 'kid-1' }, bytes('private'), { apiKeyId: null });
  const before = (await sut(PLATFORM).status()).currentVersion;
  const jobs = await testDb.db.job.count();
  const result = await sut(PLATFORM, { batchSize: 1, batchesPerRequest: 0 }).rotate(null, true);
  assert.equal(result.keyring.currentVersion, before + 1);
  assert.deepEqual([result.remaining, result.jobId], [1, null]);
  assert.equal(await testDb.db.job.count(), jobs, 'jobs belong to tenants: the platform keyring is rewrapped by hand');
  assert.equal((await vault.status(tenantA)).currentVersion, 1);
});
