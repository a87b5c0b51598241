/**
 * What a service's `sut` unit test needs besides its own database: the real vault (a random test
 * master key), the real job queue (sending only: no worker takes anything), tenants, actors of any
 * role, and a look at the queue's entry for a job. One fixture per test file.
 */
import type { Actor } from '../../src/auth/actor.ts';
import type { Role } from '../../src/auth/roles.ts';
import type { Database } from '../../src/db/client.ts';
import { DEFAULT_QUEUE_SETTINGS, JobQueue } from '../../src/jobs/job-queue.ts';
import { JobsRepository } from '../../src/jobs/jobs.repository.ts';
import { scopeToTenant } from '../../src/db/tenant-scope.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { randomKey, sodiumReady } from '../../src/vault/aead.ts';
import { Vault } from '../../src/vault/vault.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface ServiceFixture {
  testDb: TestDatabase;
  db: Database;
  vault: Vault;
  queue: JobQueue;
  /** A new tenant's id. */
  tenant(slug: string): Promise<string>;
  /** The pg-boss entry for job `jobId` (queue name and state), or undefined when there is none. */
  queueEntry(jobId: string): Promise<{ name: string; state: string; data: unknown } | undefined>;
  /** pg-boss entries of `queue`, all states. */
  queueCount(queue: string): Promise<number>;
  stop(): Promise<void>;
}

/** The API key id test actors carry (audit events name it; nothing looks it up). */
export const TEST_KEY_ID = '00000000-0000-7000-8000-000000000001';

export const actorOf = (tenantId: string | null, role: Role, apiKeyId = TEST_KEY_ID): Actor => ({ apiKeyId, role, tenantId });

/** The tenant's jobs repository, for a JobsService in tests of other workflows (cancelling their jobs). */
export const jobsRepositoryOf = (db: Database, tenantId: string | null): JobsRepository => new JobsRepository(scopeToTenant(db, tenantId));

export async function startServiceFixture(): Promise<ServiceFixture> {
  const testDb = await createTestDatabase();
  await sodiumReady();
  const vault = new Vault(testDb.db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'test' });
  const queue = await JobQueue.start(testDb.url, DEFAULT_QUEUE_SETTINGS, createLogger('silent', {}, () => {}), { supervise: false, listen: false });
  const db = testDb.db;
  return {
    testDb,
    db,
    vault,
    queue,
    tenant: async (slug) => (await db.tenant.create({ data: { name: slug, slug } })).id,
    queueEntry: async (jobId) =>
      (await db.$queryRawUnsafe<Array<{ name: string; state: string; data: unknown }>>(`SELECT name, state::text AS state, data FROM pgboss.job WHERE id = $1::uuid`, jobId))[0],
    queueCount: async (name) => (await db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1`, name))[0]!.n,
    stop: async () => {
      await queue.stop(1000);
      await testDb.drop();
    },
  };
}
