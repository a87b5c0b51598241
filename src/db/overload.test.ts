/**
 * What an exhausted pool really throws (Prisma 7 over @prisma/adapter-pg) is recognised as
 * overload; ordinary database errors are not.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabaseClient, type Database } from './client.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { isDatabaseUnavailable as sut } from './overload.ts';
import { holdConnections } from '../../test/support/pool.ts';

let testDb: TestDatabase;
let db: Database;

before(async () => {
  testDb = await createTestDatabase();
  db = createDatabaseClient(testDb.url, { poolSize: 1, acquireTimeoutMs: 1000 });
});
after(async () => {
  await db.$disconnect();
  await testDb.drop();
});

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  assert.fail('expected a failure');
}

test('a query and a transaction that wait too long for the only connection are overload', async () => {
  const hold = await holdConnections(db, 1);
  const plain = await caught(() => db.$queryRaw`SELECT 1`);
  const transaction = await caught(() => db.$transaction((tx) => tx.$queryRaw`SELECT 1`));
  await hold.release();
  assert.ok(sut(plain), String(plain));
  assert.ok(sut(transaction), String(transaction));
});

test('a transaction past its timeout is overload; constraint violations and bugs are not', async () => {
  const expired = await caught(() =>
    db.$transaction(async (tx) => {
      await new Promise((r) => setTimeout(r, 150));
      await tx.$queryRaw`SELECT 1`;
    }, { timeout: 50 }),
  );
  assert.ok(sut(expired), String(expired));
  await db.tenant.create({ data: { name: 'x', slug: 'taken' } });
  assert.equal(sut(await caught(() => db.tenant.create({ data: { name: 'y', slug: 'taken' } }))), false);
  assert.equal(sut(new TypeError('undefined is not a function')), false);
  assert.equal(sut('timeout exceeded when trying to connect'), false);
});

test("the adapter's own error, unwrapped, is classified by its cause like the wrapped one", () => {
  // The shape of @prisma/driver-adapter-utils' DriverAdapterError (name, cause = the adapter's payload).
  const adapterError = (cause: Record<string, unknown>) => Object.assign(new Error(String(cause['message'] ?? cause['kind'])), { name: 'DriverAdapterError', cause });
  assert.ok(sut(adapterError({ kind: 'postgres', code: '57P01', message: 'terminating connection due to unexpected postmaster exit' })));
  assert.ok(sut(adapterError({ kind: 'ConnectionClosed' })));
  assert.equal(sut(adapterError({ kind: 'postgres', code: '23505', message: 'duplicate key value violates unique constraint' })), false);
  assert.equal(sut(Object.assign(new Error('x'), { cause: { kind: 'ConnectionClosed' } })), false, 'only the adapter error carries its payload as cause');
});
