import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index.ts';
import { subPixelInterleave } from './kernels.ts';

const quiet = { log: () => {} };

type Pad = 'same' | 'valid';
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number;
  pad: Pad;
  dilation?: number;
}

const convCases: Case[] = [
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 7, 9, 3], f: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [3, 9, 7, 2], f: [3, 3, 2, 5], stride: 2, pad: 'valid' },
  { x: [1, 8, 8, 1], f: [5, 5, 1, 2], stride: 1, pad: 'valid' },
  { x: [2, 11, 10, 2], f: [2, 4, 2, 3], stride: 3, pad: 'same' },
  { x: [2, 6, 6, 2], f: [4, 4, 2, 3], stride: 2, pad: 'same' },
  // A filter smaller than the stride: some sub-pixel phases of the input gradient have no taps.
  { x: [2, 7, 8, 2], f: [1, 2, 2, 3], stride: 2, pad: 'valid' },
  // ... a 1x1 convolution at stride 2 (a ResNet's downsampling shortcut): taps in 1 phase of 4.
  { x: [2, 9, 8, 8], f: [1, 1, 8, 16], stride: 2, pad: 'same' },
  // One output channel: the forward pass runs as a depthwise conv plus a channel sum on wasm.
  { x: [2, 7, 9, 3], f: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { x: [2, 9, 8, 4], f: [3, 3, 4, 1], stride: 2, pad: 'valid' },
  { x: [3, 10, 13, 5], f: [5, 5, 5, 1], stride: 1, pad: 'valid' },
  // ... and with channels % 4 == 0 at stride 1, the SIMD kernels (forward and filter gradient).
  { x: [2, 7, 9, 8], f: [3, 3, 8, 1], stride: 1, pad: 'same' },
  { x: [2, 8, 7, 4], f: [4, 2, 4, 1], stride: 1, pad: 'same' },
  { x: [2, 6, 7, 4], f: [2, 4, 4, 1], stride: 1, pad: 'valid' },
  // Input channels % 4 == 0 and output channels % 8 == 0: the SIMD filter gradient, also strided
  // and like the generator's transposed convolutions (tfjs has no gradient for dilated conv2d).
  { x: [2, 9, 8, 4], f: [3, 3, 4, 8], stride: 1, pad: 'same' },
  { x: [2, 10, 9, 8], f: [4, 4, 8, 16], stride: 2, pad: 'same' },
  { x: [2, 11, 10, 4], f: [3, 2, 4, 8], stride: 3, pad: 'valid' },
  // One input channel: the input gradient is a one-output-channel convolution.
  { x: [2, 11, 9, 1], f: [5, 5, 1, 8], stride: 1, pad: 'same' },
];

const depthwiseCases: Case[] = [
  { x: [2, 7, 9, 3], f: [3, 3, 3, 2], stride: 1, pad: 'same' },
  { x: [2, 9, 7, 2], f: [3, 3, 2, 1], stride: 2, pad: 'valid' },
  { x: [1, 8, 9, 2], f: [3, 3, 2, 2], stride: 2, pad: 'same' },
];

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

interface Grads {
  dx: Float32Array;
  df: Float32Array;
  y: Float32Array;
}

/** Input and filter gradients of sum(y * w) for a fixed random weighting w (exercises every dy entry). */
function convGrads(c: Case, depthwise: boolean, seed: number): Grads {
  return tf.tidy(() => {
    const x = rand(c.x, seed) as tf.Tensor4D;
    const f = rand(c.f, seed + 1) as tf.Tensor4D;
    const fwd = (xx: tf.Tensor4D, ff: tf.Tensor4D): tf.Tensor4D =>
      depthwise
        ? tf.depthwiseConv2d(xx, ff, c.stride, c.pad, 'NHWC', c.dilation ?? 1)
        : tf.conv2d(xx, ff, c.stride, c.pad);
    const y = fwd(x, f);
    const w = rand(y.shape, seed + 2);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fwd(a as tf.Tensor4D, b as tf.Tensor4D), w)));
    const [dx, df] = g([x, f]);
    return { dx: dx!.dataSync() as Float32Array, df: df!.dataSync() as Float32Array, y: y.dataSync() as Float32Array };
  }) as unknown as Grads;
}

function transposeGrads(c: Case, seed: number): Grads {
  return tf.tidy(() => {
    // conv2dTranspose forward runs the Conv2DBackpropInput kernel; its filter gradient runs Conv2DBackpropFilter.
    const outShape: [number, number, number, number] = [c.x[0], c.x[1], c.x[2], c.x[3]];
    const probe = tf.conv2d(tf.zeros(outShape) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.stride, c.pad);
    const dy = rand(probe.shape, seed) as tf.Tensor4D;
    const f = rand(c.f, seed + 1) as tf.Tensor4D;
    const fwd = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => tf.conv2dTranspose(a, b, outShape, c.stride, c.pad);
    const y = fwd(dy, f);
    const w = rand(y.shape, seed + 2);
    const [ddy, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fwd(a as tf.Tensor4D, b as tf.Tensor4D), w)))([dy, f]);
    return { dx: ddy!.dataSync() as Float32Array, df: df!.dataSync() as Float32Array, y: y.dataSync() as Float32Array };
  }) as unknown as Grads;
}

interface PoolCase {
  x: [number, number, number, number];
  size: number;
  stride: number;
  pad: Pad;
  /** Round x to integers in [-2, 2] so that windows hold equal maxima (the first must win). */
  ties?: boolean;
}

const poolCases: PoolCase[] = [
  { x: [2, 8, 8, 5], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 9, 7, 3], size: 3, stride: 2, pad: 'same' },
  { x: [1, 7, 9, 4], size: 3, stride: 1, pad: 'valid' },
  { x: [3, 5, 6, 1], size: 2, stride: 2, pad: 'same' },
  // Channels a multiple of 4: the SIMD kernel (simd/kernels.wat), also with ties and odd sizes.
  { x: [2, 8, 6, 8], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 9, 7, 4], size: 2, stride: 2, pad: 'valid', ties: true },
];

/** Input gradient of sum(maxPool(x) * w); overlapping windows add up where one input wins twice. */
function poolGrads(c: PoolCase, seed: number): Float32Array {
  return tf.tidy(() => {
    const x = (c.ties ? tf.clipByValue(tf.round(rand(c.x, seed)), -2, 2) : rand(c.x, seed)) as tf.Tensor4D;
    const w = rand(tf.maxPool(x, c.size, c.stride, c.pad).shape, seed + 1);
    return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad), w)))(x).dataSync();
  }) as unknown as Float32Array;
}

/** Products with every transpose combination, rank 2 and batched rank 3. */
function matMuls(seed: number): Float32Array[] {
  return tf.tidy(() => {
    const out: Float32Array[] = [];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = rand(ta ? [5, 3] : [3, 5], seed);
      const b = rand(tb ? [4, 5] : [5, 4], seed + 1);
      out.push(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb).dataSync() as Float32Array);
      const a3 = rand(ta ? [2, 5, 3] : [2, 3, 5], seed + 2);
      const b3 = rand(tb ? [2, 4, 5] : [2, 5, 4], seed + 3);
      out.push(tf.matMul(a3 as tf.Tensor3D, b3 as tf.Tensor3D, ta, tb).dataSync() as Float32Array);
      // Big enough for the SIMD kernel's 4 x 8 blocks, with rows and columns left over; and with
      // a batch dimension of 1 (also the SIMD kernel).
      const a4 = rand(ta ? [6, 9] : [9, 6], seed + 4);
      const b4 = rand(tb ? [19, 6] : [6, 19], seed + 5);
      out.push(tf.matMul(a4 as tf.Tensor2D, b4 as tf.Tensor2D, ta, tb).dataSync() as Float32Array);
      out.push(tf.matMul(tf.expandDims(a4, 0) as tf.Tensor3D, tf.expandDims(b4, 0) as tf.Tensor3D, ta, tb).dataSync() as Float32Array);
    }
    return out;
  }) as unknown as Float32Array[];
}

/** Phases read from different offsets of y, odd output sizes (cropped), strides 2x2 and 3x2, phases without taps (zero). */
function interleaves(seed: number): Float32Array[] {
  return tf.tidy(() => [
    subPixelInterleave(rand([2, 5, 6, 2 * 2 * 3], seed) as tf.Tensor4D, { outShape: [2, 8, 9, 3], strides: [2, 2], rowShifts: [1, 0], colShifts: [0, 1], phaseGroups: [0, 1, 2, 3] }),
    subPixelInterleave(rand([1, 4, 4, 3 * 2 * 2], seed + 1) as tf.Tensor4D, { outShape: [1, 7, 6, 2], strides: [3, 2], rowShifts: [0, 1, 1], colShifts: [1, 0], phaseGroups: [0, 1, 2, 3, 4, 5] }),
    subPixelInterleave(rand([2, 6, 6, 2 * 3], seed + 2) as tf.Tensor4D, { outShape: [2, 9, 12, 3], strides: [2, 2], rowShifts: [0, 1], colShifts: [0, 0], phaseGroups: [-1, 1, 0, -1] }),
  ].map((t) => t.dataSync() as Float32Array)) as unknown as Float32Array[];
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < actual.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(actual[i]! - expected[i]!));
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  assert.ok(maxErr <= 1e-4 * Math.max(1, maxRef), `${what}: max abs error ${maxErr} (max |ref| ${maxRef})`);
}

const describeCase = (c: Case) => `x=${c.x} f=${c.f} s=${c.stride} ${c.pad}${c.dilation ? ` d=${c.dilation}` : ''}`;

test('composed wasm gradient kernels match the reference cpu kernels', async (t) => {
  await initBackend({ backend: 'cpu', ...quiet });
  const refConv = convCases.map((c, i) => convGrads(c, false, 10 + i));
  const refDw = depthwiseCases.map((c, i) => convGrads(c, true, 50 + i));
  const refTr = convCases.map((c, i) => transposeGrads(c, 90 + i));
  const refMatMul = matMuls(120);
  const refPool = poolCases.map((c, i) => poolGrads(c, 150 + i));
  const refInterleave = interleaves(170);

  const info = await initBackend({ backend: 'wasm', ...quiet });
  assert.equal(info.tfBackend, 'wasm');
  assert.equal(info.composedGradients, true);
  // The stock wasm backend has no Conv2DBackpropFilter: ours must be what runs.
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'Conv2DBackpropFilter registered for wasm');
  assert.ok(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm'));

  await t.test('conv2d: input and filter gradients', () => {
    convCases.forEach((c, i) => {
      const sut = convGrads(c, false, 10 + i);
      assertClose(sut.y, refConv[i]!.y, `forward ${describeCase(c)}`);
      assertClose(sut.dx, refConv[i]!.dx, `dx ${describeCase(c)}`);
      assertClose(sut.df, refConv[i]!.df, `dfilter ${describeCase(c)}`);
    });
  });
  await t.test('depthwise conv2d: input and filter gradients', () => {
    depthwiseCases.forEach((c, i) => {
      const sut = convGrads(c, true, 50 + i);
      assertClose(sut.dx, refDw[i]!.dx, `dx ${describeCase(c)}`);
      assertClose(sut.df, refDw[i]!.df, `dfilter ${describeCase(c)}`);
    });
  });
  await t.test('conv2dTranspose: forward (Conv2DBackpropInput) and both gradients', () => {
    convCases.forEach((c, i) => {
      const sut = transposeGrads(c, 90 + i);
      assertClose(sut.y, refTr[i]!.y, `forward ${describeCase(c)}`);
      assertClose(sut.dx, refTr[i]!.dx, `ddy ${describeCase(c)}`);
      assertClose(sut.df, refTr[i]!.df, `dfilter ${describeCase(c)}`);
    });
  });
  await t.test('matMul with transposed operands (explicit-transpose BatchMatMul)', () => {
    matMuls(120).forEach((sut, i) => assertClose(sut, refMatMul[i]!, `matMul case ${i}`));
  });
  await t.test('max-pool gradient (heap kernel; the stock wasm kernel misroutes multi-channel gradients)', () => {
    poolCases.forEach((c, i) => {
      assertClose(poolGrads(c, 150 + i), refPool[i]!, `maxPool x=${c.x} size=${c.size} s=${c.stride} ${c.pad}`);
    });
  });
  await t.test('sub-pixel interleave (heap kernel) matches slices, stack and transpose', () => {
    assert.ok(tf.getKernel('FragmarkSubPixelInterleave', 'wasm'));
    interleaves(170).forEach((sut, i) => assert.deepEqual(sut, refInterleave[i], `interleave case ${i}`));
  });
  await t.test('kernels do not leak tensors', () => {
    const before = tf.memory().numTensors;
    matMuls(4);
    convGrads(convCases[1]!, false, 1);
    convGrads(depthwiseCases[2]!, true, 2);
    transposeGrads(convCases[2]!, 3);
    poolGrads(poolCases[1]!, 4);
    assert.equal(tf.memory().numTensors, before);
  });
  await t.test('batch-norm gradient (broadcast, no Tile) matches the analytic gradient', () => {
    const eps = 1e-3;
    const mean = [0.1, -0.2, 0.3];
    const variance = [0.5, 1.5, 2.0];
    const scale = [1.2, 0.8, -0.5];
    const [dx, w, x, dscale] = tf.tidy(() => {
      const xx = rand([2, 5, 5, 3], 7);
      const ww = rand([2, 5, 5, 3], 8);
      const [gx, gs] = tf.grads((a: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(a, tf.tensor1d(mean), tf.tensor1d(variance), tf.tensor1d([0, 0.1, -0.1]), s, eps), ww)),
      )([xx, tf.tensor1d(scale)]);
      return [gx!.dataSync(), ww.dataSync(), xx.dataSync(), gs!.dataSync()] as const;
    });
    const expDx = new Float32Array(dx.length);
    const expDs = new Float32Array(3);
    for (let i = 0; i < dx.length; i++) {
      const c = i % 3;
      const r = 1 / Math.sqrt(variance[c]! + eps);
      expDx[i] = w[i]! * scale[c]! * r;
      expDs[c] = expDs[c]! + w[i]! * (x[i]! - mean[c]!) * r;
    }
    assertClose(dx as Float32Array, expDx, 'bn dx');
    assertClose(dscale as Float32Array, expDs, 'bn dscale');
  });
});
