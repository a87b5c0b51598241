/**
 * Jobs as one tenant's clients read and cancel them, through its tenant-scoped client
 * (src/db/tenant-scope.ts). The worker side of the Job rows is job-records.ts.
 */
import type { Job, JobKind, JobStatus } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import { JobRecords } from './job-records.ts';

export interface JobFilter {
  status?: JobStatus | null;
  kind?: JobKind | null;
}

export class JobsRepository {
  constructor(private readonly scoped: TenantDatabase) {}

  get(id: string): Promise<Job | null> {
    return isUuid(id) ? this.scoped.job.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  list(filter: JobFilter, page: PageRequest): Promise<Page<Job>> {
    const where = { ...(filter.status ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}) };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.job.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.job.count({ where }),
    );
  }

  /** A QUEUED job ends CANCELLED here; a RUNNING one is asked to stop (JobRecords.requestCancel). */
  requestCancel(jobId: string, now: Date): Promise<void> {
    return JobRecords.requestCancel(this.scoped, jobId, now);
  }

  /** Ends the record a cancelled job worked on: watermark, pending verification, enrollment or webhook delivery. */
  async endRecordsOfCancelled(jobId: string, now: Date): Promise<void> {
    await this.scoped.watermark.updateMany({ where: { jobId }, data: { status: 'CANCELLED' } });
    await this.scoped.verification.updateMany({ where: { jobId, verdict: 'PENDING' }, data: { verdict: 'ERROR', errorReason: 'The verification was cancelled.', completedAt: now } });
    await this.scoped.endpointEnrollment.updateMany({ where: { jobId, status: 'PENDING' }, data: { status: 'CANCELLED', errorReason: 'Cancelled before it started.', completedAt: now } });
    await this.scoped.webhookDelivery.updateMany({ where: { jobId, status: 'PENDING' }, data: { status: 'CANCELLED', nextAttemptAt: null, completedAt: now } });
  }
}
