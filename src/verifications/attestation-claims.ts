/** The `fragmark` claims of a completed verification (api-contract.md, "Attestation token"). */
import type { EndpointEnrollment, Model, ModelVersion, Verification, Watermark } from '../db/generated/client.ts';
import type { AttestationClaims } from '../attestations/crypto/attestation-token.ts';
import { domainFromJson, domainToJson } from '../engine/index.ts';
import type { VerdictPolicy } from '../watermarks/watermark-settings.ts';
import { modelSignatureClaim } from './model-signature-claim.ts';

export function claimsFor(
  model: Model,
  version: ModelVersion,
  watermark: Watermark,
  verification: Pick<Verification, 'id' | 'mode' | 'tenantId'>,
  result: { queried: number; matched: number; accTri: number; verdict: 'intact' | 'tampered' },
  enrollment?: Pick<EndpointEnrollment, 'id' | 'stableIndices'> | null,
): AttestationClaims {
  return {
    tenant: verification.tenantId,
    model: { id: model.id, name: model.name, version: version.label, digest: version.weightsDigest ?? '', ...modelSignatureClaim(version) },
    watermark: {
      id: watermark.id,
      scheme: watermark.scheme,
      commitment: watermark.commitment ?? '',
      profile: watermark.profile,
      inputDomain: domainToJson(domainFromJson(watermark.inputDomain)),
    },
    verification: {
      id: verification.id,
      mode: verification.mode,
      triggersQueried: result.queried,
      triggersMatched: result.matched,
      accTri: result.accTri,
      policy: watermark.policy as VerdictPolicy,
      verdict: result.verdict,
      ...(enrollment ? { enrollment: { id: enrollment.id, triggersExcluded: watermark.triggerCount - enrollment.stableIndices.length } } : {}),
    },
  };
}
