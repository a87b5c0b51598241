import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { isEngineError } from '../errors.ts';
import { initBackend } from '../backend/index.ts';
import { crossEntropy, labelMargins, softmaxVariance } from './loss.ts';
import { isConverged, normaliseLoss, triggerLoss } from './objectives/index.ts';

// The objectives pull in the engine's backends (wasm first): pick one, as every engine test does.
before(() => initBackend({ backend: 'wasm', log: () => {} }));

const logits = [
  [2.0, 1.0, -1.0],
  [0.5, 0.5001, 0.0],
];
const labels = [0, 2];

function logpAndOneHot() {
  const logp = tf.logSoftmax(tf.tensor2d(logits)) as tf.Tensor2D;
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat() as tf.Tensor2D;
  return { logp, oneHot };
}

function softmaxRow(r: number[]): number[] {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

test('crossEntropy and softmaxVariance match a hand computation (unbiased variance over all N x K)', () => {
  const { logp, oneHot } = logpAndOneHot();
  const p = logits.map(softmaxRow);
  const ce = -(Math.log(p[0]![0]!) + Math.log(p[1]![2]!)) / 2;
  const flat = p.flat();
  const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
  const variance = flat.reduce((a, b) => a + (b - mean) ** 2, 0) / (flat.length - 1);
  assert.ok(Math.abs(crossEntropy(logp, oneHot).dataSync()[0]! - ce) < 1e-5);
  assert.ok(Math.abs(softmaxVariance(logp).dataSync()[0]! - variance) < 1e-6);
  const sut = triggerLoss({ kind: 'CE_VARIANCE', lambda: 150 }, logp, oneHot).dataSync()[0]!;
  assert.ok(Math.abs(sut - (ce + 150 * variance)) < 1e-4);
  tf.dispose([logp, oneHot]);
});

test('labelMargins are logit margins of the label against the best other class (negative when wrong)', () => {
  const { logp, oneHot } = logpAndOneHot();
  const sut = labelMargins(logp, oneHot).dataSync();
  assert.ok(Math.abs(sut[0]! - 1.0) < 1e-5);
  assert.ok(Math.abs(sut[1]! - (0.0 - 0.5001)) < 1e-5);
  tf.dispose([logp, oneHot]);
});

test('MARGIN loss is zero exactly at the target margin and grows away from it', () => {
  const oneHot = tf.tensor2d([[1, 0]]);
  const at = (m: number) => tf.tidy(() => triggerLoss({ kind: 'MARGIN', marginTarget: 1e-3 }, tf.logSoftmax(tf.tensor2d([[m, 0]])) as tf.Tensor2D, oneHot as tf.Tensor2D).dataSync()[0]!);
  assert.ok(at(1e-3) < 1e-6);
  assert.ok(at(1e-2) > at(2e-3));
  assert.ok(at(-1e-3) > at(0));
  oneHot.dispose();
});

test('isConverged: all margins positive (CE losses); on target for MARGIN', () => {
  assert.equal(isConverged({ kind: 'CE_ONLY' }, Float32Array.from([0.1, 5])), true);
  assert.equal(isConverged({ kind: 'CE_ONLY' }, Float32Array.from([0.1, 0])), false);
  const margin = { kind: 'MARGIN', marginTarget: 1e-3 } as const;
  assert.equal(isConverged(margin, Float32Array.from([1e-3, 1.5e-3])), true);
  assert.equal(isConverged(margin, Float32Array.from([1e-3, 0.5])), false);
});

test('normaliseLoss fills paper defaults and rejects bad parameters', () => {
  assert.deepEqual(normaliseLoss({ kind: 'CE_VARIANCE' }, 10), { kind: 'CE_VARIANCE', lambda: 150 });
  assert.deepEqual(normaliseLoss({ kind: 'MARGIN' }, 10), { kind: 'MARGIN', marginTarget: 1e-3 });
  assert.throws(() => normaliseLoss({ kind: 'CE_VARIANCE', lambda: -1 }, 10), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => normaliseLoss({ kind: 'NOPE' as 'CE_ONLY' }, 10), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
});
