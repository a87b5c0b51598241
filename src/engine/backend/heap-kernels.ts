/**
 * wasm kernels written in JavaScript over the wasm heap.
 *
 * Some stock wasm kernels are scalar C loops that lose to a plain JS loop reading and writing
 * the same memory, laid out for channels-last data; and some work (an optimiser step) is a
 * dozen tfjs kernels that one loop replaces. A kernel here allocates its output with the backend's `makeOutput`,
 * then takes `Float32Array` views of the heap (after the allocation, which may grow and move
 * the heap) and fills the output in place.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * MaxPoolGrad: dx[p] = sum of dy over the windows whose maximum is at p, with the first maximum
 * in row-major window order winning ties and padding never winning: the semantics of tfjs-core's
 * cpu kernel and of TensorFlow. The stock wasm kernel (4.22) routes gradients to the wrong inputs
 * when there is more than one channel (kernels.test.ts compares both with cpu) and is 4-5x slower
 * (bench/RESULTS.md).
 */
export function maxPoolGradOnHeap(backend: HeapBackend, dy: tf.TensorInfo, input: tf.TensorInfo, attrs: MaxPoolGradAttrs): tf.TensorInfo {
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error('MaxPoolGrad: float32 only');
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const dx = backend.makeOutput([...input.shape], 'float32');
  const x = backend.typedArrayFromHeap(input);
  const g = backend.typedArrayFromHeap(dy);
  const out = backend.typedArrayFromHeap(dx);
  out.fill(0);
  const pair = effectiveFilterHeight === 2 && effectiveFilterWidth === 2 && strideHeight === 2 && strideWidth === 2;
  const inside = info.padInfo.top === 0 && info.padInfo.left === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth;
  if (pair && inside) {
    maxPool2x2Grad(x, g, out, batchSize, inHeight, inWidth, c, outHeight, outWidth);
    return dx;
  }
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * strideHeight - info.padInfo.top;
      const y0 = Math.max(0, top);
      const y1 = Math.min(inHeight, top + effectiveFilterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * strideWidth - info.padInfo.left;
        const x0 = Math.max(0, left);
        const x1 = Math.min(inWidth, left + effectiveFilterWidth);
        best.fill(-Infinity);
        at.fill(-1);
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const base = ((b * inHeight + yy) * inWidth + xx) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        const gBase = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          const p = at[ch]!;
          if (p >= 0) out[p] = out[p]! + g[gBase + ch]!;
        }
      }
    }
  }
  return dx;
}

/**
 * The common case (2x2 windows, stride 2, no padding) unrolled: windows do not overlap, so each
 * gradient lands on one input and nothing accumulates; twice as fast as the general loop.
 */
function maxPool2x2Grad(x: Float32Array, g: Float32Array, out: Float32Array, batch: number, h: number, w: number, c: number, oh: number, ow: number): void {
  const row = w * c;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const base = ((b * h + 2 * oy) * w + 2 * ox) * c;
        const gBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let at = -1;
          let best = -Infinity;
          const p0 = base + ch;
          if (x[p0]! > best) (best = x[p0]!), (at = p0);
          const p1 = p0 + c;
          if (x[p1]! > best) (best = x[p1]!), (at = p1);
          const p2 = p0 + row;
          if (x[p2]! > best) (best = x[p2]!), (at = p2);
          const p3 = p2 + c;
          if (x[p3]! > best) at = p3;
          if (at >= 0) out[at] = g[gBase + ch]!;
        }
      }
    }
  }
}

/** Name of the fused Adam update kernel (registered for wasm only; generation/adam.ts calls it). */
export const ADAM_UPDATE_KERNEL = 'FragmarkAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t for the step t being taken (the bias corrections). */
  correction1: number;
  correction2: number;
}

/**
 * One Adam step (Kingma and Ba 2015, algorithm 1) for one variable in one pass, with the same
 * formula and order as tfjs-core's AdamOptimizer: m' = b1 m + (1 - b1) g, v' = b2 v + (1 - b2) g^2,
 * x' = x - lr (m' / c1) / (sqrt(v' / c2) + eps). tfjs runs about 14 kernels per variable for this.
 * Intermediates are doubles here (float32 per kernel in tfjs): results agree within 1e-6 (tested).
 * Returns new tensors [x', m', v']: tensors are immutable, and a buffer may be shared by clones.
 */
export function adamUpdateOnHeap(backend: HeapBackend, inputs: { x: tf.TensorInfo; g: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo }, a: AdamUpdateAttrs): tf.TensorInfo[] {
  const shape = [...inputs.x.shape];
  const outs = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
  const [x, g, m, v] = [inputs.x, inputs.g, inputs.m, inputs.v].map((t) => backend.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [x1, m1, v1] = outs.map((t) => backend.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array];
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = a;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    x1[i] = x[i]! - (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
  }
  return outs;
}

/** Name of the sub-pixel interleave kernel (registered for wasm only; kernels.ts calls it). */
export const SUB_PIXEL_INTERLEAVE_KERNEL = 'FragmarkSubPixelInterleave';

export interface SubPixelInterleaveAttrs {
  /** [B, H, W, C] of the result. */
  outShape: [number, number, number, number];
  strides: [number, number];
  /** Per row phase and per column phase: the offset of that phase's grid in y. */
  rowShifts: number[];
  colShifts: number[];
}

/**
 * out[b, sh*q + ph, sw*r + pw, c] = y[b, q + rowShifts[ph], r + colShifts[pw], (ph*sw + pw)*C + c]:
 * the phases of a strided transposed convolution, computed as channel groups of one convolution
 * whose grids are offset from each other (kernels.ts, phasedInputGrad), woven into one image in
 * a single pass. With tfjs ops this is one slice per phase, a stack and a transpose.
 */
export function subPixelInterleaveOnHeap(backend: HeapBackend, input: tf.TensorInfo, a: SubPixelInterleaveAttrs): tf.TensorInfo {
  if (input.dtype !== 'float32') throw new Error('SubPixelInterleave: float32 only');
  const [batch, h, w, c] = a.outShape;
  const [sh, sw] = a.strides;
  const [, rowsY, colsY, depth] = input.shape as [number, number, number, number];
  const out = backend.makeOutput([...a.outShape], 'float32');
  const y = backend.typedArrayFromHeap(input);
  const o = backend.typedArrayFromHeap(out);
  let dst = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < h; i++) {
      const ph = i % sh;
      const rowBase = (b * rowsY + (i - ph) / sh + a.rowShifts[ph]!) * colsY;
      for (let j = 0; j < w; j++) {
        const pw = j % sw;
        let src = (rowBase + (j - pw) / sw + a.colShifts[pw]!) * depth + (ph * sw + pw) * c;
        for (let k = 0; k < c; k++) o[dst++] = y[src++]!;
      }
    }
  }
  return out;
}

export function heapKernelConfigs(): tf.KernelConfig[] {
  return [
    {
      kernelName: tf.MaxPoolGrad,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) =>
        maxPoolGradOnHeap(backend as unknown as HeapBackend, inputs['dy']!, inputs['input']!, attrs as unknown as MaxPoolGradAttrs),
    },
    {
      kernelName: ADAM_UPDATE_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) =>
        adamUpdateOnHeap(backend as unknown as HeapBackend, inputs as { x: tf.TensorInfo; g: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo }, attrs as unknown as AdamUpdateAttrs),
    },
    {
      kernelName: SUB_PIXEL_INTERLEAVE_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => subPixelInterleaveOnHeap(backend as unknown as HeapBackend, inputs['y']!, attrs as unknown as SubPixelInterleaveAttrs),
    },
  ];
}
