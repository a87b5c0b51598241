/**
 * Writes a new verification, its Job row and queue entry, and an ad-hoc endpoint's sealed
 * credential, all in the caller's transaction: they commit together or not at all. Used by
 * verifyModel (VerificationsService) and by monitors' scheduled runs (src/monitoring).
 */
import type { Transaction } from '../db/client.ts';
import type { EndpointEnrollment, Verification, Watermark } from '../db/generated/client.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { JobRecords } from '../jobs/job-records.ts';
import type { Vault } from '../vault/vault.ts';
import type { ResolvedEndpoint } from '../registry/endpoints.service.ts';
import { parseVerdictPolicy } from '../engine/index.ts';

export interface NewVerification {
  tenantId: string;
  modelVersionId: string;
  watermark: Pick<Watermark, 'id' | 'policy' | 'triggerCount'>;
  mode: 'ARTIFACT' | 'ENDPOINT';
  /** ARTIFACT: an uploaded copy to check instead of the registered artifact. */
  candidateArtifactId?: string | null;
  endpoint: ResolvedEndpoint | null;
  /** An enrolled endpoint is queried on the triggers stable there. */
  enrollment: Pick<EndpointEnrollment, 'id' | 'stableIndices'> | null;
  audience?: string | null;
  nonce?: string | null;
  /** A sampled run queries exactly these triggers (monitors); empty or absent: all of them. */
  sampledIndices?: readonly number[];
  monitorId?: string | null;
  /** Who asked (audit of the credential's sealing); null for the platform's own runs. */
  apiKeyId: string | null;
}

export async function createVerification(tx: Transaction, queue: JobQueue, vault: Vault, input: NewVerification): Promise<Verification> {
  const { endpoint, enrollment, watermark } = input;
  const { id: jobId } = await JobRecords.enqueue(queue, tx, 'VERIFY', input.tenantId);
  const created = await tx.verification.create({
    data: {
      tenantId: input.tenantId,
      modelVersionId: input.modelVersionId,
      watermarkId: watermark.id,
      jobId,
      mode: input.mode,
      policy: parseVerdictPolicy(watermark.policy),
      candidateArtifactId: input.mode === 'ARTIFACT' ? (input.candidateArtifactId ?? null) : null,
      endpointId: endpoint?.registered?.id ?? null,
      endpointUrl: endpoint?.url ?? null,
      endpointProtocol: endpoint?.protocol ?? null,
      endpointModelName: endpoint?.modelName ?? null,
      endpointInputFormat: endpoint?.inputFormat ?? null,
      enrollmentId: enrollment?.id ?? null,
      triggersExcluded: enrollment ? watermark.triggerCount - enrollment.stableIndices.length : null,
      sampledIndices: [...(input.sampledIndices ?? [])],
      monitorId: input.monitorId ?? null,
      hasEndpointCredential: Boolean(endpoint?.adHocCredential),
      audience: input.audience ?? null,
      nonce: input.nonce ?? null,
    },
  });
  if (endpoint?.adHocCredential) {
    await vault.seal(
      { tenantId: input.tenantId, purpose: 'endpoint-credential', recordId: created.id },
      new TextEncoder().encode(endpoint.adHocCredential),
      { apiKeyId: input.apiKeyId },
      tx,
    );
  }
  return created;
}
