/**
 * The enrollment job, run by a worker: query the endpoint `rounds` times with every trigger
 * (shuffled by the inference client, batch sizes alternating), and record which triggers it
 * answers stably with their key label. Refused (FAILED) when more than `maxUnstableShare` of them
 * are not: either the endpoint computes further from float32 than the watermark's profile
 * tolerates, or it does not serve the watermarked model.
 *
 * A deleted tenant's enrollment unseals and records nothing: the tenant is checked before each
 * unseal and first thing in the final transaction (src/tenants/tenant-guard.ts); the job then
 * ends CANCELLED. Queries go through the process's egress policy; stored reasons never hold the
 * endpoint's answer or the credential.
 */
import { credentialRecordOf } from '../../registry/endpoints.service.ts';
import type { Database } from '../../db/client.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Vault } from '../../vault/vault.ts';
import { decodeTriggerSet, isEngineError, PROFILES, type ServingProfile } from '../../engine/index.ts';
import { DomainError } from '../../errors/domain-error.ts';
import { JobRecords, SupersededAttempt } from '../../jobs/job-records.ts';
import type { RunningJob } from '../../jobs/job-runtime.ts';
import { defineJob } from '../../jobs/job-definition.ts';
import { binaryOutputOf, queryEndpointLabels } from '../../endpoints/inference-client.ts';
import { endpointInputs } from '../../endpoints/trigger-inputs.ts';
import { assessStability, marginSummary } from './stability.ts';
import { completeEnrollment, jobWithEnrollment } from './enrollments.repository.ts';
import type { EgressPolicy } from '../../endpoints/egress-policy.ts';
import { redactAndTruncate } from '../../endpoints/endpoint-url.ts';
import { assertTenantActive, endJobOfDeletedTenant, isTenantDeleted, TenantDeletedError } from '../../tenants/tenant-guard.ts';

const MAX_REASON_CHARS = 1000;

export interface EnrollmentJobDeps {
  db: Database;
  vault: Vault;
  logger: Logger;
  workerId: string;
  /** Which endpoint addresses may be queried (egressPolicyFrom(config)). */
  egress: EgressPolicy;
}

export const enrollmentJob = defineJob<EnrollmentJobDeps>({ kind: 'ENROLL', run: (deps, job) => runEnrollmentJob(deps, job) });

export async function runEnrollmentJob(deps: EnrollmentJobDeps, queued: RunningJob): Promise<void> {
  try {
    await enroll(deps, queued);
  } catch (error) {
    if (error instanceof SupersededAttempt) {
      // A newer attempt owns the job (this one's heartbeats stalled): this one wrote nothing.
      deps.logger.warn('a newer attempt owns this enrollment job; this attempt wrote nothing', { jobId: queued.id, attempt: error.attempt });
      return;
    }
    if (!(error instanceof TenantDeletedError)) throw error;
    await endJobOfDeletedTenant(deps.db, queued.id);
    deps.logger.info('enrollment job of a deleted tenant ended; nothing was recorded', { jobId: queued.id });
  }
}

async function enroll(deps: EnrollmentJobDeps, queued: RunningJob): Promise<void> {
  const { db, vault, logger } = deps;
  const records = new JobRecords(db, queued.id);
  const enrollment = await jobWithEnrollment(db, queued.id);
  if (!enrollment) {
    logger.warn('enrollment job without its records; dropping it', { jobId: queued.id });
    return;
  }
  if (enrollment.status !== 'PENDING' || enrollment.job.status === 'CANCELLED') return;
  const tenantId = enrollment.tenantId;
  await assertTenantActive(db, tenantId);
  const { watermark, modelVersion: version } = enrollment;
  const log = logger.child({ jobId: queued.id, enrollmentId: enrollment.id });
  const attempt = queued.attempt;
  if (!(await records.started(deps.workerId, attempt))) return; // a newer attempt owns the job

  const finish = async (data: Parameters<typeof completeEnrollment>[2], job: { ok: boolean; message: string }) => {
    await db.$transaction(async (tx) => {
      // First, before any other row (tenant-guard.ts): nothing is recorded for a deleted tenant.
      await assertTenantActive(tx, tenantId);
      await JobRecords.fence(tx, queued.id, attempt);
      await completeEnrollment(tx, enrollment.id, data);
      if (job.ok) await JobRecords.succeed(tx, queued.id, job.message);
      else await JobRecords.fail(tx, queued.id, job.message, true, 'Enrollment refused.');
    });
  };

  let credential: string | null = null;
  // Re-checked right before every unseal: a tenant deleted meanwhile gets nothing opened.
  const unseal = async (purpose: 'trigger-set' | 'endpoint-credential', recordId: string): Promise<Uint8Array> => {
    await assertTenantActive(db, tenantId);
    return vault.unseal({ tenantId, purpose, recordId }, { apiKeyId: null });
  };
  const sealed = await unseal('trigger-set', watermark.id);
  try {
    const set = decodeTriggerSet(sealed);
    const credentialRecord = credentialRecordOf(enrollment);
    credential = credentialRecord ? new TextDecoder().decode(await unseal('endpoint-credential', credentialRecord)) : null;
    const inputs = endpointInputs(set, enrollment.endpointInputFormat);
    const target = { url: enrollment.endpointUrl, protocol: enrollment.endpointProtocol, modelName: enrollment.endpointModelName, credential };
    const rounds: Int32Array[] = [];
    const margins: Float64Array[] = [];
    for (let r = 0; r < enrollment.rounds; r++) {
      const batchSize = enrollment.batchSizes[r % enrollment.batchSizes.length]!;
      await records.progress(r / enrollment.rounds, `Round ${r + 1} of ${enrollment.rounds}: ${set.labels.length} triggers in batches of ${batchSize}…`, true);
      const answer = await queryEndpointLabels(target, inputs, [...set.shape], set.numClasses, {
        batchSize,
        signal: queued.signal,
        egress: deps.egress,
        binaryOutput: binaryOutputOf(version.binaryOutput),
      });
      rounds.push(answer.labels);
      margins.push(answer.margins);
    }
    const { stable, unstable, mismatched } = assessStability(rounds, set.labels);
    const n = set.labels.length;
    const excluded = unstable + mismatched;
    const observed = marginSummary(stable.flatMap((i) => margins.map((m) => m[i]!)));
    const counts = { unstableCount: unstable, mismatchedCount: mismatched, observedMargins: observed ?? undefined };
    if (excluded > Math.floor(enrollment.maxUnstableShare * n + 1e-9)) {
      const profile = watermark.profile as ServingProfile;
      const stronger = PROFILES[profile].stronger;
      const reason =
        `${excluded} of ${n} triggers (${Math.round((excluded / n) * 100)}%) were not answered stably with their key label ` +
        `(${unstable} changed between rounds, ${mismatched} always wrong); at most ${Math.round(enrollment.maxUnstableShare * 100)}% may be. ` +
        `Either this endpoint computes further from float32 than the watermark's ${profile} profile tolerates` +
        (stronger ? ` (watermark the version again with profile ${stronger}, the next stronger one)` : '') +
        ', or it does not serve the watermarked model.';
      await finish({ status: 'FAILED', errorReason: reason, ...counts }, { ok: false, message: reason });
      log.warn('enrollment refused', { excluded, n });
      return;
    }
    await finish(
      { status: 'ENROLLED', stableIndices: stable, ...counts },
      { ok: true, message: `Enrolled: ${stable.length} of ${n} triggers stable at this endpoint (${unstable} unstable, ${mismatched} always wrong).` },
    );
    log.info('endpoint enrolled', { stable: stable.length, unstable, mismatched });
  } catch (error) {
    if (error instanceof TenantDeletedError || error instanceof SupersededAttempt) throw error;
    // Deleted meanwhile (its cancellation may be what aborted the query): end as the deletion says.
    if (await isTenantDeleted(db, tenantId)) throw new TenantDeletedError(tenantId);
    // Throws (writing nothing) when the worker is shutting down or a newer attempt owns the job.
    const cancelled = await queued.wasCancelled();
    if (cancelled || error instanceof DomainError || isEngineError(error)) {
      // Redacted before truncation, so that no part of the credential survives a cut.
      const reason = cancelled ? 'The enrollment was cancelled.' : redactAndTruncate((error as Error).message, [credential], MAX_REASON_CHARS);
      await db.$transaction(async (tx) => {
        await JobRecords.fence(tx, queued.id, attempt);
        await completeEnrollment(tx, enrollment.id, { status: cancelled ? 'CANCELLED' : 'FAILED', errorReason: reason });
        if (cancelled) await JobRecords.cancel(tx, queued.id);
        else await JobRecords.fail(tx, queued.id, reason, true, 'Enrollment could not be completed.');
      });
      log.warn('enrollment ended without a result', { reason });
      return;
    }
    // Not retried: an enrollment is cheap to request again, and a half-finished one proves nothing.
    log.error('enrollment job failed', { error: error as Error });
    await db.$transaction(async (tx) => {
      await JobRecords.fence(tx, queued.id, attempt);
      await completeEnrollment(tx, enrollment.id, { status: 'FAILED', errorReason: 'Internal error.' });
      await JobRecords.fail(tx, queued.id, 'Internal error.', true);
    });
  } finally {
    sealed.fill(0);
  }
}
