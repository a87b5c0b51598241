/**
 * The artifact store in an S3-compatible object store (`s3://bucket/prefix`), through
 * `@aws-sdk/client-s3`. Blobs are objects `<prefix>sha256/<64 hex>`; credentials and region come
 * from the SDK's usual sources (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, ...).
 *
 * Not integration-tested here: no S3 server can be installed on these machines (Debian packages
 * none, and npm's mocks accept wrong secrets). s3-artifact-store.test.ts checks the requests it
 * sends, not a real server's answers.
 *
 * A put spools the stream to a local temporary file while hashing it (the object's name is its
 * digest, and PutObject needs the length first), then uploads that file with its SHA-256 checksum,
 * which the server checks. Storing a blob again copies the object onto itself to refresh its
 * LastModified (garbage collection spares blobs stored within its grace period). Deletion checks
 * LastModified first; unlike the other stores that check is not atomic with the delete.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ArtifactStore, BlobRef, ListedBlob } from './artifact-store.ts';
import { DigestStream, refuseMismatch } from './blob-digest.ts';
import { HEX64 } from './artifact-manifest.ts';

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** "" or ending with "/". */
  prefix: string;
  /** Local folder for spooling uploads. */
  spoolDir: string;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly kind = 's3';
  readonly location: string;

  constructor(private readonly options: S3StoreOptions) {
    this.location = `s3://${options.bucket}/${options.prefix}`;
  }

  async put(source: Readable, expected?: BlobRef): Promise<BlobRef> {
    // An error before the pipeline below is attached must reject this put, not crash the process.
    source.on('error', () => {});
    if (expected !== undefined && (await this.sizeOf(expected.sha256)) === expected.size) {
      source.destroy();
      await this.send(
        new CopyObjectCommand({ Bucket: this.options.bucket, Key: this.key(expected.sha256), CopySource: `${this.options.bucket}/${this.key(expected.sha256)}`, MetadataDirective: 'REPLACE' }),
      );
      return { sha256: expected.sha256, size: expected.size };
    }
    await mkdir(this.options.spoolDir, { recursive: true, mode: 0o700 });
    const spool = path.join(this.options.spoolDir, `s3-put-${randomUUID()}`);
    try {
      const digest = new DigestStream();
      await pipeline(source, digest, createWriteStream(spool, { flags: 'wx', mode: 0o600 }));
      const stored = digest.result();
      refuseMismatch(stored, expected);
      await this.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(stored.sha256),
          Body: createReadStream(spool),
          ContentLength: stored.size,
          ContentType: 'application/octet-stream',
          ChecksumSHA256: Buffer.from(stored.sha256, 'hex').toString('base64'),
        }),
      );
      return stored;
    } finally {
      await rm(spool, { force: true });
    }
  }

  async get(sha256: string): Promise<Readable | undefined> {
    if (!HEX64.test(sha256)) return undefined;
    try {
      const answer = await this.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
      return answer.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return HEX64.test(sha256) && (await this.sizeOf(sha256)) !== undefined;
  }

  async delete(sha256: string, storedBefore: Date): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    let modified: Date | undefined;
    try {
      modified = (await this.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }))).LastModified;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    if (modified === undefined || modified.getTime() >= storedBefore.getTime()) return false;
    await this.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
    return true;
  }

  async *list(): AsyncIterable<ListedBlob> {
    const prefix = `${this.options.prefix}sha256/`;
    let token: string | undefined;
    do {
      const page = await this.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) {
        const sha256 = object.Key?.slice(prefix.length) ?? '';
        if (HEX64.test(sha256)) yield { sha256, size: object.Size ?? 0, storedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.options.client.destroy();
  }

  private key(sha256: string): string {
    return `${this.options.prefix}sha256/${sha256}`;
  }

  private async sizeOf(sha256: string): Promise<number | undefined> {
    try {
      return (await this.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }))).ContentLength;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  // One cast point: the client's send is overloaded per command.
  private send(command: object): Promise<Record<string, any>> {
    return this.options.client.send(command as never) as unknown as Promise<Record<string, any>>;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
