/**
 * Offline check of an OpenSSF model signature (OMS v1.0: sigstore/model-transparency,
 * docs/model_signing_format.md and src/model_signing) against a tenant's public key and a
 * version's uploaded files, in the order a verifier must take (model_signing/_signing/
 * sign_ec_key.py `Verifier._verify_bundle`, then signing.py `Verifier.verify`): the bundle's
 * shape; its key hint names this key; the DSSE signature verifies; only then is the signed
 * statement read; its root digest covers its resources; the resources are exactly the uploaded
 * files.
 *
 * Why not @sigstore/verify: it checks a DSSE signature with `crypto.verify(undefined, ...)`, so
 * OpenSSL picks SHA-256 for every ECDSA key, while model_signing signs with P-384 keys over
 * SHA-384 and P-521 keys over SHA-512 (sign_ec_key.py `get_ec_key_hash`): it refuses genuine
 * OMS signatures made with those keys (measured on the reference P-384 bundle of
 * sigstore/model-transparency, scripts/tests/v1.1.0-elliptic-key). The signature is therefore
 * checked here with node:crypto and the curve's hash; @sigstore/bundle still validates the
 * bundle's shape. No transparency-log entry or timestamp is needed, or checked, for a key-signed
 * bundle: that is what keeps the check offline.
 */
import { createHash } from 'node:crypto';
import type { StoredFile } from '../artifacts/artifact-manifest.ts';
import { artifactMismatch } from './artifact-match.ts';
import { preAuthEncoding } from '../../attestations/crypto/dsse-envelope.ts';
import { ModelSigningError } from './model-signing.errors.ts';
import { readOmsBundle } from './oms-bundle.ts';
import { parseOmsStatement } from './oms-statement.ts';
import { signatureVerifies, type SigningPublicKey } from './public-key.ts';

export interface VerifiedOmsSignature {
  /** The statement's subject digest (root digest over the signed files). */
  rootDigest: string;
  /** Files the signature covers (all of the artifact's). */
  files: number;
  /** Lowercase hex SHA-256 of the bundle text, to find it again (audit trail). */
  bundleSha256: string;
}

const FIELD = ['input', 'bundle'];

/** Throws ModelSigningError with the first reason the bundle does not prove that `key` signed exactly `files`. */
export function verifyOmsSignature(bundleText: string, key: Pick<SigningPublicKey, 'algorithm' | 'key' | 'omsKeyHint'>, files: readonly StoredFile[]): VerifiedOmsSignature {
  const dsse = readOmsBundle(bundleText);
  if (dsse.keyHint !== '' && dsse.keyHint !== key.omsKeyHint) {
    throw new ModelSigningError(
      'MODEL_SIGNATURE_KEY_MISMATCH',
      'The signature was made with another key: the bundle\'s key hint is not the SHA-256 of this signing key\'s PEM. Check it with the key it was signed with.',
      ['input', 'signingKeyId'],
    );
  }
  if (!signatureVerifies(key, preAuthEncoding(dsse.payloadType, dsse.payload), dsse.signature)) {
    throw new ModelSigningError('MODEL_SIGNATURE_INVALID', 'The signature does not verify with this signing key: the bundle was altered, or signed with another key.', FIELD);
  }
  const statement = parseOmsStatement(dsse.payloadType, dsse.payload);
  const mismatch = artifactMismatch(statement.resources, files);
  if (mismatch !== undefined) throw new ModelSigningError('MODEL_SIGNATURE_DIGEST_MISMATCH', mismatch, FIELD);
  return { rootDigest: statement.rootDigest, files: statement.resources.length, bundleSha256: createHash('sha256').update(bundleText, 'utf8').digest('hex') };
}
