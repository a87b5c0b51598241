/**
 * The verification job, run by a worker: open the watermark's trigger set from the vault, get
 * the model's labels for it (in-process from an artifact, or over HTTP from its inference
 * endpoint), compare with the key labels under the watermark's policy, and record the verdict
 * with a signed attestation. A model that cannot be checked (endpoint down, answers garbage,
 * artifact unloadable) gets verdict ERROR with the reason, never INTACT or TAMPERED.
 *
 * A job of a deleted tenant unseals, signs and records nothing: the tenant is checked before each
 * unseal and, with its row locked, first thing in the final transaction (src/tenants/tenant-guard.ts);
 * the job then ends CANCELLED with the verification ERROR "The tenant was deleted.".
 * Endpoint queries go through the process's egress policy (FRAGMARK_EGRESS_ALLOW); the reason
 * stored for an endpoint failure never holds the endpoint's answer or the credential.
 */
import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import type { Vault } from '../vault/vault.ts';
import { storedManifest } from '../registry/artifacts/artifact-manifest.ts';
import type { ModelArtifacts } from '../registry/artifacts/model-artifacts.ts';
import {
  decodeTriggerSet,
  gatherTriggers,
  isEngineError,
  loadClassifierFromFiles,
  isOnnxName,
  ONNX_RUNTIME,
  onnxRuntimeLabels,
  verifyClassifierYielding,
  verifyLabels,
  type VerificationResult,
} from '../engine/index.ts';
import { endpointInputs } from '../endpoints/trigger-inputs.ts';
import { VerificationsError } from './verifications.errors.ts';
import { DomainError } from '../errors/domain-error.ts';
import { JobRecords, SupersededAttempt } from '../jobs/job-records.ts';
import type { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { binaryOutputOf, queryEndpointLabels } from '../endpoints/inference-client.ts';
import { claimsFor } from './attestation-claims.ts';
import { candidateOfJob, endInError, jobWithVerification, recordVerdict } from './verifications.repository.ts';
import { credentialRecordOf } from '../registry/endpoints.service.ts';
import { ClassifierCache } from './classifier-cache.ts';
import { parseVerdictPolicy } from '../engine/index.ts';
import type { RunningJob } from '../jobs/job-runtime.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { notifySettled, type SettledVerification, type VerificationSettledListener } from './verification-settled.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { redactAndTruncate } from '../endpoints/endpoint-url.ts';
import { assertTenantActive, endJobOfDeletedTenant, isTenantDeleted, TenantDeletedError } from '../tenants/tenant-guard.ts';

/** Longest reason stored on a verification or job (after redacting the credential). */
const MAX_REASON_CHARS = 1000;

/** Models stay loaded between this worker's artifact verifications (bench: 130/s cached vs 61/s loading). */
const classifiers = new ClassifierCache(4);

export interface VerificationJobDeps {
  db: Database;
  vault: Vault;
  store: ModelArtifacts;
  issuer: AttestationIssuer;
  logger: Logger;
  workerId: string;
  /** Which endpoint addresses may be queried (egressPolicyFrom(config)). */
  egress: EgressPolicy;
  /** Told of every verdict, in the transaction that records it (monitoring, webhooks). */
  verificationListeners?: readonly VerificationSettledListener[];
  /** The engine's settings: its memory budget bounds each micro-batch of an artifact's check. */
  engine: Config['engine'];
}

function memoryBudget(deps: VerificationJobDeps): { memoryBudgetMb?: number } {
  const mb = deps.engine.memoryBudgetMb;
  return mb !== undefined ? { memoryBudgetMb: mb } : {};
}

export const verificationJob = defineJob<VerificationJobDeps>({ kind: 'VERIFY', run: (deps, job) => runVerificationJob(deps, job) });

export async function runVerificationJob(deps: VerificationJobDeps, queued: RunningJob): Promise<void> {
  try {
    await runAttempt(deps, queued);
  } catch (error) {
    // A newer attempt owns the job (this one's heartbeats stalled): it wrote nothing, and says so.
    if (!(error instanceof SupersededAttempt)) throw error;
    deps.logger.warn('a newer attempt owns this verification job; this attempt wrote nothing', { jobId: queued.id, attempt: error.attempt });
  }
}

async function runAttempt(deps: VerificationJobDeps, queued: RunningJob): Promise<void> {
  try {
    await verify(deps, queued);
  } catch (error) {
    if (!(error instanceof TenantDeletedError)) throw error;
    await endJobOfDeletedTenant(deps.db, queued.id);
    deps.logger.info('verification job of a deleted tenant ended; nothing was signed', { jobId: queued.id });
  }
}

async function verify(deps: VerificationJobDeps, queued: RunningJob): Promise<void> {
  const { db, vault, logger } = deps;
  const records = new JobRecords(db, queued.id);
  const verification = await jobWithVerification(db, queued.id);
  if (!verification?.job) {
    logger.warn('verification job without its records; dropping it', { jobId: queued.id });
    return;
  }
  if (verification.verdict !== 'PENDING' || verification.job.status === 'CANCELLED') return;
  const tenantId = verification.tenantId;
  await assertTenantActive(db, tenantId);
  const { watermark, modelVersion: version } = verification;
  const log = logger.child({ jobId: queued.id, verificationId: verification.id });
  const attempt = queued.attempt;
  if (!(await records.started(deps.workerId, attempt))) return; // a newer attempt owns the job
  const policy = parseVerdictPolicy(watermark.policy);

  let result: VerificationResult;
  let backend: string | null = null;
  let checkedDigest: string | null = null;
  let checkedArtifactDigest: string | null = null;
  let tlsCertificateSha256: string | null = null;
  let credential: string | null = null;
  // Re-checked right before every unseal: a tenant deleted meanwhile gets nothing opened.
  const unseal = async (purpose: 'trigger-set' | 'endpoint-credential', recordId: string): Promise<Uint8Array> => {
    await assertTenantActive(db, tenantId);
    return vault.unseal({ tenantId, purpose, recordId }, { apiKeyId: null });
  };
  const sealed = await unseal('trigger-set', watermark.id);
  try {
    const set = decodeTriggerSet(sealed);
    // A monitor's sampled run queries exactly its sample (drawn from the enrolled triggers).
    const sampled = verification.sampledIndices.length > 0 ? verification.sampledIndices : undefined;
    const onlySampled = sampled ? { indices: sampled } : {};
    if (verification.mode === 'ENDPOINT') {
      // Enrolled endpoint: only the triggers its serving stack answered stably at enrollment.
      const indices = sampled ?? verification.enrollment?.stableIndices;
      await records.progress(0.1, `Querying ${indices?.length ?? set.labels.length} triggers at the endpoint…`, true);
      // An ad-hoc endpoint (verifyModel input) carries its own credential; otherwise the registered endpoint's.
      const credentialRecord = credentialRecordOf(verification);
      credential = credentialRecord ? new TextDecoder().decode(await unseal('endpoint-credential', credentialRecord)) : null;
      const answer = await queryEndpointLabels(
        {
          url: verification.endpointUrl!,
          protocol: verification.endpointProtocol!,
          modelName: verification.endpointModelName ?? version.model.name,
          credential,
        },
        endpointInputs(set, verification.endpointInputFormat ?? 'FLOAT32', indices),
        [...set.shape],
        set.numClasses,
        { signal: queued.signal, egress: deps.egress, binaryOutput: binaryOutputOf(version.binaryOutput) },
      );
      tlsCertificateSha256 = answer.tlsCertificateSha256;
      result = verifyLabels(set, answer.labels, { policy, ...(indices ? { indices } : {}) });
    } else {
      await records.progress(0.1, 'Loading the model…', true);
      const passOptions = {
        signal: queued.signal,
        onMicroBatch: ({ done, total, examples }: { done: number; total: number; examples: number }) =>
          void records.progress(0.1 + (0.85 * done) / total, `Checking the model: ${examples} of ${sampled?.length ?? set.labels.length} triggers…`),
      };
      const candidate = verification.candidateArtifactId ? await candidateOfJob(db, verification.candidateArtifactId) : null;
      // Collected (candidate-collector.ts keeps it while this is PENDING, so only by an operator's
      // hand): an ERROR verdict, never a check of the registered artifact instead.
      if (verification.candidateArtifactId && !candidate) {
        throw new VerificationsError('CANDIDATE_EXPIRED', 'The uploaded artifact to check no longer exists (expired); upload it again and verify the new upload.');
      }
      const manifest = storedManifest(candidate?.artifact ?? version.artifact);
      checkedDigest = candidate?.weightsDigest ?? version.weightsDigest;
      checkedArtifactDigest = manifest.digest;
      // Known from the manifest's file names (ONNX has no magic bytes), so that a cached
      // classifier of another format is used without reading its files again.
      if (manifest.files.length === 1 && isOnnxName(manifest.files[0]!.name)) {
        // ONNX artifacts are checked on onnxruntime, the runtime ONNX deployments serve with; the
        // watermark's triggers were checked against it when they were made (cross-runtime-check.ts).
        const [bytes] = [...(await deps.store.readArtifact(manifest)).values()];
        const answer = await onnxRuntimeLabels(bytes!, sampled ? gatherTriggers(set, sampled) : set.data, set.shape, {
          sigmoidOutput: version.binaryOutput === 'SIGMOID',
          ...passOptions,
        });
        result = verifyLabels(set, answer.labels, { policy, ...onlySampled });
        backend = ONNX_RUNTIME;
      } else {
        // On this thread, yielding between micro-batches: heartbeats and other jobs run meanwhile.
        result = await classifiers.use(
          manifest.digest,
          async () => loadClassifierFromFiles(await deps.store.readArtifact(manifest)),
          (classifier) => verifyClassifierYielding(classifier, set, { policy, ...onlySampled, ...passOptions, ...memoryBudget(deps) }),
        );
        backend = result.backend ?? null;
      }
    }
  } catch (error) {
    if (error instanceof TenantDeletedError || error instanceof SupersededAttempt) throw error;
    // Deleted meanwhile (its cancellation may be what aborted the query): end as the deletion says.
    if (await isTenantDeleted(db, tenantId)) throw new TenantDeletedError(tenantId);
    // Throws (writing nothing) when the worker is shutting down or a newer attempt owns the job.
    const cancelled = await queued.wasCancelled();
    if (cancelled || error instanceof DomainError || isEngineError(error)) {
      // The model could not be checked: that is a verdict (ERROR), not a job to retry.
      // Redacted before truncation, so that no part of the credential survives a cut.
      const reason = cancelled ? 'The verification was cancelled.' : redactAndTruncate((error as Error).message, [credential], MAX_REASON_CHARS);
      await db.$transaction(async (tx) => {
        await JobRecords.fence(tx, queued.id, attempt);
        const completedAt = new Date();
        await endInError(tx, verification.id, reason, completedAt);
        if (cancelled) await JobRecords.cancel(tx, queued.id);
        else await JobRecords.fail(tx, queued.id, reason, true, 'Verification could not be completed.');
        await notifySettled(deps.verificationListeners, tx, settledOf(verification, { verdict: 'ERROR', cancelled, errorReason: reason, completedAt }));
      });
      log.warn('verification ended in ERROR', { reason });
      return;
    }
    const final = queued.finalAttempt;
    log.error('verification job failed', { error: error as Error, final });
    // One transaction, as in the watermark job: no reader sees the job FAILED with the verdict PENDING.
    await db.$transaction(async (tx) => {
      await JobRecords.fence(tx, queued.id, attempt);
      await JobRecords.fail(tx, queued.id, (error as Error).message ?? 'Internal error', final);
      if (final) {
        const completedAt = new Date();
        await endInError(tx, verification.id, 'Internal error.', completedAt);
        await notifySettled(deps.verificationListeners, tx, settledOf(verification, { verdict: 'ERROR', cancelled: false, errorReason: 'Internal error.', completedAt }));
      }
    });
    // Retried by pg-boss unless this was the last attempt (then it ended ERROR above).
    if (!final) throw error;
    return;
  } finally {
    sealed.fill(0);
  }

  const verdict = result.verdict;
  const completedAt = new Date();
  await db.$transaction(async (tx) => {
    // First, before any other row: the tenant's row locked (FOR SHARE) until the attestation is committed.
    await assertTenantActive(tx, tenantId);
    // Only the attempt that owns the job records a verdict, and never over another one.
    await JobRecords.fence(tx, queued.id, attempt);
    const recorded = await recordVerdict(tx, verification.id, {
      verdict: verdict === 'intact' ? 'INTACT' : 'TAMPERED',
      triggersQueried: result.queried,
      triggersMatched: result.matched,
      accTri: result.accTri,
      backend,
      checkedDigest,
      checkedArtifactDigest,
      tlsCertificateSha256,
      completedAt,
    });
    if (!recorded) throw new SupersededAttempt(queued.id, attempt);
    await deps.issuer.issue(tx, {
      tenantId: verification.tenantId,
      verificationId: verification.id,
      modelVersionId: version.id,
      audience: verification.audience,
      nonce: verification.nonce,
      claims: claimsFor(version.model, version, watermark, { ...verification, checkedDigest, checkedArtifactDigest, tlsCertificateSha256 }, result, verification.enrollment),
    });
    await JobRecords.succeed(tx, queued.id, `Verdict ${verdict.toUpperCase()}: ${result.matched}/${result.queried} triggers matched.`);
    await notifySettled(
      deps.verificationListeners,
      tx,
      settledOf(verification, { verdict: verdict === 'intact' ? 'INTACT' : 'TAMPERED', cancelled: false, errorReason: null, completedAt, accTri: result.accTri, triggersQueried: result.queried, triggersMatched: result.matched }),
    );
  });
  log.info('verification done', { verdict, matched: result.matched, queried: result.queried });
}

function settledOf(
  verification: Pick<SettledVerification, 'id' | 'tenantId' | 'modelVersionId' | 'mode' | 'endpointId' | 'candidateArtifactId' | 'monitorId'>,
  outcome: Pick<SettledVerification, 'verdict' | 'cancelled' | 'errorReason' | 'completedAt'> & Partial<Pick<SettledVerification, 'accTri' | 'triggersQueried' | 'triggersMatched'>>,
): SettledVerification {
  const { id, tenantId, modelVersionId, mode, endpointId, candidateArtifactId, monitorId } = verification;
  return { id, tenantId, modelVersionId, mode, endpointId, candidateArtifactId, monitorId, accTri: null, triggersQueried: null, triggersMatched: null, ...outcome };
}
