/** Jobs as clients see them: status, progress, history, and cancellation. */
import type { Job, JobStatus } from '../db/generated/client.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import type { Page, PageRequest } from '../common/pagination.ts';
import { QUEUE_OF_KIND, type JobQueue } from './job-queue.ts';
import { JobsError } from './jobs.errors.ts';
import type { JobFilter, JobsRepository } from './jobs.repository.ts';

export type { JobFilter } from './jobs.repository.ts';

const FINISHED: JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export class JobsService {
  /** `jobs`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly jobs: JobsRepository | null,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
  ) {}

  async get(id: string): Promise<Job | null> {
    this.requireRole('VIEWER');
    return this.jobs!.get(id);
  }

  async list(page: PageRequest, filter: JobFilter = {}): Promise<Page<Job>> {
    this.requireRole('VIEWER');
    return this.jobs!.list(filter, page);
  }

  /**
   * A queued job is cancelled at once; a running one is asked to stop, and its worker's engine
   * sees the abort within a heartbeat interval and marks it CANCELLED.
   */
  async cancel(id: string): Promise<Job> {
    this.requireRole('OPERATOR');
    const job = await this.get(id);
    if (!job) throw new JobsError('JOB_NOT_FOUND', 'No such job.', ['input', 'id']);
    if (FINISHED.includes(job.status)) throw new JobsError('JOB_FINISHED', `The job already ended (${job.status}).`, ['input', 'id']);
    const now = new Date();
    // Only a job no worker has taken yet ends here; a running one ends in its worker. Recorded
    // before pg-boss aborts the running attempt (JobRuntime tells cancellation from shutdown by it).
    await this.jobs!.requestCancel(job.id, now);
    await this.queue.cancel(QUEUE_OF_KIND[job.kind], job.id);
    // Again: an attempt handed back to the queue meanwhile is QUEUED now, and pg-boss will not run it.
    await this.jobs!.requestCancel(job.id, now);
    const after = (await this.get(job.id))!;
    if (after.status === 'CANCELLED') {
      // The job's own record ends with it (a queued verification used to stay PENDING forever).
      await this.jobs!.endRecordsOfCancelled(job.id, now);
    }
    return after;
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Jobs');
  }
}
