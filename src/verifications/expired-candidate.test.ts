/**
 * verifyModel with an uploaded candidate past FRAGMARK_CANDIDATE_TTL_HOURS answers a user error
 * (CANDIDATE_EXPIRED), whether or not the collector has deleted it yet.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { seedReadyWatermark } from '../../test/support/watermark.ts';
import { Vault } from '../vault/vault.ts';
import { randomKey, sodiumReady } from '../vault/aead.ts';
import { VerificationsService } from './verifications.service.ts';
import { VerificationsRepository } from './verifications.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import { VerificationsError } from './verifications.errors.ts';

const HOUR = 3_600_000;
let testDb: TestDatabase;
let sut: VerificationsService;
let tenantId: string;
let versionId: string;

before(async () => {
  testDb = await createTestDatabase();
  await sodiumReady();
  const vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  tenantId = (await testDb.db.tenant.create({ data: { name: 'Expiry', slug: 'expiry' } })).id;
  versionId = (await seedReadyWatermark({ db: testDb.db, vault }, tenantId, { triggerCount: 4 })).modelVersionId;
  const actor = { apiKeyId: '00000000-0000-7000-8000-000000000002', role: 'OPERATOR' as const, tenantId };
  sut = new VerificationsService(new VerificationsRepository(scopeToTenant(testDb.db, tenantId), testDb.db), vault, undefined as never, actor, undefined as never, 24 * HOUR);
});
after(() => testDb.drop());

const upload = (ageMs: number) =>
  testDb.db.candidateArtifact.create({
    data: { tenantId, artifact: { files: [], totalBytes: 0, digest: '0'.repeat(64) }, weightsDigest: '1'.repeat(64), inputShape: [2, 2, 1], numClasses: 4, createdAt: new Date(Date.now() - ageMs) },
  });

async function refusal(candidateArtifactId: string): Promise<VerificationsError> {
  const error = await sut.verify({ modelVersionId: versionId, mode: 'ARTIFACT', candidateArtifactId }).then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof VerificationsError, String(error));
  return error;
}

test('an expired candidate not yet collected is refused as CANDIDATE_EXPIRED, with what to do', async () => {
  const error = await refusal((await upload(25 * HOUR)).id);
  assert.equal(error.code, 'CANDIDATE_EXPIRED');
  assert.match(error.message, /expired \(uploads are kept 24 hours\): upload the copy again/);
  assert.deepEqual(error.field, ['input', 'candidateArtifactId']);
  assert.equal(await testDb.db.verification.count(), 0);
});

test('a collected candidate is not found, and the message says uploads expire', async () => {
  const collected = await upload(25 * HOUR);
  await testDb.db.candidateArtifact.delete({ where: { id: collected.id } });
  const error = await refusal(collected.id);
  assert.equal(error.code, 'CANDIDATE_NOT_FOUND');
  assert.match(error.message, /uploads expire after 24 hours/);
});
