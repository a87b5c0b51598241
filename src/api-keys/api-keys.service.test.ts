import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../auth/actor.ts';
import { ApiKeyAuthenticator, ApiKeysService } from './api-keys.service.ts';
import { ApiKeysRepository } from './api-keys.repository.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
const PLATFORM: Actor = { apiKeyId: '00000000-0000-7000-8000-000000000001', role: 'PLATFORM_ADMIN', tenantId: null };
const sut = (actor: Actor | null) => new ApiKeysService(actor ? new ApiKeysRepository(testDb.db, actor.tenantId) : null, actor);
const actorOf = (key: { id: string; role: Actor['role']; tenantId: string | null }): Actor => ({ apiKeyId: key.id, role: key.role, tenantId: key.tenantId });

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test('create: no stronger than the creator, in the creator\'s tenant (platform admins may name one), audited; the secret authenticates', async () => {
  const admin = (await sut(PLATFORM).create({ name: 'A admin', role: 'TENANT_ADMIN', tenantId: tenantA })).apiKey;
  assert.equal(admin.tenantId, tenantA);
  const adminActor = actorOf(admin);
  const operator = await sut(adminActor).create({ name: 'ci', role: 'OPERATOR' });
  assert.equal(operator.apiKey.tenantId, tenantA);
  assert.equal(await testDb.db.auditEvent.count({ where: { recordId: operator.apiKey.id, action: 'api_key.create' } }), 1);
  assert.deepEqual(await new ApiKeyAuthenticator(testDb.db).authenticate(operator.secret), actorOf(operator.apiKey));

  await assert.rejects(sut(actorOf(operator.apiKey)).create({ name: 'x', role: 'VIEWER' }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(adminActor).create({ name: 'x', role: 'PLATFORM_ADMIN' }), { code: 'ROLE_ESCALATION' });
  await assert.rejects(sut(adminActor).create({ name: 'x', role: 'VIEWER', tenantId: tenantB }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(adminActor).create({ name: '', role: 'VIEWER' }), { code: 'INVALID_INPUT' });
  await assert.rejects(sut(adminActor).create({ name: 'x', role: 'VIEWER', expiresAt: new Date(Date.now() - 1000) }), { code: 'INVALID_INPUT' });
  await assert.rejects(sut(PLATFORM).create({ name: 'x', role: 'VIEWER' }), { code: 'INVALID_INPUT' }, 'a tenant role needs a tenant');
});

test('revoke and expiry end authentication; list is scoped to the tenant and filters active keys', async () => {
  const admin = actorOf((await sut(PLATFORM).create({ name: 'B admin', role: 'TENANT_ADMIN', tenantId: tenantB })).apiKey);
  const now = new Date();
  const viewer = await sut(admin).create({ name: 'viewer', role: 'VIEWER' });
  const expiring = await sut(admin).create({ name: 'short', role: 'VIEWER', expiresAt: new Date(now.getTime() + 60_000) });
  const auth = new ApiKeyAuthenticator(testDb.db);
  await assert.rejects(auth.authenticate(expiring.secret, new Date(now.getTime() + 120_000)), { code: 'UNAUTHENTICATED' });

  await assert.rejects(sut(actorOf(viewer.apiKey)).revoke(admin.apiKeyId), { code: 'FORBIDDEN' }, 'a viewer revokes only itself');
  const revoked = await sut(actorOf(viewer.apiKey)).revoke(viewer.apiKey.id, now);
  assert.deepEqual(revoked.revokedAt, now);
  assert.deepEqual((await sut(admin).revoke(viewer.apiKey.id)).revokedAt, now, 'revoking twice keeps the first time');
  await assert.rejects(auth.authenticate(viewer.secret), { code: 'UNAUTHENTICATED' });
  await assert.rejects(auth.authenticate('not-a-key'), { code: 'UNAUTHENTICATED' });

  const names = async (active: boolean | null, at = now) => (await sut(admin).list({ first: 50 }, { active }, at)).items.map((k) => k.name).sort();
  assert.deepEqual(await names(true), ['B admin', 'short']);
  assert.deepEqual(await names(false), ['viewer']);
  assert.deepEqual(await names(true, new Date(now.getTime() + 120_000)), ['B admin']);
  assert.ok(!(await names(null)).includes('A admin'), 'another tenant\'s keys are not listed');
  await assert.rejects(sut(admin).revoke((await testDb.db.apiKey.findFirstOrThrow({ where: { tenantId: tenantA } })).id), { code: 'API_KEY_NOT_FOUND' });
});
