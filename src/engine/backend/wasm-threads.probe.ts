/**
 * Child process for wasm-threads.test.ts: activates wasm with the thread count given as its argument,
 * runs a convolution, its gradients and a matrix product, and prints the threads in use and a
 * SHA-256 of the result bytes. The filter gradient and the product run our SIMD kernels, so
 * both of their builds (plain memory at 1 thread, shared at 2) load. It must exit by itself:
 * XNNPACK's threads never end, so a worker left ref()'d would keep it alive.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { initBackend } from './index.ts';

const info = await initBackend({ backend: 'wasm', wasmThreads: Number(process.argv[2]), log: () => {} });
const hash = createHash('sha256');
tf.tidy(() => {
  const x = tf.randomNormal([8, 20, 20, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
  const f = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 2) as tf.Tensor4D;
  const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
  const [dx, df] = tf.grads(loss)([x, f]);
  const m = tf.matMul(tf.randomNormal([64, 300], 0, 1, 'float32', 3), tf.randomNormal([300, 64], 0, 1, 'float32', 4));
  for (const t of [tf.conv2d(x, f, 1, 'same'), dx!, df!, m]) hash.update(Buffer.from((t.dataSync() as Float32Array).buffer));
});
console.log(JSON.stringify({ threads: info.threads, digest: hash.digest('hex') }));
