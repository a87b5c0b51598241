import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { formatMasterKeyring, loadMasterKeyring as sut, parseMasterKeyring } from './master-key.ts';
import { MasterKeyError } from './vault.errors.ts';

const b64 = () => randomBytes(32).toString('base64');

test('parses a bare key as version 1 and versioned entries with the highest as current', () => {
  const single = parseMasterKeyring(b64(), 'env');
  assert.equal(single.currentVersion, 1);
  const key1 = b64();
  const key2 = b64();
  const ring = parseMasterKeyring(`1:${key1},\n2:${key2}`, 'env');
  assert.equal(ring.currentVersion, 2);
  assert.deepEqual(Buffer.from(ring.keys.get(1)!).toString('base64'), key1);
  assert.deepEqual(parseMasterKeyring(formatMasterKeyring(ring.keys), 'file').keys, ring.keys);
});

test('malformed keys are refused without echoing them', () => {
  const short = randomBytes(16).toString('base64');
  for (const bad of ['', short, `1:${b64()},1:${b64()}`, `x:${b64()}`, `${b64()},${b64()}`]) {
    assert.throws(() => parseMasterKeyring(bad, 'FRAGMARK_MASTER_KEY'), (e: Error) => e instanceof MasterKeyError && !e.message.includes(short));
  }
});

test('a fresh installation generates the key file once, owner-only, and never overwrites it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-mk-'));
  try {
    const config = { masterKey: undefined, masterKeyFile: path.join(dir, 'master.key'), masterKeyFileExplicit: false };
    const warnings: string[] = [];
    const first = await sut(config, true, (m) => warnings.push(m));
    assert.equal((await stat(config.masterKeyFile)).mode & 0o777, 0o600);
    assert.match(warnings[0]!, /Back it up/);
    const content = await readFile(config.masterKeyFile, 'utf8');
    const second = await sut(config, true, () => assert.fail('no second warning'));
    assert.deepEqual(second.keys, first.keys);
    assert.equal(await readFile(config.masterKeyFile, 'utf8'), content);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing key is an error when the database already holds sealed keys, or when a file was named', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-mk-'));
  try {
    const file = path.join(dir, 'master.key');
    await assert.rejects(sut({ masterKey: undefined, masterKeyFile: file, masterKeyFileExplicit: false }, false, () => {}), /Restore the master key/);
    await assert.rejects(sut({ masterKey: undefined, masterKeyFile: file, masterKeyFileExplicit: true }, true, () => {}), /does not exist/);
    await assert.rejects(stat(file), 'nothing was written');
    await writeFile(file, 'garbage');
    await assert.rejects(sut({ masterKey: undefined, masterKeyFile: file, masterKeyFileExplicit: false }, true, () => {}), MasterKeyError);
    assert.equal(await readFile(file, 'utf8'), 'garbage', 'a bad file is not replaced');
    const fromEnv = await sut({ masterKey: b64(), masterKeyFile: file, masterKeyFileExplicit: false }, false, () => {});
    assert.equal(fromEnv.source, 'FRAGMARK_MASTER_KEY');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
