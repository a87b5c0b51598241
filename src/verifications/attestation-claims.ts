/**
 * The `fragmark` claims of a completed verification (src/attestations/crypto/README.md): what was
 * checked, exactly. An ENDPOINT token names the deployment that answered (and whether a tenant
 * admin registered it); an ARTIFACT token names the files loaded and the registered ones they
 * were compared with, so a candidate copy with other weights can never pass for the registered model.
 */
import type { EndpointEnrollment, Model, ModelVersion, Verification, Watermark } from '../db/generated/client.ts';
import type { AttestationClaims, ArtifactClaim, EndpointClaim } from '../attestations/crypto/attestation-token.ts';
import { domainFromJson, domainToJson, parseVerdictPolicy } from '../engine/index.ts';
import { attestedUrl } from '../registry/endpoints.service.ts';
import { watermarkStrength } from '../watermarks/watermark-strength.ts';
import { modelSignatureClaim } from './model-signature-claim.ts';

type CheckedVerification = Pick<
  Verification,
  | 'id'
  | 'mode'
  | 'tenantId'
  | 'candidateArtifactId'
  | 'checkedDigest'
  | 'checkedArtifactDigest'
  | 'endpointId'
  | 'endpointUrl'
  | 'endpointProtocol'
  | 'endpointModelName'
  | 'endpointInputFormat'
  | 'tlsCertificateSha256'
>;

export function claimsFor(
  model: Model,
  version: ModelVersion,
  watermark: Watermark,
  verification: CheckedVerification,
  result: { queried: number; matched: number; accTri: number; verdict: 'intact' | 'tampered' },
  enrollment?: Pick<EndpointEnrollment, 'id' | 'stableIndices'> | null,
): AttestationClaims {
  const endpoint = endpointClaim(verification);
  const artifact = artifactClaim(version, verification);
  return {
    tenant: verification.tenantId,
    model: {
      id: model.id,
      name: model.name,
      version: version.label,
      digest: version.weightsDigest ?? '',
      ...(version.artifactDigest ? { artifactDigest: version.artifactDigest } : {}),
      ...modelSignatureClaim(version),
    },
    watermark: {
      id: watermark.id,
      scheme: watermark.scheme,
      commitment: watermark.commitment ?? '',
      profile: watermark.profile,
      inputDomain: domainToJson(domainFromJson(watermark.inputDomain)),
      // Every mode: how much this verdict can be trusted (watermark-strength.ts).
      strength: watermarkStrength(watermark),
    },
    verification: {
      id: verification.id,
      mode: verification.mode,
      triggersQueried: result.queried,
      triggersMatched: result.matched,
      accTri: result.accTri,
      policy: parseVerdictPolicy(watermark.policy),
      verdict: result.verdict,
      ...(enrollment
        ? { enrollment: { id: enrollment.id, triggersExcluded: watermark.triggerCount - enrollment.stableIndices.length, triggersEnrolled: enrollment.stableIndices.length } }
        : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(artifact ? { artifact } : {}),
    },
  };
}

function endpointClaim(v: CheckedVerification): EndpointClaim | null {
  if (v.mode !== 'ENDPOINT' || !v.endpointUrl || !v.endpointProtocol) return null;
  return {
    registered: v.endpointId !== null,
    id: v.endpointId,
    url: attestedUrl(v.endpointUrl),
    protocol: v.endpointProtocol,
    modelName: v.endpointModelName ?? '',
    inputFormat: v.endpointInputFormat ?? 'FLOAT32',
    tlsCertificateSha256: v.tlsCertificateSha256,
  };
}

function artifactClaim(version: ModelVersion, v: CheckedVerification): ArtifactClaim | null {
  if (v.mode !== 'ARTIFACT' || !v.checkedDigest || !v.checkedArtifactDigest || !version.weightsDigest || !version.artifactDigest) return null;
  return {
    candidate: v.candidateArtifactId !== null,
    checkedWeightsDigest: v.checkedDigest,
    checkedArtifactDigest: v.checkedArtifactDigest,
    registeredWeightsDigest: version.weightsDigest,
    registeredArtifactDigest: version.artifactDigest,
    weightsMatchRegistered: v.checkedDigest === version.weightsDigest,
  };
}
