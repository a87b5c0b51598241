/**
 * The worker's job runtime: runs handlers for pg-boss queues and owns what happens when a running
 * job is interrupted, so that every job kind reads an interruption the same way:
 *
 * - a user cancelled it (`Job.cancelRequested`): the handler ends it CANCELLED;
 * - its worker is shutting down: it is handed back to the queue (Job QUEUED again, one more
 *   `handover`, never CANCELLED) and another worker resumes it. Handovers do not count against
 *   the retry limit;
 * - its claim was lost (a missed heartbeat gave it to another worker, or it expired): this attempt
 *   writes nothing, because a newer one owns the job (JobRecords.fence).
 *
 * Before a handler runs, its job is admitted under its tenant's limit of running jobs per queue
 * (tenant-admission.ts); the slot is freed as soon as the handler ends.
 *
 * Shutdown (stop): stop fetching, give running jobs `graceMs` to finish, then interrupt the rest,
 * which hand themselves back, and close the queue within the timeout.
 */
import type { Job as BossJob } from 'pg-boss';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logging/logger.ts';
import { HandedBack, JobRecords, SupersededAttempt } from './job-records.ts';
import { HANDOVER_ALLOWANCE, KIND_OF_QUEUE, type JobPayload, type JobQueue, type QueueName } from './job-queue.ts';
import { processMetrics, secondsSince, type Metrics } from '../metrics/metrics.ts';
import { continueTrace, runInTrace } from '../tracing/trace-context.ts';
import { TenantAdmission } from './tenant-admission.ts';

/** What a handler gets for one attempt of one job. */
export interface RunningJob {
  id: string;
  /** 1 for the first attempt; a newer attempt of the same job always has a larger number. */
  attempt: number;
  /** No retry follows if this attempt fails (handovers are not failures). */
  finalAttempt: boolean;
  /** Aborted when the job is cancelled, loses its claim, or the worker shuts down. */
  signal: AbortSignal;
  /**
   * True when a user cancelled the job (asked on every failure path: a failure in the moment
   * between a cancellation and the abort reaching this worker is a cancellation too). Throws
   * HandedBack when the worker is shutting down and SupersededAttempt when the claim was lost:
   * either way this attempt must write nothing more, and the runtime settles it. False while
   * nothing interrupted the job.
   */
  wasCancelled(): Promise<boolean>;
}

export type JobHandler = (job: RunningJob) => Promise<void>;

export interface JobRuntimeOptions {
  /** Failed attempts before a job fails for good (pg-boss also allows for handovers). */
  retryLimit: number;
  /**
   * Ends a job that will get no further attempt although no attempt recorded its end: its final
   * attempt died (a crash, an out-of-memory kill) or it was handed back more often than the queue
   * retries. The job and its record (watermark, verification, ...) end FAILED with `reason`.
   */
  giveUp(jobId: string, reason: string): Promise<void>;
  /** Where attempts are counted; default: this process's (processMetrics). */
  metrics?: Metrics;
}

/** How an attempt ended, as fragmark_job_attempts_total counts it. */
export type AttemptOutcome = 'succeeded' | 'failed' | 'cancelled' | 'retried' | 'handed_back' | 'superseded' | 'given_up' | 'dropped';

const GAVE_UP_AFTER_CRASHES = 'The job stopped without a result on every attempt (its worker died or lost it).';
const GAVE_UP_AFTER_HANDOVERS = 'The job was handed back by stopping workers more often than the queue retries it.';

export class JobRuntime {
  private readonly shutdown = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly queues = new Set<QueueName>();
  private stopping: Promise<void> | undefined;
  private readonly admission: TenantAdmission;

  constructor(
    private readonly queue: JobQueue,
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: JobRuntimeOptions,
  ) {
    this.admission = new TenantAdmission(db, queue.settings.tenantConcurrency);
  }

  /** Runs `handler` for jobs of `queue`, `concurrency` at a time in this process. */
  async work(queue: QueueName, concurrency: number, handler: JobHandler): Promise<void> {
    this.queues.add(queue);
    // Each attempt runs in a child span of the trace that enqueued the job (or of a new trace):
    // its log lines carry the trace id, and its outbound calls send traceparent (src/tracing).
    await this.queue.work(queue, concurrency, (job) => this.track(runInTrace(continueTrace(job.data?.traceparent), () => this.measured(queue, job, handler))));
  }

  /**
   * Stops taking jobs, waits up to `graceMs` for running ones, hands the rest back to the queue,
   * and closes the queue; all within `timeoutMs`.
   */
  stop(graceMs: number, timeoutMs: number): Promise<void> {
    return (this.stopping ??= (async () => {
      const deadline = Date.now() + timeoutMs;
      await Promise.all([...this.queues].map((queue) => this.queue.stopFetching(queue)));
      await this.settled(Math.min(graceMs, timeoutMs));
      if (this.running.size > 0) {
        this.logger.info('handing running jobs back to the queue', { jobs: this.running.size });
        this.shutdown.abort(new Error('The worker is shutting down.'));
        await this.settled(Math.max(0, deadline - Date.now()));
      }
      await this.queue.stop(Math.max(1000, deadline - Date.now()));
    })());
  }

  /** Runs one attempt, then counts it by outcome and logs how it ended. */
  private async measured(queue: QueueName, job: BossJob<JobPayload>, handler: JobHandler): Promise<void> {
    const started = performance.now();
    const kind = KIND_OF_QUEUE[queue];
    let outcome: AttemptOutcome = 'failed';
    try {
      outcome = await this.run(queue, job, handler);
    } catch (error) {
      outcome = error instanceof HandedBack ? 'handed_back' : await this.statusAfterThrow(job.id);
      throw error;
    } finally {
      const seconds = secondsSince(started);
      const metrics = this.options.metrics ?? processMetrics;
      metrics.jobAttempts.inc({ kind, outcome });
      metrics.jobDuration.observe({ kind, outcome }, seconds);
      this.logger.info('job attempt ended', { queue, jobId: job.id, attempt: job.retryCount + 1, outcome, seconds: Math.round(seconds * 1000) / 1000 });
    }
  }

  /** What a thrown attempt means: pg-boss retries it, unless no retry is left. */
  private async statusAfterThrow(jobId: string): Promise<AttemptOutcome> {
    const row = await this.db.job.findUnique({ where: { id: jobId }, select: { status: true } }).catch(() => null);
    return row?.status === 'FAILED' ? 'failed' : row?.status === 'CANCELLED' ? 'cancelled' : 'retried';
  }

  private async run(queue: QueueName, job: BossJob<JobPayload>, handler: JobHandler): Promise<AttemptOutcome> {
    const row = await this.db.job.findUnique({ where: { id: job.id }, select: { handovers: true } });
    const running = runningJob(this.db, {
      id: job.id,
      retryCount: job.retryCount,
      handovers: row?.handovers ?? 0,
      retryLimit: this.options.retryLimit,
      signal: job.signal,
      shutdown: this.shutdown.signal,
    });
    const { id: jobId, attempt } = running;
    // Its last allowed attempt ended without recording anything (only a dead worker does that).
    if (job.retryCount - (row?.handovers ?? 0) > this.options.retryLimit) {
      await this.options.giveUp(jobId, GAVE_UP_AFTER_CRASHES);
      this.logger.warn('job given up: no attempt recorded its end', { queue, jobId, attempt });
      return 'given_up';
    }
    if (job.retryCount > 0) {
      // Why the job runs again: a lost heartbeat, a handover or a failure (operators and tests read this).
      const previous = await this.queue.previousAttemptOutcome(queue, jobId).catch(() => null);
      this.logger.warn('job attempt starts after an earlier one ended', { queue, jobId, attempt, handovers: row?.handovers ?? 0, previous });
    }
    // Its tenant may already run as many jobs of this queue as it may: wait for a slot.
    const admitted = { id: job.id, retryCount: job.retryCount, groupId: job.groupId };
    await this.admission.awaitTurn(queue, admitted, running.signal);
    try {
      await handler(running);
    } catch (error) {
      if (error instanceof SupersededAttempt) {
        this.logger.warn('a newer attempt owns this job; this attempt wrote nothing', { queue, jobId, attempt });
        return 'superseded';
      }
      if (error instanceof HandedBack) {
        if (job.retryCount >= this.options.retryLimit + HANDOVER_ALLOWANCE) {
          // pg-boss would dead-letter it: end it here, or its row would wait in QUEUED forever.
          await this.options.giveUp(jobId, GAVE_UP_AFTER_HANDOVERS);
          return 'given_up';
        }
        // Back to the queue: pg-boss retries a failed attempt, and the Job row says why.
        await JobRecords.handBack(this.db, jobId, attempt);
        this.logger.info('job handed back to the queue', { queue, jobId, attempt });
      }
      throw error;
    } finally {
      await this.admission.release(queue, admitted).catch((error: unknown) => this.logger.warn('could not free the tenant slot early', { queue, jobId, error }));
    }
    return outcomeOf(await this.db.job.findUnique({ where: { id: jobId }, select: { status: true, attempts: true } }), attempt);
  }

  private track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    const untrack = () => this.running.delete(work);
    work.then(untrack, untrack);
    return work;
  }

  /** Resolves when no job runs here, or after `ms`. */
  private async settled(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (this.running.size > 0 && Date.now() < end) {
      await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, Math.min(50, end - Date.now())))]);
    }
  }
}

/**
 * A handler that returned: the job's row says how (handlers record their end and return). A row
 * a newer attempt took: this one was superseded (and wrote nothing); one no attempt of this
 * number took: a stale delivery this attempt dropped.
 */
function outcomeOf(row: { status: string; attempts: number } | null, attempt: number): AttemptOutcome {
  if (!row || row.attempts < attempt) return 'dropped';
  if (row.attempts > attempt) return 'superseded';
  switch (row.status) {
    case 'SUCCEEDED':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'QUEUED':
      return 'retried';
    default:
      return 'dropped';
  }
}

export interface AttemptFields {
  id: string;
  /** pg-boss's count of earlier attempts, failed or handed back. */
  retryCount: number;
  /** Earlier attempts handed back at a worker's shutdown (Job.handovers). */
  handovers?: number;
  retryLimit: number;
  /** pg-boss's signal: aborted on cancellation or a lost claim. */
  signal: AbortSignal;
  /** Aborted when this worker shuts down. */
  shutdown?: AbortSignal;
}

/** One attempt of a job as handlers see it (the runtime's, and tests' that play a worker). */
export function runningJob(db: Database, fields: AttemptFields): RunningJob {
  const { id, retryCount, handovers = 0, retryLimit, shutdown = new AbortController().signal } = fields;
  const attempt = retryCount + 1;
  const signal = AbortSignal.any([fields.signal, shutdown]);
  return {
    id,
    attempt,
    finalAttempt: retryCount - handovers >= retryLimit,
    signal,
    wasCancelled: async () => {
      const current = await db.job.findUnique({ where: { id }, select: { cancelRequested: true } });
      if (current?.cancelRequested) return true;
      if (!signal.aborted) return false;
      if (shutdown.aborted) throw new HandedBack(id, attempt);
      throw new SupersededAttempt(id, attempt);
    },
  };
}
