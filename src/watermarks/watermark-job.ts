/**
 * The watermark job, run by a worker: load the version's artifact, generate the fragile trigger
 * set with the engine, check it, seal triggers and labels in the vault, and record the
 * commitment. Its effect is idempotent: the trigger set is sealed at the watermark's own vault
 * address, so a retried job replaces, never duplicates, it.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import type { Vault } from '../vault/vault.ts';
import type { ArtifactStore, ArtifactManifest } from '../registry/artifacts/artifact-store.ts';
import {
  classifierFromModel,
  computeWeightsDigest,
  decodeTriggerSet,
  encodeTriggerSet,
  flipFraction,
  gaussianNoise,
  generateTriggers,
  isEngineError,
  loadClassifierFromFiles,
  domainFromJson,
  triggerSetCommitment,
  verifyClassifier,
  type LossKind,
} from '../engine/index.ts';
import { JobRecords, SupersededAttempt } from '../jobs/job-records.ts';
import { assertTenantActive, endJobOfDeletedTenant, isTenantDeleted } from '../tenants/tenant-guard.ts';

/** Weight noise used by the generation-time self-check (data-free stand-in for a small fine-tune). */
export const SELF_CHECK_NOISE_STD = 1e-3;

export interface WatermarkJobDeps {
  db: Database;
  vault: Vault;
  store: ArtifactStore;
  logger: Logger;
  workerId: string;
  retryLimit: number;
}

export interface QueuedJob {
  id: string;
  retryCount: number;
  signal: AbortSignal;
}

export async function runWatermarkJob(deps: WatermarkJobDeps, queued: QueuedJob): Promise<void> {
  const { db, vault, store, logger } = deps;
  const records = new JobRecords(db, queued.id);
  const job = await db.job.findUnique({ where: { id: queued.id }, include: { watermark: { include: { modelVersion: true } } } });
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
  const attempt = queued.retryCount + 1;
  if (!(await records.started(deps.workerId, attempt))) return; // a newer attempt owns the job

  try {
    const files = await store.readArtifact(version.artifact as unknown as ArtifactManifest);
    const classifier = await loadClassifierFromFiles(files);
    try {
      const digestBefore = computeWeightsDigest(classifier.model);
      if (digestBefore !== version.weightsDigest) throw new Error('The stored artifact does not match the version\'s weights digest.');
      const parameters = watermark.parameters as { lambda: number; maxSteps: number };
      const method = watermark.method as LossKind;
      await records.progress(0, 'Generating triggers…', true);
      const result = await generateTriggers(classifier, {
        loss: method === 'CE_VARIANCE' ? { kind: method, lambda: parameters.lambda } : { kind: method },
        count: watermark.triggerCount,
        maxSteps: parameters.maxSteps,
        servingProfile: watermark.profile,
        inputDomain: domainFromJson(watermark.inputDomain),
        signal: queued.signal,
        onProgress: (p) => {
          void records.progress(Math.min(0.95, p.step / parameters.maxSteps), `Step ${p.step}: AccTri ${(p.accTri * 100).toFixed(0)}%`);
        },
      });
      const sealed = encodeTriggerSet(result.triggerSet);
      const check = verifyClassifier(classifier, decodeTriggerSet(sealed));
      const digestAfter = computeWeightsDigest(classifier.model);
      if (check.accTri !== 1) throw new Error(`Self-check failed: the stored triggers score ${check.accTri} on the clean model.`);
      if (digestAfter !== digestBefore) throw new Error('Self-check failed: the model changed during generation.');
      const noisy = await gaussianNoise(classifier.model, { std: SELF_CHECK_NOISE_STD, seed: randomBytes(8).toString('hex') });
      let flipped: number;
      try {
        flipped = flipFraction(classifierFromModel(noisy), result.triggerSet);
      } finally {
        noisy.dispose();
      }
      const selfCheck = {
        accTri: check.accTri,
        digestUnchanged: true,
        flipFractionUnderNoise: flipped,
        noiseStd: SELF_CHECK_NOISE_STD,
        simulatedFlipFraction: result.simulatedFlipFraction ?? null,
        medianMargin: median(result.margins),
        shareAtLimits: result.shareAtLimits,
        serving: (result.triggerSet.metadata.parameters as { serving?: unknown }).serving ?? null,
      };
      await db.$transaction(async (tx) => {
        // The tenant's row first, locked until the commit: nothing is sealed for a deleted tenant.
        await assertTenantActive(tx, job.tenantId);
        // Only the attempt that owns the job may seal, and only a PENDING watermark becomes READY.
        await JobRecords.fence(tx, job.id, attempt);
        const { count } = await tx.watermark.updateMany({
          where: { id: watermark.id, status: 'PENDING' },
          data: {
            status: 'READY',
            commitment: triggerSetCommitment(sealed),
            backend: result.backend,
            generationSteps: result.steps,
            selfCheck,
            readyAt: new Date(),
          },
        });
        if (count !== 1) throw new SupersededAttempt(job.id, attempt);
        await vault.seal({ tenantId: job.tenantId, purpose: 'trigger-set', recordId: watermark.id }, sealed, { apiKeyId: null }, tx);
        await JobRecords.succeed(tx, job.id, `Watermark ready: ${watermark.triggerCount} triggers, AccTri 100%.`);
      });
      sealed.fill(0);
      log.info('watermark ready', { steps: result.steps, backend: result.backend, ms: Math.round(result.elapsedMs) });
    } finally {
      classifier.model.dispose();
    }
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
    if (queued.signal.aborted || (isEngineError(error) && error.code === 'CANCELLED')) {
      // One transaction: a reader who sees the job CANCELLED must see the watermark CANCELLED.
      await db.$transaction(async (tx) => {
        await JobRecords.fence(tx, queued.id, attempt);
        await JobRecords.cancel(tx, queued.id);
        await tx.watermark.update({ where: { id: watermark.id }, data: { status: 'CANCELLED' } });
      });
      log.info('watermark job cancelled');
      return;
    }
    const message = isEngineError(error) || error instanceof Error ? error.message : 'Internal error';
    const final = queued.retryCount >= deps.retryLimit;
    log.error('watermark job failed', { error: error as Error, attempt: queued.retryCount + 1, final });
    await db.$transaction(async (tx) => {
      await JobRecords.fence(tx, queued.id, attempt);
      await JobRecords.fail(tx, queued.id, message, final);
      if (final) await tx.watermark.update({ where: { id: watermark.id }, data: { status: 'FAILED' } });
    });
    throw error;
  }
}

function median(values: Float32Array): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}
