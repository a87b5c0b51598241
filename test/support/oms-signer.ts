/**
 * A signer that writes OpenSSF model signatures (OMS v1.0) exactly as `model_signing sign key`
 * does, for tests and scripts/make-oms-fixtures.ts (model_signing, a Python package, is not
 * available to this project's machines, and tests must never need Python). It follows
 * sigstore/model-transparency:
 * - src/model_signing/_serialization/file.py: every file of the folder, path relative to it,
 *   SHA-256 of its bytes, ignored paths left out;
 * - src/model_signing/manifest.py: resources sorted by path (PurePosixPath order: segment by segment);
 * - src/model_signing/_signing/signing.py `Payload`: the in-toto statement, its subject digest
 *   SHA-256 over the raw resource digests in that order;
 * - src/model_signing/_signing/sign_ec_key.py `Signer`: DSSE over the statement's JSON (indent 2,
 *   as protobuf's MessageToJson writes it), ECDSA over the curve's hash, DER-encoded; the bundle's
 *   key hint is the SHA-256 of the public key's PEM, with no transparency-log entry.
 * Ed25519 keys are also accepted here (Sigstore's PKIX_ED25519), which model_signing itself does not sign with.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { listFiles } from './files.ts';

/** What model_signing ignores by default, plus the signature file itself (hashing.py, `Config`). */
export const OMS_DEFAULT_IGNORED = ['model.sig', '.git', '.gitattributes', '.github', '.gitignore'];

export interface OmsFile {
  name: string;
  bytes: Uint8Array;
}

export interface OmsStatementOptions {
  /** The subject's name: model_signing uses the folder's name. */
  modelName: string;
  /** Recorded in predicate.serialization.ignore_paths. */
  ignorePaths?: string[];
}

function byPathSegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** The OMS v1.0 in-toto statement for these files (signing.py `Payload`). */
export function omsStatement(files: readonly OmsFile[], options: OmsStatementOptions): Record<string, unknown> {
  const sorted = [...files].sort((a, b) => byPathSegments(a.name, b.name));
  const root = createHash('sha256');
  const resources = sorted.map((file) => {
    const digest = sha256(file.bytes);
    root.update(digest);
    return { name: file.name, algorithm: 'sha256', digest: digest.toString('hex') };
  });
  const serialization: Record<string, unknown> = { method: 'files', hash_type: 'sha256', allow_symlinks: false };
  if (options.ignorePaths?.length) serialization.ignore_paths = options.ignorePaths;
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: options.modelName, digest: { sha256: root.digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { serialization, resources },
  };
}

/** The curve's hash for ECDSA (sign_ec_key.py `get_ec_key_hash`); null for Ed25519. */
function signatureHash(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const hash = curve === 'prime256v1' ? 'sha256' : curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : undefined;
  if (!hash) throw new Error(`model_signing signs with P-256, P-384 or P-521 keys, not ${key.asymmetricKeyType} ${curve ?? ''}`);
  return hash;
}

function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.byteLength} `), payload]);
}

/**
 * A Sigstore bundle v0.3 holding `payload` (the statement's JSON bytes) in a DSSE envelope signed
 * with `privateKeyPem`, as the JSON text model_signing writes to model.sig.
 */
export function signOmsPayload(payload: Buffer, privateKeyPem: string): string {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }) as string;
  const payloadType = 'application/vnd.in-toto+json';
  const signature = sign(signatureHash(privateKey), preAuthEncoding(payloadType, payload), { key: privateKey, dsaEncoding: 'der' });
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: createHash('sha256').update(publicPem).digest('hex') }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType, signatures: [{ sig: signature.toString('base64'), keyid: '' }] },
  });
}

/** `model_signing sign key` for a statement: its JSON (indent 2) signed into a bundle. */
export function signOmsStatement(statement: Record<string, unknown>, privateKeyPem: string): string {
  return signOmsPayload(Buffer.from(JSON.stringify(statement, null, 2), 'utf8'), privateKeyPem);
}

/** `model_signing sign key <dir> --private-key <pem> [--ignore-paths ...]`: the bundle text. */
export async function signModelFolder(dir: string, privateKeyPem: string, ignorePaths: string[] = []): Promise<string> {
  const ignored = [...ignorePaths, ...OMS_DEFAULT_IGNORED];
  const files: OmsFile[] = [];
  for (const file of await listFiles(dir)) {
    const name = path.relative(dir, file).split(path.sep).join('/');
    if (ignored.some((p) => name === p || name.startsWith(`${p}/`))) continue;
    files.push({ name, bytes: new Uint8Array(await readFile(file)) });
  }
  return signOmsStatement(omsStatement(files, { modelName: path.basename(path.resolve(dir)), ignorePaths: ignored }), privateKeyPem);
}
