/**
 * Public keys for OpenSSF model signatures: one PEM SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of
 * an algorithm that OMS key signing or a Sigstore bundle uses, and signature checks with it.
 *
 * Accepted: ECDSA over P-256, P-384 and P-521 (what `model_signing sign key` accepts:
 * model_signing/_signing/sign_ec_key.py, `_check_supported_ec_key`) and Ed25519 (Sigstore's
 * PKIX_ED25519). The hash of an ECDSA signature follows the curve, as model_signing signs
 * (`get_ec_key_hash`: SHA-256, SHA-384, SHA-512) and as Sigstore's key details name them
 * (PKIX_ECDSA_P384_SHA_384, ...).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ModelSigningKeyAlgorithm } from '../../db/generated/client.ts';
import { ModelSigningError } from './model-signing.errors.ts';

/** A public-key PEM is a few hundred bytes; this leaves room for comments around the block. */
export const MAX_PUBLIC_KEY_PEM_BYTES = 8 * 1024;

export interface SigningPublicKey {
  algorithm: ModelSigningKeyAlgorithm;
  key: KeyObject;
  /** The SPKI re-encoded as PEM by node:crypto (64-character lines, final newline). */
  pem: string;
  /** Lowercase hex SHA-256 of the SPKI DER: the key's name in attestations. */
  spkiSha256: string;
  /**
   * Lowercase hex SHA-256 of `pem`: the key hint model_signing writes into a bundle it signs
   * (sign_ec_key.py, `_get_verification_material`: SHA-256 of the PEM SubjectPublicKeyInfo).
   */
  omsKeyHint: string;
}

const CURVES: Readonly<Record<string, ModelSigningKeyAlgorithm>> = {
  prime256v1: 'ECDSA_P256',
  secp384r1: 'ECDSA_P384',
  secp521r1: 'ECDSA_P521',
};

/** The digest an ECDSA signature is made over, by curve; null: Ed25519 signs the message itself. */
const SIGNATURE_HASH: Readonly<Record<ModelSigningKeyAlgorithm, string | null>> = {
  ECDSA_P256: 'sha256',
  ECDSA_P384: 'sha384',
  ECDSA_P521: 'sha512',
  ED25519: null,
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FIELD = ['input', 'publicKeyPem'];

function invalid(message: string): never {
  throw new ModelSigningError('MODEL_SIGNING_KEY_INVALID', message, FIELD);
}

/** The labels of every PEM block (`-----BEGIN <label>-----`) in the text, in order. */
function pemLabels(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]{1,40})-----/g)].map((m) => m[1]!);
}

/** The DER inside the one `PUBLIC KEY` block of `text` (text around the block is ignored, as OpenSSL does). */
function spkiDer(text: string): Buffer {
  const labels = pemLabels(text);
  if (labels.some((label) => label.includes('PRIVATE KEY'))) {
    invalid('publicKeyPem holds a private key: register only the public key (openssl pkey -pubout), and keep the private key secret.');
  }
  if (labels.includes('CERTIFICATE')) invalid('publicKeyPem holds a certificate: register its public key instead (openssl x509 -pubkey -noout).');
  if (labels.length !== 1 || labels[0] !== 'PUBLIC KEY') {
    invalid('publicKeyPem must hold exactly one "-----BEGIN PUBLIC KEY-----" block (a PEM SubjectPublicKeyInfo).');
  }
  const start = text.indexOf('-----BEGIN PUBLIC KEY-----') + '-----BEGIN PUBLIC KEY-----'.length;
  const end = text.indexOf('-----END PUBLIC KEY-----', start);
  if (end < 0) invalid('publicKeyPem has no "-----END PUBLIC KEY-----" line.');
  const body = text.slice(start, end).replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) invalid('The PEM block of publicKeyPem is not valid base64.');
  return Buffer.from(body, 'base64');
}

function algorithmOf(key: KeyObject): ModelSigningKeyAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ED25519';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    const algorithm = CURVES[curve];
    if (algorithm) return algorithm;
    invalid(`publicKeyPem is an elliptic-curve key on ${curve.slice(0, 40)}: accepted curves are P-256, P-384 and P-521 (and Ed25519 keys).`);
  }
  invalid(`publicKeyPem is a ${String(key.asymmetricKeyType).slice(0, 20)} key: accepted are ECDSA keys on P-256, P-384 or P-521 and Ed25519 keys.`);
}

/**
 * Parses a PEM public key a tenant admin registers. The size limit is checked before anything is
 * parsed; a private key or certificate pasted by mistake is refused without being decoded.
 * Throws ModelSigningError MODEL_SIGNING_KEY_INVALID.
 */
export function parseSigningPublicKey(text: string): SigningPublicKey {
  if (text.length > MAX_PUBLIC_KEY_PEM_BYTES || Buffer.byteLength(text, 'utf8') > MAX_PUBLIC_KEY_PEM_BYTES) {
    invalid(`publicKeyPem is longer than ${MAX_PUBLIC_KEY_PEM_BYTES} bytes: send only the PEM public key.`);
  }
  const der = spkiDer(text);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    invalid('The PEM block of publicKeyPem is not a valid SubjectPublicKeyInfo.');
  }
  const algorithm = algorithmOf(key);
  const canonicalDer = key.export({ format: 'der', type: 'spki' });
  const pem = key.export({ format: 'pem', type: 'spki' }) as string;
  return {
    algorithm,
    key,
    pem,
    spkiSha256: createHash('sha256').update(canonicalDer).digest('hex'),
    omsKeyHint: createHash('sha256').update(pem, 'utf8').digest('hex'),
  };
}

/**
 * Whether `signature` signs `message` under `key`: DER-encoded ECDSA (RFC 3279 Ecdsa-Sig-Value,
 * what model_signing and Sigstore write) over the curve's hash, or Ed25519 (RFC 8032).
 */
export function signatureVerifies(key: Pick<SigningPublicKey, 'algorithm' | 'key'>, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(SIGNATURE_HASH[key.algorithm], message, { key: key.key, dsaEncoding: 'der' }, signature);
  } catch {
    // node:crypto throws on some malformed signatures instead of returning false.
    return false;
  }
}
