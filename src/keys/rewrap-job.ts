/**
 * The REWRAP job, run by a worker: moves a tenant's remaining secrets onto the keyring's current
 * version in short batches (Vault.rewrap), reporting progress, until none is left. Resumable by
 * construction: each batch commits on its own and the rows say what is left. A deleted tenant's
 * job stops before its next batch (the tenant is checked before each one; src/tenants/tenant-guard.ts).
 */
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import { JobRecords } from '../jobs/job-records.ts';
import type { RunningJob } from '../jobs/job-runtime.ts';
import { defineJob } from '../jobs/job-definition.ts';
import type { Vault } from '../vault/vault.ts';
import { endJobOfDeletedTenant, isTenantDeleted } from '../tenants/tenant-guard.ts';
import { rewrapJobRecord } from './keys.repository.ts';

const BATCH_SIZE = 500;

interface RewrapJobDeps {
  db: Database;
  vault: Vault;
  logger: Logger;
  workerId: string;
}

/** One rewrap at a time per worker: batches are short transactions on one tenant's keyring. */
export const rewrapJob = defineJob<RewrapJobDeps>({ kind: 'REWRAP', maxConcurrency: 1, run: (deps, job) => runRewrapJob(deps, job) });

export async function runRewrapJob(deps: RewrapJobDeps, queued: RunningJob): Promise<void> {
  const job = await rewrapJobRecord(deps.db, queued.id);
  if (!job || job.status === 'SUCCEEDED' || job.status === 'CANCELLED') return;
  const stopIfTenantDeleted = async (): Promise<boolean> => {
    if (!(await isTenantDeleted(deps.db, job.tenantId))) return false;
    await endJobOfDeletedTenant(deps.db, queued.id);
    deps.logger.info('rewrap job of a deleted tenant ended', { jobId: queued.id });
    return true;
  };
  if (await stopIfTenantDeleted()) return;
  const records = new JobRecords(deps.db, queued.id);
  const attempt = queued.attempt;
  if (!(await records.started(deps.workerId, attempt))) return; // a newer attempt owns the job
  let done = 0;
  for (;;) {
    if (await queued.wasCancelled()) {
      // Fenced like every final write: a superseded attempt ends nothing.
      await deps.db.$transaction(async (tx) => {
        await JobRecords.fence(tx, queued.id, attempt);
        await JobRecords.cancel(tx, queued.id);
      });
      return;
    }
    if (await stopIfTenantDeleted()) return;
    let batch: { rewrapped: number; remaining: number };
    try {
      batch = await deps.vault.rewrap(job.tenantId, { apiKeyId: null }, BATCH_SIZE);
    } catch (error) {
      // Deleted between the check and the batch: the vault refuses a keyring scheduled for shredding.
      if (await stopIfTenantDeleted()) return;
      // Throws (writing nothing) when the worker is shutting down or a newer attempt owns the job.
      if (await queued.wasCancelled()) continue;
      // Progress lives in the rows: a retry resumes where this attempt stopped.
      await deps.db.$transaction(async (tx) => {
        await JobRecords.fence(tx, queued.id, attempt);
        await JobRecords.fail(tx, queued.id, error instanceof Error ? error.message : 'Internal error', queued.finalAttempt);
      });
      if (queued.finalAttempt) return;
      throw error;
    }
    const { rewrapped, remaining } = batch;
    done += rewrapped;
    await records.progress(done / Math.max(1, done + remaining), `${done} secrets rewrapped, ${remaining} left.`, true);
    if (remaining === 0 || rewrapped === 0) break;
  }
  await deps.db.$transaction(async (tx) => {
    await JobRecords.fence(tx, queued.id, attempt);
    await JobRecords.succeed(tx, queued.id, `${done} secrets rewrapped onto the current key version.`);
  });
  deps.logger.info('rewrap job done', { jobId: queued.id, rewrapped: done });
}
