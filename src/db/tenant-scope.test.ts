import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { TENANT_OWNED_MODELS, TenantScopeViolation, scopeToTenant as sut } from './tenant-scope.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
const key = (name: string) => ({ name, role: 'VIEWER' as const, prefix: 'fmk_x', secretHash: `hash-${name}-${Math.random()}` });

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test('every model with a tenantId column is tenant-owned in the scope', () => {
  const schema = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
  const withTenantId = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)]
    .filter(([, , body]) => /^\s+tenantId\s/m.test(body!))
    .map(([, name]) => name);
  assert.deepEqual([...withTenantId].sort(), [...TENANT_OWNED_MODELS].sort());
});

test('creates are stamped with the scope tenant, and reads see only that tenant', async () => {
  const a = sut(testDb.db, tenantA);
  const b = sut(testDb.db, tenantB);
  const created = await a.apiKey.create({ data: key('a1') });
  assert.equal(created.tenantId, tenantA);
  await b.apiKey.create({ data: key('b1') });

  assert.deepEqual((await a.apiKey.findMany()).map((k) => k.name), ['a1']);
  assert.equal(await b.apiKey.findUnique({ where: { id: created.id } }), null);
  assert.equal(await b.apiKey.count(), 1);
  assert.equal((await b.apiKey.updateMany({ data: { name: 'hijacked' } })).count, 1);
  assert.equal((await testDb.db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).name, 'a1');
  await assert.rejects(b.apiKey.update({ where: { id: created.id }, data: { name: 'x' } }));
  await assert.rejects(b.apiKey.delete({ where: { id: created.id } }));
  assert.ok(await testDb.db.apiKey.findUnique({ where: { id: created.id } }));
});

test('an explicit filter for another tenant cannot widen the scope', async () => {
  const a = sut(testDb.db, tenantA);
  await assert.rejects(a.apiKey.findMany({ where: { tenantId: tenantB } }), TenantScopeViolation);
  assert.equal((await a.apiKey.findMany({ where: { tenantId: tenantA } })).length, 1);
  await assert.rejects(a.apiKey.create({ data: { ...key('evil'), tenantId: tenantB } }), TenantScopeViolation);
});

test('the platform scope sees platform rows only, and Tenant reads are limited to the own tenant', async () => {
  const platform = sut(testDb.db, null);
  await platform.apiKey.create({ data: { ...key('p1'), role: 'PLATFORM_ADMIN' } });
  assert.deepEqual((await platform.apiKey.findMany()).map((k) => k.name), ['p1']);
  assert.deepEqual((await sut(testDb.db, tenantA).tenant.findMany()).map((t) => t.id), [tenantA]);
  assert.deepEqual(await platform.tenant.findMany(), []);
  await assert.rejects(sut(testDb.db, tenantA).tenant.create({ data: { name: 'C', slug: 'c' } }), TenantScopeViolation);
});
