/**
 * Workers on other hosts need nothing but PostgreSQL (issue 21, items 4 and 9): two real worker
 * processes with separate data folders, one configured with FRAGMARK_ARTIFACT_STORE=postgres:, the
 * other with only DATABASE_URL and the master key, both read the uploaded model from the
 * PostgreSQL store and sign with the recorded public issuer. A worker that cannot read the API's
 * artifact store, or finds no public issuer recorded, refuses to start (exit 78) and takes no job;
 * so does an API whose store holds none of the newest versions' files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { runCli } from '../support/cli.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildPlatform } from '../../src/app/platform.ts';
import { StartRefusal } from '../../src/app/public-issuer.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';

const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } job { id } userErrors { code message } } }`;
const RESULT = `query($id: ID!) { verification(id: $id) { verdict errorReason attestation { token } } }`;

describe('artifact store shared through PostgreSQL by workers on separate hosts', () => {
  let api: TestApi;
  let key: string;
  let versionId: string;
  const dataDirs: string[] = [];
  const workers: TestWorker[] = [];

  const dataDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-worker-host-'));
    dataDirs.push(dir);
    return dir;
  };
  const waitFor = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (let i = 0; i < 1200; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  };
  const verify = async () => {
    const started = (await api.gql(VERIFY, { input: { modelVersionId: versionId, mode: 'ARTIFACT' } }, key)).data.verifyModel;
    assert.deepEqual(started.userErrors, []);
    const result = await waitFor(
      async () => (await api.gql(RESULT, { id: started.verification.id }, key)).data.verification,
      (v) => v.verdict !== 'PENDING',
    );
    const job = await api.database.db.job.findUniqueOrThrow({ where: { id: started.job.id } });
    return { ...result, workerId: job.workerId };
  };

  /** Every started worker is stopped after the tests, also when a test fails midway. */
  const worker = async (env: Record<string, string>) => {
    const started = await startTestWorker(api, env);
    workers.push(started);
    return started;
  };
  /** Rejects with the worker's exit; one that starts after all fails the test (and is stopped with the others). */
  const refusedWorker = async (env: Record<string, string>) => {
    await worker(env);
    throw new Error('the worker started although it should have refused');
  };

  before(async () => {
    api = await startTestApi({ FRAGMARK_ARTIFACT_STORE: 'postgres:' }, { superviseIntervalSeconds: 1 });
    const tenant = await createTenant(api, 'Shared store');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
    const files = await saveModelToFiles(model);
    model.dispose();
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "shared" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const version = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id uploadPath } } }`, { m: modelId }, key)).data
      .createModelVersion.modelVersion;
    versionId = version.id;
    assert.equal((await uploadFiles(api, key, version.uploadPath, files)).status, 200);
  });
  after(async () => {
    for (const w of workers) await stopTestWorker(w, 'SIGKILL');
    await api.close();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  test('the upload is stored in PostgreSQL, not in a folder', async () => {
    const [blobs] = await api.database.db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "ArtifactBlob"`;
    assert.equal(blobs!.n, 3, 'model.json, weights.bin and the store probe');
    // The API's data folder holds only the (emptied) staging folder of uploads.
    assert.deepEqual(await readdir(api.artifactDir), ['artifact-staging']);
    assert.deepEqual(await readdir(path.join(api.artifactDir, 'artifact-staging')), []);
  });

  test('two workers with separate data folders, sharing only PostgreSQL, both verify the uploaded model; one with its own folder store refuses to start', async () => {
    const unset = { FRAGMARK_ARTIFACT_DIR: '', FRAGMARK_PUBLIC_URL: '' };
    const [ownFolder, dirA, dirB] = [await dataDir(), await dataDir(), await dataDir()];
    // Started together (process start-up dominates): one names the store, one has only DATABASE_URL
    // and the master key (the default store), and one points at a folder of its own.
    const [a, b] = await Promise.all([
      worker({ ...unset, FRAGMARK_ARTIFACT_STORE: 'postgres:', FRAGMARK_DATA_DIR: dirA }),
      worker({ ...unset, FRAGMARK_ARTIFACT_STORE: '', FRAGMARK_DATA_DIR: dirB }),
      assert.rejects(refusedWorker({ FRAGMARK_ARTIFACT_STORE: `file:${ownFolder}`, FRAGMARK_DATA_DIR: ownFolder }), (e: Error) => {
        assert.match(e.message, /worker exited with 78/);
        assert.match(e.message, /cannot read the platform's artifact store: the artifact store file:\S+ does not hold the probe blob/);
        return true;
      }),
    ]);
    assert.ok(a && b);
    const started = (await api.gql(`mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 16, allowWeak: true }) { job { id } } }`, { v: versionId }, key)).data
      .startWatermark;
    const generation = await waitFor(
      () => api.database.db.job.findUniqueOrThrow({ where: { id: started.job.id } }),
      (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED',
    );
    assert.equal(generation.status, 'SUCCEEDED', generation.error ?? '');

    const first = await verify();
    // The worker that took it stops; the other must take the next one.
    const taker = workers.find((w) => first.workerId?.endsWith(`:${w.child.pid}`));
    assert.ok(taker, `a test worker took the job (${first.workerId})`);
    await stopTestWorker(taker);
    const second = await verify();
    assert.notEqual(second.workerId, first.workerId);
    for (const v of [first, second]) {
      assert.equal(v.verdict, 'INTACT', v.errorReason ?? '');
      // Signed with the issuer the API recorded, although neither worker has FRAGMARK_PUBLIC_URL.
      assert.equal(decodeJwt(v.attestation.token).iss, api.url);
    }
  });

  test('an API whose store holds none of the newest model versions\' files refuses to start', async () => {
    const folder = await dataDir();
    const config = loadConfig({ DATABASE_URL: api.database.url, FRAGMARK_MASTER_KEY: api.masterKey, FRAGMARK_ARTIFACT_STORE: `file:${folder}`, FRAGMARK_DATA_DIR: folder });
    const database = { db: api.database.db, url: api.database.url, embedded: false, close: async () => {} };
    const started = buildPlatform(config, createLogger('silent', {}, () => {}), { database }).then(async (built) => {
      await built.close();
      throw new Error('the API started with a store that holds none of its artifacts');
    });
    await assert.rejects(started, (e: unknown) => {
      assert.ok(e instanceof StartRefusal);
      assert.match(e.message, /artifact store file:\S+ holds none of the files of the 1 newest model versions[\s\S]*fragmark artifacts copy --from/);
      return true;
    });
  });

  test('a worker refuses to start while no public issuer URL is recorded; `fragmark admin set-issuer` records one', async () => {
    await api.database.db.platformSetting.delete({ where: { key: 'publicIssuer' } });
    const env = { DATABASE_URL: api.database.url, FRAGMARK_MASTER_KEY: api.masterKey, FRAGMARK_LOG_LEVEL: 'warn' };
    const [, refused] = await Promise.all([
      assert.rejects(refusedWorker({ FRAGMARK_DATA_DIR: await dataDir() }), /worker exited with 78[\s\S]*No public issuer URL is recorded/),
      runCli(['admin', 'set-issuer', 'https://user:pw@issuer.example/?x=1', '--json'], env),
    ]);
    assert.equal(refused.code, 1, refused.stderr);
    const set = await runCli(['admin', 'set-issuer', `${api.url}/`, '--json'], env);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(JSON.parse(set.stdout).issuer, api.url);
    assert.equal((await api.database.db.platformSetting.findUniqueOrThrow({ where: { key: 'publicIssuer' } })).value, api.url);
  });
});
