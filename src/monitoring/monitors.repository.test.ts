import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedReadyVersion } from '../../test/support/watermark.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import { MonitorsRepository } from './monitors.repository.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test("the service's transactions run on the tenant-scoped client: another tenant's rows are neither counted nor written", async () => {
  const now = new Date();
  for (const tenantId of [tenantA, tenantB]) {
    const version = await seedReadyVersion(testDb.db, tenantId);
    await testDb.db.monitor.create({ data: { tenantId, modelVersionId: version.id, mode: 'ARTIFACT', intervalSeconds: 60, nextRunAt: now } });
  }
  const sut = new MonitorsRepository(scopeToTenant(testDb.db, tenantA));
  const other = await testDb.db.monitor.findFirstOrThrow({ where: { tenantId: tenantB } });
  await sut.transaction(async (tx) => {
    assert.equal(await tx.monitor.count(), 1, 'only tenant A\'s monitor');
    await assert.rejects(sut.update(tx, other.id, { paused: true }), 'tenant B\'s monitor is not found through A\'s transaction');
  });
  assert.equal((await testDb.db.monitor.findUniqueOrThrow({ where: { id: other.id } })).paused, false);
});
