/** Hashing blobs as they stream into a store (shared by the stores). */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ArtifactError } from './artifact.errors.ts';
import type { BlobRef } from './artifact-store.ts';

/** Passes bytes through unchanged, counting and hashing them. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  /** Once the stream has ended. */
  result(): BlobRef {
    return { sha256: this.hash.digest('hex'), size: this.size };
  }
}

/** Refuses bytes that are not the blob the caller announced (nothing may be stored under a wrong name). */
export function refuseMismatch(stored: BlobRef, expected: BlobRef | undefined): void {
  if (expected !== undefined && (stored.sha256 !== expected.sha256 || stored.size !== expected.size)) {
    throw new ArtifactError('ARTIFACT_CORRUPT', `The bytes to store (${stored.size} bytes, sha256 ${stored.sha256}) are not the announced blob (sha256 ${expected.sha256}).`);
  }
}

export async function sha256OfStream(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}
