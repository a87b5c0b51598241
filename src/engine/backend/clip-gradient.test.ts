import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index.ts';

const quiet = { log: () => {} };

/**
 * Inputs on both bounds, inside, outside and NaN; dy a distinct value per entry. The kernel takes
 * 4 values per SIMD step and the rest one by one: the second input puts bounds and NaN in that rest.
 */
const x = [-1, 0, 0.5, 6, 6.5, NaN, 3, -0, 5.999, 7];
const xWithBoundsInTheTail = [7, 3, -1, 5.999, 0.5, -0, 6.5, 2, 0, 6, NaN];

function clipGrads(): number[][] {
  return tf.tidy(() =>
    [x, xWithBoundsInTheTail].flatMap((input) =>
      [[0, 6], [-0.5, 0.5], [-Infinity, 3]].map(([lo, hi]) => {
        const dy = tf.tensor1d(input.map((_, i) => i + 1));
        return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(v, lo!, hi!), dy)))(tf.tensor1d(input)).dataSync());
      }),
    ),
  );
}

test('the one-pass ClipByValue (ReLU6) gradient on wasm equals tfjs-core gradient on cpu, bounds and NaN included', async () => {
  await initBackend({ backend: 'cpu', ...quiet });
  const expected = clipGrads();
  assert.deepEqual(expected[0], [0, 2, 3, 4, 0, 0, 7, 8, 9, 0]);
  assert.deepEqual(expected[3], [0, 2, 0, 4, 5, 6, 0, 8, 9, 10, 0]);
  await initBackend({ backend: 'wasm', ...quiet });
  const tensorsBefore = tf.engine().state.numTensors;
  let sut: number[][] = [];
  const profile = await tf.profile(() => void (sut = clipGrads()));
  assert.deepEqual(sut, expected);
  assert.ok(profile.kernels.some((k) => k.name === 'FragmarkClipByValueGrad'), 'the heap kernel ran');
  assert.ok(!profile.kernels.some((k) => k.name === 'LogicalAnd'), "tfjs-core's composition did not");
  assert.equal(tf.engine().state.numTensors, tensorsBefore);
});
