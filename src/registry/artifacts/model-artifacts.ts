/**
 * Model artifacts: the files of model versions and candidate copies, kept as content-addressed
 * blobs in an {@link ArtifactStore} (artifact-store.ts: a folder, PostgreSQL or S3).
 *
 * A model version's files are described by an {@link ArtifactManifest} (artifact-manifest.ts),
 * which the registry stores in its database. Identical files are stored once, whatever their names
 * and whichever tenant sent them. Blobs are deleted only through {@link ModelArtifacts.removeBlob}
 * (candidate-collector.ts) and by garbage collection (artifact-gc.ts), once no row references them.
 *
 * Uploads are staged on this host first: {@link StagingArea.writeFile} streams and hashes each file
 * into a private folder (0o700) under the staging folder, validation reads them there, then
 * {@link StagingArea.commit} streams each into the store (identical blobs already stored are kept).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';
import { assertSafeName, buildManifest, HEX64, manifestDigest, quoteName, unsafeNameReason, type ArtifactManifest, type StoredFile } from './artifact-manifest.ts';
import { ArtifactError } from './artifact.errors.ts';

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
    private readonly artifacts: ModelArtifacts,
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
      for (const e of this.entries) await this.artifacts.store.put(createReadStream(e.tmpPath), { sha256: e.sha256, size: e.size });
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
    const out = createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 });
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


export class ModelArtifacts {
  constructor(
    readonly store: ArtifactStore,
    /** Folder on this host for uploads in progress. */
    readonly stagingDir: string,
  ) {}

  /** A fresh private staging folder for one upload; removed by the caller via discard() or consumed by commit(). */
  async stage(): Promise<StagingArea> {
    await mkdir(this.stagingDir, { recursive: true, mode: 0o750 });
    const dir = await mkdtemp(path.join(this.stagingDir, 'up-'));
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
      if (unsafeNameReason(f.name) !== undefined || !HEX64.test(f.sha256) || out.has(f.name) || !Number.isSafeInteger(f.size) || f.size < 0) {
        throw new ArtifactError('ARTIFACT_CORRUPT', `The artifact manifest has an invalid entry ${quoteName(String(f.name))}.`);
      }
      out.set(f.name, await this.readBlob(f));
    }
    return out;
  }

  /** Whether a blob with this SHA-256 (lowercase hex) is stored. */
  has(sha256: string): Promise<boolean> {
    return HEX64.test(sha256) ? this.store.has(sha256) : Promise.resolve(false);
  }

  /**
   * Removes staging folders older than `maxAgeMs` (left by a crashed process). Safe while uploads
   * run as long as `maxAgeMs` is longer than any upload takes. Returns how many were removed.
   */
  async sweepStaging(maxAgeMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.stagingDir);
    } catch {
      return 0;
    }
    let removed = 0;
    const cutoff = Date.now() - maxAgeMs;
    for (const n of names) {
      const p = path.join(this.stagingDir, n);
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
   * stored or stored again by an upload within `graceMs`: such an upload may be about to record a
   * manifest that shares it. Returns whether it was deleted; a missing blob counts as not deleted.
   */
  removeBlob(sha256: string, graceMs: number, now: Date = new Date()): Promise<boolean> {
    if (!HEX64.test(sha256)) return Promise.resolve(false);
    return this.store.delete(sha256, new Date(now.getTime() - graceMs));
  }

  /** One blob into one buffer of its recorded size (never more: a longer blob is refused while streaming). */
  private async readBlob(f: StoredFile): Promise<Uint8Array> {
    const stream = await this.store.get(f.sha256);
    if (stream === undefined) throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} (sha256 ${f.sha256}) is missing.`);
    const bytes = new Uint8Array(f.size);
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (size + chunk.length > f.size) {
          throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} has more than the ${f.size} bytes expected.`);
        }
        bytes.set(chunk, size);
        hash.update(chunk);
        size += chunk.length;
      }
    } finally {
      stream.destroy();
    }
    if (size !== f.size) throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} has ${size} bytes, ${f.size} expected.`);
    if (hash.digest('hex') !== f.sha256) throw new ArtifactError('ARTIFACT_CORRUPT', `The stored blob of ${quoteName(f.name)} no longer matches its sha256 ${f.sha256}.`);
    return bytes;
  }
}
