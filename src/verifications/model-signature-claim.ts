/**
 * The attestation's `model.signature` (src/attestations/crypto/README.md): present exactly when the
 * version has an OpenSSF model signature verified at registration and not withdrawn since
 * (src/registry/model-signing/README.md). Only signatures whose every digest matched the uploaded
 * files are ever recorded, hence `digestsMatch: true`.
 */
import type { ModelVersion } from '../db/generated/client.ts';
import type { ModelSignatureClaim } from '../attestations/crypto/attestation-claims.ts';
import { verifiedSignatureOf } from '../registry/model-signing/verified-signature.ts';

/** `{ signature }` to spread into the model claim, or nothing. */
export function modelSignatureClaim(version: Pick<ModelVersion, 'signatureKeyId' | 'signaturePublicKeySha256' | 'signatureVerifiedAt'>): { signature?: ModelSignatureClaim } {
  const signature = verifiedSignatureOf(version);
  if (!signature) return {};
  return {
    signature: { format: 'oms-v1.0', keyId: signature.signingKeyId, publicKeySha256: signature.publicKeySha256, digestsMatch: true, verifiedAt: signature.verifiedAt.toISOString() },
  };
}
