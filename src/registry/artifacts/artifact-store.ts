/**
 * Where blobs live: a small content-addressed store, in the style of MLflow's artifact
 * repositories. One implementation per file, chosen by URL (open-artifact-store.ts):
 *
 *     file:/path, /path        file-artifact-store.ts      one folder (a shared file system across hosts)
 *     postgres:, db:           postgres-artifact-store.ts  chunked bytea rows in the platform's database
 *     s3://bucket/prefix       s3-artifact-store.ts        any S3-compatible object store
 *
 * Blobs are named by the lowercase hex SHA-256 of their bytes; storing the same bytes twice keeps
 * one copy. Every method streams: no store holds a whole blob in memory.
 */
import type { Readable } from 'node:stream';

export interface BlobRef {
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string;
  size: number;
}

export interface ListedBlob extends BlobRef {
  /** When it was stored, or last stored again by an upload of the same bytes. */
  storedAt: Date;
}

export interface ArtifactStore {
  /** "file", "postgres" or "s3". */
  readonly kind: string;
  /** Where, for logs and messages: never a secret (no password, no key). */
  readonly location: string;
  /**
   * Streams `source` into the store and returns its digest and size. When `expected` is given and
   * that blob is already stored, `source` is not read (it is destroyed) and the blob's stored-at time
   * is refreshed, which protects it from garbage collection while the caller records it. Bytes that
   * do not match `expected` are refused (nothing stored).
   */
  put(source: Readable, expected?: BlobRef): Promise<BlobRef>;
  /** The blob's bytes as a stream, or undefined when no such blob is stored. */
  get(sha256: string): Promise<Readable | undefined>;
  has(sha256: string): Promise<boolean>;
  /**
   * Deletes the blob unless it was stored (or stored again) at or after `storedBefore`: an upload
   * of the same bytes may be about to record it. Returns whether it was deleted.
   */
  delete(sha256: string, storedBefore: Date): Promise<boolean>;
  /** Every blob (for garbage collection), in no particular order. */
  list(): AsyncIterable<ListedBlob>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
