/** Jobs as clients see them: status, progress, history, and cancellation. */
import type { Database } from '../db/client.ts';
import type { Job, JobKind, JobStatus } from '../db/generated/client.ts';
import { scopeToTenant, type TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import { QUEUE_OF_KIND, type JobQueue } from './job-queue.ts';
import { JobsError } from './jobs.errors.ts';
import { JobRecords } from './job-records.ts';

export interface JobFilter {
  status?: JobStatus | null;
  kind?: JobKind | null;
}

const FINISHED: JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export class JobsService {
  private readonly scoped: TenantDatabase | null;

  constructor(
    db: Database,
    private readonly queue: JobQueue,
    private readonly actor: Actor | null,
  ) {
    this.scoped = actor ? scopeToTenant(db, actor.tenantId) : null;
  }

  async get(id: string): Promise<Job | null> {
    this.requireRole('VIEWER');
    return isUuid(id) ? this.scoped!.job.findUnique({ where: { id } }) : null;
  }

  async list(page: PageRequest, filter: JobFilter = {}): Promise<Page<Job>> {
    this.requireRole('VIEWER');
    const where = { ...(filter.status ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}) };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped!.job.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped!.job.count({ where }),
    );
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
    await JobRecords.requestCancel(this.scoped!, job.id, now);
    await this.queue.cancel(QUEUE_OF_KIND[job.kind], job.id);
    // Again: an attempt handed back to the queue meanwhile is QUEUED now, and pg-boss will not run it.
    await JobRecords.requestCancel(this.scoped!, job.id, now);
    const after = (await this.get(job.id))!;
    if (after.status === 'CANCELLED') {
      // The job's own record ends with it (a queued verification used to stay PENDING forever).
      await this.scoped!.watermark.updateMany({ where: { jobId: job.id }, data: { status: 'CANCELLED' } });
      await this.scoped!.verification.updateMany({ where: { jobId: job.id, verdict: 'PENDING' }, data: { verdict: 'ERROR', errorReason: 'The verification was cancelled.', completedAt: now } });
      await this.scoped!.endpointEnrollment.updateMany({ where: { jobId: job.id, status: 'PENDING' }, data: { status: 'CANCELLED', errorReason: 'Cancelled before it started.', completedAt: now } });
      await this.scoped!.webhookDelivery.updateMany({ where: { jobId: job.id, status: 'PENDING' }, data: { status: 'CANCELLED', nextAttemptAt: null, completedAt: now } });
    }
    return after;
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Jobs');
  }
}
