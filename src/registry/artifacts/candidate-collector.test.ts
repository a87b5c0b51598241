/**
 * Expired candidate artifacts are deleted with the blobs only they used; fresh ones, ones a
 * PENDING verification needs, and blobs another manifest shares are kept; finished verifications
 * keep their history. Real PostgreSQL, real artifact store in a temporary folder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { seedReadyWatermark } from '../../../test/support/watermark.ts';
import { Vault } from '../../vault/vault.ts';
import { randomKey, sodiumReady } from '../../vault/aead.ts';
import { createLogger } from '../../logging/logger.ts';
import type { ArtifactManifest } from './artifact-manifest.ts';
import { modelArtifactsInFolder } from './open-artifact-store.ts';
import type { ModelArtifacts } from './model-artifacts.ts';
import { collectExpiredCandidates as sut } from './candidate-collector.ts';
import { startCandidateCollector } from './candidate-expiry.ts';

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;

let testDb: TestDatabase;
let store: ModelArtifacts;
let dir: string;
let tenantId: string;
let vault: Vault;
// Later than the blobs' modification times by more than the grace for uploads in progress.
const now = new Date(Date.now() + 2 * HOUR);

before(async () => {
  testDb = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'fragmark-candidates-'));
  store = modelArtifactsInFolder(dir);
  await sodiumReady();
  vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  tenantId = (await testDb.db.tenant.create({ data: { name: 'Candidates', slug: 'candidates' } })).id;
});
after(async () => {
  await testDb.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Stores files (name -> content) as an upload would and returns their manifest. */
async function stored(files: Record<string, string>): Promise<ArtifactManifest> {
  const staging = await store.stage();
  for (const [name, content] of Object.entries(files)) await staging.writeFile(name, Readable.from([Buffer.from(content)]), 1 << 20);
  return staging.commit();
}

async function candidate(manifest: ArtifactManifest, uploadedAgoMs: number) {
  return testDb.db.candidateArtifact.create({
    data: { tenantId, artifact: manifest as object, weightsDigest: manifest.digest, inputShape: [2], numClasses: 2, createdAt: new Date(now.getTime() - uploadedAgoMs) },
  });
}

async function verificationOf(candidateArtifactId: string, verdict: 'PENDING' | 'INTACT') {
  const watermark = await seedReadyWatermark({ db: testDb.db, vault }, tenantId, { triggerCount: 4 });
  return testDb.db.verification.create({
    data: { tenantId, modelVersionId: watermark.modelVersionId, watermarkId: watermark.id, mode: 'ARTIFACT', verdict, policy: {}, candidateArtifactId, checkedDigest: verdict === 'PENDING' ? null : 'cd'.repeat(32) },
  });
}

const blobsOf = (m: ArtifactManifest) => m.files.map((f) => f.sha256);

test('deletes expired candidates and their own blobs; keeps fresh, in-use and shared ones', async () => {
  const registered = await stored({ 'model.json': 'shared-model-json' });
  await testDb.db.modelVersion.update({ where: { id: (await seedReadyWatermark({ db: testDb.db, vault }, tenantId, { triggerCount: 4 })).modelVersionId }, data: { artifact: registered as object } });
  const expiredManifest = await stored({ 'model.json': 'shared-model-json', 'weights.bin': 'expired-weights' });
  const expired = await candidate(expiredManifest, WEEK + HOUR);
  const finished = await verificationOf(expired.id, 'INTACT');
  const freshManifest = await stored({ 'model.json': 'fresh', 'weights.bin': 'fresh-weights' });
  const fresh = await candidate(freshManifest, WEEK - HOUR);
  const inUseManifest = await stored({ 'model.json': 'in-use', 'weights.bin': 'in-use-weights' });
  const inUse = await candidate(inUseManifest, WEEK + HOUR);
  const pending = await verificationOf(inUse.id, 'PENDING');

  const collected = await sut({ db: testDb.db, store, maxAgeMs: WEEK }, now);

  assert.deepEqual(collected, { candidates: 1, inUse: 1, blobs: 1 });
  assert.equal(await testDb.db.candidateArtifact.findUnique({ where: { id: expired.id } }), null);
  const [sharedBlob, expiredWeights] = [blobsOf(registered)[0]!, blobsOf(expiredManifest).find((b) => b !== blobsOf(registered)[0])!];
  assert.equal(await store.has(expiredWeights), false, 'the expired candidate\'s own blob is deleted');
  assert.equal(await store.has(sharedBlob), true, 'a blob a model version shares is kept');
  for (const kept of [fresh, inUse]) assert.ok(await testDb.db.candidateArtifact.findUnique({ where: { id: kept.id } }));
  for (const blob of [...blobsOf(freshManifest), ...blobsOf(inUseManifest)]) assert.equal(await store.has(blob), true);
  const history = await testDb.db.verification.findUniqueOrThrow({ where: { id: finished.id } });
  assert.deepEqual([history.candidateArtifactId, history.checkedDigest, history.verdict], [expired.id, 'cd'.repeat(32), 'INTACT']);

  // Once its verification has finished, the in-use candidate goes too.
  await testDb.db.verification.update({ where: { id: pending.id }, data: { verdict: 'INTACT', checkedDigest: 'ef'.repeat(32) } });
  assert.deepEqual(await sut({ db: testDb.db, store, maxAgeMs: WEEK }, now), { candidates: 1, inUse: 0, blobs: 2 });
  for (const blob of blobsOf(inUseManifest)) assert.equal(await store.has(blob), false);
});

test('a blob an upload just adopted is kept although no manifest lists it yet', async () => {
  const manifest = await stored({ 'weights.bin': 'adopted-again' });
  const sha256 = manifest.files[0]!.sha256;
  const longAgo = new Date(Date.now() - WEEK);
  await utimes(path.join(dir, 'sha256', sha256.slice(0, 2), sha256), longAgo, longAgo);
  await candidate(manifest, WEEK + 3 * HOUR);
  await stored({ 'other-name.bin': 'adopted-again' }); // the same bytes uploaded again, not recorded yet
  const collected = await sut({ db: testDb.db, store, maxAgeMs: WEEK }, new Date());
  assert.deepEqual(collected, { candidates: 1, inUse: 0, blobs: 0 });
  assert.equal(await store.has(sha256), true);
});

test('startCandidateCollector sweeps on its interval and stops', async () => {
  const manifest = await stored({ 'weights.bin': 'swept-by-the-timer' });
  const expired = await candidate(manifest, WEEK + 3 * HOUR);
  const lines: string[] = [];
  const collector = startCandidateCollector({ db: testDb.db, store, maxAgeMs: WEEK, logger: createLogger('info', {}, (l) => lines.push(l)) }, 20);
  for (let i = 0; i < 200 && (await testDb.db.candidateArtifact.findUnique({ where: { id: expired.id } })); i++) await new Promise((r) => setTimeout(r, 20));
  await collector.stop();
  assert.equal(await testDb.db.candidateArtifact.findUnique({ where: { id: expired.id } }), null);
  assert.ok(lines.some((l) => l.includes('expired candidate artifacts collected')), lines.join('\n'));
});
