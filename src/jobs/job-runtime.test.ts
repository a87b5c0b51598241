import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { JobRuntime, runningJob as sut } from './job-runtime.ts';
import { HandedBack, JobRecords, SupersededAttempt } from './job-records.ts';
import { DEFAULT_QUEUE_SETTINGS, JobQueue } from './job-queue.ts';
import { createLogger } from '../logging/logger.ts';

let testDb: TestDatabase;
let tenantId: string;

before(async () => {
  testDb = await createTestDatabase();
  tenantId = (await testDb.db.tenant.create({ data: { name: 'T', slug: 't' } })).id;
});
after(() => testDb.drop());

async function runningJobRow(fields: { cancelRequested?: boolean; attempts?: number } = {}) {
  const id = randomUUID();
  await testDb.db.job.create({ data: { id, tenantId, kind: 'WATERMARK', status: 'RUNNING', attempts: fields.attempts ?? 1, cancelRequested: fields.cancelRequested ?? false } });
  return id;
}
const aborted = () => AbortSignal.abort(new Error('aborted'));

test('an attempt that nothing interrupted is not cancelled', async () => {
  const id = await runningJobRow();
  assert.equal(await sut(testDb.db, { id, retryCount: 0, retryLimit: 2, signal: new AbortController().signal }).wasCancelled(), false);
});

test('a cancellation that has not reached the worker yet is a cancellation (a failure in that moment ends CANCELLED)', async () => {
  const id = await runningJobRow({ cancelRequested: true });
  assert.equal(await sut(testDb.db, { id, retryCount: 0, retryLimit: 2, signal: new AbortController().signal }).wasCancelled(), true);
});

test('an abort is a cancellation only when a user asked for one', async () => {
  const id = await runningJobRow({ cancelRequested: true });
  // Even while the worker shuts down: the user's cancellation wins over a handover.
  assert.equal(await sut(testDb.db, { id, retryCount: 0, retryLimit: 2, signal: aborted(), shutdown: aborted() }).wasCancelled(), true);
});

test("the worker's shutdown hands the job back; a lost claim supersedes the attempt", async () => {
  const id = await runningJobRow();
  await assert.rejects(sut(testDb.db, { id, retryCount: 0, retryLimit: 2, signal: new AbortController().signal, shutdown: aborted() }).wasCancelled(), HandedBack);
  await assert.rejects(sut(testDb.db, { id, retryCount: 0, retryLimit: 2, signal: aborted() }).wasCancelled(), SupersededAttempt);
});

test('handovers are not failures: they do not bring the final attempt closer', () => {
  const signal = new AbortController().signal;
  const id = randomUUID();
  assert.equal(sut(testDb.db, { id, retryCount: 2, retryLimit: 2, signal }).finalAttempt, true);
  assert.equal(sut(testDb.db, { id, retryCount: 2, handovers: 1, retryLimit: 2, signal }).finalAttempt, false);
  assert.equal(sut(testDb.db, { id, retryCount: 4, handovers: 2, retryLimit: 2, signal }).attempt, 5);
});

test('handing back puts only the owning attempt back in the queue, and counts it', async () => {
  const id = await runningJobRow({ attempts: 2 });
  await JobRecords.handBack(testDb.db, id, 1); // a stale attempt changes nothing
  assert.deepEqual(await testDb.db.job.findUniqueOrThrow({ where: { id }, select: { status: true, handovers: true } }), { status: 'RUNNING', handovers: 0 });
  await JobRecords.handBack(testDb.db, id, 2);
  assert.deepEqual(await testDb.db.job.findUniqueOrThrow({ where: { id }, select: { status: true, handovers: true } }), { status: 'QUEUED', handovers: 1 });
});

test('a job whose last allowed attempt died is given up, not run again and not left RUNNING', async () => {
  const queue = await JobQueue.start(testDb.url, { ...DEFAULT_QUEUE_SETTINGS, retryLimit: 1 }, createLogger('silent', {}, () => {}), { supervise: false, listen: false });
  try {
    const job = await testDb.db.$transaction((tx) => JobRecords.enqueue(queue, tx, 'REWRAP', tenantId));
    // Two attempts already started and died without recording anything (a killed worker, twice).
    await testDb.db.$executeRawUnsafe(`UPDATE pgboss.job SET retry_count = 2 WHERE id = $1::uuid`, job.id);
    await testDb.db.job.update({ where: { id: job.id }, data: { status: 'RUNNING', attempts: 2 } });
    const ran: string[] = [];
    const givenUp: Array<[string, string]> = [];
    const runtime = new JobRuntime(queue, testDb.db, createLogger('silent', {}, () => {}), {
      retryLimit: 1,
      giveUp: async (jobId, reason) => {
        givenUp.push([jobId, reason]);
        await testDb.db.$transaction((tx) => JobRecords.failUnfinished(tx, jobId, reason, new Date()));
      },
    });
    await runtime.work('rewrap', 1, async (running) => void ran.push(running.id));
    for (let i = 0; i < 100 && givenUp.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await runtime.stop(0, 2000);
    assert.deepEqual(ran, []);
    assert.deepEqual(givenUp.map(([id]) => id), [job.id]);
    assert.equal((await testDb.db.job.findUniqueOrThrow({ where: { id: job.id } })).status, 'FAILED');
  } finally {
    await queue.stop(1000);
  }
});
