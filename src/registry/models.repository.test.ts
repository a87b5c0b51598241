import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import { ModelsRepository } from './models.repository.ts';
import { buildManifest } from './artifacts/artifact-manifest.ts';
import type { ValidatedArtifact } from './artifacts/model-validation.ts';

let testDb: TestDatabase;
let tenantA: string;
let tenantB: string;
const sut = (tenantId: string) => new ModelsRepository(scopeToTenant(testDb.db, tenantId), testDb.db);

before(async () => {
  testDb = await createTestDatabase();
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(() => testDb.drop());

test("newestVersions (raw SQL): each model's newest rows as Prisma reads them, at most perModel, its count, only the tenant's", async () => {
  const models = sut(tenantA);
  const three = await models.createModel(tenantA, { name: 'three' });
  const none = await models.createModel(tenantA, { name: 'none' });
  const labels = ['1', '2', '3'];
  for (const label of labels) await testDb.db.modelVersion.create({ data: { tenantId: tenantA, modelId: three.id, label, inputShape: [28, 28, 1] } });
  const stored = await testDb.db.modelVersion.findMany({ where: { modelId: three.id }, orderBy: { id: 'desc' } });

  const newest = await models.newestVersions(tenantA, [three.id, none.id], 2);
  assert.deepEqual(newest.get(three.id), { versions: stored.slice(0, 2), total: 3 }, 'the same columns and values as findMany, newest first');
  assert.deepEqual(newest.get(none.id), { versions: [], total: 0 });

  const fromB = await sut(tenantB).newestVersions(tenantB, [three.id], 2);
  assert.deepEqual(fromB.get(three.id), { versions: [], total: 0 }, "another tenant's model has no versions for B");
});

test('recordArtifact: false, and beforeCommit not run, once the version has its artifact', async () => {
  const models = sut(tenantA);
  const model = await models.createModel(tenantA, { name: 'recorded' });
  const version = await testDb.db.modelVersion.create({ data: { tenantId: tenantA, modelId: model.id, label: '1', status: 'READY' } });
  let ran = false;
  const artifact: ValidatedArtifact = {
    manifest: buildManifest([{ name: 'model.json', sha256: 'cd'.repeat(32), size: 10 }]),
    inputShape: [1],
    numClasses: 2,
    weightsDigest: 'ab'.repeat(32),
    format: 'TFJS_LAYERS',
    inputLayout: 'NHWC',
    binaryOutput: null,
  };
  assert.equal(await models.recordArtifact(version.id, artifact, new Date(), async () => { ran = true; }, 5000), false);
  assert.equal(ran, false);
  const awaiting = await testDb.db.modelVersion.create({ data: { tenantId: tenantA, modelId: model.id, label: '2' } });
  assert.equal(await sut(tenantB).recordArtifact(awaiting.id, artifact, new Date(), async () => { ran = true; }, 5000), false, "another tenant's version");
  assert.equal(ran, false);
});
