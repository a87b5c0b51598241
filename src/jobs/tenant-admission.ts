/**
 * Per-tenant admission: no tenant runs more than `limit` jobs of one queue at once, across every
 * worker. pg-boss's `groupConcurrency` alone does not guarantee it: each fetch counts the group's
 * active jobs in its own READ COMMITTED transaction, so two fetches in the same instant can both
 * start a job of one tenant (observed: two started 23 ms apart with a limit of 1). Ranking active
 * jobs by pg-boss's `started_on` does not close the gap either: `started_on` is the fetch
 * transaction's start, not its commit, so a job fetched first can become visible last and find
 * nobody ahead of it while the other already runs.
 *
 * So a fetched job runs only once it is admitted: under a transaction-scoped advisory lock of
 * (queue, tenant), an admission counts the tenant's admitted attempts that pg-boss still runs and
 * records its own when fewer than `limit` are. Admissions of one tenant and queue are serialized,
 * and each reads every earlier one, so the limit holds whatever order fetches commit in. An
 * admission counts only while pg-boss runs that very attempt (same job, same retry_count, state
 * active): a dead worker's slot frees itself when pg-boss expires its heartbeat.
 */
import type { Database } from '../db/client.ts';
import { BOSS_SCHEMA, type QueueName } from './job-queue.ts';

/** How often a job that was not admitted asks again. */
const RETRY_MS = 100;

/** One attempt of a pg-boss job, as admission sees it. */
export interface AdmissionAttempt {
  id: string;
  /** pg-boss's retry_count: tells this attempt from earlier and later ones of the same job. */
  retryCount: number;
  /** The job's pg-boss group (its tenant); a job without one is never held back. */
  groupId?: string | null;
}

export class TenantAdmission {
  constructor(
    private readonly db: Database,
    private readonly limit: number,
  ) {}

  /**
   * Admits `attempt` if its tenant runs fewer than `limit` admitted jobs of `queue`, and says
   * whether it did. Asking again for an admitted attempt answers true.
   */
  async tryAdmit(queue: QueueName, attempt: AdmissionAttempt): Promise<boolean> {
    const group = attempt.groupId;
    if (!group) return true;
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${queue}), hashtext(${group}))`;
      // Each statement below reads what every earlier admission committed (READ COMMITTED).
      await tx.$executeRawUnsafe(
        `DELETE FROM "JobAdmission" a
          WHERE a.queue = $1 AND a."groupId" = $2
            AND NOT EXISTS (SELECT 1 FROM ${BOSS_SCHEMA}.job j
                             WHERE j.name = a.queue AND j.id = a."jobId" AND j.state = 'active' AND j.retry_count = a."retryCount")`,
        queue,
        group,
      );
      const [others] = await tx.$queryRaw<Array<{ count: number }>>`
        SELECT count(*)::int AS count FROM "JobAdmission"
         WHERE queue = ${queue} AND "groupId" = ${group} AND NOT ("jobId" = ${attempt.id}::uuid AND "retryCount" = ${attempt.retryCount})`;
      if ((others?.count ?? 0) >= this.limit) return false;
      await tx.$executeRaw`
        INSERT INTO "JobAdmission" (queue, "groupId", "jobId", "retryCount") VALUES (${queue}, ${group}, ${attempt.id}::uuid, ${attempt.retryCount})
        ON CONFLICT (queue, "jobId") DO UPDATE SET "retryCount" = EXCLUDED."retryCount", "groupId" = EXCLUDED."groupId", "admittedAt" = now()`;
      return true;
    });
  }

  /**
   * Waits until `attempt` is admitted. Returns early, unadmitted, when `signal` aborts (the job
   * was cancelled or its worker is stopping): its handler then sees the abort and runs no work.
   */
  async awaitTurn(queue: QueueName, attempt: AdmissionAttempt, signal?: AbortSignal): Promise<void> {
    while (!(await this.tryAdmit(queue, attempt))) {
      if (signal?.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /** Frees the attempt's slot at once, rather than when pg-boss records the job's end. */
  async release(queue: QueueName, attempt: AdmissionAttempt): Promise<void> {
    if (!attempt.groupId) return;
    await this.db.$executeRaw`DELETE FROM "JobAdmission" WHERE queue = ${queue} AND "jobId" = ${attempt.id}::uuid AND "retryCount" = ${attempt.retryCount}`;
  }
}
