/**
 * Verifications: checking a model against one of its watermarks, by artifact or endpoint (in a
 * worker, verification-job.ts) or by challenge (here, synchronously), and reading the history.
 */
import { findReadyWatermark } from './ready-watermark.ts';
import { findEnrollment } from './enrollment/enrollments.service.ts';
import type { Database, Transaction } from '../db/client.ts';
import type { Model, ModelVersion, Verification, VerificationMode, Verdict, Watermark } from '../db/generated/client.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Vault } from '../vault/vault.ts';
import { RegistryError } from '../registry/registry.errors.ts';
import { RECORDING_TIMEOUT_MS } from '../registry/models.service.ts';
import type { EndpointInput } from '../registry/endpoint-spec.ts';
import { NoRegisteredEndpoint, resolveEndpoint, type ResolvedEndpoint } from '../registry/endpoints.service.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import type { ValidatedArtifact } from '../registry/artifacts/model-validation.ts';
import { manifestJson } from '../registry/artifacts/artifact-manifest.ts';
import { createVerification } from './create-verification.ts';
import { VerificationsError } from './verifications.errors.ts';
import { validateText } from './verification-input.ts';
import { candidateCutoff } from '../registry/artifacts/candidate-collector.ts';

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

export interface VerificationFilter {
  watermarkId?: string | null;
  modelId?: string | null;
  modelVersionId?: string | null;
  verdict?: Verdict | null;
  mode?: VerificationMode | null;
  since?: Date | null;
  until?: Date | null;
}

export class VerificationsService {
  private readonly scoped: TenantDatabase | null;

  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
    private readonly egress: EgressPolicy,
    private readonly candidateTtlMs: number = DEFAULT_CANDIDATE_TTL_MS,
  ) {
    this.scoped = actor ? scopeToTenant(db, actor.tenantId) : null;
  }

  async verify(input: VerifyModelInput): Promise<{ verification: Verification; jobId: string }> {
    const actor = this.requireRole('OPERATOR');
    const version = isUuid(input.modelVersionId) ? await this.scoped!.modelVersion.findUnique({ where: { id: input.modelVersionId }, include: { model: true } }) : null;
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
      const candidate = isUuid(input.candidateArtifactId) ? await this.scoped!.candidateArtifact.findUnique({ where: { id: input.candidateArtifactId } }) : null;
      if (!candidate) throw new VerificationsError('CANDIDATE_NOT_FOUND', `No such uploaded artifact (uploads expire after ${this.candidateTtlHours()} hours).`, ['input', 'candidateArtifactId']);
      if (candidate.createdAt < candidateCutoff(new Date(), this.candidateTtlMs)) throw this.candidateExpired();
    } else if (input.mode === 'ARTIFACT' && version.status !== 'READY') {
      throw new RegistryError('VERSION_NOT_READY', 'The version has no artifact to check.', ['input', 'modelVersionId']);
    }
    // An enrolled endpoint is checked on the triggers stable there (enrollment/README.md).
    const enrollment =
      endpoint === null
        ? null
        : await findEnrollment(this.scoped!, {
            watermarkId: watermark.id,
            endpointUrl: endpoint.url,
            endpointProtocol: endpoint.protocol,
            endpointModelName: endpoint.modelName,
            endpointInputFormat: endpoint.inputFormat,
          });
    const verification = await this.db.$transaction(async (tx) => {
      // Locked until the commit: the collector (candidate-collector.ts) cannot delete the candidate
      // between the check above and this verification, which keeps it while PENDING.
      if (input.mode === 'ARTIFACT' && input.candidateArtifactId) {
        const [kept] = await tx.$queryRaw<unknown[]>`SELECT id FROM "CandidateArtifact" WHERE id = ${input.candidateArtifactId}::uuid FOR SHARE`;
        if (!kept) throw this.candidateExpired();
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
    return this.scoped!.$transaction(
      async (tx) => {
        const candidate = await tx.candidateArtifact.create({
          data: {
            tenantId: actor.tenantId!,
            artifact: manifestJson(artifact.manifest),
            weightsDigest: artifact.weightsDigest,
            inputShape: artifact.inputShape,
            numClasses: artifact.numClasses,
          },
        });
        await beforeCommit(tx as Transaction);
        return candidate;
      },
      { timeout: RECORDING_TIMEOUT_MS },
    );
  }

  async forJob(jobId: string): Promise<Verification | null> {
    this.requireRole('VIEWER');
    return this.scoped!.verification.findUnique({ where: { jobId } });
  }

  async get(id: string): Promise<Verification | null> {
    this.requireRole('VIEWER');
    return isUuid(id) ? this.scoped!.verification.findUnique({ where: { id } }) : null;
  }

  async list(page: PageRequest, filter: VerificationFilter = {}): Promise<Page<Verification>> {
    this.requireRole('VIEWER');
    const where = {
      ...(filter.modelVersionId ? { modelVersionId: filter.modelVersionId } : {}),
      ...(filter.watermarkId ? { watermarkId: filter.watermarkId } : {}),
      ...(filter.modelId ? { modelVersion: { modelId: filter.modelId } } : {}),
      ...(filter.verdict ? { verdict: filter.verdict } : {}),
      ...(filter.mode ? { mode: filter.mode } : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped!.verification.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped!.verification.count({ where }),
    );
  }

  private async endpointToQuery(version: ModelVersion & { model: Model }, input: VerifyModelInput): Promise<ResolvedEndpoint> {
    try {
      return await resolveEndpoint(this.scoped!, version, input, this.egress);
    } catch (error) {
      if (!(error instanceof NoRegisteredEndpoint)) throw error;
      throw new VerificationsError('NO_ENDPOINT', 'This version has no registered endpoint: a tenant admin registers one with registerEndpoint, or pass an ad-hoc endpoint, or verify by ARTIFACT.', ['input', 'mode']);
    }
  }

  private readyWatermark(versionId: string, watermarkId: string | null | undefined): Promise<Watermark> {
    return findReadyWatermark(this.scoped!, versionId, watermarkId);
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

