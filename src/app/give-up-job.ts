/**
 * What the worker's job runtime calls when a job gets no further attempt although none recorded
 * its end (JobRuntimeOptions.giveUp): the job and the record it was working on end FAILED, so
 * nothing waits in QUEUED, RUNNING or PENDING forever. Here, in the wiring, because it touches
 * every workflow's record (endRecordsOfJobs) and the runtime sits below the workflows.
 */
import type { Database } from '../db/client.ts';
import { JobRecords } from '../jobs/job-records.ts';
import { endRecordsOfJobs } from '../tenants/tenant-guard.ts';

export function giveUpJob(db: Database): (jobId: string, reason: string) => Promise<void> {
  return async (jobId, reason) => {
    const now = new Date();
    await db.$transaction(async (tx) => {
      await JobRecords.failUnfinished(tx, jobId, reason, now);
      await endRecordsOfJobs(tx, [jobId], now, { outcome: 'FAILED', reason });
    });
  };
}
