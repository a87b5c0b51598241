/**
 * The artifact store in PostgreSQL (`postgres:` or `db:`): the default whenever DATABASE_URL is set,
 * so workers on any host need nothing but the database they already share.
 *
 * A blob is one "ArtifactBlob" row (digest, size, chunk count, stored-at) and its bytes are
 * "ArtifactBlobChunk" rows of at most `chunkBytes` (4 MiB) `bytea`, keyed by digest and index:
 * PostgreSQL keeps each in TOAST, uncompressed (weights do not compress). Both directions stream
 * one chunk at a time, so memory stays at about one chunk per transfer whatever the blob's size
 * (node-postgres crashed reading one 256 MB value as a single row).
 *
 * Writing: chunks go in under a temporary key `partial:<uuid>` while the bytes are hashed; one
 * short transaction then either renames them to the digest and inserts the blob row, or, when the
 * blob was already stored, drops them and refreshes its stored-at time (deduplication). Readers
 * never see a partial blob. Chunks of an upload that died are removed by garbage collection.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import type { ArtifactStore, BlobRef, ListedBlob } from './artifact-store.ts';
import { refuseMismatch } from './blob-digest.ts';
import { ArtifactError } from './artifact.errors.ts';
import { HEX64 } from './artifact-manifest.ts';

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
const PARTIAL = 'partial:';

export interface PostgresStoreOptions {
  chunkBytes?: number;
  /** Connections of this store's own pool (separate from Prisma's). */
  poolSize?: number;
}

export class PostgresArtifactStore implements ArtifactStore {
  readonly kind = 'postgres';
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly chunkBytes: number;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4 });
    // An idle connection that breaks is dropped by the pool; the next query opens another.
    this.pool.on('error', () => {});
    const parsed = new URL(url);
    this.location = `postgres://${parsed.host}${parsed.pathname}`;
  }

  async put(source: Readable, expected?: BlobRef): Promise<BlobRef> {
    if (expected !== undefined && (await this.touchIfIntact(expected))) {
      source.destroy();
      return { sha256: expected.sha256, size: expected.size };
    }
    const partial = `${PARTIAL}${randomUUID()}`;
    try {
      const { stored, chunks } = await this.writeChunks(source, partial);
      refuseMismatch(stored, expected);
      await this.commitBlob(partial, stored, chunks);
      return stored;
    } catch (error) {
      await this.pool.query('DELETE FROM "ArtifactBlobChunk" WHERE key = $1', [partial]).catch(() => undefined);
      throw error;
    }
  }

  async get(sha256: string): Promise<Readable | undefined> {
    if (!HEX64.test(sha256)) return undefined;
    const { rows } = await this.pool.query<{ chunks: number }>('SELECT chunks FROM "ArtifactBlob" WHERE sha256 = $1', [sha256]);
    if (rows.length === 0) return undefined;
    return Readable.from(this.readChunks(sha256, rows[0]!.chunks), { objectMode: false });
  }

  async has(sha256: string): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    const { rowCount } = await this.pool.query('SELECT 1 FROM "ArtifactBlob" WHERE sha256 = $1', [sha256]);
    return rowCount === 1;
  }

  async delete(sha256: string, storedBefore: Date): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    return this.transaction(async (client) => {
      // Locks the row: an upload refreshing storedAt meanwhile waits, or wins and keeps it.
      const deleted = await client.query('DELETE FROM "ArtifactBlob" WHERE sha256 = $1 AND "storedAt" < $2', [sha256, storedBefore]);
      if (deleted.rowCount !== 1) return false;
      await client.query('DELETE FROM "ArtifactBlobChunk" WHERE key = $1', [sha256]);
      return true;
    });
  }

  async *list(): AsyncIterable<ListedBlob> {
    let after = '';
    for (;;) {
      const { rows } = await this.pool.query<{ sha256: string; size: string; storedAt: Date }>(
        'SELECT sha256, size::text AS size, "storedAt" FROM "ArtifactBlob" WHERE sha256 > $1 ORDER BY sha256 LIMIT 1000',
        [after],
      );
      for (const row of rows) yield { sha256: row.sha256, size: Number(row.size), storedAt: row.storedAt };
      if (rows.length < 1000) return;
      after = rows.at(-1)!.sha256;
    }
  }

  /** Removes chunks of uploads that started before `before` and never finished (their process died). */
  async removeAbandonedChunks(before: Date): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM "ArtifactBlobChunk" WHERE key LIKE '${PARTIAL}%' AND "createdAt" < $1`, [before]);
    return rowCount ?? 0;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** Writes the stream as chunks under `key`, one chunk buffer at a time; returns its digest. */
  private async writeChunks(source: Readable, key: string): Promise<{ stored: BlobRef; chunks: number }> {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(this.chunkBytes);
    let fill = 0;
    let size = 0;
    let index = 0;
    const flush = async () => {
      // Awaited before the buffer is reused: node-postgres has sent the bytes once the insert resolves.
      await this.pool.query('INSERT INTO "ArtifactBlobChunk" (key, index, data) VALUES ($1, $2, $3)', [key, index, buffer.subarray(0, fill)]);
      index += 1;
      fill = 0;
    };
    for await (const piece of source as AsyncIterable<Buffer>) {
      hash.update(piece);
      size += piece.length;
      let offset = 0;
      while (offset < piece.length) {
        const n = Math.min(piece.length - offset, this.chunkBytes - fill);
        piece.copy(buffer, fill, offset, offset + n);
        fill += n;
        offset += n;
        if (fill === this.chunkBytes) await flush();
      }
    }
    if (fill > 0) await flush();
    return { stored: { sha256: hash.digest('hex'), size }, chunks: index };
  }

  /** Makes the partial chunks the blob, unless an intact copy is stored already (then they are dropped). */
  private commitBlob(partial: string, blob: BlobRef, chunks: number): Promise<void> {
    return this.transaction(async (client) => {
      const upsert = await client.query<{ inserted: boolean }>(
        `INSERT INTO "ArtifactBlob" (sha256, size, chunks, "storedAt") VALUES ($1, $2, $3, now())
         ON CONFLICT (sha256) DO UPDATE SET "storedAt" = now()
         RETURNING (xmax = 0) AS inserted`,
        [blob.sha256, blob.size, chunks],
      );
      if (!upsert.rows[0]!.inserted && (await this.intact(client, blob))) {
        await client.query('DELETE FROM "ArtifactBlobChunk" WHERE key = $1', [partial]);
        return;
      }
      // New, or a damaged copy (chunks lost): this upload's chunks replace it.
      await client.query('DELETE FROM "ArtifactBlobChunk" WHERE key = $1', [blob.sha256]);
      await client.query('UPDATE "ArtifactBlobChunk" SET key = $1 WHERE key = $2', [blob.sha256, partial]);
      await client.query('UPDATE "ArtifactBlob" SET size = $2, chunks = $3 WHERE sha256 = $1', [blob.sha256, blob.size, chunks]);
    });
  }

  /** Refreshes storedAt of an intact stored copy (so garbage collection spares it); false when none. */
  private async touchIfIntact(blob: BlobRef): Promise<boolean> {
    if (!HEX64.test(blob.sha256)) return false;
    return this.transaction(async (client) => {
      const { rows } = await client.query('SELECT 1 FROM "ArtifactBlob" WHERE sha256 = $1 FOR UPDATE', [blob.sha256]);
      if (rows.length === 0 || !(await this.intact(client, blob))) return false;
      await client.query('UPDATE "ArtifactBlob" SET "storedAt" = now() WHERE sha256 = $1', [blob.sha256]);
      return true;
    });
  }

  /** The blob's row and chunks agree with `blob`'s size (length() of stored bytea is read from its header, not its bytes). */
  private async intact(client: pg.PoolClient, blob: BlobRef): Promise<boolean> {
    const { rows } = await client.query<{ ok: boolean }>(
      `SELECT b.size = $2 AND b.chunks = c.n AND b.size = c.bytes AS ok
         FROM "ArtifactBlob" b,
              LATERAL (SELECT count(*)::int AS n, coalesce(sum(length(data)), 0) AS bytes FROM "ArtifactBlobChunk" WHERE key = b.sha256) c
        WHERE b.sha256 = $1`,
      [blob.sha256, blob.size],
    );
    return rows[0]?.ok === true;
  }

  private async *readChunks(sha256: string, chunks: number): AsyncGenerator<Buffer> {
    for (let index = 0; index < chunks; index++) {
      // Text protocol (hex): node-postgres decodes binary-format results as UTF-8 text, which mangles bytea.
      const { rows } = await this.pool.query<{ data: Buffer }>('SELECT data FROM "ArtifactBlobChunk" WHERE key = $1 AND index = $2', [sha256, index]);
      if (rows.length === 0) throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob sha256 ${sha256} lost its chunk ${index}.`);
      yield rows[0]!.data;
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
