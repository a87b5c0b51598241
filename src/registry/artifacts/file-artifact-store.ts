/**
 * The artifact store in one local folder (`file:/path`): the default without DATABASE_URL. Workers on
 * other hosts see it only through a shared file system.
 *
 *     sha256/<first 2 hex>/<64 hex>     blobs, mode 0o640, folders 0o750
 *     staging/put-<random>              a blob being written (renamed onto its path when complete)
 *
 * A blob appears by rename, so it is complete or absent (atomic on one file system). Its mtime is its
 * stored-at time: storing the same bytes again touches it.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore, BlobRef, ListedBlob } from './artifact-store.ts';
import { DigestStream, refuseMismatch, sha256OfStream } from './blob-digest.ts';
import { HEX64 } from './artifact-manifest.ts';

export const BLOB_FILE_MODE = 0o640;
export const BLOB_DIR_MODE = 0o750;

export class FileArtifactStore implements ArtifactStore {
  readonly kind = 'file';
  private readonly blobRoot: string;
  private readonly tmpRoot: string;

  constructor(readonly rootDir: string) {
    this.blobRoot = path.join(rootDir, 'sha256');
    this.tmpRoot = path.join(rootDir, 'staging');
  }

  get location(): string {
    return `file:${this.rootDir}`;
  }

  async put(source: Readable, expected?: BlobRef): Promise<BlobRef> {
    // An error before the pipeline below is attached must reject this put, not crash the process.
    source.on('error', () => {});
    if (expected !== undefined && (await this.keepExisting(expected))) {
      source.destroy();
      return { sha256: expected.sha256, size: expected.size };
    }
    await mkdir(this.tmpRoot, { recursive: true, mode: BLOB_DIR_MODE });
    const tmp = path.join(this.tmpRoot, `put-${randomUUID()}`);
    try {
      const digest = new DigestStream();
      await pipeline(source, digest, createWriteStream(tmp, { flags: 'wx', mode: BLOB_FILE_MODE }));
      const stored = digest.result();
      refuseMismatch(stored, expected);
      const target = this.blobPath(stored.sha256);
      await this.makeFolder(path.dirname(target));
      await chmod(tmp, BLOB_FILE_MODE);
      await rename(tmp, target);
      return stored;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(sha256: string): Promise<Readable | undefined> {
    if (!(await this.has(sha256))) return undefined;
    return createReadStream(this.blobPath(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    try {
      return (await stat(this.blobPath(sha256))).isFile();
    } catch {
      return false;
    }
  }

  async delete(sha256: string, storedBefore: Date): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    const target = this.blobPath(sha256);
    try {
      if ((await stat(target)).mtimeMs >= storedBefore.getTime()) return false;
      await unlink(target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<ListedBlob> {
    let prefixes: string[];
    try {
      prefixes = await readdir(this.blobRoot);
    } catch {
      return;
    }
    for (const prefix of prefixes) {
      let names: string[];
      try {
        names = await readdir(path.join(this.blobRoot, prefix));
      } catch {
        continue;
      }
      for (const name of names) {
        if (!HEX64.test(name) || name.slice(0, 2) !== prefix) continue;
        try {
          const s = await stat(path.join(this.blobRoot, prefix, name));
          if (s.isFile()) yield { sha256: name, size: s.size, storedAt: s.mtime };
        } catch {
          // Deleted meanwhile.
        }
      }
    }
  }

  async close(): Promise<void> {}

  private blobPath(sha256: string): string {
    return path.join(this.blobRoot, sha256.slice(0, 2), sha256);
  }

  /**
   * An intact copy is kept (and touched, so garbage collection spares it until the caller has
   * recorded it); a damaged one (other size or bytes) is replaced by the new upload.
   */
  private async keepExisting(expected: BlobRef): Promise<boolean> {
    const target = this.blobPath(expected.sha256);
    try {
      const existing = await stat(target);
      if (!existing.isFile() || existing.size !== expected.size) return false;
      if ((await sha256OfStream(createReadStream(target))) !== expected.sha256) return false;
      const now = new Date();
      await utimes(target, now, now);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private async makeFolder(dir: string): Promise<void> {
    const created = await mkdir(dir, { recursive: true, mode: BLOB_DIR_MODE });
    if (created !== undefined) {
      // mkdir's mode is filtered by the umask; set it exactly on the folders we made.
      await chmod(dir, BLOB_DIR_MODE);
      if (path.resolve(created) !== path.resolve(dir)) await chmod(path.dirname(dir), BLOB_DIR_MODE);
    }
  }
}
