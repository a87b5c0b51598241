import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { listFiles } from '../../../test/support/files.ts';
import { ArtifactError } from './artifact.errors.ts';
import { manifestDigest, unsafeNameReason } from './artifact-manifest.ts';
import { modelArtifactsInFolder } from './open-artifact-store.ts';
import type { ModelArtifacts as Sut } from './model-artifacts.ts';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const bytes = (s: string) => new Uint8Array(Buffer.from(s));

function isArtifactError(code: string) {
  return (e: unknown) => e instanceof ArtifactError && e.code === code;
}

describe('ArtifactStore', () => {
  let root: string;
  let sut: Sut;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'fragmark-store-'));
    sut = modelArtifactsInFolder(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('accepts TF.js-style names and refuses unsafe ones', () => {
    for (const ok of ['model.json', 'group1-shard1of2.bin', 'sub/dir/w_1.bin', 'a'.repeat(200)]) assert.equal(unsafeNameReason(ok), undefined, ok);
    for (const bad of ['', '../x', 'a/../b', './x', '/etc/passwd', 'a\\b', 'a\0b', 'a//b', 'a/', 'x y', 'é.bin', 'a'.repeat(201)]) {
      assert.notEqual(unsafeNameReason(bad), undefined, JSON.stringify(bad));
    }
  });

  it('streams, hashes and commits files into content-addressed blobs with a sorted manifest', async () => {
    const staging = await sut.stage();
    const w = await staging.writeFile('weights.bin', Readable.from([Buffer.from('abc'), Buffer.from('def')]), 6);
    assert.deepEqual(w, { name: 'weights.bin', sha256: sha('abcdef'), size: 6 });
    await staging.writeFile('model.json', Readable.from([Buffer.from('{}')]), 100);
    // Same bytes under another name share one blob.
    await staging.writeFile('copy/weights.bin', Readable.from([Buffer.from('abcdef')]), 100);
    assert.equal(staging.files().length, 3);
    const manifest = await staging.commit();
    assert.deepEqual(
      manifest.files.map((f) => f.name),
      ['copy/weights.bin', 'model.json', 'weights.bin'],
    );
    assert.equal(manifest.totalBytes, 14);
    assert.equal(manifest.digest, manifestDigest(manifest.files));
    assert.equal(manifest.digest, sha(JSON.stringify(manifest.files)));
    assert.equal(await sut.has(sha('abcdef')), true);
    assert.equal(await sut.has(sha('nope')), false);
    assert.equal(await sut.has('../../etc/passwd'), false);

    const blob = path.join(root, 'sha256', sha('abcdef').slice(0, 2), sha('abcdef'));
    assert.equal((await stat(blob)).mode & 0o777, 0o640);
    assert.equal((await stat(path.dirname(blob))).mode & 0o777, 0o750);
    assert.equal((await listFiles(path.join(root, 'sha256'))).length, 2);
    assert.deepEqual(await readdir(path.join(root, 'staging')), []);

    const read = await sut.readArtifact(manifest);
    assert.deepEqual([...read.keys()], ['copy/weights.bin', 'model.json', 'weights.bin']);
    assert.deepEqual(read.get('model.json'), bytes('{}'));
  });

  it('refuses a file past maxBytes, drains the source and leaves nothing staged', async () => {
    const staging = await sut.stage();
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 50; i++) {
        produced += 1;
        yield Buffer.alloc(1000, i);
      }
    }
    const stream = Readable.from(source());
    await assert.rejects(staging.writeFile('big.bin', stream, 2500), isArtifactError('UPLOAD_TOO_LARGE'));
    await new Promise((r) => (stream.readableEnded ? r(undefined) : stream.once('end', r)));
    assert.equal(produced, 50);
    assert.deepEqual(staging.files(), []);
    const stagingDirs = await readdir(path.join(root, 'staging'));
    assert.equal(stagingDirs.length, 1);
    assert.deepEqual(await readdir(path.join(root, 'staging', stagingDirs[0]!)), []);
    await staging.discard();
    await staging.discard(); // idempotent
    assert.deepEqual(await readdir(path.join(root, 'staging')), []);
  });

  it('refuses unsafe and duplicate names and a stream that fails midway', async () => {
    const staging = await sut.stage();
    await assert.rejects(staging.writeFile('../x', Readable.from([Buffer.from('x')]), 10), (e: unknown) => {
      assert.ok(e instanceof ArtifactError && e.code === 'INVALID_UPLOAD');
      assert.match(e.message, /"\.\.\/x"/);
      assert.doesNotMatch(e.message, new RegExp(root));
      return true;
    });
    await staging.writeFile('a.bin', Readable.from([Buffer.from('x')]), 10);
    await assert.rejects(staging.writeFile('a.bin', Readable.from([Buffer.from('y')]), 10), isArtifactError('INVALID_UPLOAD'));
    const broken = new Readable({ read() {} });
    const p = staging.writeFile('b.bin', broken, 10);
    broken.push(Buffer.from('12'));
    broken.destroy(new Error('socket hang up'));
    await assert.rejects(p, isArtifactError('INVALID_UPLOAD'));
    assert.deepEqual(
      staging.files().map((f) => f.name),
      ['a.bin'],
    );
    await staging.discard();
    await assert.rejects(staging.commit());
  });

  it('detects corrupt, missing and tampered artifacts on read', async () => {
    const staging = await sut.stage();
    await staging.writeFile('model.json', Readable.from([Buffer.from('{"x":1}')]), 100);
    await staging.writeFile('w.bin', Readable.from([Buffer.from('0123456789')]), 100);
    const manifest = await staging.commit();
    const w = manifest.files.find((f) => f.name === 'w.bin')!;
    const blob = path.join(root, 'sha256', w.sha256.slice(0, 2), w.sha256);

    await writeFile(blob, '0123456780');
    await assert.rejects(sut.readArtifact(manifest), (e: unknown) => {
      assert.ok(e instanceof ArtifactError && e.code === 'ARTIFACT_CORRUPT');
      assert.doesNotMatch(e.message, new RegExp(root));
      return true;
    });
    await writeFile(blob, '012345678');
    await assert.rejects(sut.readArtifact(manifest), isArtifactError('ARTIFACT_CORRUPT'));
    await rm(blob);
    await assert.rejects(sut.readArtifact(manifest), isArtifactError('ARTIFACT_CORRUPT'));
    const tampered = { ...manifest, files: manifest.files.map((f) => ({ ...f, size: f.size + 1 })) };
    await assert.rejects(sut.readArtifact(tampered), isArtifactError('ARTIFACT_CORRUPT'));

    // A new upload of the same bytes repairs a missing blob, and a damaged one of the same size.
    const reupload = async () => {
      const again = await sut.stage();
      await again.writeFile('model.json', Readable.from([Buffer.from('{"x":1}')]), 100);
      await again.writeFile('w.bin', Readable.from([Buffer.from('0123456789')]), 100);
      assert.deepEqual(await again.commit(), manifest);
      assert.equal((await sut.readArtifact(manifest)).size, 2);
    };
    await reupload();
    await writeFile(blob, '0123456780');
    await reupload();
    assert.equal((await stat(blob)).mode & 0o777, 0o640);
  });
});
