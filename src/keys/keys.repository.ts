/**
 * Key management's database access, apart from the vault's own (src/vault): the tenant a platform
 * admin names, and the REWRAP job that finishes a rotation. On the root client, not a tenant's
 * scoped one: platform admins act on any tenant's keyring (KeyManagementService authorises that
 * before asking).
 */
import type { Database } from '../db/client.ts';
import type { Job } from '../db/generated/client.ts';
import { isUuid } from '../common/ids.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { JobRecords } from '../jobs/job-records.ts';

export class KeysRepository {
  constructor(private readonly db: Database) {}

  /** The id of the tenant, unless it does not exist or is being deleted. */
  async liveTenant(id: string): Promise<string | null> {
    if (!isUuid(id)) return null;
    return (await this.db.tenant.findFirst({ where: { id, deletedAt: null }, select: { id: true } }))?.id ?? null;
  }

  /** Queues the REWRAP job of the tenant's keyring (its Job row and queue entry in one transaction). */
  enqueueRewrap(queue: JobQueue, tenantId: string, message: string): Promise<Job> {
    return this.db.$transaction((tx) => JobRecords.enqueue(queue, tx, 'REWRAP', tenantId, message));
  }
}

/** The REWRAP job's own row, as its worker loads it. */
export function rewrapJobRecord(db: Database, jobId: string): Promise<Job | null> {
  return db.job.findUnique({ where: { id: jobId } });
}
