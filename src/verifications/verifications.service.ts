/**
 * Verifications: checking a model against one of its watermarks, by artifact or endpoint (in a
 * worker, verification-job.ts) or by challenge (here, synchronously), and reading the history.
 */
import { requireReadyWatermark } from './ready-watermark.ts';
import type { Transaction } from '../db/client.ts';
import type { Model, ModelVersion, Verification, Watermark } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Vault } from '../vault/vault.ts';
import { RegistryError } from '../registry/registry.errors.ts';
import { RECORDING_TIMEOUT_MS } from '../registry/models.service.ts';
import type { EndpointInput } from '../registry/endpoint-spec.ts';
import { NoRegisteredEndpoint, type ResolvedEndpoint } from '../registry/endpoints.service.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import type { ValidatedArtifact } from '../registry/artifacts/model-validation.ts';
import { manifestJson } from '../registry/artifacts/artifact-manifest.ts';
import { createVerification } from './create-verification.ts';
import { VerificationsError } from './verifications.errors.ts';
import { validateText } from './verification-input.ts';
import { candidateCutoff } from '../registry/artifacts/candidate-collector.ts';
import type { VerificationFilter, VerificationsRepository } from './verifications.repository.ts';

export type { VerificationFilter } from './verifications.repository.ts';

/** FRAGMARK_CANDIDATE_TTL_HOURS's default: 7 days. */
export const DEFAULT_CANDIDATE_TTL_MS = 168 * 3_600_000;

export interface VerifyModelInput {
  modelVersionId: string;
  mode: 'ARTIFACT' | 'ENDPOINT';
  /** Default: the version's newest READY watermark. */
  watermarkId?: string | null;
  /** ARTIFACT: check this uploaded copy instead of the registered artifact. */
  candidateArtifactId?: string | null;
  audience?: string | null;
  nonce?: string | null;
  /** ENDPOINT: this registered endpoint of the version (default: its only one, or the one named "default"). */
  endpointId?: string | null;
  /** ENDPOINT: an ad-hoc URL instead of a registered endpoint (attested as `registered: false`). */
  endpoint?: EndpointInput | null;
}

export class VerificationsService {
  /** `verifications`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly verifications: VerificationsRepository | null,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
    private readonly egress: EgressPolicy,
    private readonly candidateTtlMs: number = DEFAULT_CANDIDATE_TTL_MS,
  ) {}

  async verify(input: VerifyModelInput): Promise<{ verification: Verification; jobId: string }> {
    const actor = this.requireRole('OPERATOR');
    const version = await this.verifications!.version(input.modelVersionId);
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
    const watermark = await this.readyWatermark(version.id, input.watermarkId);
    validateText(input.audience, 'audience');
    validateText(input.nonce, 'nonce');
    if (input.mode !== 'ENDPOINT' && (input.endpoint || input.endpointId)) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', 'endpoint and endpointId are for ENDPOINT verifications.', ['input', input.endpoint ? 'endpoint' : 'endpointId']);
    }
    if (input.mode !== 'ARTIFACT' && input.candidateArtifactId) {
      // Refused rather than ignored: the caller would believe the upload was what got checked.
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', 'candidateArtifactId is for ARTIFACT verifications.', ['input', 'candidateArtifactId']);
    }
    const endpoint = input.mode === 'ENDPOINT' ? await this.endpointToQuery(version, input) : null;
    if (input.mode === 'ARTIFACT' && input.candidateArtifactId) {
      const candidate = await this.verifications!.candidate(input.candidateArtifactId);
      if (!candidate) throw new VerificationsError('CANDIDATE_NOT_FOUND', `No such uploaded artifact (uploads expire after ${this.candidateTtlHours()} hours).`, ['input', 'candidateArtifactId']);
      if (candidate.createdAt < candidateCutoff(new Date(), this.candidateTtlMs)) throw this.candidateExpired();
    } else if (input.mode === 'ARTIFACT' && version.status !== 'READY') {
      throw new RegistryError('VERSION_NOT_READY', 'The version has no artifact to check.', ['input', 'modelVersionId']);
    }
    // An enrolled endpoint is checked on the triggers stable there (enrollment/README.md).
    const enrollment =
      endpoint === null
        ? null
        : await this.verifications!.enrollment({
            watermarkId: watermark.id,
            endpointUrl: endpoint.url,
            endpointProtocol: endpoint.protocol,
            endpointModelName: endpoint.modelName,
            endpointInputFormat: endpoint.inputFormat,
          });
    const verification = await this.verifications!.transaction(async (tx) => {
      // Locked until the commit: the collector (candidate-collector.ts) cannot delete the candidate
      // between the check above and this verification, which keeps it while PENDING.
      if (input.mode === 'ARTIFACT' && input.candidateArtifactId) {
        if (!(await this.verifications!.lockCandidate(tx, input.candidateArtifactId))) throw this.candidateExpired();
      }
      // Job row and queue entry commit with the verification, or not at all.
      return createVerification(tx, this.queue, this.vault, {
        tenantId: actor.tenantId!,
        modelVersionId: version.id,
        watermark,
        mode: input.mode,
        candidateArtifactId: input.candidateArtifactId ?? null,
        endpoint,
        enrollment,
        audience: input.audience ?? null,
        nonce: input.nonce ?? null,
        apiKeyId: actor.apiKeyId,
      });
    });
    return { verification, jobId: verification.jobId! };
  }

  /**
   * Records a model copy uploaded only to be checked (PUT /v1/verification-artifacts).
   * `beforeCommit` runs last inside the recording transaction (the upload route checks the
   * storage quota and moves the files into the store there): when it throws, nothing is recorded.
   */
  async registerCandidate(artifact: ValidatedArtifact, beforeCommit: (tx: Transaction) => Promise<void> = async () => {}) {
    const actor = this.requireRole('OPERATOR');
    return this.verifications!.createCandidate(
      actor.tenantId!,
      { artifact: manifestJson(artifact.manifest), weightsDigest: artifact.weightsDigest, inputShape: artifact.inputShape, numClasses: artifact.numClasses },
      beforeCommit,
      RECORDING_TIMEOUT_MS,
    );
  }

  async forJob(jobId: string): Promise<Verification | null> {
    this.requireRole('VIEWER');
    return this.verifications!.forJob(jobId);
  }

  async get(id: string): Promise<Verification | null> {
    this.requireRole('VIEWER');
    return this.verifications!.get(id);
  }

  async list(page: PageRequest, filter: VerificationFilter = {}): Promise<Page<Verification>> {
    this.requireRole('VIEWER');
    return this.verifications!.list(page, filter);
  }

  private async endpointToQuery(version: ModelVersion & { model: Model }, input: VerifyModelInput): Promise<ResolvedEndpoint> {
    try {
      return await this.verifications!.endpoint(version, input, this.egress);
    } catch (error) {
      if (!(error instanceof NoRegisteredEndpoint)) throw error;
      throw new VerificationsError('NO_ENDPOINT', 'This version has no registered endpoint: a tenant admin registers one with registerEndpoint, or pass an ad-hoc endpoint, or verify by ARTIFACT.', ['input', 'mode']);
    }
  }

  private async readyWatermark(versionId: string, watermarkId: string | null | undefined): Promise<Watermark> {
    return requireReadyWatermark(await this.verifications!.watermark(versionId, watermarkId));
  }

  private candidateTtlHours(): number {
    return Math.round(this.candidateTtlMs / 3_600_000);
  }

  private candidateExpired(): VerificationsError {
    return new VerificationsError(
      'CANDIDATE_EXPIRED',
      `This uploaded artifact has expired (uploads are kept ${this.candidateTtlHours()} hours): upload the copy again and verify the new upload.`,
      ['input', 'candidateArtifactId'],
    );
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Verifications');
  }
}

