/**
 * Model uploads under hostile input (issue 16 items 2, 6 and 8), against a real API server with
 * production defaults: a topology declaring far more than its manifest is refused before anything
 * is built and leaves the API's memory as it was; model.json has a size cap; each tenant has a
 * storage quota; an upload refused after validation leaves no blob and no row.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createKey, createTenant, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { listFiles } from '../support/files.ts';
import { initBackend, saveModelToFiles } from '../../src/engine/index.ts';
import { buildTinyClassifier } from '../../src/engine/model/tiny.ts';
import { denseOnOneWeight, layersModelJson } from '../support/hostile-models.ts';

const CANDIDATES = '/v1/verification-artifacts';
const MB = 1024 * 1024;


const rssMb = () => Math.round(process.memoryUsage().rss / MB);

describe('model uploads under hostile input', () => {
  let api: TestApi;
  let key: string;
  /** Production defaults but a 100-parameter cap. */
  let capped: TestApi;
  let cappedKey: string;
  let tenantId: string;
  /** Bytes of one tiny model upload (all tiny models have the same size). */
  let tinyBytes: number;

  const tiny = async (seed: string) => {
    const model = buildTinyClassifier({ seed });
    const files = await saveModelToFiles(model);
    model.dispose();
    return files;
  };
  const blobs = () => listFiles(path.join(api.artifactDir, 'sha256'));
  const staged = () => listFiles(path.join(api.artifactDir, 'staging'));
  const rows = async () => ({
    candidates: await api.database.db.candidateArtifact.count({ where: { tenantId } }),
    ready: await api.database.db.modelVersion.count({ where: { tenantId, status: 'READY' } }),
  });
  const createVersion = async (label: string) => {
    const modelId = (await api.gql(`mutation { registerModel(input: { name: "m-${label}" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = await api.gql(
      `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`,
      { input: { modelId, label } },
      key,
    );
    return created.data.createModelVersion.modelVersion as { id: string; uploadPath: string };
  };

  before(async () => {
    // For building the test's own models; the API validates uploads in worker threads.
    await initBackend({ log: () => {} });
    const sample = await tiny('size');
    tinyBytes = [...sample.values()].reduce((sum, b) => sum + b.byteLength, 0);
    // Room for two tiny models, not three: the production defaults otherwise.
    api = await startTestApi({ FRAGMARK_TENANT_STORAGE_QUOTA_BYTES: String(Math.floor(2.5 * tinyBytes)) });
    const tenant = await createTenant(api, 'uploader');
    tenantId = tenant.id;
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    capped = await startTestApi({ FRAGMARK_MAX_MODEL_PARAMETERS: '100' });
    cappedKey = (await createKey(capped, (await createTenant(capped, 'capped')).adminKey, 'OPERATOR')).secret;
  });

  after(async () => {
    await api?.close();
    await capped?.close();
  });

  test('Dense(16000) on a 16000-wide input with a one-weight manifest: 422 before building, the API keeps its tensors and memory', async () => {
    // Over the parameter cap, and (8000 wide, 64M parameters) under it but not what the manifest lists.
    const hostile = [
      { files: denseOnOneWeight(16000), message: /declares 256,016,000 parameters, the largest layer "big" kernel \[16000, 16000\] \(256,000,000\); at most 100,000,000 are accepted/ },
      { files: denseOnOneWeight(8000), message: /declares 64,008,000 parameters in 2 weights, the largest layer "big" kernel \[8000, 8000\].*but the weightsManifest lists 1 in 1/ },
    ];
    // One good upload first, so the baseline includes what a validation leaves behind at best.
    assert.equal((await uploadFiles(api, key, CANDIDATES, await tiny('baseline'))).status, 201);
    const tensors = tf.memory().numTensors;
    const baseline = rssMb();
    const before = await rows();
    for (let i = 0; i < 6; i++) {
      const { files, message } = hostile[i % 2]!;
      const reply = await uploadFiles(api, key, CANDIDATES, files);
      assert.equal(reply.status, 422, JSON.stringify(reply.body));
      assert.equal(reply.body.error.code, 'INVALID_MODEL');
      assert.match(reply.body.error.message, message);
      assert.equal(tf.memory().numTensors, tensors, `tensors after rejected upload ${i + 1}`);
      // Before the fix each of these uploads kept its kernel (1 GB, 256 MB) for good.
      assert.ok(rssMb() - baseline < 150, `RSS grew from ${baseline} MB to ${rssMb()} MB after rejected upload ${i + 1}`);
    }
    assert.deepEqual(await rows(), before);
    assert.deepEqual(await staged(), []);
  });

  test('a model over the parameter cap is refused from its manifest (422)', async () => {
    const reply = await uploadFiles(capped, cappedKey, CANDIDATES, await tiny('cap'));
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    assert.match(reply.body.error.message, /weightsManifest lists [\d,]+ parameters; at most 100 are accepted/);
  });

  test('a model.json over the cap is refused with 413 while streaming, before it is parsed', async () => {
    const blobsBefore = await listFiles(path.join(capped.artifactDir, 'sha256'));
    // Not even JSON: a parser would answer 422; the cap answers first.
    const padded = new Uint8Array(4 * MB + 1).fill(0x20);
    padded[0] = 0x7b;
    const reply = await uploadFiles(capped, cappedKey, CANDIDATES, new Map([['model.json', padded]]));
    assert.equal(reply.status, 413, JSON.stringify(reply.body));
    assert.equal(reply.body.error.code, 'UPLOAD_TOO_LARGE');
    assert.match(reply.body.error.message, /model\.json is larger than allowed \(at most 4194304 bytes\)/);
    assert.deepEqual(await listFiles(path.join(capped.artifactDir, 'sha256')), blobsBefore);
    assert.deepEqual(await listFiles(path.join(capped.artifactDir, 'staging')), []);
  });

  test('a model whose input shape cannot be recorded is refused with 422, not 500, leaving no blob and no row', async () => {
    const blobsBefore = await blobs();
    const before = await rows();
    const layers = [
      { class_name: 'GlobalAveragePooling1D', config: { name: 'pool', batch_input_shape: [null, 3_000_000_000, 2] } },
      { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } },
    ];
    const files = new Map([
      ['model.json', layersModelJson(layers, [{ name: 'out/kernel', shape: [2, 2] }, { name: 'out/bias', shape: [2] }])],
      ['weights.bin', new Uint8Array(24)],
    ]);
    const reply = await uploadFiles(api, key, CANDIDATES, files);
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    assert.match(reply.body.error.message, /input shape \[3000000000, 2\] has a dimension over 2147483647/);
    assert.deepEqual(await blobs(), blobsBefore);
    assert.deepEqual(await rows(), before);
  });

  test('the storage quota refuses an upload before it is stored (413 QUOTA_EXCEEDED), streaming or from Content-Length', async () => {
    // The first test stored one tiny model; the quota has room for one more.
    assert.equal((await uploadFiles(api, key, CANDIDATES, await tiny('second'))).status, 201);
    const blobsBefore = await blobs();
    const before = await rows();
    const reply = await uploadFiles(api, key, CANDIDATES, await tiny('third'));
    assert.equal(reply.status, 413, JSON.stringify(reply.body));
    assert.equal(reply.body.error.code, 'QUOTA_EXCEEDED');
    assert.match(reply.body.error.message, /storage quota \(\d+ bytes left\)/);
    assert.deepEqual(await blobs(), blobsBefore);
    assert.deepEqual(await rows(), before);
    assert.deepEqual(await staged(), []);
    // Model versions draw on the same quota.
    const version = await createVersion('over-quota');
    const refused = await uploadFiles(api, key, version.uploadPath, await tiny('fourth'));
    assert.equal(refused.status, 413);
    assert.equal(refused.body.error.code, 'QUOTA_EXCEEDED');
  });

  test('uploads that each fit but not together: the later one is refused inside the recording transaction, leaving no blob and no row', async () => {
    const api3 = await startTestApi({ FRAGMARK_TENANT_STORAGE_QUOTA_BYTES: String(Math.floor(1.5 * tinyBytes)) });
    try {
      const tenant = await createTenant(api3, 'racing');
      const key3 = (await createKey(api3, tenant.adminKey, 'OPERATOR')).secret;
      const [a, b] = [await tiny('race-a'), await tiny('race-b')];
      // Both pass the check before their bodies are read (nothing is stored yet); validation takes long enough for both to get there.
      const replies = await Promise.all([uploadFiles(api3, key3, CANDIDATES, a), uploadFiles(api3, key3, CANDIDATES, b)]);
      assert.deepEqual(replies.map((r) => r.status).sort(), [201, 413], JSON.stringify(replies.map((r) => r.body)));
      const winner = replies[0]!.status === 201 ? a : b;
      const loser = winner === a ? b : a;
      assert.match(replies.find((r) => r.status === 413)!.body.error.message, /would bring it to/);
      assert.equal(await api3.store.has(sha256(loser.get('weights.bin')!)), false, "the refused upload's weights are not stored");
      assert.equal((await listFiles(path.join(api3.artifactDir, 'sha256'))).length, 3, "the winner's model.json and weights.bin, and the store probe only");
      assert.equal(await api3.database.db.candidateArtifact.count({ where: { tenantId: tenant.id } }), 1);
      assert.deepEqual(await listFiles(path.join(api3.artifactDir, 'staging')), []);
    } finally {
      await api3.close();
    }
  });

  test('two different uploads to one version: the one that loses is answered 409 and leaves no blob', async () => {
    const api4 = await startTestApi();
    try {
      const tenant = await createTenant(api4, 'versions');
      const key4 = (await createKey(api4, tenant.adminKey, 'OPERATOR')).secret;
      const modelId = (await api4.gql(`mutation { registerModel(input: { name: "twice" }) { model { id } } }`, {}, key4)).data.registerModel.model.id;
      const version = (
        await api4.gql(`mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } } }`, { input: { modelId, label: 'v1' } }, key4)
      ).data.createModelVersion.modelVersion;
      const [a, b] = [await tiny('twice-a'), await tiny('twice-b')];
      const replies = await Promise.all([uploadFiles(api4, key4, version.uploadPath, a), uploadFiles(api4, key4, version.uploadPath, b)]);
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409], JSON.stringify(replies.map((r) => r.body)));
      const loser = replies[0]!.status === 200 ? b : a;
      assert.equal(await api4.store.has(sha256(loser.get('weights.bin')!)), false, "the losing upload's weights are not stored");
      assert.equal((await listFiles(path.join(api4.artifactDir, 'sha256'))).length, 3, 'the winner\'s two files and the store probe');
    } finally {
      await api4.close();
    }
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
