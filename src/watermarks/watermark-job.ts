/**
 * The watermark job, run by a worker: load the version's artifact, generate the fragile trigger
 * set with the engine in a worker thread (generation/), seal triggers and labels in the vault,
 * and record the commitment. Its effect is idempotent: the trigger set is sealed at the
 * watermark's own vault address, and only the attempt that owns the job may seal it.
 *
 * A generated set whose self-check shows no sensitivity (no trigger flipped under weight noise)
 * is weak (watermark-strength.ts): unless the request said allowWeak, the job ends FAILED with
 * the measured figure, the watermark FAILED, and the trigger set is discarded, never sealed
 * (sealing happens only in the transaction that makes a watermark READY).
 */
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import { SECRET_TRANSACTION_TIMEOUT_MS, type Vault } from '../vault/vault.ts';
import { storedManifest } from '../registry/artifacts/artifact-manifest.ts';
import type { ModelArtifacts } from '../registry/artifacts/model-artifacts.ts';
import type { Config } from '../config/config.ts';
import type { LossKind } from '../engine/index.ts';
import { JobRecords, SupersededAttempt } from '../jobs/job-records.ts';
import type { RunningJob } from '../jobs/job-runtime.ts';
import { defineJob } from '../jobs/job-definition.ts';
import { assertTenantActive, endJobOfDeletedTenant, isTenantDeleted } from '../tenants/tenant-guard.ts';
import { generateInThread } from './generation/generate-in-thread.ts';
import type { GenerationProgress } from './generation/generate-watermark.ts';
import { generatedWatermarkRefusal } from './watermark-strength.ts';
import { generationParameters, jobWithWatermark } from './watermarks.repository.ts';

export { SELF_CHECK_NOISE_STD } from './generation/generate-watermark.ts';

export interface WatermarkJobDeps {
  db: Database;
  vault: Vault;
  store: ModelArtifacts;
  logger: Logger;
  workerId: string;
  /** The TF.js backend the generation thread uses. */
  engine: Config['engine'];
}

export const watermarkJob = defineJob<WatermarkJobDeps>({ kind: 'WATERMARK', run: (deps, job) => runWatermarkJob(deps, job) });

export async function runWatermarkJob(deps: WatermarkJobDeps, queued: RunningJob): Promise<void> {
  const { db, vault, store, logger } = deps;
  const records = new JobRecords(db, queued.id);
  const job = await jobWithWatermark(db, queued.id);
  if (!job || !job.watermark) {
    logger.warn('watermark job without its records; dropping it', { jobId: queued.id });
    return;
  }
  if (job.status === 'CANCELLED' || job.status === 'SUCCEEDED') return;
  // A deleted tenant's job ends before anything is generated or sealed (src/tenants/tenant-guard.ts).
  if (await isTenantDeleted(db, job.tenantId)) return endJobOfDeletedTenant(db, job.id);
  const watermark = job.watermark;
  const version = watermark.modelVersion;
  const log = logger.child({ jobId: job.id, watermarkId: watermark.id });
  const attempt = queued.attempt;
  if (!(await records.started(deps.workerId, attempt))) return; // a newer attempt owns the job

  try {
    const files = await store.readArtifact(storedManifest(version.artifact));
    const parameters = generationParameters(watermark.parameters);
    await records.progress(0, 'Generating triggers…', true);
    let shown = 0;
    const generated = await generateInThread(
      {
        request: {
          files,
          weightsDigest: version.weightsDigest!,
          method: watermark.method as LossKind,
          lambda: parameters.lambda,
          maxSteps: parameters.maxSteps,
          triggerCount: watermark.triggerCount,
          profile: watermark.profile,
          inputDomain: watermark.inputDomain,
          ...(deps.engine.memoryBudgetMb !== undefined ? { memoryBudgetMb: deps.engine.memoryBudgetMb } : {}),
        },
        backend: deps.engine.backend,
        wasmThreads: deps.engine.wasmThreads,
      },
      {
        signal: queued.signal,
        onProgress: (p) => {
          // Each serving round places again the triggers short of their margin: never shown going back.
          shown = Math.max(shown, progressFraction(p, parameters.maxSteps));
          void records.progress(shown, progressMessage(p));
        },
      },
    );
    const { sealed } = generated;
    try {
      const refusal = generatedWatermarkRefusal({ ...watermark, selfCheck: generated.selfCheck });
      if (refusal) {
        // Weak and not allowed: FAILED for good (another attempt would make the same kind of set),
        // with what the self-check measured; the trigger set is dropped here, never sealed.
        await db.$transaction(async (tx) => {
          await JobRecords.fence(tx, job.id, attempt);
          const { count } = await tx.watermark.updateMany({
            where: { id: watermark.id, status: 'PENDING' },
            data: { status: 'FAILED', backend: generated.backend, generationSteps: generated.steps, selfCheck: generated.selfCheck as object },
          });
          if (count !== 1) throw new SupersededAttempt(job.id, attempt);
          await JobRecords.fail(tx, job.id, refusal, true, 'Refused: the generated watermark is weak.');
        });
        log.warn('watermark refused: weak', { flipFractionUnderNoise: generated.selfCheck.flipFractionUnderNoise, triggers: watermark.triggerCount, method: watermark.method });
        return;
      }
      // The whole trigger set is sealed in this transaction: 60 MB at 224x224x3 took 7.6 s, past
      // Prisma's default 5 s, and every such watermark failed at its last step (bench/RESULTS.md).
      await db.$transaction(async (tx) => {
        // The tenant's row first, locked until the commit: nothing is sealed for a deleted tenant.
        await assertTenantActive(tx, job.tenantId);
        // Only the attempt that owns the job may seal, and only a PENDING watermark becomes READY.
        await JobRecords.fence(tx, job.id, attempt);
        const { count } = await tx.watermark.updateMany({
          where: { id: watermark.id, status: 'PENDING' },
          data: {
            status: 'READY',
            triggerCount: generated.triggerCount,
            commitment: generated.commitment,
            backend: generated.backend,
            generationSteps: generated.steps,
            selfCheck: generated.selfCheck as object,
            readyAt: new Date(),
          },
        });
        if (count !== 1) throw new SupersededAttempt(job.id, attempt);
        await vault.seal({ tenantId: job.tenantId, purpose: 'trigger-set', recordId: watermark.id }, sealed, { apiKeyId: null }, tx);
        await JobRecords.succeed(tx, job.id, `Watermark ready: ${readyMessage(watermark.triggerCount, generated)}.`);
      }, { timeout: SECRET_TRANSACTION_TIMEOUT_MS });
    } finally {
      sealed.fill(0);
    }
    log.info('watermark ready', { steps: generated.steps, backend: generated.backend, ms: Math.round(generated.elapsedMs) });
  } catch (error) {
    if (error instanceof SupersededAttempt) {
      log.warn('a newer attempt owns this job; this attempt wrote nothing', { attempt });
      return;
    }
    try {
      await settleFailure(error);
    } catch (settling) {
      if (settling instanceof SupersededAttempt) {
        log.warn('a newer attempt owns this job; this attempt wrote nothing', { attempt });
        return;
      }
      throw settling;
    }
  }

  async function settleFailure(error: unknown): Promise<void> {
    // Throws (writing nothing) when the worker is shutting down or a newer attempt owns the job.
    if (await queued.wasCancelled()) {
      // One transaction: a reader who sees the job CANCELLED must see the watermark CANCELLED.
      await db.$transaction(async (tx) => {
        await JobRecords.fence(tx, queued.id, attempt);
        await JobRecords.cancel(tx, queued.id);
        await tx.watermark.update({ where: { id: watermark.id }, data: { status: 'CANCELLED' } });
      });
      log.info('watermark job cancelled');
      return;
    }
    const message = error instanceof Error ? error.message : 'Internal error';
    const final = queued.finalAttempt;
    log.error('watermark job failed', { error: error as Error, attempt, final });
    await db.$transaction(async (tx) => {
      await JobRecords.fence(tx, queued.id, attempt);
      await JobRecords.fail(tx, queued.id, message, final);
      if (final) await tx.watermark.update({ where: { id: watermark.id }, data: { status: 'FAILED' } });
    });
    // Retried by pg-boss unless this was the last attempt (then it ended FAILED above).
    if (!final) throw error;
  }
}

/** The job's closing message: triggers sealed, and those another runtime disagreed on. */
function readyMessage(requested: number, generated: { triggerCount: number; selfCheck: Record<string, unknown> }): string {
  const cross = generated.selfCheck.crossRuntime as { runtime: string; disagreed: number } | null | undefined;
  const dropped = cross && cross.disagreed > 0 ? ` (${cross.disagreed} of ${requested} dropped: ${cross.runtime} labels them differently)` : '';
  const checked = cross && cross.disagreed === 0 ? `, every one labelled the same by ${cross.runtime}` : '';
  return `${generated.triggerCount} triggers${dropped}, AccTri 100%${checked}`;
}

/**
 * What the job says while generating: the warm start's step, or that the triggers are being placed
 * (at 224x224 the whole generation, without a warm start) and how many are in place, and the
 * micro-batch of a long pass (seconds each at 224x224).
 */
export function progressMessage(p: GenerationProgress): string {
  const placing = p.placed === undefined ? 'Placing the triggers' : `Placing the triggers: ${p.placed.done} of ${p.placed.total} in place`;
  const what = p.stage === 'PLACEMENT' ? placing : `Step ${p.step}: AccTri ${(p.accTri * 100).toFixed(0)}%`;
  return p.microBatch === undefined || p.microBatch.total === 1 ? what : `${what} (micro-batch ${p.microBatch.done} of ${p.microBatch.total})`;
}

/**
 * The job's progress: the warm start's share of its step budget, then, while the triggers are
 * placed, the rest in proportion to those in place (up to 0.95; the end's checks and sealing take
 * the last part).
 */
export function progressFraction(p: GenerationProgress, maxSteps: number): number {
  const warm = Math.min(0.95, p.step / maxSteps);
  if (p.stage !== 'PLACEMENT' || p.placed === undefined || p.placed.total === 0) return warm;
  return warm + (0.95 - warm) * (p.placed.done / p.placed.total);
}
