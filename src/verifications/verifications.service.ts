/**
 * Verifications: checking a model against one of its watermarks, by artifact or endpoint (in a
 * worker, verification-job.ts) or by challenge (here, synchronously), and reading the history.
 */
import { findReadyWatermark } from './ready-watermark.ts';
import { findEnrollment } from './enrollment/enrollments.service.ts';
import { randomInt } from 'node:crypto';
import { uuid7 } from '../common/ids.ts';
import type { Database, Transaction } from '../db/client.ts';
import type { Attestation, Challenge, Model, ModelVersion, Verification, VerificationMode, Verdict, Watermark } from '../db/generated/client.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Vault } from '../vault/vault.ts';
import type { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { decodeTriggerSet, gatherTriggers, parseVerdictPolicy, verifyLabels } from '../engine/index.ts';
import { RegistryError } from '../registry/registry.errors.ts';
import { RECORDING_TIMEOUT_MS } from '../registry/models.service.ts';
import type { EndpointInput } from '../registry/endpoint-spec.ts';
import { NoRegisteredEndpoint, resolveEndpoint, type ResolvedEndpoint } from '../registry/endpoints.service.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { assertTenantActive } from '../tenants/tenant-guard.ts';
import type { ValidatedArtifact } from '../registry/artifacts/model-validation.ts';
import { manifestJson } from '../registry/artifacts/artifact-manifest.ts';
import { claimsFor } from './attestation-claims.ts';
import { createVerification } from './create-verification.ts';
import { VerificationsError } from './verifications.errors.ts';
import { candidateCutoff } from '../registry/artifacts/candidate-collector.ts';
import { processMetrics } from '../metrics/metrics.ts';

/** FRAGMARK_CANDIDATE_TTL_HOURS's default: 7 days. */
export const DEFAULT_CANDIDATE_TTL_MS = 168 * 3_600_000;

export interface ChallengeSettings {
  /** Largest share of a watermark's triggers that challenges may ever reveal. */
  maxRevealedShare: number;
  maxSize: number;
  maxTtlSeconds: number;
}

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

export interface CreatedChallenge {
  challenge: Challenge;
  /** The revealed triggers, float32 little-endian, row-major [size, ...shape]. */
  triggers: { shape: number[]; data: string; encoding: 'float32-le-base64' };
}

const TEXT = /^[\x20-\x7e]{1,256}$/;

export class VerificationsService {
  private readonly scoped: TenantDatabase | null;

  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly queue: JobQueue,
    private readonly issuer: AttestationIssuer,
    private readonly challenges: ChallengeSettings,
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

  /**
   * Hands a model operator a fresh random subset of triggers that no earlier challenge revealed,
   * until the watermark's revealed share would pass the configured maximum.
   */
  async createChallenge(input: { watermarkId: string; size: number; ttlSeconds?: number | null; audience?: string | null; nonce?: string | null }): Promise<CreatedChallenge> {
    const actor = this.requireRole('OPERATOR');
    const watermark = isUuid(input.watermarkId) ? await this.scoped!.watermark.findUnique({ where: { id: input.watermarkId } }) : null;
    if (!watermark) throw new VerificationsError('WATERMARK_NOT_READY', 'No such watermark.', ['input', 'watermarkId']);
    if (watermark.status !== 'READY') throw new VerificationsError('WATERMARK_NOT_READY', 'The watermark is not ready.', ['input', 'watermarkId']);
    const { maxRevealedShare, maxSize, maxTtlSeconds } = this.challenges;
    if (!Number.isInteger(input.size) || input.size < 1 || input.size > maxSize) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `size must be between 1 and ${maxSize}.`, ['input', 'size']);
    }
    const ttl = input.ttlSeconds ?? 3600;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > maxTtlSeconds) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `ttlSeconds must be between 60 and ${maxTtlSeconds}.`, ['input', 'ttlSeconds']);
    }
    validateText(input.audience, 'audience');
    validateText(input.nonce, 'nonce');

    return this.db.$transaction(async (tx) => {
      // Serialise challenges of one watermark so two cannot reveal the same budget twice.
      const [locked] = await tx.$queryRaw<Array<{ revealedIndices: number[] }>>`SELECT "revealedIndices" FROM "Watermark" WHERE id = ${watermark.id}::uuid FOR UPDATE`;
      const revealed = new Set(locked!.revealedIndices);
      const budget = Math.floor(maxRevealedShare * watermark.triggerCount) - revealed.size;
      if (input.size > budget) {
        throw new VerificationsError(
          'CHALLENGE_BUDGET_EXHAUSTED',
          `This watermark has revealed ${revealed.size} of ${watermark.triggerCount} triggers; at most ${Math.max(0, budget)} more may be revealed ` +
            `(limit ${Math.round(maxRevealedShare * 100)}%). Generate a new watermark for further challenges.`,
          ['input', 'size'],
        );
      }
      const fresh = Array.from({ length: watermark.triggerCount }, (_, i) => i).filter((i) => !revealed.has(i));
      for (let i = fresh.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      }
      const indices = fresh.slice(0, input.size);
      // On this transaction's connection: a second one from the pool while holding this one
      // deadlocks the pool under a burst of challenges (src/db/client.ts).
      const sealed = await this.vault.unseal({ tenantId: watermark.tenantId, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: actor.apiKeyId }, tx);
      try {
        const set = decodeTriggerSet(sealed);
        const data = gatherTriggers(set, indices);
        await tx.watermark.update({ where: { id: watermark.id }, data: { revealedIndices: [...revealed, ...indices] } });
        const challenge = await tx.challenge.create({
          data: {
            tenantId: watermark.tenantId,
            watermarkId: watermark.id,
            triggerIndices: indices,
            expiresAt: new Date(Date.now() + ttl * 1000),
            audience: input.audience ?? null,
            nonce: input.nonce ?? null,
          },
        });
        await recordAudit(tx, { tenantId: watermark.tenantId, actorApiKeyId: actor.apiKeyId, action: 'challenge.create', recordId: challenge.id, details: { revealed: indices.length, totalRevealed: revealed.size + indices.length } });
        return {
          challenge,
          triggers: { shape: [indices.length, ...set.shape], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), encoding: 'float32-le-base64' as const },
        };
      } finally {
        sealed.fill(0);
      }
    });
  }

  /** Scores the operator's labels for a challenge: a CHALLENGE verification with its attestation. */
  async answerChallenge(challengeId: string, labels: number[]): Promise<Verification> {
    const actor = this.requireRole('OPERATOR');
    const challenge = isUuid(challengeId) ? await this.scoped!.challenge.findUnique({ where: { id: challengeId }, include: { watermark: { include: { modelVersion: { include: { model: true } } } } } }) : null;
    if (!challenge) throw new VerificationsError('CHALLENGE_NOT_FOUND', 'No such challenge.', ['input', 'challengeId']);
    if (challenge.answeredAt) throw new VerificationsError('CHALLENGE_ANSWERED', 'This challenge was already answered; create a new one.', ['input', 'challengeId']);
    if (challenge.expiresAt <= new Date()) throw new VerificationsError('CHALLENGE_EXPIRED', 'This challenge has expired; create a new one.', ['input', 'challengeId']);
    if (labels.length !== challenge.triggerIndices.length || labels.some((l) => !Number.isInteger(l) || l < 0)) {
      throw new VerificationsError('INVALID_VERIFICATION_INPUT', `Send exactly ${challenge.triggerIndices.length} non-negative integer labels, in the challenge's order.`, ['input', 'labels']);
    }
    const { watermark } = challenge;
    const version = watermark.modelVersion;
    const sealed = await this.vault.unseal({ tenantId: watermark.tenantId, purpose: 'trigger-set', recordId: watermark.id }, { apiKeyId: actor.apiKeyId });
    let result;
    try {
      result = verifyLabels(decodeTriggerSet(sealed), labels, { policy: parseVerdictPolicy(watermark.policy), indices: challenge.triggerIndices });
    } finally {
      sealed.fill(0);
    }
    const answered = await this.db.$transaction(async (tx) => {
      // The tenant's row first (tenant-guard.ts): nothing is signed for a tenant deleted meanwhile.
      await assertTenantActive(tx, watermark.tenantId);
      const claimed = await tx.challenge.updateMany({ where: { id: challenge.id, answeredAt: null }, data: { answeredAt: new Date() } });
      if (claimed.count === 0) throw new VerificationsError('CHALLENGE_ANSWERED', 'This challenge was already answered; create a new one.', ['input', 'challengeId']);
      const verification = await tx.verification.create({
        data: {
          tenantId: watermark.tenantId,
          modelVersionId: version.id,
          watermarkId: watermark.id,
          mode: 'CHALLENGE',
          verdict: result.verdict === 'intact' ? 'INTACT' : 'TAMPERED',
          triggersQueried: result.queried,
          triggersMatched: result.matched,
          accTri: result.accTri,
          policy: parseVerdictPolicy(watermark.policy),
          audience: challenge.audience,
          nonce: challenge.nonce,
          completedAt: new Date(),
        },
      });
      await tx.challenge.update({ where: { id: challenge.id }, data: { verificationId: verification.id } });
      await this.issuer.issue(tx, {
        tenantId: watermark.tenantId,
        verificationId: verification.id,
        modelVersionId: version.id,
        audience: challenge.audience,
        nonce: challenge.nonce,
        claims: claimsFor(version.model, version, watermark, verification, result),
      });
      return verification;
    });
    processMetrics.verifications.inc({ mode: 'CHALLENGE', verdict: answered.verdict });
    return answered;
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

  async revokeAttestation(jti: string, reason: string | null): Promise<Attestation> {
    const actor = this.requireRole('OPERATOR');
    if (reason !== null && reason.length > 500) throw new VerificationsError('INVALID_VERIFICATION_INPUT', 'reason is limited to 500 characters.', ['input', 'reason']);
    const revoked = isUuid(jti) ? await this.issuer.revoke(actor.tenantId!, jti, reason, actor.apiKeyId) : null;
    if (!revoked) throw new VerificationsError('ATTESTATION_NOT_FOUND', 'No such attestation.', ['input', 'jti']);
    return revoked;
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

function validateText(value: string | null | undefined, field: string): void {
  if (value !== null && value !== undefined && !TEXT.test(value)) {
    throw new VerificationsError('INVALID_VERIFICATION_INPUT', `${field} must be 1 to 256 printable ASCII characters.`, ['input', field]);
  }
}
