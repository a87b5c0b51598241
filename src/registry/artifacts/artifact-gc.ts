/**
 * Garbage collection of blobs no row references: the store's listing against the digests the
 * database references (blob-references.ts). Safe beside uploads in progress: a blob stored, or
 * stored again, within `graceMs` is never deleted (an upload records its manifest after storing
 * its blobs; uploads are cut off long before the grace period ends), and each deletion re-checks
 * the references just before it. Several workers may collect at once: deleting twice is a no-op.
 */
import type { Database } from '../../db/client.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { isBlobReferenced, referencedBlobs } from './blob-references.ts';
import { PostgresArtifactStore } from './postgres-artifact-store.ts';

export interface CollectedBlobs {
  /** Blobs the store lists. */
  listed: number;
  deleted: number;
  deletedBytes: number;
}

export async function collectUnreferencedBlobs(db: Database, store: ArtifactStore, graceMs: number, now: Date = new Date()): Promise<CollectedBlobs> {
  const cutoff = new Date(now.getTime() - graceMs);
  const referenced = await referencedBlobs(db);
  const result: CollectedBlobs = { listed: 0, deleted: 0, deletedBytes: 0 };
  for await (const blob of store.list()) {
    result.listed += 1;
    if (blob.storedAt.getTime() >= cutoff.getTime() || referenced.has(blob.sha256)) continue;
    if (await isBlobReferenced(db, blob.sha256)) continue;
    if (await store.delete(blob.sha256, cutoff)) {
      result.deleted += 1;
      result.deletedBytes += blob.size;
    }
  }
  // Chunks of uploads whose process died before finishing them.
  if (store instanceof PostgresArtifactStore) await store.removeAbandonedChunks(cutoff);
  return result;
}
