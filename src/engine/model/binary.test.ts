import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { binaryScores as sut, outputMeaning } from './binary.ts';
import { classifierFromModel, loadClassifierFromFiles, saveModelToFiles } from './formats/index.ts';
import { logProbabilities, predictLabels } from './classifier.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function binaryModel(activation: 'sigmoid' | 'linear'): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: 1, activation, kernelInitializer: 'ones', biasInitializer: 'zeros' }));
  return m;
}

test('a sigmoid probability p becomes [1 - p, p]; a logit z becomes [0, z]', () => {
  const out = tf.tensor2d([[0.25], [0.9]]);
  assert.deepEqual(Array.from(sut(out, true).dataSync()).map((v) => +v.toFixed(6)), [0.75, 0.25, 0.1, 0.9]);
  assert.deepEqual(Array.from(sut(tf.tensor2d([[-2], [3]]), false).dataSync()), [0, -2, 0, 3]);
});

test('a one-output sigmoid classifier has two classes whose labels are p > 0.5', async () => {
  const classifier = classifierFromModel(binaryModel('sigmoid'));
  assert.equal(classifier.numClasses, 2);
  assert.equal(classifier.outputKind, 'probabilities');
  const x = tf.tensor2d([[1, 1, 1], [-1, -1, 0.5], [0.1, 0, 0]]);
  assert.deepEqual(Array.from(predictLabels(classifier, x)), [1, 0, 1]);
  // log-probabilities give the logit as the margin between the two classes: z = sum(x).
  const logp = logProbabilities(classifier, x).arraySync();
  assert.ok(Math.abs(logp[2]![1]! - logp[2]![0]! - 0.1) < 1e-5);
  // It survives the Layers round trip (the platform's upload path) with its kind.
  const loaded = await loadClassifierFromFiles(await saveModelToFiles(classifier.model!));
  assert.equal(loaded.numClasses, 2);
  assert.deepEqual(Array.from(predictLabels(loaded, x)), [1, 0, 1]);
  loaded.dispose();
  classifier.dispose();
});

test('a one-output linear classifier is read as a logit', () => {
  const classifier = classifierFromModel(binaryModel('linear'));
  assert.equal(classifier.outputKind, 'logits');
  assert.deepEqual(Array.from(predictLabels(classifier, tf.tensor2d([[1, 0, 0], [-1, 0, 0]]))), [1, 0]);
  classifier.dispose();
});

test('multi-output models are refused', () => {
  const input = tf.input({ shape: [3] });
  const a = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [a, b] });
  assert.throws(() => classifierFromModel(model), /exactly one input and one output \(got 1 inputs and 2 outputs\)/);
});

test('outputMeaning: probabilities after a softmax over classes or a sigmoid over one column, logits otherwise', () => {
  assert.deepEqual(outputMeaning('softmax', 10), { outputKind: 'probabilities', binarySigmoid: false });
  assert.deepEqual(outputMeaning('sigmoid', 1), { outputKind: 'probabilities', binarySigmoid: true });
  assert.deepEqual(outputMeaning('other', 10), { outputKind: 'logits', binarySigmoid: false });
  assert.deepEqual(outputMeaning('other', 1), { outputKind: 'logits', binarySigmoid: false });
  // A softmax over one column is constant 1; sigmoids over several columns are independent scores.
  assert.deepEqual(outputMeaning('softmax', 1), { outputKind: 'logits', binarySigmoid: false });
  assert.deepEqual(outputMeaning('sigmoid', 10), { outputKind: 'logits', binarySigmoid: false });
});
