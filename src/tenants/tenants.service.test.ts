import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../auth/actor.ts';
import { hashApiKeySecret } from '../api-keys/api-key-secret.ts';
import { DEFAULT_QUEUE_SETTINGS, JobQueue } from '../jobs/job-queue.ts';
import { createLogger } from '../logging/logger.ts';
import { randomKey, sodiumReady } from '../vault/aead.ts';
import { Vault } from '../vault/vault.ts';
import { TenantsService } from './tenants.service.ts';
import { TenantsRepository } from './tenants.repository.ts';

let testDb: TestDatabase;
let queue: JobQueue;
let vault: Vault;
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const sut = (actor: Actor | null) => new TenantsService(new TenantsRepository(testDb.db), vault, queue, actor);

before(async () => {
  testDb = await createTestDatabase();
  await sodiumReady();
  vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  queue = await JobQueue.start(testDb.url, DEFAULT_QUEUE_SETTINGS, createLogger('silent', {}, () => {}), { supervise: false, listen: false });
});
after(async () => {
  await queue.stop(1000);
  await testDb.drop();
});

test('create: a platform admin makes a tenant and its first admin key (stored hashed), audited; bad names and taken slugs are refused', async () => {
  const created = await sut(PLATFORM).create({ name: '  Acme Vision Ltd.  ' });
  assert.equal(created.tenant.name, 'Acme Vision Ltd.');
  assert.equal(created.tenant.slug, 'acme-vision-ltd');
  assert.equal(created.adminKey.role, 'TENANT_ADMIN');
  assert.equal(created.adminKey.secretHash, hashApiKeySecret(created.adminKeySecret));
  assert.notEqual(created.adminKey.secretHash, created.adminKeySecret);
  assert.equal(await testDb.db.auditEvent.count({ where: { tenantId: created.tenant.id, action: 'tenant.create' } }), 1);

  await assert.rejects(sut(PLATFORM).create({ name: 'Other', slug: 'acme-vision-ltd' }), { code: 'SLUG_TAKEN' });
  await assert.rejects(sut(PLATFORM).create({ name: ' ' }), { code: 'INVALID_INPUT' });
  await assert.rejects(sut(PLATFORM).create({ name: 'x', slug: '-bad-' }), { code: 'INVALID_INPUT' });
  const tenantAdmin: Actor = { apiKeyId: created.adminKey.id, role: 'TENANT_ADMIN', tenantId: created.tenant.id };
  await assert.rejects(sut(tenantAdmin).create({ name: 'Mine' }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).create({ name: 'Anonymous' }), { code: 'UNAUTHENTICATED' });
  assert.equal((await sut(tenantAdmin).current())?.id, created.tenant.id);
  assert.equal(await sut(PLATFORM).current(), null);
});

test('delete: only its own admins or a platform admin, within 30 days, once; cancels its queued jobs and dates the shredding; list filters deleted tenants', async () => {
  const { tenant, adminKey } = await sut(PLATFORM).create({ name: 'Leaving' });
  const job = await testDb.db.job.create({ data: { id: randomUUID(), tenantId: tenant.id, kind: 'VERIFY', status: 'QUEUED' } });
  const other = await sut(PLATFORM).create({ name: 'Staying' });
  const otherAdmin: Actor = { apiKeyId: other.adminKey.id, role: 'TENANT_ADMIN', tenantId: other.tenant.id };
  await assert.rejects(sut(otherAdmin).delete(tenant.id, 7), { code: 'FORBIDDEN' }, 'another tenant cannot delete it');
  await assert.rejects(sut(PLATFORM).delete(tenant.id, 31), { code: 'INVALID_INPUT' });
  await assert.rejects(sut(PLATFORM).delete('not-a-uuid', 7), { code: 'TENANT_NOT_FOUND' });

  const now = new Date('2026-12-02T12:00:00Z');
  const own: Actor = { apiKeyId: adminKey.id, role: 'TENANT_ADMIN', tenantId: tenant.id };
  const deleted = await sut(own).delete(tenant.id, 7, now);
  assert.deepEqual(deleted.shredAfter, new Date('2026-12-09T12:00:00Z'));
  assert.equal(deleted.cancelledJobs, 1);
  assert.equal((await testDb.db.job.findUniqueOrThrow({ where: { id: job.id } })).status, 'CANCELLED');
  await assert.rejects(sut(PLATFORM).delete(tenant.id, 7), { code: 'TENANT_NOT_FOUND' }, 'once');

  const slugs = async (active: boolean | null) => (await sut(PLATFORM).list({ first: 100 }, { active })).items.map((t) => t.slug);
  assert.ok((await slugs(true)).includes('staying') && !(await slugs(true)).includes('leaving'));
  assert.deepEqual(await slugs(false), ['leaving']);
  assert.ok((await slugs(null)).includes('leaving'));
  await assert.rejects(sut(otherAdmin).list({ first: 10 }), { code: 'FORBIDDEN' });
});
