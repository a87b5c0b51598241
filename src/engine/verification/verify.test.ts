import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import type { TriggerSet } from '../triggers/format.ts';
import { verifyClassifier, verifyLabels } from './verify.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function setWithLabels(labels: number[], data: Float32Array = new Float32Array(labels.length * 64)): TriggerSet {
  return {
    shape: [8, 8, 1],
    numClasses: 3,
    labels: Int32Array.from(labels),
    data,
    metadata: { method: 'test', loss: { kind: 'CE_ONLY' }, parameters: {}, backend: 'wasm', modelDigest: '', createdAt: '' },
  };
}

test('verifyLabels: strict policy flags any mismatch', () => {
  const set = setWithLabels([0, 1, 2, 1]);
  const ok = verifyLabels(set, [0, 1, 2, 1]);
  assert.deepEqual([ok.queried, ok.matched, ok.accTri, ok.verdict], [4, 4, 1, 'intact']);
  const sut = verifyLabels(set, [0, 1, 0, 1]);
  assert.deepEqual([sut.matched, sut.accTri, sut.verdict], [3, 0.75, 'tampered']);
  assert.deepEqual(sut.mismatchedIndices, [2]);
  assert.deepEqual(sut.policy, { kind: 'strict' });
});

test('verifyLabels: tolerance policy accepts up to the fraction', () => {
  const set = setWithLabels([0, 1, 2, 1, 0, 2, 1, 0, 2, 1]);
  const policy = { kind: 'tolerance', maxMismatchFraction: 0.1 } as const;
  const one = verifyLabels(set, [1, 1, 2, 1, 0, 2, 1, 0, 2, 1], { policy });
  assert.equal(one.verdict, 'intact');
  const two = verifyLabels(set, [1, 0, 2, 1, 0, 2, 1, 0, 2, 1], { policy });
  assert.equal(two.verdict, 'tampered');
  assert.throws(() => verifyLabels(set, [], { policy: { kind: 'tolerance', maxMismatchFraction: 1.5 } }), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
});

test('verifyLabels: subsets of indices and argument checks', () => {
  const set = setWithLabels([0, 1, 2, 1]);
  const sut = verifyLabels(set, [2, 0], { indices: [2, 3] });
  assert.deepEqual([sut.queried, sut.matched, sut.verdict, sut.mismatchedIndices], [2, 1, 'tampered', [3]]);
  assert.throws(() => verifyLabels(set, [2], { indices: [4] }), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => verifyLabels(set, [2, 2], { indices: [2, 2] }), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => verifyLabels(set, [2, 2, 2]), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
});

test('verifyClassifier: labels from the model itself are intact; other labels tampered; no leaks', () => {
  const model = buildTinyClassifier({ seed: 'verify' });
  const c = classifierFromModel(model);
  const data = tf.tidy(() => tf.randomNormal([6, 8, 8, 1], 0, 1, 'float32', 5).dataSync() as Float32Array);
  const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(data, [6, 8, 8, 1])) as tf.Tensor, 1).dataSync());
  const before = tf.memory().numTensors;
  const sut = verifyClassifier(c, setWithLabels(Array.from(predicted), data), { batchSize: 4 });
  assert.equal(sut.verdict, 'intact');
  assert.equal(sut.accTri, 1);
  assert.equal(sut.backend, 'wasm');
  const wrong = Array.from(predicted, (l) => (l + 1) % 3);
  const bad = verifyClassifier(c, setWithLabels(wrong, data), { indices: [1, 4] });
  assert.deepEqual([bad.queried, bad.matched, bad.verdict], [2, 0, 'tampered']);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('a stored or submitted policy is parsed, not cast: the two kinds pass, anything else is refused', async () => {
  const { parseVerdictPolicy } = await import('./verify.ts');
  assert.deepEqual(parseVerdictPolicy({ kind: 'strict', extra: 1 }), { kind: 'strict' });
  assert.deepEqual(parseVerdictPolicy({ kind: 'tolerance', maxMismatchFraction: 0.1 }), { kind: 'tolerance', maxMismatchFraction: 0.1 });
  for (const bad of [null, 'strict', {}, { kind: 'lenient' }, { kind: 'tolerance' }, { kind: 'tolerance', maxMismatchFraction: 1 }, { kind: 'tolerance', maxMismatchFraction: '0.1' }]) {
    assert.throws(() => parseVerdictPolicy(bad), (error) => isEngineError(error, 'INVALID_ARGUMENT'), JSON.stringify(bad));
  }
});
