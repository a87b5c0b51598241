/**
 * The REWRAP job, run by a worker: moves a tenant's remaining secrets onto the keyring's current
 * version in short batches (Vault.rewrap), reporting progress, until none is left. Resumable by
 * construction: each batch commits on its own and the rows say what is left.
 */
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import { JobRecords } from '../jobs/job-records.ts';
import type { QueuedJob } from '../watermarks/watermark-job.ts';
import type { Vault } from './vault.ts';

const BATCH_SIZE = 500;

export async function runRewrapJob(deps: { db: Database; vault: Vault; logger: Logger; workerId: string }, queued: QueuedJob): Promise<void> {
  const job = await deps.db.job.findUnique({ where: { id: queued.id } });
  if (!job || job.status === 'SUCCEEDED' || job.status === 'CANCELLED') return;
  const records = new JobRecords(deps.db, queued.id);
  await records.started(deps.workerId, queued.retryCount + 1);
  let done = 0;
  for (;;) {
    if (queued.signal.aborted) {
      await records.cancelled();
      return;
    }
    const { rewrapped, remaining } = await deps.vault.rewrap(job.tenantId, { apiKeyId: null }, BATCH_SIZE);
    done += rewrapped;
    await records.progress(done / Math.max(1, done + remaining), `${done} secrets rewrapped, ${remaining} left.`, true);
    if (remaining === 0 || rewrapped === 0) break;
  }
  await deps.db.$transaction((tx) => JobRecords.succeed(tx, queued.id, `${done} secrets rewrapped onto the current key version.`));
  deps.logger.info('rewrap job done', { jobId: queued.id, rewrapped: done });
}
