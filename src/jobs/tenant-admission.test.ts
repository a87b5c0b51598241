import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { TenantAdmission } from './tenant-admission.ts';
import { DEFAULT_QUEUE_SETTINGS, JobQueue } from './job-queue.ts';
import { JobRecords } from './job-records.ts';
import { createLogger } from '../logging/logger.ts';

let testDb: TestDatabase;
let queue: JobQueue;
let tenantA: string;
let tenantB: string;
let sut: TenantAdmission;

before(async () => {
  testDb = await createTestDatabase();
  queue = await JobQueue.start(testDb.url, DEFAULT_QUEUE_SETTINGS, createLogger('silent', {}, () => {}), { supervise: false, listen: false });
  tenantA = (await testDb.db.tenant.create({ data: { name: 'A', slug: 'a' } })).id;
  tenantB = (await testDb.db.tenant.create({ data: { name: 'B', slug: 'b' } })).id;
  sut = new TenantAdmission(testDb.db, 2);
});
// Every test starts with no job running.
afterEach(() => testDb.db.$executeRawUnsafe(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE state = 'active'`));
after(async () => {
  await queue.stop(1000);
  await testDb.drop();
});

/** A verification job of `tenantId` that pg-boss runs now (as a worker's fetch leaves it), started at `startedOn`. */
async function runningAttempt(tenantId: string, startedOn = new Date()) {
  const { id } = await testDb.db.$transaction((tx) => JobRecords.enqueue(queue, tx, 'VERIFY', tenantId));
  await testDb.db.$executeRawUnsafe(`UPDATE pgboss.job SET state = 'active', started_on = $2 WHERE id = $1::uuid`, id, startedOn);
  return { id, retryCount: 0, groupId: tenantId };
}
const end = (id: string) => testDb.db.$executeRawUnsafe(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE id = $1::uuid`, id);

test('admissions asked for at the same instant admit exactly the limit, per tenant', async () => {
  const a = await Promise.all(Array.from({ length: 8 }, () => runningAttempt(tenantA)));
  const b = await runningAttempt(tenantB);
  const answers = await Promise.all([...a, b].map((attempt) => sut.tryAdmit('verify', attempt)));
  assert.equal(answers.slice(0, 8).filter(Boolean).length, 2);
  assert.equal(answers[8], true, "another tenant's job is not held back");
  // Asking again for an admitted attempt keeps its slot; the others still wait.
  const admitted = a.filter((_, i) => answers[i]);
  const waiting = a.filter((_, i) => !answers[i]);
  assert.deepEqual(await Promise.all(admitted.map((attempt) => sut.tryAdmit('verify', attempt))), [true, true]);
  assert.equal(await sut.tryAdmit('verify', waiting[0]!), false);
  // An ended job frees its slot (pg-boss recorded its end), a released one at once.
  await end(admitted[0]!.id);
  await sut.release('verify', admitted[1]!);
  assert.deepEqual(await Promise.all(waiting.slice(0, 3).map((attempt) => sut.tryAdmit('verify', attempt))).then((r) => r.filter(Boolean).length), 2);
});

test('a job whose fetch committed last but started first still waits for the running ones', async () => {
  // The race that ranking by pg-boss's started_on let through: the running job started (by the
  // clock of its fetch transaction) after the one that became visible later.
  const sutOfOne = new TenantAdmission(testDb.db, 1);
  const later = await runningAttempt(tenantA);
  assert.equal(await sutOfOne.tryAdmit('verify', later), true);
  const earlier = await runningAttempt(tenantA, new Date(Date.now() - 60_000));
  assert.equal(await sutOfOne.tryAdmit('verify', earlier), false);
  await end(later.id);
  assert.equal(await sutOfOne.tryAdmit('verify', earlier), true);
});

test("a lost attempt's slot goes to the next attempt of its job, not to both", async () => {
  const sutOfOne = new TenantAdmission(testDb.db, 1);
  const first = await runningAttempt(tenantA);
  assert.equal(await sutOfOne.tryAdmit('verify', first), true);
  const other = await runningAttempt(tenantA);
  // Its worker froze: pg-boss expired the heartbeat and another worker fetched attempt 2.
  await testDb.db.$executeRawUnsafe(`UPDATE pgboss.job SET retry_count = 1 WHERE id = $1::uuid`, first.id);
  const second = { ...first, retryCount: 1 };
  assert.equal(await sutOfOne.tryAdmit('verify', second), true);
  assert.equal(await sutOfOne.tryAdmit('verify', other), false, 'the stale attempt 1 must not free a second slot');
});

test('a job without a tenant is never held back, and waiting ends when the signal aborts', async () => {
  assert.equal(await sut.tryAdmit('webhook', { id: crypto.randomUUID(), retryCount: 0, groupId: null }), true);
  const sutOfOne = new TenantAdmission(testDb.db, 1);
  const running = await runningAttempt(tenantB);
  assert.equal(await sutOfOne.tryAdmit('verify', running), true);
  const waiting = await runningAttempt(tenantB);
  const stop = new AbortController();
  const turn = sutOfOne.awaitTurn('verify', waiting, stop.signal);
  setTimeout(() => stop.abort(), 250);
  await turn;
  assert.equal(await testDb.db.jobAdmission.count({ where: { jobId: waiting.id } }), 0, 'an aborted wait admits nothing');
});
