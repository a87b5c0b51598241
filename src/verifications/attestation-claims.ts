/** The `fragmark` claims of a completed verification (api-contract.md, "Attestation token"). */
import type { Model, ModelVersion, Verification, Watermark } from '../db/generated/client.ts';
import type { AttestationClaims } from '../attestations/crypto/attestation-token.ts';
import type { VerdictPolicy } from '../watermarks/watermark-settings.ts';

export function claimsFor(
  model: Model,
  version: ModelVersion,
  watermark: Watermark,
  verification: Pick<Verification, 'id' | 'mode' | 'tenantId'>,
  result: { queried: number; matched: number; accTri: number; verdict: 'intact' | 'tampered' },
): AttestationClaims {
  return {
    tenant: verification.tenantId,
    model: { id: model.id, name: model.name, version: version.label, digest: version.weightsDigest ?? '' },
    watermark: { id: watermark.id, scheme: watermark.scheme, commitment: watermark.commitment ?? '' },
    verification: {
      id: verification.id,
      mode: verification.mode,
      triggersQueried: result.queried,
      triggersMatched: result.matched,
      accTri: result.accTri,
      policy: watermark.policy as VerdictPolicy,
      verdict: result.verdict,
    },
  };
}
