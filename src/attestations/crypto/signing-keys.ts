/**
 * Ed25519 signing keys for attestation tokens: generation, (de)serialisation for sealing in the
 * vault, and the public JWK Set published at /.well-known/jwks.json.
 *
 * Pure functions: the platform stores the serialised private key sealed in its vault and passes
 * it back here to sign. Nothing in this module logs or returns `d` except serialisePrivateKey.
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { AttestationError } from './attestation.errors.ts';

export interface SigningKeyMaterial {
  kid: string;
  /** kty OKP, crv Ed25519, x, kid, alg 'EdDSA', use 'sig'. */
  publicJwk: JWK;
  /** Same members plus `d`: a secret. */
  privateJwk: JWK;
}

/** The only algorithm attestation tokens are signed with. */
export const ATTESTATION_ALG = 'EdDSA';

const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;
const MAX_SERIALISED_BYTES = 4096;

function invalidKey(message: string, cause?: unknown): AttestationError {
  return new AttestationError('SIGNING_KEY_INVALID', message, cause === undefined ? undefined : { cause });
}

/** RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key, from its `x`. Synchronous. */
export function ed25519Thumbprint(x: string): string {
  // Required members of an OKP key in lexicographic order, no whitespace (RFC 7638 section 3.2, RFC 8037).
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

function publicMembers(x: string, kid: string): JWK {
  return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: ATTESTATION_ALG, use: 'sig' };
}

/** New Ed25519 key; kid = RFC 7638 JWK thumbprint (base64url SHA-256) of the public key. */
export async function generateSigningKey(): Promise<SigningKeyMaterial> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const exported = await exportJWK(privateKey);
  const { x, d } = exported;
  if (typeof x !== 'string' || typeof d !== 'string' || !B64URL_32_BYTES.test(x) || !B64URL_32_BYTES.test(d)) {
    throw invalidKey('Key generation did not produce an Ed25519 key.');
  }
  const kid = ed25519Thumbprint(x);
  const publicJwk = publicMembers(x, kid);
  return { kid, publicJwk, privateJwk: { ...publicJwk, d } };
}

/** JSON bytes of the private JWK, for sealing in the vault. The result is a secret. */
export function serialisePrivateKey(key: SigningKeyMaterial): Uint8Array {
  // Re-validate so that nothing malformed is ever sealed.
  const checked = checkPrivateJwk(key.privateJwk);
  if (checked.kid !== key.kid) throw invalidKey('The key id does not match the key.');
  return new TextEncoder().encode(JSON.stringify(checked.privateJwk));
}

/** Parses bytes produced by serialisePrivateKey; validates the shape and that `x` belongs to `d`. */
export function parsePrivateKey(bytes: Uint8Array): SigningKeyMaterial {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) throw invalidKey('The signing key is empty.');
  if (bytes.byteLength > MAX_SERIALISED_BYTES) throw invalidKey('The signing key is too large to be an Ed25519 JWK.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidKey('The signing key is not JSON (expected an Ed25519 private JWK).');
  }
  return checkPrivateJwk(parsed);
}

function checkPrivateJwk(value: unknown): SigningKeyMaterial {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidKey('The signing key is not a JWK object.');
  }
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw invalidKey('The signing key is not an Ed25519 (OKP) JWK.');
  if (typeof jwk.x !== 'string' || !B64URL_32_BYTES.test(jwk.x)) throw invalidKey('The signing key has no valid public part "x".');
  if (typeof jwk.d !== 'string' || !B64URL_32_BYTES.test(jwk.d)) throw invalidKey('The signing key has no valid private part "d".');
  if (jwk.alg !== undefined && jwk.alg !== ATTESTATION_ALG) throw invalidKey('The signing key is not meant for EdDSA.');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalidKey('The signing key is not meant for signatures.');
  const kid = ed25519Thumbprint(jwk.x);
  if (jwk.kid !== undefined && jwk.kid !== kid) throw invalidKey('The signing key id is not the thumbprint of its public key.');
  // The public part must be the one derived from the private part (a corrupted x would make every
  // token we sign fail verification, and a swapped x would publish the wrong key).
  let derivedX: unknown;
  try {
    const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
    derivedX = createPublicKey(priv).export({ format: 'jwk' }).x;
  } catch (error) {
    throw invalidKey('The signing key could not be loaded as an Ed25519 key.', error);
  }
  if (derivedX !== jwk.x) throw invalidKey('The signing key public part "x" does not belong to its private part.');
  const publicJwk = publicMembers(jwk.x, kid);
  return { kid, publicJwk, privateJwk: { ...publicJwk, d: jwk.d } };
}

/**
 * Validates one public JWK and returns only its public members (allow-list: kty, crv, x, kid, alg,
 * use), so that `d` or any other member can never reach the published set.
 */
export function toPublicJwk(value: unknown): JWK {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidKey('A public key is not a JWK object.');
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw invalidKey('A public key is not an Ed25519 (OKP) JWK.');
  if (typeof jwk.x !== 'string' || !B64URL_32_BYTES.test(jwk.x)) throw invalidKey('A public key has no valid "x".');
  if (jwk.alg !== undefined && jwk.alg !== ATTESTATION_ALG) throw invalidKey('A public key is not meant for EdDSA.');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalidKey('A public key is not meant for signatures.');
  const kid = ed25519Thumbprint(jwk.x);
  if (jwk.kid !== undefined && jwk.kid !== kid) throw invalidKey('A public key id is not the thumbprint of the key.');
  return publicMembers(jwk.x, kid);
}

/**
 * RFC 7517 JWK Set of public keys only (never `d`). The caller passes the keys newest first (the
 * current signing key, then retired keys whose tokens may still be unexpired); the order is kept.
 * Duplicates (same kid) are dropped, the first occurrence wins.
 */
export function buildJwks(publicKeys: JWK[]): { keys: JWK[] } {
  const seen = new Set<string>();
  const keys: JWK[] = [];
  for (const key of publicKeys) {
    const pub = toPublicJwk(key);
    if (seen.has(pub.kid as string)) continue;
    seen.add(pub.kid as string);
    keys.push(pub);
  }
  return { keys };
}
