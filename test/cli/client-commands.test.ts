/** `fragmark models push`, `watermark --wait`, `jobs` and `jobs cancel` against a real server and worker. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKey, createTenant, startTestApi, type TestApi } from '../support/api.ts';
import { findFreePort } from '../support/ports.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { computeWeightsDigest, initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';

const BIN = fileURLToPath(new URL('../../bin/fragmark.js', import.meta.url));
let api: TestApi;
let worker: TestWorker;
let key: string;
let adminKey: string;
let modelDir: string;
let digest: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FRAGMARK_URL: api.url, FRAGMARK_API_KEY: key, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  api = await startTestApi({}, { superviseIntervalSeconds: 1 });
  const tenant = await createTenant(api, 'Cli');
  key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
  adminKey = tenant.adminKey;
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

  const wm = await cli(['watermark', pushed.modelVersion.id, '--triggers', '10', '--method', 'CE_ONLY', '--allow-weak', '--wait', '--json']);
  assert.equal(wm.code, 0, wm.stderr + wm.stdout);
  const result = JSON.parse(wm.stdout);
  assert.equal(result.status, 'SUCCEEDED');
  assert.match(result.commitment, /^[0-9a-f]{64}$/);
  assert.equal(result.strength.level, 'WEAK', '10 triggers, accepted with --allow-weak');
  assert.ok(result.strength.reasons.includes('FEW_TRIGGERS'));

  const list = await cli(['jobs', '--json']);
  assert.equal(JSON.parse(list.stdout).jobs[0].id, result.jobId);

  const plain = await cli(['watermark', pushed.modelVersion.id, '--triggers', '10', '--method', 'CE_ONLY', '--allow-weak', '--wait']);
  assert.equal(plain.code, 0);
  assert.match(plain.stderr, /SUCCEEDED\s+100%/, 'plain progress lines when not a terminal');
  assert.match(plain.stderr, /Strength: WEAK \(fewer than 32 triggers[^)]*10 triggers[^)]*\): an INTACT verdict from it is weak evidence/);

  const refused = await cli(['watermark', pushed.modelVersion.id, '--triggers', '10', '--method', 'CE_ONLY', '--json']);
  assert.equal(refused.code, 1, 'without --allow-weak');
  assert.match(JSON.parse(refused.stdout).error, /WATERMARK_TOO_WEAK: 10 triggers make a weak watermark.*--allow-weak/);

  // jobs cancel: a long job ends CANCELLED; a finished one cannot be cancelled.
  const long = await api.gql(
    `mutation($input: StartWatermarkInput!) { startWatermark(input: $input) { job { id } userErrors { message } } }`,
    { input: { modelVersionId: pushed.modelVersion.id, triggerCount: 1000, method: 'SENSITIVE', profile: 'FP32_EXACT' } },
    key,
  );
  assert.deepEqual(long.data.startWatermark.userErrors, [], JSON.stringify(long));
  const jobId = long.data.startWatermark.job.id as string;
  const cancel = await cli(['jobs', 'cancel', jobId]);
  assert.equal(cancel.code, 0, cancel.stderr);
  assert.match(cancel.stderr, new RegExp(`(Cancelled job ${jobId} \\(WATERMARK\\)|Asked job ${jobId} \\(WATERMARK, (QUEUED|RUNNING)\\) to stop)`));
  let status = '';
  for (let i = 0; i < 600 && status !== 'CANCELLED'; i++) {
    status = (await api.gql(`query($id: ID!) { job(id: $id) { status } }`, { id: jobId }, key)).data.job.status;
    if (status !== 'CANCELLED') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 'CANCELLED');
  const again = await cli(['jobs', 'cancel', result.jobId, '--json']);
  assert.equal(again.code, 1);
  assert.match(JSON.parse(again.stdout).error, /JOB_FINISHED: The job already ended \(SUCCEEDED\)/);
});

test('models push takes one model file: an ONNX export from PyTorch, recorded as ONNX with its NCHW layout', async () => {
  const modelId = (await api.gql(`mutation { registerModel(input: { name: "cli-onnx" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
  const onnx = fileURLToPath(new URL('../fixtures/onnx/mnist/cnn.onnx', import.meta.url));
  const pushed = await cli(['models', 'push', modelId, onnx, '--version', '1']);
  assert.equal(pushed.code, 0, pushed.stderr);
  assert.match(pushed.stderr, /Pushed version 1 \([0-9a-f-]+\): ONNX, 7945 bytes, input \[1,28,28\] NCHW in \[0, 1\] FLOAT32, 10 classes/);
});

test('clear errors and exit codes', async () => {
  const missing = await cli(['models', 'push', 'x', '/nonexistent', '--version', '1', '--json']);
  assert.equal(missing.code, 2);
  assert.match(JSON.parse(missing.stdout).error, /\/nonexistent does not exist: pass a model file \(\.onnx, \.keras, \.h5\) or the folder of a TF\.js model/);
  const noKey = await cli(['jobs'], { FRAGMARK_API_KEY: '' });
  assert.equal(noKey.code, 2);
  const bad = await cli(['watermark', '00000000-0000-7000-8000-000000000000', '--json']);
  assert.equal(bad.code, 1);
  assert.match(JSON.parse(bad.stdout).error, /MODEL_VERSION_NOT_FOUND/);
  const typo = await cli(['jobs', '--stauts', 'FAILED', '--json']);
  assert.equal(typo.code, 2, 'an unknown flag is refused, not ignored');
  assert.match(JSON.parse(typo.stdout).error, /does not take --stauts; it takes .*--status/);
  const help = await cli(['endpoints', 'register', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: fragmark endpoints register[\s\S]*--credential-env/);
  const down = await cli(['jobs'], { FRAGMARK_URL: `http://127.0.0.1:${await findFreePort()}` });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Cannot reach .*ECONNREFUSED/, 'the cause of the network error is printed');
});

test('endpoints register (tenant admins; credential from the environment) and list', async () => {
  const modelId = (await api.gql(`mutation { registerModel(input: { name: "cli-endpoints" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
  const versionId = (await api.gql(`mutation($m: ID!) { createModelVersion(input: { modelId: $m, label: "1" }) { modelVersion { id } } }`, { m: modelId }, key)).data.createModelVersion.modelVersion.id;
  const args = ['endpoints', 'register', versionId, '--name', 'eu-prod', '--endpoint', 'https://serving.example/', '--protocol', 'kserve-v2', '--credential-env', 'EP_SECRET', '--json'];
  const byOperator = await cli(args, { EP_SECRET: 's3cret' });
  assert.equal(byOperator.code, 1);
  assert.match(JSON.parse(byOperator.stdout).error, /TENANT_ADMIN/);
  const unset = await cli(args, { FRAGMARK_API_KEY: adminKey, EP_SECRET: '' });
  assert.equal(unset.code, 2);
  assert.match(JSON.parse(unset.stdout).error, /EP_SECRET/);
  const ok = await cli(args, { FRAGMARK_API_KEY: adminKey, EP_SECRET: 's3cret' });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const registered = JSON.parse(ok.stdout).endpoint;
  assert.deepEqual([registered.name, registered.registered, registered.hasCredential, registered.protocol], ['eu-prod', true, true, 'KSERVE_V2']);
  assert.ok(!ok.stdout.includes('s3cret'), 'the credential is never printed');
  const list = await cli(['endpoints', 'list', versionId]);
  assert.equal(list.code, 0);
  assert.match(list.stderr, new RegExp(`${registered.id}\\s+eu-prod\\s+KSERVE_V2\\s+https://serving.example/\\s+\\(credential\\)`));
});

test('models push resumes a version whose upload the server refused, instead of VERSION_LABEL_TAKEN', async () => {
  const modelId = (await api.gql(`mutation { registerModel(input: { name: "cli-retry" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
  const broken = await mkdtemp(path.join(tmpdir(), 'fragmark-broken-'));
  try {
    // Shards complete but too short for the weights model.json declares: refused after createModelVersion.
    const manifest = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8'));
    await writeFile(path.join(broken, 'model.json'), JSON.stringify(manifest));
    for (const group of manifest.weightsManifest) for (const shard of group.paths) await writeFile(path.join(broken, shard), new Uint8Array(8));
    const failed = await cli(['models', 'push', modelId, broken, '--version', '1.0.0', '--json']);
    assert.equal(failed.code, 1, failed.stdout);
    const retried = await cli(['models', 'push', modelId, modelDir, '--version', '1.0.0', '--json']);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    assert.equal(JSON.parse(retried.stdout).modelVersion.weightsDigest, digest);
    const again = await cli(['models', 'push', modelId, modelDir, '--version', '1.0.0', '--json']);
    assert.equal(again.code, 1);
    assert.match(JSON.parse(again.stdout).error, /immutable/);
    const otherDomain = await cli(['models', 'push', modelId, broken, '--version', '1.0.1', '--json']);
    assert.equal(otherDomain.code, 1);
    const mismatch = await cli(['models', 'push', modelId, modelDir, '--version', '1.0.1', '--input-range', '0,255', '--json']);
    assert.equal(mismatch.code, 1);
    assert.match(JSON.parse(mismatch.stdout).error, /input domain/);
  } finally {
    await rm(broken, { recursive: true, force: true });
  }
});
