/**
 * What a model version's files are: an {@link ArtifactManifest} (file name in the model folder ->
 * blob digest and size), stored by the registry in its database, and the rule for safe names.
 */
import { createHash } from 'node:crypto';
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

export const MAX_NAME_LENGTH = 200;

export const HEX64 = /^[0-9a-f]{64}$/;
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

export function assertSafeName(name: string): void {
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

/**
 * A manifest as the database holds it (a JSON column), checked rather than cast: every file name
 * safe, digests hex, sizes whole, and the digest the one its files give. A row that fails was
 * altered outside Fragmark: ARTIFACT_CORRUPT, never a read of whatever it names.
 */
export function storedManifest(json: unknown): ArtifactManifest {
  const corrupt = (why: string): never => {
    throw new ArtifactError('ARTIFACT_CORRUPT', `The stored artifact manifest is damaged (${why}).`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return corrupt('not an object');
  const { files, digest } = json as { files?: unknown; digest?: unknown };
  if (!Array.isArray(files)) return corrupt('no file list');
  const checked = files.map((file: unknown, i): StoredFile => {
    const { name, sha256, size } = (typeof file === 'object' && file !== null ? file : {}) as Partial<Record<keyof StoredFile, unknown>>;
    if (typeof name !== 'string' || unsafeNameReason(name) !== undefined) return corrupt(`file ${i + 1} has an unsafe name`);
    if (typeof sha256 !== 'string' || !HEX64.test(sha256)) return corrupt(`file ${i + 1} has no SHA-256`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return corrupt(`file ${i + 1} has no size`);
    return { name, sha256, size };
  });
  const manifest = buildManifest(checked);
  if (digest !== manifest.digest) return corrupt('its digest does not match its files');
  return manifest;
}

/** A manifest as a JSON column value (Prisma's JSON input type wants a plain object literal). */
export function manifestJson(manifest: ArtifactManifest): { files: Array<{ name: string; sha256: string; size: number }>; totalBytes: number; digest: string } {
  return { files: manifest.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })), totalBytes: manifest.totalBytes, digest: manifest.digest };
}

export function buildManifest(files: readonly StoredFile[]): ArtifactManifest {
  const sorted = [...files].sort(compareNames).map((f) => ({ name: f.name, sha256: f.sha256, size: f.size }));
  return { files: sorted, totalBytes: sorted.reduce((sum, f) => sum + f.size, 0), digest: manifestDigest(sorted) };
}

