import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index.ts';

const quiet = { log: () => {} };

/** [shape, begin, size]: every axis cut or kept, ranks 1 to 6, empty slices, -1 sizes. */
const cases: [number[], number[], number[]][] = [
  [[7], [2], [4]],
  [[5, 6], [1, 0], [3, 6]],
  [[5, 6], [0, 2], [5, 3]],
  [[2, 6, 7, 3], [0, 1, 1, 0], [2, 5, 5, 3]], // a ZeroPadding2D's gradient
  [[2, 6, 6, 4], [0, 0, 0, 0], [2, 5, 5, 4]], // the zero-inserted input gradient's crop
  [[3, 5, 4, 6], [1, 2, 0, 1], [2, 3, 4, 4]], // the channel axis cut too
  [[3, 5, 4, 6], [1, 0, 0, 0], [1, 5, 4, 6]], // contiguous
  [[2, 3, 4, 5, 6], [1, 0, 1, 2, 0], [1, 3, 2, 3, 6]],
  [[2, 3, 2, 3, 2, 3], [0, 1, 0, 1, 1, 0], [2, 2, 2, 2, 1, 3]],
  [[4, 5], [1, 1], [-1, -1]],
  [[4, 5], [2, 1], [0, 3]],
];

const values = (shape: number[], dtype: 'float32' | 'int32' | 'bool') =>
  tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(Array.from({ length: n }, (_, i) => i * 7 - 11), shape, 'int32');
    return dtype === 'bool' ? tf.greater(t, 30) : tf.cast(t, dtype);
  });

test('Slice on wasm (copied in runs) gives what the cpu backend gives, every dtype', async () => {
  await initBackend({ backend: 'cpu', ...quiet });
  const dtypes = ['float32', 'int32', 'bool'] as const;
  const expected = dtypes.map((dtype) => cases.map(([shape, begin, size]) => tf.tidy(() => {
    const y = tf.slice(values(shape, dtype), begin, size);
    return { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync()) };
  })));
  await initBackend({ backend: 'wasm', ...quiet });
  dtypes.forEach((dtype, d) => {
    cases.forEach(([shape, begin, size], i) => {
      const sut = tf.tidy(() => {
        const y = tf.slice(values(shape, dtype), begin, size);
        return { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync()) };
      });
      assert.deepEqual(sut, expected[d]![i], `${dtype} shape [${shape}] begin [${begin}] size [${size}]`);
    });
  });
});
