import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadClassifierFromDir, predictLabels, type Classifier } from '../engine/index.ts';
import { queryEndpointLabels as sut, type EndpointProtocol } from './inference-client.ts';
import { startInferenceServer } from './test-inference-server.ts';
import { egressPolicyFrom } from './egress-policy.ts';
import { loadConfig } from '../config/config.ts';

// The server listens on 127.0.0.1: allowed as a deployment would allow it, through its configuration.
const egress = egressPolicyFrom(loadConfig({ FRAGMARK_EGRESS_ALLOW: '127.0.0.1/32' }));

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'mnist-cnn');
let classifier: Classifier;

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
  classifier = await loadClassifierFromDir(fixtureDir);
});

after(() => classifier.dispose());

for (const protocol of ['TF_SERVING_REST', 'KSERVE_V2'] as EndpointProtocol[]) {
  test(`MNIST CNN over ${protocol}: 50 N(0,2) inputs give exactly the in-process labels (batch 16 and 13)`, async () => {
    const shape = [...classifier.inputShape];
    const n = 50;
    const x = tf.randomNormal([n, ...shape], 0, 2, 'float32', 2022);
    const inputs = (x.dataSync() as Float32Array).slice();
    const expected = predictLabels(classifier, x);
    x.dispose();
    assert.ok(new Set(expected).size >= 3);
    const server = await startInferenceServer({ protocol, modelName: 'mnist-cnn', classifier, credential: 'mnist-token' });
    try {
      const tensors = tf.memory().numTensors;
      for (const batchSize of [16, 13]) {
        const r = await sut({ url: `${server.url}/`, protocol, modelName: 'mnist-cnn', credential: 'mnist-token' }, inputs, shape, 10, { batchSize, egress });
        assert.deepEqual(Array.from(r.labels), Array.from(expected), `batch size ${batchSize}`);
        assert.equal(r.requests, Math.ceil(n / batchSize));
      }
      assert.equal(tf.memory().numTensors, tensors, 'server leaks no tensors');
    } finally {
      await server.close();
    }
  });
}
