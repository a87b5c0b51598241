/**
 * `fragmark backup` and `fragmark restore`, round trip: a platform with a tenant, keys, a sealed
 * watermark, an attestation, a model artifact and an unfinished job is backed up while its API
 * runs (folder artifact store), restored into a new database (PostgreSQL artifact store) and data
 * folder, and served from there: the old attestation
 * still verifies and is known, the restored keys work, and a new verification (which unseals the
 * restored trigger set with the master key) is attested.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { findFreePort } from '../support/ports.ts';
import { startServe } from '../support/serve.ts';
import { seedReadyWatermark } from '../support/watermark.ts';
import { RESTORED_JOB_REASON } from '../../src/app/backup.ts';
import { openArtifactStore } from '../../src/registry/artifacts/open-artifact-store.ts';

const CHALLENGE = `mutation($w: ID!) { createChallenge(input: { watermarkId: $w, size: 4 }) { challenge { id } userErrors { code message } } }`;
const ANSWER = `mutation($c: ID!, $l: [Int!]!) { answerChallenge(input: { challengeId: $c, labels: $l }) { verification { verdict attestation { jti token } } userErrors { code } } }`;

let api: TestApi;
let work: string;
const targets: TestDatabase[] = [];
before(async () => {
  api = await startTestApi();
  work = await mkdtemp(path.join(tmpdir(), 'fragmark-backup-'));
});
after(async () => {
  await api.close();
  for (const t of targets) await t.drop();
  await rm(work, { recursive: true, force: true });
});

const envFor = (databaseUrl: string, dataDir: string) => ({ DATABASE_URL: databaseUrl, FRAGMARK_MASTER_KEY: api.masterKey, FRAGMARK_DATA_DIR: dataDir, FRAGMARK_LOG_LEVEL: 'warn' });

test('backup while running, restore into a new database and data folder, serve from it', async () => {
  const tenant = await createTenant(api, 'Backed up');
  const operator = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
  const watermark = await seedReadyWatermark({ db: api.database.db, vault: api.vault }, tenant.id, { triggerCount: 16 });
  const challenge = (await api.gql(CHALLENGE, { w: watermark.id }, operator)).data.createChallenge;
  const old = (await api.gql(ANSWER, { c: challenge.challenge.id, l: [0, 1, 2, 3] }, operator)).data.answerChallenge.verification;
  assert.ok(old.attestation?.token, JSON.stringify(old));
  const staging = await api.store.stage();
  const model = Buffer.from(`model bytes ${randomUUID()}`);
  await staging.writeFile('model.onnx', Readable.from([model]), 1024);
  const manifest = await staging.commit();
  const unfinished = await api.database.db.job.create({ data: { id: randomUUID(), tenantId: tenant.id, kind: 'VERIFY', status: 'QUEUED' } });

  const file = path.join(work, 'fragmark.backup.gz');
  const backup = await runCli(['backup', file, '--json'], { ...envFor(api.database.url, path.join(work, 'source')), FRAGMARK_ARTIFACT_DIR: api.artifactDir });
  assert.equal(backup.code, 0, backup.stderr);
  const written = JSON.parse(backup.stdout);
  assert.ok(written.rows > 10 && written.artifacts >= 1, backup.stdout);
  assert.doesNotMatch((await readFile(file)).toString('latin1'), new RegExp(api.masterKey.slice(0, 16).replace(/[+/]/g, '.')), 'not the master key');

  const target = await createTestDatabase({ migrate: false });
  targets.push(target);
  const dataDir = path.join(work, 'restored');
  const restore = await runCli(['restore', file, '--json'], envFor(target.url, dataDir));
  assert.equal(restore.code, 0, restore.stderr);
  const restored = JSON.parse(restore.stdout);
  assert.equal(restored.rows, written.rows);
  assert.equal(restored.jobsEnded, 1);
  const job = await target.db.job.findUniqueOrThrow({ where: { id: unfinished.id } });
  assert.deepEqual([job.status, job.error], ['FAILED', RESTORED_JOB_REASON]);
  // Backed up from a folder store, restored into the PostgreSQL store (the default with DATABASE_URL).
  const restoredStore = openArtifactStore({ kind: 'postgres' }, { databaseUrl: target.url, spoolDir: work });
  const blob = await restoredStore.get(manifest.files[0]!.sha256);
  assert.ok(blob, 'the artifact is in the restored store');
  assert.deepEqual(Buffer.concat(await blob.toArray()), model, 'the artifact, byte for byte');
  await restoredStore.close();

  const again = await runCli(['restore', file], envFor(target.url, dataDir));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not empty/);

  const port = await findFreePort();
  const server = await startServe({ ...process.env, ...envFor(target.url, dataDir), FRAGMARK_PORT: String(port), FRAGMARK_WORKERS: '0' });
  try {
    const base = `http://127.0.0.1:${port}`;
    const gql = async (query: string, variables: Record<string, unknown>, key?: string) =>
      (await (await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify({ query, variables }) })).json()) as any;

    const status = await gql(`query($jti: ID!) { attestationStatus(jti: $jti) { known revoked } }`, { jti: old.attestation.jti });
    assert.deepEqual(status.data.attestationStatus, { known: true, revoked: false });
    const jwks = path.join(work, 'jwks.json');
    await writeFile(jwks, await (await fetch(`${base}/.well-known/jwks.json`)).text());
    const check = await runCli(['verify-token', old.attestation.token, '--issuer', api.url, '--jwks', jwks, '--offline', '--json']);
    assert.equal(check.code, 0, check.stdout + check.stderr);

    const fresh = (await gql(CHALLENGE, { w: watermark.id }, operator)).data.createChallenge;
    assert.deepEqual(fresh.userErrors, []);
    const answered = (await gql(ANSWER, { c: fresh.challenge.id, l: [0, 1, 2, 3] }, tenant.adminKey)).data.answerChallenge.verification;
    assert.ok(answered.attestation.token, 'a new verification on the restored platform is attested');
  } finally {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, JSON.stringify(server.output()));
  }
});

test('a truncated or foreign file is refused and restores nothing', async () => {
  const file = path.join(work, 'truncated.backup.gz');
  const backup = await runCli(['backup', file], { ...envFor(api.database.url, path.join(work, 'source2')), FRAGMARK_ARTIFACT_DIR: api.artifactDir });
  assert.equal(backup.code, 0, backup.stderr);
  const { size } = await import('node:fs').then((fs) => fs.statSync(file));
  await truncate(file, Math.floor(size * 0.6));
  const target = await createTestDatabase({ migrate: false });
  targets.push(target);
  const refused = await runCli(['restore', file], envFor(target.url, path.join(work, 'restored2')));
  assert.equal(refused.code, 1, refused.stderr);
  assert.equal(await target.db.tenant.count(), 0, 'nothing restored');

  const foreign = path.join(work, 'foreign.gz');
  await writeFile(foreign, 'not a backup');
  const notOurs = await runCli(['restore', foreign], envFor(target.url, path.join(work, 'restored2')));
  assert.equal(notOurs.code, 1);
  assert.match(notOurs.stderr, /not a Fragmark backup/);
});
