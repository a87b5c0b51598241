/** `fragmark models push`, `watermark --wait` and `jobs` against a real server and worker. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { runCli } from '../support/cli.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { computeWeightsDigest, initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';

let api: TestApi;
let worker: TestWorker;
let key: string;
let modelDir: string;
let digest: string;

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { FRAGMARK_URL: api.url, FRAGMARK_API_KEY: key, ...env });

before(async () => {
  api = await startTestApi({}, { superviseIntervalSeconds: 1 });
  const tenant = await createTenant(api, 'Cli');
  key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
  await initBackend({ log: () => {} });
  const model = buildTinyClassifier({ inputShape: [8, 8, 1] });
  digest = computeWeightsDigest(model);
  modelDir = await mkdtemp(path.join(tmpdir(), 'fragmark-model-'));
  for (const [name, bytes] of await saveModelToFiles(model)) await writeFile(path.join(modelDir, name), bytes);
  model.dispose();
  worker = await startTestWorker(api);
});
after(async () => {
  await stopTestWorker(worker);
  await api.close();
  await rm(modelDir, { recursive: true, force: true });
});

test('models push, then watermark --wait, then jobs, all with --json', async () => {
  const registered = await api.gql(`mutation { registerModel(input: { name: "cli-model" }) { model { id } } }`, {}, key);
  const modelId = registered.data.registerModel.model.id;

  const push = await cli(['models', 'push', modelId, modelDir, '--version', '2.0.0', '--json']);
  assert.equal(push.code, 0, push.stderr);
  const pushed = JSON.parse(push.stdout);
  assert.equal(pushed.modelVersion.weightsDigest, digest);

  const wm = await cli(['watermark', pushed.modelVersion.id, '--triggers', '10', '--method', 'CE_ONLY', '--wait', '--json']);
  assert.equal(wm.code, 0, wm.stderr + wm.stdout);
  const result = JSON.parse(wm.stdout);
  assert.equal(result.status, 'SUCCEEDED');
  assert.match(result.commitment, /^[0-9a-f]{64}$/);

  const list = await cli(['jobs', '--json']);
  assert.equal(JSON.parse(list.stdout).jobs[0].id, result.jobId);

  const plain = await cli(['watermark', pushed.modelVersion.id, '--triggers', '10', '--method', 'CE_ONLY', '--wait']);
  assert.equal(plain.code, 0);
  assert.match(plain.stderr, /SUCCEEDED\s+100%/, 'plain progress lines when not a terminal');
});

test('clear errors and exit codes', async () => {
  const missing = await cli(['models', 'push', 'x', '/nonexistent', '--version', '1', '--json']);
  assert.equal(missing.code, 2);
  assert.match(JSON.parse(missing.stdout).error, /no model.json/);
  const noKey = await cli(['jobs'], { FRAGMARK_API_KEY: '' });
  assert.equal(noKey.code, 2);
  const bad = await cli(['watermark', '00000000-0000-7000-8000-000000000000', '--json']);
  assert.equal(bad.code, 1);
  assert.match(JSON.parse(bad.stdout).error, /MODEL_VERSION_NOT_FOUND/);
  const down = await cli(['jobs'], { FRAGMARK_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot reach/);
});
