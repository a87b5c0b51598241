import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { createAdam } from './adam.ts';

/** Five Adam steps on two variables with fixed gradients; returns the final values. */
function run(make: () => { applyGradients(g: tf.NamedTensorMap): void; dispose(): void }): Float32Array[] {
  const inits = [tf.tensor2d([[0.5, -1], [2, 0]]), tf.tensor1d([1, 2, 3])];
  const a = tf.variable(inits[0]!, true, `adam_a_${Math.random()}`);
  const b = tf.variable(inits[1]!, true, `adam_b_${Math.random()}`);
  tf.dispose(inits);
  const sut = make();
  for (let step = 0; step < 5; step++) {
    const grads = { [a.name]: tf.tensor2d([[0.1 * step, -0.3], [1, 1e-4]]), [b.name]: tf.tensor1d([-2, 0, 0.5 + step]) };
    sut.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  sut.dispose();
  const out = [a.dataSync() as Float32Array, b.dataSync() as Float32Array];
  tf.dispose([a, b]);
  return out;
}

test('the fused wasm Adam gives tf.train.adam\'s float32 results exactly (same formula, order, bias corrections and epsilon) and leaks nothing', async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
  assert.ok(tf.getKernel('FragmarkAdamUpdate', 'wasm'), 'the fused kernel is registered, so createAdam uses it');
  const before = tf.memory().numTensors;
  const sut = run(() => createAdam(1e-2, 0.5, 0.999));
  assert.equal(tf.memory().numTensors, before);
  const expected = run(() => tf.train.adam(1e-2, 0.5, 0.999) as never);
  // Variable a (4 values) runs the SIMD loop, b (3 values) the scalar tail.
  sut.forEach((values, i) => assert.deepEqual(values, expected[i], `variable ${i}`));
  // It moved: a test that compared two no-ops would pass too.
  assert.ok(Math.abs(sut[1]![0]! - 1) > 0.04);
});
