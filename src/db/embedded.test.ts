/**
 * Supervision of the embedded PostgreSQL: killed under a live client, it comes back by itself;
 * meanwhile every failure the client sees is classified "unavailable" (the API's 503), never a bug.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '../common/ports.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { createDatabaseClient } from './client.ts';
import { startEmbeddedDatabase, type SupervisionEvent } from './embedded.ts';
import { applyMigrations } from './migrate.ts';
import { isDatabaseUnavailable } from './overload.ts';

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

test('a SIGKILLed embedded server is restarted, and what queries meet meanwhile is "unavailable"', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fragmark-supervised-'));
  await chmod(dataDir, 0o711);
  const events: SupervisionEvent[] = [];
  const sut = await startEmbeddedDatabase({ dataDir, port: await findFreePort(), databaseName: 'app', ephemeral: true, onSupervision: (e) => events.push(e) });
  const db = createDatabaseClient(sut.url, { poolSize: 2, acquireTimeoutMs: 2000 });
  try {
    await applyMigrations(sut.url);
    await db.$executeRawUnsafe('CREATE TABLE kept (id int)');
    await db.$executeRawUnsafe('INSERT INTO kept VALUES (1)');
    const pid = Number((await readFile(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');

    // Until it is back: model queries, raw queries and transactions fail, each as "unavailable".
    const seen: unknown[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const errors = [
        await failure(() => db.$queryRawUnsafe('SELECT id FROM kept')),
        await failure(() => db.$transaction((tx) => tx.$queryRawUnsafe('SELECT 1'))),
        await failure(() => db.tenant.findMany({ take: 1 })),
      ];
      seen.push(...errors.filter((e) => e !== undefined));
      if (errors.every((e) => e === undefined) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(seen.length >= 3, `queries failed while the server was down (${seen.length})`);
    for (const error of seen) assert.ok(isDatabaseUnavailable(error), `classified as unavailable: ${String(error)}`);

    assert.deepEqual(await db.$queryRawUnsafe('SELECT id FROM kept'), [{ id: 1 }], 'back, with its data');
    // The supervisor reports the restart once its own connection check passes, which may come
    // just after ours.
    await waitFor(async () => (events.length >= 2 ? true : undefined), 'the restarted event', 5000);
    assert.deepEqual(events.map((e) => e.kind), ['exited', 'restarted']);
    assert.equal((events[0] as { signal: string }).signal, 'SIGKILL');
  } finally {
    await db.$disconnect();
    await sut.stop();
  }
  assert.equal(events.length, 2, 'stopping is not a crash: no restart after stop()');
});

test('as root, a data folder the postgres user cannot enter gets its cluster placed where it can, found again on the next start', { skip: process.getuid?.() !== 0 && 'only as root' }, async () => {
  const home = await mkdtemp(path.join(tmpdir(), 'fragmark-private-home-'));
  await chmod(home, 0o700); // like /root: the postgres user cannot enter
  const base = await mkdtemp(path.join(tmpdir(), 'fragmark-relocated-'));
  const dataDir = path.join(home, 'clone', '.fragmark', 'postgres');
  const port = await findFreePort();
  try {
    const first = await startEmbeddedDatabase({ dataDir, port, databaseName: 'app', relocationBase: base });
    assert.equal(first.cluster.relocated, true);
    assert.ok(first.cluster.dir.startsWith(base + path.sep), first.cluster.dir);
    const db = createDatabaseClient(first.url, { poolSize: 1 });
    await db.$executeRawUnsafe('CREATE TABLE kept (id int)');
    await db.$disconnect();
    await first.stop();

    const second = await startEmbeddedDatabase({ dataDir, port, databaseName: 'app', relocationBase: base });
    const again = createDatabaseClient(second.url, { poolSize: 1 });
    assert.deepEqual(await again.$queryRawUnsafe('SELECT count(*)::int AS n FROM kept'), [{ n: 0 }], 'the same cluster');
    assert.equal(second.cluster.dir, first.cluster.dir);
    await again.$disconnect();
    await second.stop();
  } finally {
    await rm(home, { recursive: true, force: true });
    await rm(base, { recursive: true, force: true });
  }
});
