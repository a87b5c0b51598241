/**
 * The S3 store's requests, as @aws-sdk/client-s3 sends them, answered by a stub request handler.
 * This checks the request shape only (keys, methods, checksums, copy-in-place, list paging); no
 * S3 server can be installed here, so the store is not integration-tested (docs/operations.md).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ArtifactStore as Sut } from './s3-artifact-store.ts';

interface Seen {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: Buffer;
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

let spool: string;
let seen: Seen[];
let answers: Answer[];

function client(): S3Client {
  return new S3Client({
    region: 'eu-west-1',
    endpoint: 'http://s3.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: any) => {
        const parts: Buffer[] = [];
        if (request.body && typeof request.body[Symbol.asyncIterator] === 'function') for await (const p of request.body) parts.push(Buffer.from(p));
        else if (request.body) parts.push(Buffer.from(request.body));
        seen.push({ method: request.method, path: request.path, query: request.query ?? {}, headers: request.headers, body: Buffer.concat(parts) });
        const answer = answers.shift() ?? { status: 200 };
        return { response: { statusCode: answer.status, headers: answer.headers ?? {}, body: Readable.from([Buffer.from(answer.body ?? '')]) } };
      },
    } as never,
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  spool = await mkdtemp(path.join(tmpdir(), 'fragmark-s3-spool-'));
});
after(() => rm(spool, { recursive: true, force: true }));

test('put uploads the bytes under <prefix>sha256/<digest> with their length and SHA-256 checksum, leaving no spool file', async () => {
  seen = [];
  answers = [{ status: 200, headers: { etag: '"e"' } }];
  const sut = new Sut({ client: client(), bucket: 'models', prefix: 'fragmark/', spoolDir: spool });
  const bytes = Buffer.from('weights '.repeat(1000));
  const ref = await sut.put(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]));
  assert.deepEqual(ref, { sha256: sha(bytes), size: bytes.length });
  assert.equal(seen.length, 1);
  const [put] = seen;
  assert.equal(put!.method, 'PUT');
  assert.equal(put!.path, `/models/fragmark/sha256/${sha(bytes)}`);
  assert.equal(put!.headers['content-length'], String(bytes.length));
  assert.equal(put!.headers['x-amz-checksum-sha256'], Buffer.from(sha(bytes), 'hex').toString('base64'));
  assert.match(put!.headers['authorization'] ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  assert.ok(put!.body.equals(bytes), 'the bytes are the body');
  assert.deepEqual(await readdir(spool), []);
  await sut.close();
});

test('put of an announced blob already stored copies it onto itself (refreshing LastModified) without uploading', async () => {
  seen = [];
  const bytes = Buffer.from('stored already');
  answers = [{ status: 200, headers: { 'content-length': String(bytes.length) } }, { status: 200, body: '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>' }];
  const sut = new Sut({ client: client(), bucket: 'models', prefix: '', spoolDir: spool });
  let read = false;
  const source = new Readable({
    read() {
      read = true;
      this.push(null);
    },
  });
  await sut.put(source, { sha256: sha(bytes), size: bytes.length });
  assert.equal(read, false);
  assert.deepEqual(
    seen.map((r) => [r.method, r.path]),
    [
      ['HEAD', `/models/sha256/${sha(bytes)}`],
      ['PUT', `/models/sha256/${sha(bytes)}`],
    ],
  );
  assert.equal(seen[1]!.headers['x-amz-copy-source'], `models/sha256/${sha(bytes)}`);
  assert.equal(seen[1]!.headers['x-amz-metadata-directive'], 'REPLACE');
  assert.equal(seen[1]!.body.length, 0);
  await sut.close();
});

test('get and has answer a missing object as absent; delete spares objects modified after the cut-off', async () => {
  const digest = sha(Buffer.from('x'));
  const sut = new Sut({ client: client(), bucket: 'models', prefix: 'p/', spoolDir: spool });
  seen = [];
  answers = [{ status: 404, body: '<Error><Code>NoSuchKey</Code></Error>' }, { status: 404 }];
  assert.equal(await sut.get(digest), undefined);
  assert.equal(await sut.has(digest), false);
  answers = [{ status: 200, headers: { 'last-modified': new Date().toUTCString() } }];
  assert.equal(await sut.delete(digest, new Date(Date.now() - 3_600_000)), false);
  answers = [{ status: 200, headers: { 'last-modified': new Date(Date.now() - 7_200_000).toUTCString() } }, { status: 204 }];
  assert.equal(await sut.delete(digest, new Date(Date.now() - 3_600_000)), true);
  assert.deepEqual(
    seen.map((r) => r.method),
    ['GET', 'HEAD', 'HEAD', 'HEAD', 'DELETE'],
  );
  assert.equal(seen.at(-1)!.path, `/models/p/sha256/${digest}`);
  await sut.close();
});

test('list pages through ListObjectsV2 under the prefix', async () => {
  const [a, b] = [sha(Buffer.from('a')), sha(Buffer.from('b'))];
  const page = (key: string, more: boolean) =>
    `<ListBucketResult><IsTruncated>${more}</IsTruncated>${more ? '<NextContinuationToken>t2</NextContinuationToken>' : ''}<Contents><Key>p/sha256/${key}</Key><Size>3</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>`;
  seen = [];
  answers = [{ status: 200, body: page(a, true) }, { status: 200, body: page(b, false) }];
  const sut = new Sut({ client: client(), bucket: 'models', prefix: 'p/', spoolDir: spool });
  const listed = [];
  for await (const blob of sut.list()) listed.push(blob);
  assert.deepEqual(
    listed.map((x) => [x.sha256, x.size, x.storedAt.toISOString()]),
    [
      [a, 3, '2026-01-01T00:00:00.000Z'],
      [b, 3, '2026-01-01T00:00:00.000Z'],
    ],
  );
  assert.equal(seen[0]!.query['list-type'], '2');
  assert.equal(seen[0]!.query['prefix'], 'p/sha256/');
  assert.equal(seen[1]!.query['continuation-token'], 't2');
  await sut.close();
});
