import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from './audit.ts';
import { AuditService } from './audit.service.ts';
import { AuditRepository } from './audit.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
const KEY = '00000000-0000-7000-8000-000000000001';
const sut = (actor: Actor | null) => new AuditService(actor ? new AuditRepository(scopeToTenant(testDb.db, actor.tenantId)) : null, actor);
const record = randomUUID();

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
  await recordAudit(testDb.db, { tenantId: tenantA, actorApiKeyId: KEY, action: 'vault.seal', purpose: 'trigger-set', recordId: record });
  await recordAudit(testDb.db, { tenantId: tenantA, actorApiKeyId: KEY, action: 'vault.unseal', purpose: 'trigger-set', recordId: record });
  await recordAudit(testDb.db, { tenantId: tenantB, actorApiKeyId: KEY, action: 'vault.seal', purpose: 'credential' });
  await recordAudit(testDb.db, { tenantId: null, actorApiKeyId: KEY, action: 'tenant.create' });
});
after(() => testDb.drop());

test('admins read their own scope of the trail, filtered; other roles are refused; events cannot be changed', async () => {
  const actions = async (actor: Actor, filter = {}) => (await sut(actor).list({ first: 50 }, filter)).items.map((e) => e.action).sort();
  const adminA: Actor = { apiKeyId: KEY, role: 'TENANT_ADMIN', tenantId: tenantA };
  assert.deepEqual(await actions(adminA), ['vault.seal', 'vault.unseal']);
  assert.deepEqual(await actions(adminA, { action: 'vault.unseal' }), ['vault.unseal']);
  assert.deepEqual(await actions(adminA, { recordId: record, purpose: 'trigger-set' }), ['vault.seal', 'vault.unseal']);
  assert.deepEqual(await actions(adminA, { since: new Date(Date.now() + 60_000) }), []);
  assert.deepEqual(await actions({ apiKeyId: KEY, role: 'PLATFORM_ADMIN', tenantId: null }), ['tenant.create'], 'the platform\'s own events');
  await assert.rejects(sut({ apiKeyId: KEY, role: 'OPERATOR', tenantId: tenantA }).list({ first: 10 }), { code: 'FORBIDDEN' });
  await assert.rejects(sut(null).list({ first: 10 }), { code: 'UNAUTHENTICATED' });
  // Append-only at the database itself (a trigger), whatever code asks.
  await assert.rejects(testDb.db.auditEvent.deleteMany({ where: { tenantId: tenantB } }), /append-only/);
});
