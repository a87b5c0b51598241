/**
 * The job queue: pg-boss in the application database (schema `pgboss`). pg-boss gives retries
 * with backoff, a dead-letter queue, heartbeats (a worker that dies stops sending them and its
 * job is retried elsewhere) and cancellation that reaches the running handler through
 * `job.signal`. It cannot store progress of an active job: that lives in our Job table
 * (job-records.ts). Payloads carry ids only, never secrets.
 */
import { PgBoss, type Job as BossJob } from 'pg-boss';
import type { Logger } from '../logging/logger.ts';

export const QUEUES = { WATERMARK: 'watermark', VERIFY: 'verify', REWRAP: 'rewrap', ENROLL: 'enroll' } as const;

export const QUEUE_OF_KIND = { WATERMARK: QUEUES.WATERMARK, VERIFY: QUEUES.VERIFY, REWRAP: QUEUES.REWRAP, ENROLL: QUEUES.ENROLL } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayload {
  /** Id of our Job row (also the pg-boss job id). */
  jobId: string;
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
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  heartbeatSeconds: 10,
  retryLimit: 2,
  retryDelaySeconds: 2,
  expireInSeconds: 3600,
  superviseIntervalSeconds: 5,
};

export class JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    readonly settings: QueueSettings,
  ) {}

  /** Connects, installs or upgrades pg-boss's schema, and creates our queues (idempotent). */
  static async start(databaseUrl: string, settings: QueueSettings, logger: Logger, options: { supervise?: boolean } = {}): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      supervise: options.supervise ?? true,
      superviseIntervalSeconds: settings.superviseIntervalSeconds,
      max: 4,
    });
    boss.on('error', (error: Error) => logger.error('job queue error', { error }));
    await boss.start();
    for (const name of Object.values(QUEUES)) {
      const deadLetter = `${name}-dead-letter`;
      if (!(await boss.getQueue(deadLetter))) await boss.createQueue(deadLetter);
      const options = {
        retryLimit: settings.retryLimit,
        retryDelay: settings.retryDelaySeconds,
        retryBackoff: true,
        heartbeatSeconds: settings.heartbeatSeconds,
        expireInSeconds: settings.expireInSeconds,
        deadLetter,
      };
      if (await boss.getQueue(name)) await boss.updateQueue(name, options);
      else await boss.createQueue(name, options);
    }
    return new JobQueue(boss, settings);
  }

  async send(queue: QueueName, jobId: string): Promise<void> {
    const payload: JobPayload = { jobId };
    await this.boss.send(queue, payload, { id: jobId });
  }

  async cancel(queue: QueueName, jobId: string): Promise<void> {
    await this.boss.cancel(queue, jobId);
  }

  /**
   * Runs `handler` for each job of `queue`, `concurrency` at a time. A handler that throws makes
   * pg-boss retry (then dead-letter) the job; one that returns completes it.
   */
  async work(queue: QueueName, concurrency: number, handler: (job: BossJob<JobPayload>) => Promise<void>): Promise<void> {
    await this.boss.work<JobPayload>(
      queue,
      {
        localConcurrency: concurrency,
        batchSize: 1,
        pollingIntervalSeconds: 0.5,
        heartbeatRefreshSeconds: Math.max(1, Math.floor(this.settings.heartbeatSeconds / 3)),
      },
      async ([job]) => {
        if (job) await handler(job);
      },
    );
  }

  async queuedCount(queue: QueueName): Promise<number> {
    const info = await this.boss.getQueue(queue);
    return info?.queuedCount ?? 0;
  }

  /** Stops taking jobs; waits up to `timeoutMs` for running handlers, then lets heartbeats hand their jobs to others. */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
