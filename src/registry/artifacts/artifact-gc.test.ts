/**
 * Garbage collection deletes the blobs no row references once they are older than the grace
 * period, and keeps referenced ones, fresh ones (an upload in progress) and the store probe.
 * Real PostgreSQL, PostgreSQL store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { buildManifest } from './artifact-manifest.ts';
import { collectUnreferencedBlobs as sut } from './artifact-gc.ts';
import { PostgresArtifactStore } from './postgres-artifact-store.ts';
import { publishStoreProbe } from './store-probe.ts';

const HOUR = 3_600_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let testDb: TestDatabase;
let store: PostgresArtifactStore;

before(async () => {
  testDb = await createTestDatabase();
  store = new PostgresArtifactStore(testDb.url, { chunkBytes: 4 });
});
after(async () => {
  await store.close();
  await testDb.drop();
});

test('deletes unreferenced blobs past the grace period; keeps referenced, fresh and probe blobs; removes abandoned chunks', async () => {
  const tenantId = (await testDb.db.tenant.create({ data: { name: 'GC', slug: 'gc' } })).id;
  const put = (s: string) => store.put(Readable.from([Buffer.from(s)]));
  const referenced = await put('weights of a kept candidate');
  const orphan = await put('weights nobody references');
  const probe = await publishStoreProbe(testDb.db, store);
  const manifest = buildManifest([{ name: 'weights.bin', ...referenced }]);
  await testDb.db.candidateArtifact.create({ data: { tenantId, artifact: manifest as object, weightsDigest: manifest.digest, inputShape: [2], numClasses: 2 } });
  await testDb.db.$executeRaw`INSERT INTO "ArtifactBlobChunk" (key, index, data, "createdAt") VALUES ('partial:dead-upload', 0, '\\x00'::bytea, now() - interval '2 hours')`;

  // Just stored: within the grace period, nothing goes (an upload may be about to record them).
  assert.deepEqual(await sut(testDb.db, store, HOUR), { listed: 3, deleted: 0, deletedBytes: 0 });
  assert.equal(await store.has(orphan.sha256), true);

  const later = new Date(Date.now() + 2 * HOUR);
  assert.deepEqual(await sut(testDb.db, store, HOUR, later), { listed: 3, deleted: 1, deletedBytes: orphan.size });
  assert.equal(await store.has(orphan.sha256), false);
  assert.equal(await store.has(referenced.sha256), true, 'a blob a candidate references is kept');
  assert.equal(await store.has(probe), true, 'the store probe is kept');
  const [left] = await testDb.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "ArtifactBlobChunk" WHERE key = 'partial:dead-upload' OR key = ${orphan.sha256}`;
  assert.equal(left!.n, 0, 'the orphan\'s chunks and the abandoned upload\'s are gone');
  assert.equal(sha('weights of a kept candidate'), referenced.sha256);
});
