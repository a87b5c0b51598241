/**
 * Every write of our Job rows: creation (with its queue entry, in the caller's transaction),
 * status, attempts, throttled progress, outcome, cancellation. No other module writes the Job
 * table (pg-boss cannot store progress of an active job, so this table is the jobs' history).
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Job, JobKind, Prisma } from '../db/generated/client.ts';
import { uuid7 } from '../common/ids.ts';
import { QUEUE_OF_KIND, type JobQueue, type QueueTransaction } from './job-queue.ts';

/** What enqueue() needs of a transaction: any Prisma interactive transaction, tenant-scoped or not. */
export type JobTransaction = QueueTransaction & {
  job: { create(args: { data: { id: string; tenantId: string; kind: JobKind; message: string } }): PromiseLike<Job> };
};

const PROGRESS_INTERVAL_MS = 500;

/**
 * Thrown inside a job's final transaction when a newer attempt owns the job: pg-boss handed it to
 * another worker (a missed heartbeat) while this one still ran it. The transaction rolls back, so
 * a superseded attempt writes nothing: no trigger set is replaced, no verdict overwritten.
 */
export class SupersededAttempt extends Error {
  override readonly name = 'SupersededAttempt';
  constructor(
    readonly jobId: string,
    readonly attempt: number,
  ) {
    super(`attempt ${attempt} of job ${jobId} was superseded by a newer one`);
  }
}

/**
 * Thrown by a handler (through RunningJob.wasCancelled) when its worker is shutting down: the
 * attempt writes nothing more, and the runtime hands the job back to the queue.
 */
export class HandedBack extends Error {
  override readonly name = 'HandedBack';
  constructor(
    readonly jobId: string,
    readonly attempt: number,
  ) {
    super(`attempt ${attempt} of job ${jobId} was handed back to the queue: its worker is shutting down`);
  }
}

export class JobRecords {
  /**
   * Creates job `kind` for `tenantId` and queues it, both in `tx`: the domain rows the caller
   * writes in the same transaction, the Job row and the queue entry commit together or not at all.
   */
  static async enqueue(
    queue: JobQueue,
    tx: JobTransaction,
    kind: JobKind,
    tenantId: string,
    message = 'Waiting for a worker.',
    options: { startAfter?: Date } = {},
  ): Promise<Job> {
    const job = await tx.job.create({ data: { id: uuid7(), tenantId, kind, message } });
    await queue.send(QUEUE_OF_KIND[kind], job.id, tenantId, tx, options);
    return job;
  }

  private lastWrite = 0;
  /** The attempt this process runs, once started() took the job: progress is written only for it. */
  private attempt: number | undefined;

  constructor(
    private readonly db: Database,
    private readonly jobId: string,
  ) {}

  /**
   * Locks the job row for the rest of `tx` and checks that `attempt` still owns it (the newest
   * attempt, still RUNNING). Every write of a job's results goes through this first.
   */
  static async fence(tx: Transaction, jobId: string, attempt: number): Promise<void> {
    const rows = await tx.$queryRaw<Array<{ attempts: number; status: string }>>`SELECT attempts, status::text AS status FROM "Job" WHERE id = ${jobId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row || row.attempts !== attempt || row.status !== 'RUNNING') throw new SupersededAttempt(jobId, attempt);
  }

  /**
   * Takes the job for `attempt`. Returns false, changing nothing, when an attempt as new or newer
   * already took it (a stale delivery of an older attempt): the caller then does nothing at all.
   */
  async started(workerId: string, attempt: number): Promise<boolean> {
    const now = new Date();
    const { count } = await this.db.job.updateMany({
      where: { id: this.jobId, attempts: { lt: attempt }, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'RUNNING', attempts: attempt, workerId, error: null, message: 'Loading the model…' },
    });
    if (count === 0) return false;
    this.attempt = attempt;
    await this.db.job.updateMany({ where: { id: this.jobId, startedAt: null }, data: { startedAt: now } });
    return true;
  }

  /** At most one write per interval unless `force`; progress never goes backwards within an attempt. */
  async progress(fraction: number, message: string, force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastWrite < PROGRESS_INTERVAL_MS) return;
    this.lastWrite = now;
    await this.db.job
      .updateMany({
        where: { id: this.jobId, status: 'RUNNING', ...(this.attempt !== undefined ? { attempts: this.attempt } : {}) },
        data: { progress: Math.max(0, Math.min(1, fraction)), message },
      })
      .catch(() => undefined);
  }

  /** Attempt `attempt` stopped because its worker shut down: the job waits for another worker. */
  static async handBack(db: Database, jobId: string, attempt: number): Promise<void> {
    await db.job.updateMany({
      where: { id: jobId, attempts: attempt, status: 'RUNNING' },
      data: { status: 'QUEUED', handovers: { increment: 1 }, message: 'Handed back to the queue when its worker stopped; another worker resumes it.' },
    });
  }

  static async succeed(tx: Transaction, jobId: string, message: string): Promise<void> {
    await tx.job.update({ where: { id: jobId }, data: { status: 'SUCCEEDED', progress: 1, message, finishedAt: new Date() } });
  }

  /** In a transaction when the job's own record (a watermark) must change with it. */
  static async cancel(tx: Transaction | Database, jobId: string): Promise<void> {
    await tx.job.update({ where: { id: jobId }, data: { status: 'CANCELLED', message: 'Cancelled.', finishedAt: new Date() } });
  }

  /**
   * `final`: no retries left. Otherwise the job goes back to the queue for another attempt.
   * Callers pass a transaction that also updates the job's own record (watermark, verification).
   */
  static async fail(tx: Transaction | Database, jobId: string, error: string, final: boolean, message = 'Failed.'): Promise<void> {
    await tx.job.update({
      where: { id: jobId },
      data: final
        ? { status: 'FAILED', error, message, finishedAt: new Date() }
        : { status: 'QUEUED', error, message: 'Failed; will be retried.' },
    });
  }

  /**
   * A user asks to cancel: a queued job ends CANCELLED at once (returns true); a running one is
   * marked, and its worker ends it. Recorded before pg-boss aborts the running attempt, so the
   * worker can tell a cancellation from its own shutdown or a lost claim (JobRuntime).
   */
  static async requestCancel(db: { job: { updateMany(args: Prisma.JobUpdateManyArgs): PromiseLike<unknown> } }, jobId: string, now: Date): Promise<void> {
    await db.job.updateMany({
      where: { id: jobId, status: 'QUEUED' },
      data: { status: 'CANCELLED', cancelRequested: true, finishedAt: now, message: 'Cancelled before it started.' },
    });
    await db.job.updateMany({ where: { id: jobId, status: 'RUNNING' }, data: { cancelRequested: true, message: 'Cancelling…' } });
  }

  /** A job that has not ended yet ends FAILED with `reason` (JobRuntime gave it up). */
  static async failUnfinished(tx: Transaction, jobId: string, reason: string, now: Date): Promise<void> {
    await tx.job.updateMany({
      where: { id: jobId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'FAILED', error: reason, message: 'Failed.', finishedAt: now },
    });
  }

  /** Jobs that have not ended yet end CANCELLED with `reason` (a deleted tenant's). */
  static async cancelUnfinished(tx: Transaction, jobIds: string[], reason: string, now: Date): Promise<void> {
    if (jobIds.length === 0) return;
    await tx.job.updateMany({
      where: { id: { in: jobIds }, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'CANCELLED', cancelRequested: true, finishedAt: now, message: `Cancelled: ${reason}` },
    });
  }
}
