import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { currentBackend, initBackend } from '../backend/index.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { checkServing, OTHER_BACKEND_MIN_TRIGGERS } from './serving-check.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/** A 4-class tiny model and n inputs with the labels it gives them (every trigger "correct"). */
function labelledInputs(seed: string, n: number) {
  const model = buildTinyClassifier({ seed, numClasses: 4, softmax: false });
  const classifier = classifierFromModel(model);
  const data = Float32Array.from({ length: n * 64 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.731));
  const labels = Int32Array.from(tf.tidy(() => tf.argMax(classifier.predict(tf.tensor(data, [n, 8, 8, 1])), 1).dataSync()));
  return { model, classifier, data, labels };
}

test('the other backend checks every trigger when it is quick, and says so', async () => {
  const n = 20;
  const { model, classifier, data, labels } = labelledInputs('check-all', n);
  const sut = await checkServing(classifier, data, labels, 'FP32_EXACT', { batchSizes: [] });
  assert.equal(currentBackend().choice, 'wasm', 'back on the worker backend');
  const other = sut.variants.find((v) => v.name.startsWith('backend cpu'));
  assert.equal(other?.name, 'backend cpu');
  assert.equal(other?.matched, n);
  model.dispose();
});

test('a slow other backend checks the first triggers only; the rest take the largest change the sample saw', async () => {
  const n = 20;
  const { model, classifier, data, labels } = labelledInputs('check-sample', n);
  // No time at all: the minimum sample.
  const sut = await checkServing(classifier, data, labels, 'FP32_EXACT', { batchSizes: [], otherBackendSeconds: 0 });
  assert.equal(currentBackend().choice, 'wasm');
  const other = sut.variants.find((v) => v.name.startsWith('backend cpu'))!;
  assert.equal(other.name, `backend cpu (first ${OTHER_BACKEND_MIN_TRIGGERS} of ${n} triggers)`);
  assert.equal(other.matched, OTHER_BACKEND_MIN_TRIGGERS, 'only the sample is counted');
  assert.ok(other.maxDeviation > 0, 'cpu and wasm round differently (the test needs a change to spread)');
  for (let i = OTHER_BACKEND_MIN_TRIGGERS; i < n; i++) {
    assert.ok(sut.deviations[i]! >= other.maxDeviation, `trigger ${i} outside the sample is assumed to move as much as the sample's worst`);
  }
  model.dispose();
});
