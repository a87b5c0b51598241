/**
 * The ArtifactStore contract, run against every store that can run here: the folder and
 * PostgreSQL (real server, chunks made small so that blobs span many). S3 has only a request-shape
 * test (s3-artifact-store.test.ts): no S3 server can be installed here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { ArtifactError } from './artifact.errors.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { FileArtifactStore } from './file-artifact-store.ts';
import { PostgresArtifactStore } from './postgres-artifact-store.ts';
import { copyBlobs } from './copy-blobs.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CHUNK = 1000;

async function readAll(stream: Readable | undefined): Promise<Buffer> {
  assert.ok(stream, 'expected a stream');
  const parts: Buffer[] = [];
  for await (const part of stream as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

/** Bytes arriving in uneven pieces, as from a socket. */
function pieces(bytes: Buffer, sizes = [7, 333, 1500, 1, 999]): Readable {
  const out: Buffer[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(offset, offset + n));
    offset += n;
  }
  return Readable.from(out);
}

function random(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

let testDb: TestDatabase;
let dir: string;
const stores: Array<{ name: string; make: () => ArtifactStore }> = [
  { name: 'folder', make: () => new FileArtifactStore(dir) },
  { name: 'PostgreSQL', make: () => new PostgresArtifactStore(testDb.url, { chunkBytes: CHUNK }) },
];

before(async () => {
  testDb = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'fragmark-store-contract-'));
});
after(async () => {
  await testDb.drop();
  await rm(dir, { recursive: true, force: true });
});

for (const { name, make } of stores) {
  describe(`ArtifactStore contract: ${name}`, () => {
    let sut: ArtifactStore;
    before(() => {
      sut = make();
    });
    after(() => sut.close());

    it('streams a blob in and out by its SHA-256, across many chunks and for an empty blob', async () => {
      for (const bytes of [random(10 * CHUNK + 17, 1), Buffer.alloc(0), Buffer.from('x')]) {
        const ref = await sut.put(pieces(bytes));
        assert.deepEqual(ref, { sha256: sha(bytes), size: bytes.length });
        assert.equal(await sut.has(ref.sha256), true);
        assert.ok((await readAll(await sut.get(ref.sha256))).equals(bytes));
      }
      const absent = sha(Buffer.from('never stored'));
      assert.equal(await sut.has(absent), false);
      assert.equal(await sut.get(absent), undefined);
      for (const bad of ['../../etc/passwd', 'AB'.repeat(32), '']) {
        assert.equal(await sut.has(bad), false);
        assert.equal(await sut.get(bad), undefined);
      }
    });

    it('keeps one copy of the same bytes; with the digest announced, does not read them again and refreshes the stored-at time', async () => {
      const bytes = random(3 * CHUNK, 2);
      const first = await sut.put(pieces(bytes));
      const before = (await listed(sut)).get(first.sha256)!;
      await new Promise((r) => setTimeout(r, 15));
      let read = false;
      const untouched = new Readable({
        read() {
          read = true;
          this.push(null);
        },
      });
      assert.deepEqual(await sut.put(untouched, first), first);
      assert.equal(read, false, 'the announced, stored blob is not read again');
      assert.deepEqual(await sut.put(pieces(bytes)), first);
      const after = await listed(sut);
      assert.equal([...after.keys()].filter((k) => k === first.sha256).length, 1);
      assert.ok(after.get(first.sha256)!.storedAt.getTime() > before.storedAt.getTime(), 'stored-at refreshed');
      assert.equal(after.get(first.sha256)!.size, bytes.length);
    });

    it('refuses bytes that are not the announced blob, and a stream that fails midway, storing nothing', async () => {
      const bytes = random(2 * CHUNK + 5, 3);
      await assert.rejects(sut.put(pieces(bytes), { sha256: sha(Buffer.from('other')), size: bytes.length }), (e: unknown) => e instanceof ArtifactError && e.code === 'ARTIFACT_CORRUPT');
      assert.equal(await sut.has(sha(bytes)), false);
      const broken = new Readable({ read() {} });
      const put = sut.put(broken);
      broken.push(random(CHUNK + 1, 4));
      setImmediate(() => broken.destroy(new Error('socket hang up')));
      await assert.rejects(put, /socket hang up/);
      assert.equal(await sut.has(sha(random(CHUNK + 1, 4))), false);
      if (name === 'PostgreSQL') {
        const [row] = await testDb.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "ArtifactBlobChunk" WHERE key LIKE 'partial:%'`;
        assert.equal(row!.n, 0, 'no chunks of failed uploads are left');
      }
    });

    it('deletes only blobs stored before the cut-off, lists what is stored', async () => {
      const bytes = random(CHUNK + 1, 5);
      const ref = await sut.put(pieces(bytes));
      assert.equal(await sut.delete(ref.sha256, new Date(Date.now() - 60_000)), false, 'stored after the cut-off: kept');
      assert.equal(await sut.has(ref.sha256), true);
      assert.equal(await sut.delete(ref.sha256, new Date(Date.now() + 60_000)), true);
      assert.equal(await sut.has(ref.sha256), false);
      assert.equal(await sut.get(ref.sha256), undefined);
      assert.equal(await sut.delete(ref.sha256, new Date(Date.now() + 60_000)), false, 'deleting twice is a no-op');
      assert.equal((await listed(sut)).has(ref.sha256), false);
      // Stored again after a delete: complete again.
      await sut.put(pieces(bytes));
      assert.ok((await readAll(await sut.get(ref.sha256))).equals(bytes));
    });
  });
}

describe('PostgreSQL store specifics', () => {
  it('writes chunks while the source is still streaming (never the whole blob in one buffer)', async () => {
    const sut = new PostgresArtifactStore(testDb.url, { chunkBytes: CHUNK });
    const chunksInDatabase = async () =>
      (await testDb.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "ArtifactBlobChunk" WHERE key LIKE 'partial:%'`)[0]!.n;
    let seenWhileStreaming = 0;
    async function* source() {
      for (let i = 0; i < 6; i++) {
        yield random(CHUNK, 10 + i);
        if (i === 4) seenWhileStreaming = await chunksInDatabase();
      }
    }
    try {
      const ref = await sut.put(Readable.from(source()));
      assert.ok(seenWhileStreaming >= 4, `chunks written before the end: ${seenWhileStreaming}`);
      const [blob] = await testDb.db.$queryRaw<Array<{ chunks: number; longest: number }>>`
        SELECT b.chunks, (SELECT max(length(data))::int FROM "ArtifactBlobChunk" WHERE key = b.sha256) AS longest FROM "ArtifactBlob" b WHERE sha256 = ${ref.sha256}`;
      assert.deepEqual(blob, { chunks: 6, longest: CHUNK });
    } finally {
      await sut.close();
    }
  });

  it('a blob whose chunks were lost reads as corrupt, and an upload of the same bytes repairs it', async () => {
    const sut = new PostgresArtifactStore(testDb.url, { chunkBytes: CHUNK });
    try {
      const bytes = random(3 * CHUNK, 20);
      const ref = await sut.put(pieces(bytes));
      await testDb.db.$executeRaw`DELETE FROM "ArtifactBlobChunk" WHERE key = ${ref.sha256} AND index = 1`;
      await assert.rejects(readAll(await sut.get(ref.sha256)), (e: unknown) => e instanceof ArtifactError && e.code === 'ARTIFACT_CORRUPT');
      await sut.put(pieces(bytes), ref);
      assert.ok((await readAll(await sut.get(ref.sha256))).equals(bytes));
    } finally {
      await sut.close();
    }
  });
});

describe('copyBlobs', () => {
  it('copies every blob of a folder into PostgreSQL once, checking each digest', async () => {
    const from = new FileArtifactStore(await mkdtemp(path.join(dir, 'copy-')));
    const to = new PostgresArtifactStore(testDb.url, { chunkBytes: CHUNK });
    try {
      const refs = [await from.put(pieces(random(2500, 30))), await from.put(pieces(random(10, 31)))];
      assert.deepEqual(await copyBlobs(from, to), { copied: 2, present: 0, bytes: 2510 });
      for (const ref of refs) assert.ok((await readAll(await to.get(ref.sha256))).equals(await readAll(await from.get(ref.sha256))));
      assert.deepEqual(await copyBlobs(from, to), { copied: 0, present: 2, bytes: 0 });
    } finally {
      await to.close();
    }
  });
});

async function listed(store: ArtifactStore) {
  const out = new Map<string, { size: number; storedAt: Date }>();
  for await (const blob of store.list()) out.set(blob.sha256, blob);
  return out;
}
