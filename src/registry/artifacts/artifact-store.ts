/**
 * Content-addressed artifact store on the local file system.
 *
 * Layout under `rootDir`:
 *
 *     sha256/<first 2 hex>/<64 hex>     blobs, mode 0o640, folders 0o750, named by the SHA-256 of their bytes
 *     staging/<random>/<n>.part         one private folder (0o700) per upload in progress
 *
 * A model version's files are described by an {@link ArtifactManifest} (file name in the model
 * folder -> blob digest and size), which the registry stores in its database. Identical files are
 * stored once, whatever their names and whichever tenant sent them. Blobs are deleted only through
 * {@link ArtifactStore.removeBlob}, by the registry once no manifest references them
 * (candidate-collector.ts).
 *
 * Uploads go to staging first: {@link StagingArea.writeFile} streams and hashes each file there,
 * then {@link StagingArea.commit} renames every staged file onto its blob path (atomic per blob on
 * one file system) or, when an identical blob is already stored, keeps the stored one.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactError } from './artifact.errors.ts';

/** One file of a model folder as stored. */
export interface StoredFile {
  /** Path inside the model folder, e.g. "model.json", "group1-shard1of1.bin". */
  name: string;
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string;
  size: number;
}

export interface ArtifactManifest {
  /** Sorted by name. */
  files: StoredFile[];
  totalBytes: number;
  /** sha256 over the canonical JSON of files sorted by name: see {@link manifestDigest}. */
  digest: string;
}

export const BLOB_FILE_MODE = 0o640;
export const BLOB_DIR_MODE = 0o750;
export const MAX_NAME_LENGTH = 200;

const HEX64 = /^[0-9a-f]{64}$/;
const NAME_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Why `name` is not a safe path inside a model folder, or undefined when it is. Safe: relative,
 * at most 200 characters, segments of `[A-Za-z0-9._-]` separated by single `/`, no `.` or `..`
 * segment (so no backslash, NUL, leading `/`, empty segment or traversal).
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'the file name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the file name is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes('\0')) return 'the file name contains a NUL character';
  if (name.includes('\\')) return 'the file name contains a backslash (use "/" between folders)';
  if (name.startsWith('/')) return 'the file name is an absolute path (use a path relative to the model folder)';
  const segments = name.split('/');
  for (const segment of segments) {
    if (segment === '') return 'the file name has an empty path segment';
    if (segment === '.' || segment === '..') return 'the file name contains a "." or ".." path segment';
    if (!NAME_SEGMENT.test(segment)) return 'the file name may only contain letters, digits, ".", "_", "-" and "/" between folders';
  }
  return undefined;
}

/** For messages shown to clients: the name as JSON, shortened. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

function assertSafeName(name: string): void {
  const reason = unsafeNameReason(name);
  if (reason !== undefined) throw new ArtifactError('INVALID_UPLOAD', `Refused file name ${quoteName(name)}: ${reason}.`);
}

function compareNames(a: StoredFile, b: StoredFile): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The manifest digest: lowercase hex SHA-256 of the UTF-8 JSON text
 * `[{"name":…,"sha256":…,"size":…},…]` with the files sorted by name (JS string order), keys in
 * exactly that order and no whitespace (what `JSON.stringify` writes).
 */
export function manifestDigest(files: readonly StoredFile[]): string {
  const canonical = [...files].sort(compareNames).map((f) => ({ name: f.name, sha256: f.sha256, size: f.size }));
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}

export function buildManifest(files: readonly StoredFile[]): ArtifactManifest {
  const sorted = [...files].sort(compareNames).map((f) => ({ name: f.name, sha256: f.sha256, size: f.size }));
  return { files: sorted, totalBytes: sorted.reduce((sum, f) => sum + f.size, 0), digest: manifestDigest(sorted) };
}

export interface StagingArea {
  /**
   * Streams one file into staging, hashing as it goes. Refuses (ArtifactError UPLOAD_TOO_LARGE)
   * as soon as more than `maxBytes` arrive: nothing more is written or buffered, and the rest of
   * `stream` is read and thrown away (so a multipart parser feeding it is not stalled). Rejects
   * unsafe and duplicate names (INVALID_UPLOAD) before reading anything, and a stream that errors
   * or closes before its end (INVALID_UPLOAD). A refused file leaves nothing in staging.
   */
  writeFile(name: string, stream: NodeJS.ReadableStream, maxBytes: number): Promise<StoredFile>;
  /** The files written so far, in arrival order. */
  files(): StoredFile[];
  /** Reads every staged file back into memory (checking its hash), by name. */
  readAll(): Promise<Map<string, Uint8Array>>;
  /**
   * Moves staged files into the content-addressed store atomically per blob (rename; identical
   * existing blobs are kept), returns the manifest, removes staging. Waits for writes in progress.
   * If it fails midway, blobs already moved stay (content-addressed, harmless) and staging is removed.
   */
  commit(): Promise<ArtifactManifest>;
  /** Deletes everything staged, after any write in progress has settled. Idempotent. */
  discard(): Promise<void>;
}

interface StagedEntry extends StoredFile {
  readonly tmpPath: string;
}

class LocalStagingArea implements StagingArea {
  private readonly entries: StagedEntry[] = [];
  private readonly names = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private state: 'open' | 'committing' | 'closed' = 'open';
  private counter = 0;

  constructor(
    private readonly dir: string,
    private readonly store: ArtifactStore,
  ) {}

  writeFile(name: string, stream: NodeJS.ReadableStream, maxBytes: number): Promise<StoredFile> {
    const promise = this.doWriteFile(name, stream, maxBytes);
    const tracked = promise.catch(() => undefined);
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
    return promise;
  }

  private async doWriteFile(name: string, stream: NodeJS.ReadableStream, maxBytes: number): Promise<StoredFile> {
    if (this.state !== 'open') {
      discardRest(stream);
      throw new Error('this staging area was already committed or discarded');
    }
    try {
      assertSafeName(name);
      if (this.names.has(name)) throw new ArtifactError('INVALID_UPLOAD', `The file ${quoteName(name)} was sent twice: every file name must be unique.`);
    } catch (error) {
      discardRest(stream);
      throw error;
    }
    if ((stream as { destroyed?: boolean }).destroyed === true) {
      throw new ArtifactError('INVALID_UPLOAD', `The upload of ${quoteName(name)} stopped before the file was complete.`);
    }
    this.names.add(name);
    const tmpPath = path.join(this.dir, `${this.counter++}.part`);
    try {
      const { sha256, size } = await streamToFile(stream, tmpPath, maxBytes, name);
      if (this.state !== 'open') {
        await rm(tmpPath, { force: true });
        throw new Error('this staging area was discarded while a file was being written');
      }
      const entry: StagedEntry = { name, sha256, size, tmpPath };
      this.entries.push(entry);
      return { name, sha256, size };
    } catch (error) {
      this.names.delete(name);
      throw error;
    }
  }

  files(): StoredFile[] {
    return this.entries.map(({ name, sha256, size }) => ({ name, sha256, size }));
  }

  async readAll(): Promise<Map<string, Uint8Array>> {
    if (this.state !== 'open') throw new Error('this staging area was already committed or discarded');
    await this.settle();
    const out = new Map<string, Uint8Array>();
    for (const e of this.entries) {
      const bytes = new Uint8Array(await readFile(e.tmpPath));
      if (bytes.byteLength !== e.size || createHash('sha256').update(bytes).digest('hex') !== e.sha256) {
        throw new ArtifactError('ARTIFACT_CORRUPT', `The staged file ${quoteName(e.name)} changed while the upload was being processed.`);
      }
      out.set(e.name, bytes);
    }
    return out;
  }

  async commit(): Promise<ArtifactManifest> {
    if (this.state !== 'open') throw new Error('this staging area was already committed or discarded');
    this.state = 'committing';
    try {
      await this.settle();
      for (const e of this.entries) await this.store.adoptBlob(e.tmpPath, e.sha256, e.size);
      return buildManifest(this.entries);
    } finally {
      this.state = 'closed';
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  async discard(): Promise<void> {
    if (this.state === 'committing') throw new Error('cannot discard a staging area while it is being committed');
    this.state = 'closed';
    await this.settle();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** Keeps a stream flowing into nothing, so that whatever feeds it is not blocked. */
function discardRest(stream: NodeJS.ReadableStream): void {
  stream.on('error', () => {});
  stream.on('data', () => {});
  stream.resume();
}

function streamToFile(stream: NodeJS.ReadableStream, tmpPath: string, maxBytes: number, name: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash: Hash = createHash('sha256');
    const out = createWriteStream(tmpPath, { flags: 'wx', mode: BLOB_FILE_MODE });
    let size = 0;
    let settled = false;
    let ended = false;

    const cleanup = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onStreamError);
      stream.removeListener('close', onClose);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      discardRest(stream);
      out.destroy();
      // Remove the partial file once the write stream has let go of it.
      const remove = () => void rm(tmpPath, { force: true }).then(() => reject(error), () => reject(error));
      if (out.closed) remove();
      else out.once('close', remove);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        fail(new ArtifactError('UPLOAD_TOO_LARGE', `The upload is larger than allowed: ${quoteName(name)} passes the remaining budget of ${Math.max(0, maxBytes)} bytes.`));
        return;
      }
      hash.update(bytes);
      if (!out.write(bytes)) {
        stream.pause();
        out.once('drain', () => {
          if (!settled) stream.resume();
        });
      }
    };
    const onEnd = () => {
      ended = true;
      cleanup();
      stream.on('error', () => {});
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve({ sha256: hash.digest('hex'), size });
      });
    };
    const onStreamError = (error: Error) =>
      fail(new ArtifactError('INVALID_UPLOAD', `The upload of ${quoteName(name)} failed before the file was complete${error.message ? ` (${error.message})` : ''}.`));
    const onClose = () => {
      if (!ended) fail(new ArtifactError('INVALID_UPLOAD', `The upload of ${quoteName(name)} stopped before the file was complete.`));
    };
    out.on('error', (error) => fail(error));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onStreamError);
    stream.once('close', onClose);
    stream.resume();
  });
}

export class ArtifactStore {
  private readonly blobRoot: string;
  private readonly stagingRoot: string;

  constructor(readonly rootDir: string) {
    this.blobRoot = path.join(rootDir, 'sha256');
    this.stagingRoot = path.join(rootDir, 'staging');
  }

  /** A fresh private staging folder for one upload; removed by the caller via discard() or consumed by commit(). */
  async stage(): Promise<StagingArea> {
    await mkdir(this.stagingRoot, { recursive: true, mode: BLOB_DIR_MODE });
    const dir = await mkdtemp(path.join(this.stagingRoot, 'up-'));
    return new LocalStagingArea(dir, this);
  }

  /**
   * Reads every file of a manifest, verifying the manifest digest and each blob's size and SHA-256.
   * Throws ArtifactError ARTIFACT_CORRUPT on any mismatch or missing blob.
   */
  async readArtifact(manifest: ArtifactManifest): Promise<Map<string, Uint8Array>> {
    if (!Array.isArray(manifest.files) || manifestDigest(manifest.files) !== manifest.digest) {
      throw new ArtifactError('ARTIFACT_CORRUPT', 'The artifact manifest does not match its digest.');
    }
    const out = new Map<string, Uint8Array>();
    for (const f of manifest.files) {
      if (unsafeNameReason(f.name) !== undefined || !HEX64.test(f.sha256) || out.has(f.name)) {
        throw new ArtifactError('ARTIFACT_CORRUPT', `The artifact manifest has an invalid entry ${quoteName(String(f.name))}.`);
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(this.blobPath(f.sha256)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} (sha256 ${f.sha256}) is missing.`);
        }
        throw error;
      }
      if (bytes.byteLength !== f.size) {
        throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} has ${bytes.byteLength} bytes, ${f.size} expected.`);
      }
      if (createHash('sha256').update(bytes).digest('hex') !== f.sha256) {
        throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} no longer matches its sha256 ${f.sha256}.`);
      }
      out.set(f.name, bytes);
    }
    return out;
  }

  /** Whether a blob with this SHA-256 (lowercase hex) is stored. */
  async has(sha256: string): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    try {
      return (await stat(this.blobPath(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Removes staging folders older than `maxAgeMs` (left by a crashed process). Safe while uploads
   * run as long as `maxAgeMs` is longer than any upload takes. Returns how many were removed.
   */
  async sweepStaging(maxAgeMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.stagingRoot);
    } catch {
      return 0;
    }
    let removed = 0;
    const cutoff = Date.now() - maxAgeMs;
    for (const n of names) {
      const p = path.join(this.stagingRoot, n);
      try {
        if ((await stat(p)).mtimeMs < cutoff) {
          await rm(p, { recursive: true, force: true });
          removed += 1;
        }
      } catch {
        // Gone already.
      }
    }
    return removed;
  }

  /**
   * Deletes a blob that no manifest references any more (the caller checked), unless it was
   * written or adopted by an upload within `graceMs`: such an upload may be about to record a
   * manifest that shares it. Returns whether it was deleted; a missing blob counts as not deleted.
   */
  async removeBlob(sha256: string, graceMs: number, now: Date = new Date()): Promise<boolean> {
    if (!HEX64.test(sha256)) return false;
    const target = this.blobPath(sha256);
    try {
      if ((await stat(target)).mtimeMs > now.getTime() - graceMs) return false;
      await unlink(target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private blobPath(sha256: string): string {
    return path.join(this.blobRoot, sha256.slice(0, 2), sha256);
  }

  /**
   * @internal Moves a staged, hashed file onto its blob path. An existing blob is kept when its bytes
   * hash to `sha256` (read once to check), and replaced atomically otherwise (repairing a damaged blob).
   */
  async adoptBlob(tmpPath: string, sha256: string, size: number): Promise<void> {
    const target = this.blobPath(sha256);
    const dir = path.dirname(target);
    const created = await mkdir(dir, { recursive: true, mode: BLOB_DIR_MODE });
    if (created !== undefined) {
      // mkdir's mode is filtered by the umask; set it exactly on the folders we made.
      await chmod(dir, BLOB_DIR_MODE);
      if (path.resolve(created) !== path.resolve(dir)) await chmod(path.dirname(dir), BLOB_DIR_MODE);
    }
    try {
      const existing = await stat(target);
      if (existing.isFile() && existing.size === size && (await sha256OfFile(target)) === sha256) {
        await unlink(tmpPath);
        // Marks the blob as just adopted: removeBlob leaves it alone until the new manifest is recorded.
        const now = new Date();
        await utimes(target, now, now);
        return;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await chmod(tmpPath, BLOB_FILE_MODE);
    await rename(tmpPath, target);
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
