/**
 * `npm test`: runs every *.test.ts with node's built-in test runner (through tsx) against a
 * real PostgreSQL. Unless DATABASE_URL is set, one throw-away embedded server is started for
 * the whole run; each test file creates its own database on it (test/support/database.ts),
 * so files run in parallel and leave nothing behind. The compiled build (dist/) is brought up to date
 * first: the tests run the `fragmark` command and worker processes from it.
 *
 *   npm test                       everything
 *   npm test -- src/config api     only files whose path contains one of the words
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowAwayDatabase } from '../src/db/embedded.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const TEST_ROOTS = ['src', 'test', 'workers', 'scripts', 'bench'];

async function findTests(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'generated') found.push(...(await findTests(full)));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

const filters = process.argv.slice(2);
const all = (await Promise.all(TEST_ROOTS.map((r) => findTests(path.join(root, r))))).flat().sort();
const files = all.map((f) => path.relative(root, f)).filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}

const built = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

let adminUrl = process.env.DATABASE_URL;
let stopDatabase = async () => {};
if (!adminUrl) {
  const server = await startThrowAwayDatabase();
  adminUrl = server.adminUrl;
  stopDatabase = server.stop;
}

const concurrency = process.env.FRAGMARK_TEST_CONCURRENCY ?? '2';
const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FRAGMARK_TEST_DATABASE_URL: adminUrl, FRAGMARK_ENV: process.env.FRAGMARK_ENV ?? 'test' },
});
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await stopDatabase();
process.exit(code);
