import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, classifierFromModel, type Classifier } from '../engine/index.ts';
import { buildTinyClassifier } from '../engine/model/tiny.ts';
import { startInferenceServer as sut, type RunningInferenceServer } from './test-inference-server.ts';
import { queryEndpointLabels } from './inference-client.ts';
import { egressPolicyFrom } from './egress-policy.ts';
import { loadConfig } from '../config/config.ts';
import { layersModelOf } from '../engine/index.ts';

// The server listens on 127.0.0.1: allowed as a deployment would allow it, through its configuration.
const egress = egressPolicyFrom(loadConfig({ FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32' }));

let classifier: Classifier;
let tfServer: RunningInferenceServer;
let kserve: RunningInferenceServer;

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
  classifier = classifierFromModel(buildTinyClassifier({ seed: 'endpoint-server', softmax: false }));
  tfServer = await sut({ protocol: 'TF_SERVING_REST', modelName: 'tiny', classifier, credential: 'tok', maxBodyBytes: 64 * 1024 });
  kserve = await sut({ protocol: 'KSERVE_V2', modelName: 'tiny', classifier });
});

after(async () => {
  await tfServer.close();
  await kserve.close();
  classifier.dispose();
});

const auth = { authorization: 'Bearer tok', 'content-type': 'application/json' };
const zeros = (n: number) => Array.from({ length: n }, () => 0);
const instance = (v = 0.5) => Array.from({ length: 8 }, () => Array.from({ length: 8 }, () => [v]));

async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

test('TF Serving: answers raw float32 scores of the model (logits here)', async () => {
  const r = await post(`${tfServer.url}/v1/models/tiny:predict`, { instances: [instance(), instance()] }, auth);
  assert.equal(r.status, 200, r.text);
  const { predictions } = JSON.parse(r.text) as { predictions: number[][] };
  assert.equal(predictions.length, 2);
  const expected = tf.tidy(() => (layersModelOf(classifier).predict(tf.fill([1, 8, 8, 1], 0.5)) as tf.Tensor).dataSync());
  assert.deepEqual(predictions[0], Array.from(expected));
});

test('KServe: answers outputs with shape, FP32 datatype, model name and echoed id; nested input data accepted', async () => {
  const flat = { inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: zeros(64) }], id: 'req-1' };
  const r = await post(`${kserve.url}/v2/models/tiny/infer`, flat);
  assert.equal(r.status, 200, r.text);
  const body = JSON.parse(r.text) as { id: string; model_name: string; outputs: Array<{ shape: number[]; datatype: string; data: number[] }> };
  assert.equal(body.id, 'req-1');
  assert.equal(body.model_name, 'tiny');
  assert.deepEqual(body.outputs[0]!.shape, [1, 3]);
  assert.equal(body.outputs[0]!.datatype, 'FP32');
  assert.equal(body.outputs[0]!.data.length, 3);
  const nested = await post(`${kserve.url}/v2/models/tiny/infer`, { inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: [instance(0)] }] });
  assert.equal(nested.status, 200, nested.text);
  assert.deepEqual((JSON.parse(nested.text) as typeof body).outputs[0]!.data, body.outputs[0]!.data);
});

test('refuses wrong credential (401), route or model name (404), method (405)', async () => {
  const good = { instances: [instance()] };
  const none = await post(`${tfServer.url}/v1/models/tiny:predict`, good);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
  assert.equal((await post(`${tfServer.url}/v1/models/tiny:predict`, good, { authorization: 'Bearer nope' })).status, 401);
  assert.equal((await post(`${tfServer.url}/v1/models/other:predict`, good, auth)).status, 404);
  assert.equal((await post(`${tfServer.url}/v2/models/tiny/infer`, good, auth)).status, 404, 'TF server does not speak KServe');
  assert.equal((await post(`${kserve.url}/v2/models/tinyx/infer`, {})).status, 404);
  const get = await fetch(`${kserve.url}/v2/models/tiny/infer`);
  await get.text();
  assert.equal(get.status, 405);
});

test('refuses malformed bodies with 400', async () => {
  const tfUrl = `${tfServer.url}/v1/models/tiny:predict`;
  const kUrl = `${kserve.url}/v2/models/tiny/infer`;
  const tfBad: unknown[] = ['{not json', { instances: [] }, { inputs: [instance()] }, { instances: [[[0]]] }, { instances: [instance().map((r) => r.map(() => ['1']))] }];
  for (const body of tfBad) assert.equal((await post(tfUrl, body, auth)).status, 400, JSON.stringify(body).slice(0, 60));
  const k = (over: Record<string, unknown>) => ({ inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: zeros(64), ...over }] });
  const kBad: unknown[] = [
    [],
    { inputs: [] },
    k({ datatype: 'FP16' }),
    k({ shape: [1, 8, 8] }),
    k({ shape: [1, 4, 16, 1] }),
    k({ data: zeros(63) }),
    k({ data: [...zeros(63), null] }),
    k({ shape: [0, 8, 8, 1], data: [] }),
    k({ name: '' }),
  ];
  for (const body of kBad) assert.equal((await post(kUrl, body)).status, 400, JSON.stringify(body).slice(0, 80));
});

test('refuses bodies over the size limit with 413', async () => {
  const big = { instances: Array.from({ length: 200 }, () => instance()) };
  const r = await post(`${tfServer.url}/v1/models/tiny:predict`, big, auth);
  assert.equal(r.status, 413);
});

test('no tensor leaks across requests', async () => {
  const x = Float32Array.from({ length: 20 * 64 }, (_, i) => Math.sin(i));
  const t = { url: kserve.url, protocol: 'KSERVE_V2' as const, modelName: 'tiny' };
  await queryEndpointLabels(t, x, [8, 8, 1], 3, { batchSize: 6, egress }); // warm-up
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await queryEndpointLabels(t, x, [8, 8, 1], 3, { batchSize: 6, egress });
  await post(`${kserve.url}/v2/models/tiny/infer`, { inputs: [] });
  assert.equal(tf.memory().numTensors, tensorsBefore);
});

test('close() ends pending slow requests and is idempotent', async () => {
  const slow = await sut({ protocol: 'KSERVE_V2', modelName: 'tiny', classifier, behaviour: 'slow', slowMs: 60_000 });
  const pending = fetch(`${slow.url}/v2/models/tiny/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: zeros(64) }] }),
  }).then(
    (r) => r.text(),
    (e: unknown) => e,
  );
  while (slow.requests === 0) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await slow.close();
  await slow.close();
  await pending;
  assert.ok(Date.now() - t0 < 2000);
});

test('serving stacks: clipping to the input range, 8-bit inputs scaled by 1/255, and emulated reduced precision', async () => {
  const clipped = await sut({ protocol: 'TF_SERVING_REST', modelName: 'tiny', classifier, inputRange: { min: 0, max: 1 } });
  const pixels = await sut({ protocol: 'KSERVE_V2', modelName: 'tiny', classifier, inputEncoding: 'UINT8' });
  const bf16 = await sut({ protocol: 'TF_SERVING_REST', modelName: 'tiny', classifier, numerics: 'BF16' });
  try {
    const scores = async (url: string, body: unknown) => {
      const r = await post(url, body);
      assert.equal(r.status, 200, r.text);
      return JSON.parse(r.text) as { predictions?: number[][]; outputs?: Array<{ data: number[] }> };
    };
    const at = (v: number) => tf.tidy(() => Array.from((layersModelOf(classifier).predict(tf.fill([1, 8, 8, 1], v)) as tf.Tensor).dataSync()));
    // 5 is clipped to 1 before inference.
    assert.deepEqual((await scores(`${clipped.url}/v1/models/tiny:predict`, { instances: [instance(5)] })).predictions![0], at(1));
    // Level 51 is 51 / 255 = 0.2 in float32; floats and FP32 tensors are refused by an 8-bit endpoint.
    const levels = { inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'UINT8', data: Array.from({ length: 64 }, () => 51) }] };
    assert.deepEqual((await scores(`${pixels.url}/v2/models/tiny/infer`, levels)).outputs![0]!.data, at(Math.fround(51 / 255)));
    const floats = { inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: zeros(64) }] };
    assert.equal((await post(`${pixels.url}/v2/models/tiny/infer`, floats)).status, 400);
    const outOfRange = { inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'UINT8', data: Array.from({ length: 64 }, () => 256) }] };
    assert.equal((await post(`${pixels.url}/v2/models/tiny/infer`, outOfRange)).status, 400);
    // BF16 keeps 8 significant bits: its scores differ from float32 and are themselves bfloat16 values.
    const reduced = (await scores(`${bf16.url}/v1/models/tiny:predict`, { instances: [instance(0.3)] })).predictions![0]!;
    assert.notDeepEqual(reduced, at(0.3));
    const bits = new Uint32Array(Float32Array.from(reduced).buffer);
    for (const b of bits) assert.equal(b & 0xffff, 0, 'a bfloat16 value');
  } finally {
    await clipped.close();
    await pixels.close();
    await bf16.close();
  }
});
