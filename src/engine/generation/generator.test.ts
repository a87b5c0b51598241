import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { BATCH_NORM_EPSILON, ConvGenerator, DEFAULT_GENERATOR, batchNormTraining } from './generator.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/** The textbook formula, differentiated by autodiff: the reference for the closed-form gradient. */
function plainBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BATCH_NORM_EPSILON))), gamma), beta);
}

test('batchNormTraining: values and gradients (x, gamma, beta) equal autodiff of the plain formula, for images and flat batches', () => {
  // Three channels take wasm's composed path (average pools for the means, a 1x1 depthwise conv
  // for the affine map); multiples of 4 the SIMD kernels, here with an odd number of rows.
  for (const shape of [[6, 5, 4, 3], [7, 3], [5, 5, 3, 8], [9, 4]]) {
    const [sut, expected] = [batchNormTraining, plainBatchNorm].map((norm) =>
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
        const c = shape[shape.length - 1]!;
        const gamma = tf.tensor1d([1.5, -0.7, 0.2, 0.9, -1.1, 0.4, 2, 0.6].slice(0, c));
        const beta = tf.tensor1d([0.1, 0, -0.3, 0.2, 0.5, -0.1, 0, 1].slice(0, c));
        const w = tf.randomNormal(shape, 0, 1, 'float32', 2);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(norm(a, g, b), w));
        const grads = tf.grads(f)([x, gamma, beta]);
        return [norm(x, gamma, beta), ...grads].map((t) => t.dataSync() as Float32Array);
      }),
    );
    ['value', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => {
      const a = sut![i]!;
      const b = expected![i]!;
      assert.equal(a.length, b.length);
      let maxErr = 0;
      for (let j = 0; j < a.length; j++) maxErr = Math.max(maxErr, Math.abs(a[j]! - b[j]!));
      assert.ok(maxErr < 1e-4, `${name} [${shape}]: max abs error ${maxErr}`);
    });
  }
});

test('ConvGenerator: MNIST-shaped default has 167,225 parameters (no bias before batch norm); without batch norm the layers keep their biases', () => {
  const sut = new ConvGenerator([28, 28, 1], DEFAULT_GENERATOR, 'params');
  const plain = new ConvGenerator([28, 28, 1], { ...DEFAULT_GENERATOR, batchNorm: false }, 'params');
  try {
    assert.equal(sut.parameterCount, 167_225);
    // + dense bias 7*7*32 and transposed-conv biases 16 + 8, - batch-norm gamma/beta 2 * (32 + 16 + 8)
    assert.equal(plain.parameterCount, 167_225 + 1568 + 16 + 8 - 112);
    const z = tf.randomNormal([4, DEFAULT_GENERATOR.latentDim], 0, 1, 'float32', 3) as tf.Tensor2D;
    const x = sut.apply(z);
    assert.deepEqual(x.shape, [4, 28, 28, 1]);
    tf.dispose([z, x]);
  } finally {
    sut.dispose();
    plain.dispose();
  }
});
