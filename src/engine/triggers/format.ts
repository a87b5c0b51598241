/**
 * Lossless, versioned binary encoding of a trigger set, with a SHA-256 commitment.
 *
 * Fragile triggers are unbounded float32 inputs tuned close to decision boundaries: storing them
 * lossily (8-bit PNG, float16) flips labels (method.md, "Known risks"). So triggers are stored
 * bit-exact as float32 little-endian, together with the secret key labels and the metadata needed
 * to audit a run. The commitment (SHA-256 of the canonical encoding) is what attestations carry:
 * it binds a verification to one trigger set without revealing it.
 *
 * Byte layout, version 1 (integers unsigned little-endian):
 *
 *     offset  size        field
 *     0       8           magic "FRGMKTS\0" (46 52 47 4D 4B 54 53 00)
 *     8       2           format version (u16) = 1
 *     10      4           H = header length in bytes (u32)
 *     14      H           header: canonical JSON (UTF-8, keys sorted recursively, no whitespace),
 *                         see TriggerSetHeader; `count`, `shape` and `numClasses` size what follows
 *     14+H    2*N         labels, u16 each (N = count)
 *     ...     4*N*P       triggers, float32 LE, row-major [N, ...shape] (P = product of shape)
 *     end-32  32          SHA-256 over all preceding bytes (the commitment)
 *
 * Parsing rejects wrong magic, unknown version, truncation, trailing bytes, a header that is not
 * canonical JSON or lacks fields, labels >= numClasses, non-finite floats and a digest mismatch,
 * each as EngineError INVALID_TRIGGER_SET. Because the header must be canonical and the digest
 * covers every byte, a trigger set has exactly one encoding and one commitment.
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { LossSpec } from '../generation/loss.ts';

export const TRIGGER_SET_MAGIC = new Uint8Array([0x46, 0x52, 0x47, 0x4d, 0x4b, 0x54, 0x53, 0x00]);
export const TRIGGER_SET_FORMAT_VERSION = 1;
const DIGEST_BYTES = 32;
const MAX_HEADER_BYTES = 1 << 20;

/** Everything about how a trigger set was made (never secret-free: it holds the latent seed). */
export interface TriggerSetMetadata {
  /** Scheme identifier, e.g. "fragile-trigger/yin2022". */
  readonly method: string;
  readonly loss: LossSpec;
  /** Generator, optimiser and run parameters (JSON values only). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Backend that generated (and accepted) the triggers, e.g. "wasm". */
  readonly backend: string;
  /** Canonical weights digest of the classifier (model/classifier.ts). */
  readonly modelDigest: string;
  /** ISO-8601 creation time. */
  readonly createdAt: string;
  /**
   * Values the triggers lie in, as serving/input-domain.ts's JSON form (null bounds: unbounded).
   * Absent in sets made before input domains: those are unbounded FLOAT32.
   */
  readonly inputDomain?: { readonly min: number | null; readonly max: number | null; readonly encoding: 'FLOAT32' | 'UINT8' };
  /** Serving profile the triggers were checked against. Absent in older sets: FP32_EXACT. */
  readonly servingProfile?: string;
}

export interface TriggerSet {
  /** Shape of one trigger (the classifier's input shape without batch), e.g. [28, 28, 1]. */
  readonly shape: readonly number[];
  readonly numClasses: number;
  /** Key labels, one per trigger. */
  readonly labels: Int32Array;
  /** Triggers, float32 row-major [count, ...shape]. */
  readonly data: Float32Array;
  readonly metadata: TriggerSetMetadata;
}

interface TriggerSetHeader extends TriggerSetMetadata {
  readonly count: number;
  readonly shape: readonly number[];
  readonly numClasses: number;
}

function invalid(message: string, details: Record<string, unknown> = {}): EngineError {
  return new EngineError('INVALID_TRIGGER_SET', message, details);
}

/** JSON with object keys sorted recursively and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw invalid('non-finite number in trigger set header');
    const s = JSON.stringify(value);
    if (s === undefined) throw invalid(`value of type ${typeof value} cannot be encoded`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function elementsPerTrigger(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkStructure(set: TriggerSet): void {
  const { shape, labels, data, numClasses } = set;
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw invalid(`trigger shape must be positive integers (got ${JSON.stringify(shape)})`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > 65535) throw invalid(`numClasses out of range (${numClasses})`);
  if (labels.length < 1) throw invalid('a trigger set needs at least one trigger');
  if (data.length !== labels.length * elementsPerTrigger(shape)) {
    throw invalid(`data holds ${data.length} floats, expected ${labels.length} x ${elementsPerTrigger(shape)}`);
  }
  for (const l of labels) if (!Number.isInteger(l) || l < 0 || l >= numClasses) throw invalid(`label ${l} out of range [0, ${numClasses})`);
  for (const v of data) if (!Number.isFinite(v)) throw invalid('trigger data holds a non-finite value');
}

/** Canonical encoding (see the layout above). */
export function encodeTriggerSet(set: TriggerSet): Uint8Array {
  checkStructure(set);
  const header: TriggerSetHeader = { ...set.metadata, count: set.labels.length, shape: [...set.shape], numClasses: set.numClasses };
  const headerBytes = new TextEncoder().encode(canonicalJson(header));
  if (headerBytes.length > MAX_HEADER_BYTES) throw invalid('trigger set header too large');
  const n = set.labels.length;
  const total = 8 + 2 + 4 + headerBytes.length + 2 * n + 4 * set.data.length + DIGEST_BYTES;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(TRIGGER_SET_MAGIC, 0);
  dv.setUint16(8, TRIGGER_SET_FORMAT_VERSION, true);
  dv.setUint32(10, headerBytes.length, true);
  out.set(headerBytes, 14);
  let off = 14 + headerBytes.length;
  for (let i = 0; i < n; i++, off += 2) dv.setUint16(off, set.labels[i]!, true);
  for (let i = 0; i < set.data.length; i++, off += 4) dv.setFloat32(off, set.data[i]!, true);
  out.set(createHash('sha256').update(out.subarray(0, off)).digest(), off);
  return out;
}

/** Hex SHA-256 commitment of an encoded trigger set (its trailing digest, after validation). */
export function triggerSetCommitment(encoded: Uint8Array): string {
  decodeTriggerSet(encoded);
  return Buffer.from(encoded.subarray(encoded.length - DIGEST_BYTES)).toString('hex');
}

export function decodeTriggerSet(bytes: Uint8Array): TriggerSet {
  const minLen = 14 + DIGEST_BYTES;
  if (!(bytes instanceof Uint8Array) || bytes.length < minLen) throw invalid(`truncated trigger set (${bytes?.length ?? 0} bytes)`);
  for (let i = 0; i < TRIGGER_SET_MAGIC.length; i++) if (bytes[i] !== TRIGGER_SET_MAGIC[i]) throw invalid('not a Fragmark trigger set (bad magic)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint16(8, true);
  if (version !== TRIGGER_SET_FORMAT_VERSION) throw invalid(`unsupported trigger set format version ${version}`, { version });
  const headerLen = dv.getUint32(10, true);
  if (headerLen > MAX_HEADER_BYTES || 14 + headerLen + DIGEST_BYTES > bytes.length) throw invalid('truncated trigger set (header)');
  const bodyEnd = bytes.length - DIGEST_BYTES;
  const expectedDigest = createHash('sha256').update(bytes.subarray(0, bodyEnd)).digest();
  const storedDigest = bytes.subarray(bodyEnd);
  // Length is checked below too; the digest check first gives one clear error for any alteration.
  if (!Buffer.from(storedDigest).equals(expectedDigest)) throw invalid('trigger set digest mismatch (altered or truncated)');
  const headerText = (() => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(14, 14 + headerLen));
    } catch {
      throw invalid('trigger set header is not UTF-8');
    }
  })();
  let header: TriggerSetHeader;
  try {
    header = JSON.parse(headerText) as TriggerSetHeader;
  } catch {
    throw invalid('trigger set header is not JSON');
  }
  if (header === null || typeof header !== 'object' || canonicalJson(header) !== headerText) throw invalid('trigger set header is not canonical JSON');
  const { count, shape, numClasses } = header;
  if (!Number.isInteger(count) || count < 1) throw invalid('header count missing or invalid');
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) throw invalid('header shape missing or invalid');
  for (const k of ['method', 'backend', 'modelDigest', 'createdAt'] as const) {
    if (typeof header[k] !== 'string') throw invalid(`header field ${k} missing`);
  }
  if (header.loss === null || typeof header.loss !== 'object' || typeof header.parameters !== 'object' || header.parameters === null) {
    throw invalid('header loss/parameters missing');
  }
  const per = elementsPerTrigger(shape);
  const expectedLen = 14 + headerLen + 2 * count + 4 * count * per + DIGEST_BYTES;
  if (bytes.length !== expectedLen) throw invalid(`trigger set length ${bytes.length} != expected ${expectedLen}`);
  let off = 14 + headerLen;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++, off += 2) labels[i] = dv.getUint16(off, true);
  const data = new Float32Array(count * per);
  for (let i = 0; i < data.length; i++, off += 4) data[i] = dv.getFloat32(off, true);
  const { count: _c, shape: _s, numClasses: _k, ...metadata } = header;
  const set: TriggerSet = { shape, numClasses, labels, data, metadata };
  checkStructure(set);
  return set;
}
