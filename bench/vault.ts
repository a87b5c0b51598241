/**
 * Vault throughput: seals and unseals per second of a 100-trigger MNIST set (100 x 28x28x1
 * float32 plus labels, about 314 KB), sequentially and with concurrent requests, against a real
 * embedded PostgreSQL. Each seal and unseal includes its audit event and transaction.
 *
 *   npx tsx bench/vault.ts [--count 50] [--concurrency 8]
 */
import { randomBytes } from 'node:crypto';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { createDatabaseClient } from '../src/db/client.ts';
import { Vault } from '../src/vault/vault.ts';
import { randomKey, sodiumReady } from '../src/vault/aead.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg('count', 50);
const concurrency = arg('concurrency', 8);
const TRIGGER_SET_BYTES = 100 * 28 * 28 * 4 + 100;

const server = await startThrowAwayDatabase('bench');
try {
  await applyMigrations(server.url);
  await sodiumReady();
  const db = createDatabaseClient(server.url, { poolSize: concurrency + 2 });
  const vault = new Vault(db, { currentVersion: 1, keys: new Map([[1, randomKey()]]), source: 'bench' });
  const tenantId = (await db.tenant.create({ data: { name: 'Bench', slug: 'bench' } })).id;
  const payload = randomBytes(TRIGGER_SET_BYTES);
  const actor = { apiKeyId: null };
  const address = (i: number) => ({ tenantId, purpose: 'trigger-set' as const, recordId: `w${i}` });
  await vault.seal(address(-1), payload, actor); // warm-up: keyring creation, connections

  const timed = async (label: string, run: () => Promise<void>) => {
    const start = performance.now();
    await run();
    const seconds = (performance.now() - start) / 1000;
    console.log(`${label.padEnd(34)} ${(count / seconds).toFixed(1).padStart(7)} /s   (${((seconds / count) * 1000).toFixed(1)} ms each)`);
  };
  const pool = async (work: (i: number) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }));
  };

  console.log(`payload ${TRIGGER_SET_BYTES} bytes, ${count} operations each, node ${process.version}`);
  await timed('seal, sequential', async () => { for (let i = 0; i < count; i++) await vault.seal(address(i), payload, actor); });
  await timed('unseal, sequential', async () => { for (let i = 0; i < count; i++) await vault.unseal(address(i), actor); });
  await timed(`seal, ${concurrency} concurrent`, () => pool((i) => vault.seal(address(count + i), payload, actor)));
  await timed(`unseal, ${concurrency} concurrent`, () => pool((i) => vault.unseal(address(count + i), actor)));
  await db.$disconnect();
} finally {
  await server.stop();
}
