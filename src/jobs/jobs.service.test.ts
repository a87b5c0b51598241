import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createLogger } from '../logging/logger.ts';
import { DEFAULT_QUEUE_SETTINGS, JobQueue } from './job-queue.ts';
import { JobRecords } from './job-records.ts';
import { JobsService } from './jobs.service.ts';
import { JobsRepository } from './jobs.repository.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';

let testDb: TestDatabase;
let queue: JobQueue;
let tenantA: string;
let tenantB: string;
const actor = (tenantId: string, role: Actor['role'] = 'OPERATOR'): Actor => ({ apiKeyId: '00000000-0000-7000-8000-000000000001', role, tenantId });
const jobsOf = (who: Actor) => new JobsService(new JobsRepository(scopeToTenant(testDb.db, who.tenantId)), queue, who);

before(async () => {
  testDb = await createTestDatabase();
  queue = await JobQueue.start(testDb.url, DEFAULT_QUEUE_SETTINGS, createLogger('silent', {}, () => {}), { supervise: false, listen: false });
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
});
after(async () => {
  await queue.stop(1000);
  await testDb.drop();
});

const enqueue = (tenantId: string) => testDb.db.$transaction((tx) => JobRecords.enqueue(queue, tx, 'REWRAP', tenantId));
const bossState = async (id: string) =>
  (await testDb.db.$queryRawUnsafe<Array<{ state: string }>>(`SELECT state::text AS state FROM pgboss.job WHERE id = $1::uuid`, id))[0]?.state;

test('enqueue writes the Job row and its queue entry together', async () => {
  const job = await enqueue(tenantA);
  assert.equal(job.status, 'QUEUED');
  assert.equal(await bossState(job.id), 'created');
  // Rolled back with the caller's transaction: neither row nor queue entry.
  const failed = testDb.db.$transaction(async (tx) => {
    await JobRecords.enqueue(queue, tx, 'REWRAP', tenantA);
    throw new Error('the domain write failed');
  });
  await assert.rejects(failed, /domain write failed/);
  assert.equal(await testDb.db.job.count({ where: { tenantId: tenantA } }), 1);
  assert.equal((await testDb.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'rewrap'`))[0]!.n, 1);
});

test('a queued job is cancelled at once, in the table and in the queue', async () => {
  const sut = jobsOf(actor(tenantA));
  const job = await enqueue(tenantA);
  const cancelled = await sut.cancel(job.id);
  assert.deepEqual([cancelled.status, cancelled.cancelRequested], ['CANCELLED', true]);
  assert.equal(await bossState(job.id), 'cancelled');
  await assert.rejects(sut.cancel(job.id), { code: 'JOB_FINISHED' });
});

test('a running job is only marked: its worker ends it (and reads the mark to tell it from a shutdown)', async () => {
  const sut = jobsOf(actor(tenantA));
  const job = await enqueue(tenantA);
  await testDb.db.job.update({ where: { id: job.id }, data: { status: 'RUNNING', attempts: 1 } });
  const marked = await sut.cancel(job.id);
  assert.deepEqual([marked.status, marked.cancelRequested, marked.message], ['RUNNING', true, 'Cancelling…']);
});

test("another tenant's job does not exist for the caller; viewers cannot cancel", async () => {
  const job = await enqueue(tenantA);
  const other = jobsOf(actor(tenantB));
  assert.equal(await other.get(job.id), null);
  await assert.rejects(other.cancel(job.id), { code: 'JOB_NOT_FOUND' });
  assert.equal((await other.list({ first: 10 })).totalCount, 0);
  await assert.rejects(jobsOf(actor(tenantA, 'VIEWER')).cancel(job.id), { code: 'FORBIDDEN' });
  assert.equal((await testDb.db.job.findUniqueOrThrow({ where: { id: job.id } })).status, 'QUEUED');
});
