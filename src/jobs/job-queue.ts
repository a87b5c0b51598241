/**
 * The job queue: pg-boss in the application database (schema `pgboss`). pg-boss gives retries
 * with backoff, a dead-letter queue, heartbeats (a worker that dies stops sending them and its
 * job is retried elsewhere) and cancellation that reaches the running handler through
 * `job.signal`. It cannot store progress of an active job: that lives in our Job table
 * (job-records.ts). Payloads carry ids only, never secrets.
 *
 * Queues are grouped by the resource their jobs hold (QUEUE_RESOURCE): trigger generation keeps
 * a CPU busy, endpoint verifications and enrollments mostly wait on the network. Each worker
 * runs CPU and I/O jobs with separate concurrencies, and every job carries its tenant as its
 * pg-boss group, so no tenant runs more than `tenantConcurrency` jobs of a queue at once across
 * all workers: pg-boss's `groupConcurrency` keeps fetches from taking more, and the runtime admits
 * each fetched job before it runs (tenant-admission.ts), which holds the limit exactly. One
 * tenant's slow endpoint cannot take every slot. New jobs wake idle workers through LISTEN/NOTIFY (polling stays as the
 * backstop), so pickup does not wait for a polling interval.
 */
import { PgBoss, type Job as BossJob } from 'pg-boss';
import type { Logger } from '../logging/logger.ts';
import type { Transaction } from '../db/client.ts';
import type { JobKind } from '../db/generated/client.ts';
import { currentTrace, formatTraceparent } from '../tracing/trace-context.ts';

/** What send() needs of a transaction: any Prisma interactive transaction, tenant-scoped or not. */
export type QueueTransaction = Pick<Transaction, '$queryRawUnsafe'>;

export const QUEUES = { WATERMARK: 'watermark', VERIFY: 'verify', REWRAP: 'rewrap', ENROLL: 'enroll', WEBHOOK: 'webhook' } as const;

export const QUEUE_OF_KIND = { WATERMARK: QUEUES.WATERMARK, VERIFY: QUEUES.VERIFY, REWRAP: QUEUES.REWRAP, ENROLL: QUEUES.ENROLL, WEBHOOK: QUEUES.WEBHOOK } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const JOB_KINDS = Object.keys(QUEUE_OF_KIND) as JobKind[];
export const KIND_OF_QUEUE = Object.fromEntries(Object.entries(QUEUE_OF_KIND).map(([kind, queue]) => [queue, kind])) as Record<QueueName, JobKind>;

/** One kind's queue right now (JobQueue.backlog). */
export interface KindBacklog {
  /** Ready to run (not delayed), not taken yet. */
  waiting: number;
  running: number;
  /** How long the longest-waiting ready job has waited since it became ready; 0 when none waits. */
  oldestWaitingSeconds: number;
}

/** What a queue's jobs hold while they run: a CPU (generation) or mostly the network. */
export type QueueResource = 'CPU' | 'IO';
export const QUEUE_RESOURCE: Record<QueueName, QueueResource> = { watermark: 'CPU', rewrap: 'CPU', verify: 'IO', enroll: 'IO', webhook: 'IO' };

export interface JobPayload {
  /** Id of our Job row (also the pg-boss job id). */
  jobId: string;
  /**
   * W3C traceparent of the request (or job) that enqueued it, when there was one: its attempts
   * run in child spans of that trace (src/tracing). Ids only, no secret.
   */
  traceparent?: string;
}

export interface QueueSettings {
  /** Seconds without a heartbeat after which a running job is retried elsewhere (>= 10). */
  heartbeatSeconds: number;
  retryLimit: number;
  /** Seconds before the first retry; doubled each time (with jitter). */
  retryDelaySeconds: number;
  /** Hard limit on one attempt. */
  expireInSeconds: number;
  /** How often pg-boss looks for jobs whose heartbeat stopped. */
  superviseIntervalSeconds: number;
  /** Most jobs of one tenant running at once per queue, across all workers. */
  tenantConcurrency: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  heartbeatSeconds: 10,
  retryLimit: 2,
  retryDelaySeconds: 2,
  expireInSeconds: 3600,
  superviseIntervalSeconds: 5,
  tenantConcurrency: 2,
};

/**
 * Retries pg-boss allows beyond the configured limit, for attempts handed back at worker shutdown
 * (JobRuntime): those are not failures, and the runtime counts failures alone.
 */
export const HANDOVER_ALLOWANCE = 10;

/** Longest wait before a retry or a handed-back job is taken again. */
const MAX_RETRY_DELAY_SECONDS = 60;

/** Polling is only the backstop when LISTEN/NOTIFY works; without it, this is the pickup delay. */
const POLLING_INTERVAL_SECONDS = 0.5;
const NOTIFY_POLLING_INTERVAL_SECONDS = 5;
/** pg-boss's tables live in this schema of the application database. */
export const BOSS_SCHEMA = 'pgboss';

export class JobQueue {
  /** pg-boss worker ids of this process, per queue (to wake them, see work()). */
  private readonly workerIds = new Map<QueueName, string[]>();

  private constructor(
    private readonly boss: PgBoss,
    readonly settings: QueueSettings,
  ) {}

  /** Connects, installs or upgrades pg-boss's schema, and creates our queues (idempotent). */
  /** `listen: false` for processes that only send jobs (the API): no LISTEN connection. */
  static async start(databaseUrl: string, settings: QueueSettings, logger: Logger, options: { supervise?: boolean; listen?: boolean } = {}): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: databaseUrl,
      schema: BOSS_SCHEMA,
      supervise: options.supervise ?? true,
      superviseIntervalSeconds: settings.superviseIntervalSeconds,
      // pg-boss fails jobs whose heartbeat stopped in its monitor pass, which runs only every
      // monitorIntervalSeconds (default 60): without this a dead worker's job waited about a minute.
      monitorIntervalSeconds: settings.superviseIntervalSeconds,
      max: 4,
      // One more connection, held for LISTEN: workers wake when a job is sent (see `notify` below).
      useListenNotify: options.listen ?? true,
    });
    boss.on('error', (error: Error) => logger.error('job queue error', { error }));
    await boss.start();
    for (const name of Object.values(QUEUES)) {
      const deadLetter = `${name}-dead-letter`;
      if (!(await boss.getQueue(deadLetter))) await boss.createQueue(deadLetter);
      const options = {
        retryLimit: settings.retryLimit + HANDOVER_ALLOWANCE,
        retryDelay: settings.retryDelaySeconds,
        retryBackoff: true,
        // Handovers count as pg-boss retries too: the backoff must not grow without bound.
        retryDelayMax: MAX_RETRY_DELAY_SECONDS,
        heartbeatSeconds: settings.heartbeatSeconds,
        expireInSeconds: settings.expireInSeconds,
        deadLetter,
        notify: true,
      };
      if (await boss.getQueue(name)) await boss.updateQueue(name, options);
      else await boss.createQueue(name, options);
    }
    return new JobQueue(boss, settings);
  }

  /**
   * Queues job `jobId`. With `tx` the queue entry is written in the caller's transaction, so the
   * domain row, the Job row and the queue entry commit (or roll back) together: no compensation
   * is needed when queueing fails, and no worker sees a job whose rows are not committed yet.
   * `tenantId` becomes the job's group: the unit of per-tenant concurrency. `startAfter`: no
   * worker takes the job before then (a webhook's next attempt, src/webhooks/retry-schedule.ts).
   */
  async send(queue: QueueName, jobId: string, tenantId: string | null, tx?: QueueTransaction, options: { startAfter?: Date } = {}): Promise<void> {
    const trace = currentTrace();
    const payload: JobPayload = { jobId, ...(trace ? { traceparent: formatTraceparent(trace) } : {}) };
    await this.boss.send(queue, payload, {
      id: jobId,
      ...(tenantId ? { group: { id: tenantId } } : {}),
      ...(tx ? { db: inTransaction(tx) } : {}),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
    });
  }

  async cancel(queue: QueueName, jobId: string): Promise<void> {
    await this.boss.cancel(queue, jobId);
  }

  /**
   * Runs `handler` for each job of `queue`, `concurrency` at a time. A handler that throws makes
   * pg-boss retry (then dead-letter) the job; one that returns completes it.
   *
   * One pg-boss worker per slot, so that each can be woken: when a job ends, this process's idle
   * workers of the queue look for the next one at once. (A NOTIFY wakes them only when a job is
   * sent; without this, a backlog limited by per-tenant concurrency drained one poll at a time.)
   */
  async work(queue: QueueName, concurrency: number, handler: (job: BossJob<JobPayload>) => Promise<void>): Promise<void> {
    const ids = this.workerIds.get(queue) ?? [];
    this.workerIds.set(queue, ids);
    for (let slot = 0; slot < concurrency; slot++) {
      const id = await this.boss.work<JobPayload>(
        queue,
        {
          localConcurrency: 1,
          groupConcurrency: this.settings.tenantConcurrency,
          batchSize: 1,
          pollingIntervalSeconds: POLLING_INTERVAL_SECONDS,
          notifyPollingIntervalSeconds: NOTIFY_POLLING_INTERVAL_SECONDS,
          heartbeatRefreshSeconds: Math.max(1, Math.floor(this.settings.heartbeatSeconds / 3)),
        },
        async ([job]) => {
          if (!job) return;
          try {
            await handler(job);
          } finally {
            // This worker fetches again as soon as pg-boss has settled the job (a notified worker
            // skips its poll delay), and the idle ones fetch now.
            this.wake(queue);
          }
        },
      );
      ids.push(id);
    }
  }

  /** Wakes this process's workers of `queue`: busy ones ignore it, idle ones fetch now. */
  private wake(queue: QueueName): void {
    for (const id of this.workerIds.get(queue) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * Why the attempt before the current one of job `jobId` ended, as pg-boss recorded it ("job
   * heartbeat timeout" when its worker went quiet, else the error its handler threw), or null.
   */
  async previousAttemptOutcome(queue: QueueName, jobId: string): Promise<string | null> {
    const job = await this.boss.getJobById(queue, jobId);
    const output = job?.output as { message?: unknown; value?: { message?: unknown } } | null | undefined;
    const message = output?.message ?? output?.value?.message;
    return typeof message === 'string' ? message : null;
  }

  /**
   * Waiting and running jobs per kind, and the age of the longest wait: one query over pg-boss's
   * live jobs, for /metrics at scrape time (about 30 ms with 40,000 waiting: bench/RESULTS.md).
   * Jobs delayed on purpose (a webhook's next attempt, a retry's backoff) wait from when they
   * become ready.
   */
  async backlog(): Promise<Map<JobKind, KindBacklog>> {
    const { rows } = (await this.boss.getDb().executeSql(
      `SELECT name,
              count(*) FILTER (WHERE state < 'active' AND start_after <= now())::int AS waiting,
              count(*) FILTER (WHERE state = 'active')::int AS running,
              COALESCE(EXTRACT(EPOCH FROM now() - min(start_after) FILTER (WHERE state < 'active' AND start_after <= now())), 0)::float8 AS oldest
         FROM ${BOSS_SCHEMA}.job
        WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')
        GROUP BY name`,
      [Object.values(QUEUES)],
    )) as { rows: Array<{ name: QueueName; waiting: number; running: number; oldest: number }> };
    return new Map(rows.map((row) => [KIND_OF_QUEUE[row.name], { waiting: row.waiting, running: row.running, oldestWaitingSeconds: Math.max(0, row.oldest) }]));
  }

  async queuedCount(queue: QueueName): Promise<number> {
    const info = await this.boss.getQueue(queue);
    return info?.queuedCount ?? 0;
  }

  /** Stops fetching jobs of `queue`; handlers already running go on. */
  async stopFetching(queue: QueueName): Promise<void> {
    await this.boss.offWork(queue, { wait: false });
  }

  /**
   * Closes the queue. Handlers still running after `timeoutMs` have their jobs failed (retried
   * elsewhere) and their signals aborted by pg-boss; JobRuntime.stop hands them back before that.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}

/** pg-boss's database interface over a Prisma interactive transaction. */
function inTransaction(tx: QueueTransaction) {
  return {
    executeSql: async (text: string, values: unknown[] = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
  };
}
