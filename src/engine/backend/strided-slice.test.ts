import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index.ts';

const quiet = { log: () => {} };

interface Case {
  shape: number[];
  begin: number[];
  end: number[];
  strides: number[];
  beginMask?: number;
  endMask?: number;
  ellipsisMask?: number;
  newAxisMask?: number;
  shrinkAxisMask?: number;
}

const cases: Case[] = [
  // tf.shape(x)[::-1]: the shape vector reversed (the stock wasm kernel's float32 output).
  { shape: [4], begin: [-1], end: [0], strides: [-1], endMask: 1 },
  // x[:, ::2]
  { shape: [3, 7], begin: [0, 0], end: [0, 0], strides: [1, 2], beginMask: 3, endMask: 3 },
  // x[..., ::-1] (a BGR/RGB channel flip)
  { shape: [2, 3, 4, 3], begin: [0, 0], end: [0, 0], strides: [1, -1], beginMask: 3, endMask: 3, ellipsisMask: 1 },
  // x[1:, -2:0:-2, 1] with a shrunk axis
  { shape: [3, 6, 4], begin: [1, -2, 1], end: [0, 0, 2], strides: [1, -2, 1], endMask: 1, shrinkAxisMask: 4 },
  // x[0] of a shape vector (Flatten's batch size), and x[tf.newaxis, 1:3]
  { shape: [4], begin: [0], end: [1], strides: [1], shrinkAxisMask: 1 },
  { shape: [5, 2], begin: [0, 1], end: [0, 3], strides: [1, 1], newAxisMask: 1 },
  // x[5:1:-3, :] and an empty selection x[2:2]
  { shape: [7, 3], begin: [5, 0], end: [1, 0], strides: [-3, 1], endMask: 2 },
  { shape: [4, 2], begin: [2, 0], end: [2, 0], strides: [1, 1], endMask: 2 },
];

/**
 * The same selection with shrunk axes kept as size-1 axes (end = begin + 1), then reshaped away:
 * the cpu backend's general path reads the wrong entries when an axis is shrunk (see
 * strided-slice.ts), so the reference never shrinks.
 */
function referenceSlice(x: tf.Tensor, c: Case): tf.Tensor {
  const shrink = c.shrinkAxisMask ?? 0;
  if (shrink === 0) return slice(x, c);
  let endMask = c.endMask ?? 0;
  const end = c.end.map((e, i) => {
    if ((shrink & (1 << i)) === 0) return e;
    if (c.begin[i] === -1) endMask |= 1 << i;
    return c.begin[i]! + 1;
  });
  const kept = tf.stridedSlice(x, c.begin, end, c.strides, c.beginMask ?? 0, endMask, c.ellipsisMask ?? 0, c.newAxisMask ?? 0, 0);
  return tf.reshape(kept, tf.tidy(() => slice(tf.zeros(x.shape), c).shape));
}

function slice(x: tf.Tensor, c: Case): tf.Tensor {
  return tf.stridedSlice(x, c.begin, c.end, c.strides, c.beginMask ?? 0, c.endMask ?? 0, c.ellipsisMask ?? 0, c.newAxisMask ?? 0, c.shrinkAxisMask ?? 0);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const ints = (shape: number[]) => tf.tensor(Array.from({ length: size(shape) }, (_, i) => i * 7 - 11), shape, 'int32');

function describe(c: Case): string {
  return `shape=[${c.shape}] begin=[${c.begin}] end=[${c.end}] strides=[${c.strides}] masks=${[c.beginMask, c.endMask, c.ellipsisMask, c.newAxisMask, c.shrinkAxisMask].map((m) => m ?? 0).join('/')}`;
}

test('StridedSlice on wasm matches the cpu backend; its gradient scatters dy to the selected entries', async (t) => {
  await initBackend({ backend: 'cpu', ...quiet });
  const ref = cases.map((c) =>
    tf.tidy(() => {
      const y = referenceSlice(ints(c.shape), c);
      // Which flat input index each output entry reads: the reference for the gradient.
      const picked = referenceSlice(tf.range(0, size(c.shape), 1, 'float32').reshape(c.shape), c);
      return { dtype: y.dtype, shape: y.shape, values: Array.from(y.dataSync()), picked: Array.from(picked.dataSync()) };
    }),
  );
  const info = await initBackend({ backend: 'wasm', ...quiet });
  assert.equal(info.tfBackend, 'wasm');

  await t.test('int32 values, dtype and shape', () => {
    cases.forEach((c, i) => {
      const sut = tf.tidy(() => {
        const y = slice(ints(c.shape), c);
        return { dtype: y.dtype, shape: y.shape, values: Array.from(y.dataSync()) };
      });
      assert.deepEqual(sut, { dtype: ref[i]!.dtype, shape: ref[i]!.shape, values: ref[i]!.values }, describe(c));
    });
  });

  await t.test('float32 values', () => {
    cases.forEach((c, i) => {
      const sut = tf.tidy(() => Array.from(slice(tf.range(0, size(c.shape), 1, 'float32').reshape(c.shape), c).dataSync()));
      assert.deepEqual(sut, ref[i]!.picked, describe(c));
    });
  });

  await t.test('bool values', () => {
    const c = cases[2]!;
    const sut = tf.tidy(() => Array.from(slice(tf.cast(tf.greater(ints(c.shape), 30), 'bool'), c).dataSync()));
    const expected = ref[2]!.values.map((v) => (v > 30 ? 1 : 0));
    assert.deepEqual(sut, expected);
  });

  await t.test('gradient of sum(stridedSlice(x) * w)', () => {
    cases.forEach((c, i) => {
      const { dx, w } = tf.tidy(() => {
        const x = tf.randomNormal(c.shape, 0, 1, 'float32', 3 + i);
        const wt = tf.randomNormal(slice(x, c).shape, 0, 1, 'float32', 40 + i);
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(slice(a, c), wt)))(x);
        return { dx: Array.from(g.dataSync()), w: Array.from(wt.dataSync()) };
      });
      const expected = new Array<number>(size(c.shape)).fill(0);
      ref[i]!.picked.forEach((flat, j) => (expected[flat] = expected[flat]! + w[j]!));
      assert.deepEqual(dx, expected, describe(c));
    });
  });

  await t.test('second-order gradient goes through the composed ops', () => {
    const c = cases[2]!;
    const v = tf.tidy(() => {
      const x = tf.randomNormal(c.shape, 0, 1, 'float32', 9);
      // d/dx sum(grad(sum(slice(x)^2))) = d/dx sum(2 * scatter(slice(x))) = 2 at selected entries.
      const inner = (a: tf.Tensor) => tf.sum(tf.grad((b: tf.Tensor) => tf.sum(tf.square(slice(b, c))))(a));
      return Array.from(tf.grad(inner)(x).dataSync());
    });
    assert.deepEqual(v, new Array(size(c.shape)).fill(2));
  });

  await t.test('no leaked tensors', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((a: tf.Tensor) => tf.sum(slice(a, cases[3]!)))(tf.ones(cases[3]!.shape));
      slice(ints(cases[0]!.shape), cases[0]!);
    });
    assert.equal(tf.memory().numTensors, before);
  });
});
