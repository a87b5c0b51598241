import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index.ts';
import { logProbabilities } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { inputVjps } from './input-vjps.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

test('every row equals tf.grad of the same cotangent, from one forward pass, without leaking tensors', () => {
  const model = buildTinyClassifier({ seed: 'vjps', numClasses: 5, softmax: false });
  const classifier = classifierFromModel(model);
  const f = (v: tf.Tensor) => logProbabilities(classifier, v);
  const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 3);
  const dys = [0, 1, 4].map((c) => tf.oneHot(tf.fill([4], c, 'int32') as tf.Tensor1D, 5).toFloat());
  dys.push(tf.randomNormal([4, 5], 0, 1, 'float32', 4));
  const tensorsBefore = tf.memory().numTensors;
  let calls = 0;
  const counted = (v: tf.Tensor) => (calls++, f(v));
  const sut = inputVjps(counted, x, dys);
  assert.equal(calls, 1, 'one forward pass for four rows');
  assert.equal(tf.memory().numTensors, tensorsBefore + dys.length, 'only the rows are left');
  dys.forEach((dy, r) => {
    const expected = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy)))(x);
    assert.deepEqual(sut[r]!.shape, x.shape);
    assert.ok(maxAbsDifference(sut[r]!, expected) <= 1e-6, `row ${r} equals tf.grad`);
    assert.ok(tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0]!) > 1e-3, 'a row that is not zero');
    expected.dispose();
  });
  // The tape is released: an ordinary gradient still works after it.
  const after = tf.grad((v: tf.Tensor) => tf.sum(f(v)))(x);
  assert.deepEqual(after.shape, x.shape);
  tf.dispose([...sut, after, x, ...dys]);
  model.dispose();
});

test('gradients of an input used twice (a residual connection) are summed', () => {
  const x = tf.tensor2d([[1, -2, 3]]);
  const f = (v: tf.Tensor) => tf.add(tf.relu(tf.mul(v, 2)), v);
  const dys = [tf.tensor2d([[1, 1, 1]]), tf.tensor2d([[0, 2, -1]])];
  const sut = inputVjps(f, x, dys);
  // d/dv (relu(2v) + v) = 2 * [v > 0] + 1.
  assert.deepEqual(Array.from(sut[0]!.dataSync()), [3, 1, 3]);
  assert.deepEqual(Array.from(sut[1]!.dataSync()), [0, 2, -3]);
  tf.dispose([x, ...dys, ...sut]);
});

test('a cotangent of the wrong shape is refused and nothing is left recording', () => {
  const x = tf.ones([2, 3]);
  const bad = tf.ones([2, 4]);
  assert.throws(() => inputVjps((v) => tf.mul(v, 2), x, [bad]), /cotangent must be float32 of shape \[2,3\]/);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
  assert.deepEqual(Array.from(g.dataSync()), [2, 2, 2, 2, 2, 2]);
  tf.dispose([x, bad, g]);
});

test('inside another gradient it falls back to one tf.grad per row (same values)', () => {
  const x = tf.tensor1d([1, 2, 3]);
  const outer = tf.grad((v: tf.Tensor) => {
    const [row] = inputVjps((u) => tf.square(u), v, [tf.onesLike(v)]);
    return tf.sum(row!);
  })(x);
  // d/dv sum(2v) = 2.
  assert.deepEqual(Array.from(outer.dataSync()), [2, 2, 2]);
  tf.dispose([x, outer]);
});
