/**
 * A version's verified OpenSSF model signature, read from its columns (recorded whole by
 * model-signatures.service.ts, withdrawn whole by a key's revocation; a CHECK constraint keeps
 * the three columns all set or all null).
 */
import type { ModelVersion } from '../../db/generated/client.ts';

export interface VerifiedSignature {
  signingKeyId: string;
  /** SHA-256 (hex) of the key's SubjectPublicKeyInfo DER. */
  publicKeySha256: string;
  verifiedAt: Date;
}

/** The version's signature, or null when it has none. */
export function verifiedSignatureOf(version: Pick<ModelVersion, 'signatureKeyId' | 'signaturePublicKeySha256' | 'signatureVerifiedAt'>): VerifiedSignature | null {
  const { signatureKeyId, signaturePublicKeySha256, signatureVerifiedAt } = version;
  if (!signatureKeyId || !signaturePublicKeySha256 || !signatureVerifiedAt) return null;
  return { signingKeyId: signatureKeyId, publicKeySha256: signaturePublicKeySha256, verifiedAt: signatureVerifiedAt };
}
