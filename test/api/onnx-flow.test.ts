/**
 * An ONNX model exported from PyTorch, end to end (issue 18): pushed as one file, watermarked
 * (every trigger's label checked against onnxruntime), and verified as an artifact (on
 * onnxruntime) and behind a KServe v2 endpoint that serves it with onnxruntime, another runtime
 * than the one the triggers were made on. A copy fine-tuned for one SGD step in PyTorch
 * (scripts/fixtures/make-onnx-mnist.py; the model is the PyTorch CNN trained on MNIST, 94% test accuracy) is TAMPERED both ways.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { fileURLToPath } from 'node:url';
import { createKey, createTenant, LOCAL_ENDPOINTS, startTestApi, uploadFiles, type TestApi } from '../support/api.ts';
import { startTestWorker, stopTestWorker, type TestWorker } from '../support/worker.ts';
import { initBackend, loadClassifierFromFiles, type Classifier } from '../../src/engine/index.ts';
import { startInferenceServer, type RunningInferenceServer } from '../../src/endpoints/test-inference-server.ts';
import { verifyAttestation } from '../../src/attestations/crypto/attestation-token.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/onnx/mnist/cnn.onnx', import.meta.url));
const FINETUNED = fileURLToPath(new URL('../fixtures/onnx/mnist/cnn-finetuned.onnx', import.meta.url));
const VERIFY = `mutation($input: VerifyModelInput!) { verifyModel(input: $input) { verification { id } userErrors { code message } } }`;
const RESULT = `query($id: ID!) { verification(id: $id) { verdict triggersQueried triggersMatched errorReason attestation { token } } }`;

describe('an ONNX model from PyTorch, end to end', () => {
  let api: TestApi;
  let worker: TestWorker;
  let key: string;
  let versionId: string;
  let shapes: Classifier;
  const servers: RunningInferenceServer[] = [];
  let original: Uint8Array;
  let finetuned: Uint8Array;

  async function verify(input: Record<string, unknown>): Promise<any> {
    const started = await api.gql(VERIFY, { input: { modelVersionId: versionId, ...input } }, key);
    assert.deepEqual(started.data.verifyModel.userErrors, [], JSON.stringify(started));
    for (let i = 0; i < 900; i++) {
      const v = (await api.gql(RESULT, { id: started.data.verifyModel.verification.id }, key)).data.verification;
      if (v.verdict !== 'PENDING') return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('verification did not finish');
  }

  before(async () => {
    api = await startTestApi({ ...LOCAL_ENDPOINTS });
    const tenant = await createTenant(api, 'PyTorch shop');
    key = (await createKey(api, tenant.adminKey, 'OPERATOR')).secret;
    await initBackend({ log: () => {} });
    original = new Uint8Array(await readFile(FIXTURE));
    finetuned = new Uint8Array(await readFile(FINETUNED));
    shapes = await loadClassifierFromFiles(new Map([['model.onnx', original]]));
    const serving = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'cnn', classifier: shapes, onnxRuntime: original });
    servers.push(serving);

    const modelId = (await api.gql(`mutation { registerModel(input: { name: "cnn" }) { model { id } } }`, {}, key)).data.registerModel.model.id;
    const created = await api.gql(
      `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { modelVersion { id uploadPath } userErrors { code message } } }`,
      { input: { modelId, label: '1', endpoint: { url: serving.url, protocol: 'KSERVE_V2', modelName: 'cnn' } } },
      tenant.adminKey,
    );
    versionId = created.data.createModelVersion.modelVersion.id;
    const uploaded = await uploadFiles(api, key, created.data.createModelVersion.modelVersion.uploadPath, new Map([['cnn.onnx', original]]));
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    const version = uploaded.body.modelVersion;
    assert.deepEqual([version.format, version.inputLayout, version.inputShape, version.numClasses], ['ONNX', 'NCHW', [1, 28, 28], 10]);

    worker = await startTestWorker(api, { ...LOCAL_ENDPOINTS });
    const started = await api.gql(
      `mutation($v: ID!) { startWatermark(input: { modelVersionId: $v, triggerCount: 40, allowWeak: true }) { watermark { id } job { id } userErrors { code message } } }`,
      { v: versionId },
      key,
    );
    assert.deepEqual(started.data.startWatermark.userErrors, []);
    for (;;) {
      const job = (await api.gql(`query($id: ID!) { job(id: $id) { status error message } }`, { id: started.data.startWatermark.job.id }, key)).data.job;
      if (job.status === 'SUCCEEDED') {
        // Every trigger was labelled the same by onnxruntime as by the interpreter it was made on.
        assert.match(job.message, /40 triggers, AccTri 100%, every one labelled the same by onnxruntime-node/);
        break;
      }
      if (job.status === 'FAILED') throw new Error(job.error);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    for (const s of servers) await s.close();
    shapes?.dispose();
    if (worker) await stopTestWorker(worker);
    await api?.close();
  });

  test('ARTIFACT: the registered ONNX file is INTACT on onnxruntime; the fine-tuned copy is TAMPERED', async () => {
    const intact = await verify({ mode: 'ARTIFACT' });
    assert.equal(intact.verdict, 'INTACT', intact.errorReason);
    assert.deepEqual([intact.triggersQueried, intact.triggersMatched], [40, 40]);
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    assert.equal((await verifyAttestation(intact.attestation.token, jwks, { issuer: api.url })).payload.fragmark.verification.verdict, 'intact');

    const candidate = await uploadFiles(api, key, '/v1/verification-artifacts', new Map([['cnn-finetuned.onnx', finetuned]]));
    assert.equal(candidate.status, 201, JSON.stringify(candidate.body));
    assert.equal(candidate.body.candidateArtifact.format, 'ONNX');
    const tampered = await verify({ mode: 'ARTIFACT', candidateArtifactId: candidate.body.candidateArtifact.id });
    assert.equal(tampered.verdict, 'TAMPERED', tampered.errorReason);
    assert.ok(tampered.triggersMatched < tampered.triggersQueried);
  });

  test('ENDPOINT: the deployment served by onnxruntime is INTACT; one serving the fine-tuned copy is TAMPERED', async () => {
    const intact = await verify({ mode: 'ENDPOINT' });
    assert.equal(intact.verdict, 'INTACT', intact.errorReason);
    assert.equal(intact.triggersMatched, intact.triggersQueried);

    const serving = await startInferenceServer({ protocol: 'KSERVE_V2', modelName: 'cnn', classifier: shapes, onnxRuntime: finetuned });
    servers.push(serving);
    const tampered = await verify({ mode: 'ENDPOINT', endpoint: { url: serving.url, protocol: 'KSERVE_V2', modelName: 'cnn' } });
    assert.equal(tampered.verdict, 'TAMPERED', tampered.errorReason);
    assert.ok(tampered.triggersMatched < tampered.triggersQueried);
  });
});
