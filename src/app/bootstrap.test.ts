import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MintedKey } from './bootstrap.ts';
import { announceInitialAdminKey as sut, INITIAL_ADMIN_KEY_FILE } from './bootstrap.ts';

const minted = { apiKey: { id: 'k' }, secret: 'fmk_first-start-secret' } as unknown as MintedKey;
let dir: string;
before(async () => (dir = await mkdtemp(path.join(tmpdir(), 'fragmark-bootstrap-'))));
after(() => rm(dir, { recursive: true, force: true }));

test('at an interactive terminal the secret is handed back to be printed, and nothing is written', async () => {
  const dataDir = path.join(dir, 'terminal');
  assert.deepEqual(await sut(minted, { dataDir, terminal: true }), { secret: minted.secret });
  await assert.rejects(stat(dataDir));
});

test('otherwise the secret goes to an owner-only file in the data folder, and only its path comes back', async () => {
  const dataDir = path.join(dir, 'service', '.fragmark');
  const result = await sut(minted, { dataDir, terminal: false });
  const file = path.join(dataDir, INITIAL_ADMIN_KEY_FILE);
  assert.deepEqual(result, { file });
  assert.equal(JSON.stringify(result).includes(minted.secret), false);
  assert.equal(await readFile(file, 'utf8'), `${minted.secret}\n`);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dataDir), [INITIAL_ADMIN_KEY_FILE], 'no staging file left behind');
});

test('a world-readable file left by an earlier installation is replaced by an owner-only one', async () => {
  const dataDir = path.join(dir, 'reinstalled');
  await sut(minted, { dataDir, terminal: false });
  const file = path.join(dataDir, INITIAL_ADMIN_KEY_FILE);
  await rm(file);
  await writeFile(file, 'old\n', { mode: 0o644 });
  await sut({ ...minted, secret: 'fmk_second' }, { dataDir, terminal: false });
  assert.equal(await readFile(file, 'utf8'), 'fmk_second\n');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
});
