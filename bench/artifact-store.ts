/**
 * Artifact store throughput: put and get MB/s of one random blob (default 64 MB) in the PostgreSQL
 * store (4 MiB bytea chunks, a throw-away embedded server) and the folder store, side by side.
 * Each put and get streams (the blob is never one buffer inside the store); each get hashes what it
 * reads and checks it. Peak RSS is the whole process's, blob source included.
 *
 *   npx tsx bench/artifact-store.ts [--mb 64] [--runs 2]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import type { ArtifactStore } from '../src/registry/artifacts/artifact-store.ts';
import { FileArtifactStore } from '../src/registry/artifacts/file-artifact-store.ts';
import { PostgresArtifactStore } from '../src/registry/artifacts/postgres-artifact-store.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MB = 1024 * 1024;
const size = arg('mb', 64) * MB;
const runs = arg('runs', 2);

/** The blob as a stream of 1 MiB pieces of one random MiB (run-specific first bytes, so no run dedupes another). */
function source(run: number): Readable {
  const piece = randomBytes(MB);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const out = Buffer.from(piece);
      out.writeUInt32LE(run, 0);
      out.writeUInt32LE(sent / MB, 4);
      sent += MB;
      this.push(out);
    },
  });
}

async function measure(name: string, store: ArtifactStore): Promise<void> {
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const ref = await store.put(source(run * 1000 + name.length));
    const t1 = performance.now();
    const hash = createHash('sha256');
    let read = 0;
    for await (const chunk of (await store.get(ref.sha256))! as AsyncIterable<Buffer>) {
      hash.update(chunk);
      read += chunk.length;
    }
    const t2 = performance.now();
    if (read !== size || hash.digest('hex') !== ref.sha256) throw new Error(`${name}: read back wrong bytes`);
    const mbps = (ms: number) => (size / MB / (ms / 1000)).toFixed(1);
    const rss = (process.resourceUsage().maxRSS / 1024).toFixed(0);
    console.log(`${name.padEnd(10)} run ${run + 1}: put ${mbps(t1 - t0).padStart(6)} MB/s   get ${mbps(t2 - t1).padStart(6)} MB/s   (peak RSS so far ${rss} MB)`);
    await store.delete(ref.sha256, new Date(Date.now() + 60_000));
  }
}

const server = await startThrowAwayDatabase('bench');
const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-bench-store-'));
try {
  await applyMigrations(server.url);
  console.log(`blob: ${size / MB} MB, ${runs} runs each`);
  const postgres = new PostgresArtifactStore(server.url);
  await measure('postgres', postgres);
  await postgres.close();
  await measure('folder', new FileArtifactStore(dir));
} finally {
  await rm(dir, { recursive: true, force: true });
  await server.stop();
}
