import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { predictLabels } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import type { TriggerSet } from '../triggers/format.ts';
import { calibrateTolerance, flipFraction } from './calibrate.ts';
import { verdictFor } from './verify.ts';

test('calibration: strict when no benign transform flips, tolerance just above the worst otherwise', () => {
  assert.deepEqual(calibrateTolerance([0, 0]).policy, { kind: 'strict' });
  const sut = calibrateTolerance([0, 0.03, 0.01]);
  assert.equal(sut.policy.kind, 'tolerance');
  assert.ok(sut.policy.kind === 'tolerance' && Math.abs(sut.policy.maxMismatchFraction - 0.04) < 1e-12);
  assert.equal(verdictFor(sut.policy, 100, 97), 'intact');
  assert.equal(verdictFor(sut.policy, 100, 95), 'tampered');
  assert.throws(() => calibrateTolerance([]), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => calibrateTolerance([1.5]), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
});

test('flipFraction takes a tf.Sequential (which has a `model` property of its own) as well as a Classifier', async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
  const model = buildTinyClassifier({ seed: 'calibrate-seq' });
  const classifier = classifierFromModel(model);
  const x = tf.randomNormal([20, 8, 8, 1], 0, 1, 'float32', 5);
  const labels = predictLabels(classifier, x);
  labels[0] = (labels[0]! + 1) % 3; // one deliberately wrong label
  const set = { shape: [8, 8, 1], numClasses: 3, labels, data: x.dataSync() as Float32Array, metadata: {} as TriggerSet['metadata'] };
  x.dispose();
  assert.ok(model instanceof tf.Sequential);
  assert.ok(Math.abs(flipFraction(model, set) - 0.05) < 1e-12);
  assert.ok(Math.abs(flipFraction(classifier, set) - 0.05) < 1e-12);
  model.dispose();
});
