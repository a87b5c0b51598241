import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index.ts';
import { derivedFilterCount } from './filter-cache.ts';

const quiet = { log: () => {} };

/** Input gradient of sum(conv(x, w) * weighting), as a classifier's input gradient takes it. */
function inputGrad(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, depthwise: boolean): Float32Array {
  return tf.tidy(() => {
    const conv = (v: tf.Tensor4D) => (depthwise ? tf.depthwiseConv2d(v, w, stride, 'same') : tf.conv2d(v, w, stride, 'same'));
    const weighting = tf.randomNormal(conv(x).shape, 0, 1, 'float32', 5);
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(conv(v as tf.Tensor4D), weighting)))(x).dataSync() as Float32Array;
  });
}

const cases = [
  { name: 'stride 1', f: [3, 3, 4, 6], stride: 1, depthwise: false },
  { name: 'stride 2 (sub-pixel filter)', f: [3, 3, 4, 6], stride: 2, depthwise: false },
  { name: 'depthwise', f: [3, 3, 4, 1], stride: 1, depthwise: true },
] as const;

test('input-gradient filters are made once per weight, give the values of fresh ones, and are freed with the weight', async (t) => {
  await initBackend({ backend: 'cpu', ...quiet });
  const x = () => tf.randomNormal([2, 7, 8, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = (shape: readonly number[]) => tf.randomNormal(shape as [number, number, number, number], 0, 1, 'float32', 2) as tf.Tensor4D;
  const expected = cases.map((c) => tf.tidy(() => inputGrad(x(), w(c.f), c.stride, c.depthwise)));
  await initBackend({ backend: 'wasm', ...quiet });
  for (const [i, c] of cases.entries()) {
    await t.test(c.name, () => {
      const weight = w(c.f);
      const input = x();
      const tensors = tf.memory().numTensors;
      const first = inputGrad(input, weight, c.stride, c.depthwise);
      assert.equal(derivedFilterCount(weight), 1, 'one derived filter kept for the weight');
      const second = inputGrad(input, weight, c.stride, c.depthwise);
      assert.equal(derivedFilterCount(weight), 1, 'made once');
      assert.equal(tf.memory().numTensors, tensors, 'kept filters are not engine tensors');
      assert.deepEqual(second, first);
      first.forEach((v, k) => assert.ok(Math.abs(v - expected[i]![k]!) <= 1e-4 * (1 + Math.abs(expected[i]![k]!)), `entry ${k}: ${v} vs ${expected[i]![k]}`));
      weight.dispose();
      assert.equal(derivedFilterCount(weight), 0, 'freed with the weight');
      input.dispose();
    });
  }
});
