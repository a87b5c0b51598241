/**
 * wasm kernels that work on the backend's heap directly.
 *
 * Some stock wasm kernels are scalar C loops or badly shaped GEMMs, and some work (an optimiser
 * step) is a dozen tfjs kernels that one loop replaces. A kernel here allocates its output with
 * the backend's `makeOutput` and then runs one of our SIMD functions (simd/kernels.wat) on the
 * tensors' heap offsets, or, for shapes those do not cover, a JavaScript loop over `Float32Array`
 * views of the heap (taken after the allocation, which may grow and move the heap).
 * Outputs are always fresh: a buffer may be shared by clones (kernels.ts, `sharedIdentity`).
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernelsFor } from './simd/index.ts';

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
}

/** Byte offset of a tensor's data in the heap. */
function pointer(backend: HeapBackend, t: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('tensor is not on this wasm backend');
  return data.memoryOffset;
}

/** ClipByValue's gradient (clip-gradient.ts): dy where lo <= x <= hi, +0 elsewhere and where x is NaN. */
export function clipGradOnHeap(backend: HeapBackend, dy: tf.TensorInfo, x: tf.TensorInfo, lo: number, hi: number): tf.TensorInfo {
  const out = backend.makeOutput([...dy.shape], 'float32');
  simdKernelsFor(backend).clipGrad(pointer(backend, dy), pointer(backend, x), pointer(backend, out), tf.util.sizeFromShape(dy.shape), lo, hi);
  return out;
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
  if (pair && inside && c % 4 === 0) {
    simdKernelsFor(backend).maxPool2x2Grad(pointer(backend, input), pointer(backend, dy), pointer(backend, dx), batchSize, inHeight, inWidth, c, outHeight, outWidth);
    return dx;
  }
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
 * One Adam step (Kingma and Ba 2015, algorithm 1) for one variable in one SIMD pass, with
 * tfjs-core's AdamOptimizer formula, operation order and float32 rounding:
 * m' = m b1 + g (1 - b1), v' = v b2 + g^2 (1 - b2), x' = ((m' / c1) / (sqrt(v' / c2) + eps)) (-lr) + x.
 * tfjs runs about 14 kernels per variable for this. Returns new tensors [x', m', v'].
 */
export function adamUpdateOnHeap(backend: HeapBackend, inputs: { x: tf.TensorInfo; g: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo }, a: AdamUpdateAttrs): tf.TensorInfo[] {
  const shape = [...inputs.x.shape];
  const outs = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
  const [x, g, m, v] = [inputs.x, inputs.g, inputs.m, inputs.v].map((t) => pointer(backend, t)) as [number, number, number, number];
  const [x1, m1, v1] = outs.map((t) => pointer(backend, t)) as [number, number, number];
  const size = tf.util.sizeFromShape(shape);
  simdKernelsFor(backend).adam(x, g, m, v, x1, m1, v1, size, -a.learningRate, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.epsilon, a.correction1, a.correction2);
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
  /**
   * Per phase (ph * sw + pw): its channel group in y, or -1 for a phase without filter taps (a
   * filter smaller than the stride: 3 of the 4 phases of a 1x1 convolution at stride 2), which is
   * zero and not computed.
   */
  phaseGroups: number[];
}

/**
 * out[b, sh*q + ph, sw*r + pw, c] = y[b, q + rowShifts[ph], r + colShifts[pw], g*C + c] with
 * g = phaseGroups[ph*sw + pw], or 0 where g = -1:
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
  const y = pointer(backend, input);
  const o = pointer(backend, out);
  const simd = simdKernelsFor(backend);
  if (a.phaseGroups.some((g) => g < 0)) backend.typedArrayFromHeap(out).fill(0);
  // One call per (image, phase): the phase's rows (outer) and columns (inner), c floats each.
  for (let b = 0; b < batch; b++) {
    for (let ph = 0; ph < Math.min(sh, h); ph++) {
      for (let pw = 0; pw < Math.min(sw, w); pw++) {
        const group = a.phaseGroups[ph * sw + pw]!;
        if (group < 0) continue;
        const dst = o + 4 * ((b * h + ph) * w + pw) * c;
        const src = y + 4 * ((((b * rowsY + a.rowShifts[ph]!) * colsY + a.colShifts[pw]!) * depth) + group * c);
        simd.copyBlocks(dst, 4 * sh * w * c, 4 * sw * c, src, 4 * colsY * depth, 4 * depth, Math.ceil((h - ph) / sh), Math.ceil((w - pw) / sw), c);
      }
    }
  }
  return out;
}

/**
 * A convolution to one output channel at stride 1 (tfjs-core's conv2d info gives the geometry):
 * one SIMD dot product over taps x channels per output pixel. XNNPACK runs it as a GEMM with a
 * single column, wasting most of its lanes (bench/RESULTS.md). Needs channels % 4 == 0.
 */
export function conv2dOneOutputChannelOnHeap(backend: HeapBackend, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const out = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, 1], 'float32');
  simdKernelsFor(backend).conv2dOneOutputChannel(
    pointer(backend, x), pointer(backend, filter), pointer(backend, out),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left,
  );
  return out;
}

/** Name of the one-output-channel filter gradient kernel (registered for wasm; kernels.ts calls it). */
export const ONE_OUTPUT_CHANNEL_FILTER_GRAD_KERNEL = 'FragmarkConv2DOneOutputChannelFilterGrad';

export interface OneOutputChannelFilterGradAttrs {
  filterShape: [number, number, number, number];
  /** The forward convolution's padding before the first row and column. */
  top: number;
  left: number;
}

/**
 * Filter gradient [KH, KW, C, 1] of a stride-1 convolution to one output channel: per tap, a SIMD
 * sum over every output pixel of x times dy. Composed from XNNPACK it is a convolution with an
 * image-sized filter and a single output column (7-10 ms on the generator's last layer).
 */
export function conv2dOneOutputChannelFilterGradOnHeap(backend: HeapBackend, x: tf.TensorInfo, dy: tf.TensorInfo, a: OneOutputChannelFilterGradAttrs): tf.TensorInfo {
  const [batch, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const [kh, kw] = a.filterShape;
  const out = backend.makeOutput([...a.filterShape], 'float32');
  simdKernelsFor(backend).conv2dOneOutputChannelFilterGrad(pointer(backend, x), pointer(backend, dy), pointer(backend, out), batch, h, w, c, kh, kw, oh, ow, a.top, a.left);
  return out;
}

/** Names of the batch-norm kernels (registered for wasm; generation/generator.ts calls them). */
export const BATCH_NORM_FORWARD_KERNEL = 'FragmarkBatchNormForward';
export const BATCH_NORM_BACKWARD_KERNEL = 'FragmarkBatchNormBackward';

/**
 * Training-mode batch normalisation over every axis but the last (channels % 4 == 0) in three
 * SIMD passes; returns [y, mean, rsq, scale], the last three per channel for the gradient.
 * Composed from tfjs ops it is about 12 kernels (two reductions, an affine map, small ops).
 */
export function batchNormForwardOnHeap(backend: HeapBackend, inputs: { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo }, epsilon: number): tf.TensorInfo[] {
  const { x, gamma, beta } = inputs;
  const c = x.shape[x.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x.shape) / c;
  const outs = [backend.makeOutput([...x.shape], 'float32'), ...[0, 1, 2].map(() => backend.makeOutput([c], 'float32'))] as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const [y, mean, rsq, scale] = outs.map((t) => pointer(backend, t)) as [number, number, number, number];
  simdKernelsFor(backend).batchNormForward(pointer(backend, x), pointer(backend, gamma), pointer(backend, beta), y, mean, rsq, scale, rows, c, epsilon);
  return outs;
}

/** Gradient of `batchNormForwardOnHeap` w.r.t. x, gamma and beta: two SIMD passes. Returns [dx, dgamma, dbeta]. */
export function batchNormBackwardOnHeap(backend: HeapBackend, inputs: { dy: tf.TensorInfo; x: tf.TensorInfo; mean: tf.TensorInfo; rsq: tf.TensorInfo; scale: tf.TensorInfo }): tf.TensorInfo[] {
  const { dy, x, mean, rsq, scale } = inputs;
  const c = x.shape[x.shape.length - 1]!;
  const rows = tf.util.sizeFromShape(x.shape) / c;
  const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([c], 'float32'), backend.makeOutput([c], 'float32')];
  const [dx, dgamma, dbeta] = outs.map((t) => pointer(backend, t)) as [number, number, number];
  simdKernelsFor(backend).batchNormBackward(pointer(backend, dy), pointer(backend, x), pointer(backend, mean), pointer(backend, rsq), pointer(backend, scale), dx, dgamma, dbeta, rows, c);
  return outs;
}

/**
 * a [.., M, K] x b [.., K, N] for operands whose batch dimensions are all 1, untransposed, as one
 * SIMD pass (4 x 8 register blocks). XNNPACK's fully-connected operator packs b as weights on
 * every call, because b is new every step (a variable after its update, or a gradient).
 */
export function matMulOnHeap(backend: HeapBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const out = backend.makeOutput([...a.shape.slice(0, -1), n], 'float32');
  simdKernelsFor(backend).matMul(pointer(backend, a), pointer(backend, b), pointer(backend, out), m, k, n);
  return out;
}

/** Name of the filter gradient kernel (registered for wasm; kernels.ts calls it). */
export const FILTER_GRAD_KERNEL = 'FragmarkConv2DFilterGrad';

export interface FilterGradAttrs {
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  /** The forward convolution's padding before the first row and column. */
  top: number;
  left: number;
}

/** Outputs t with 0 <= t * stride + offset < size, as [first, end), within [0, outSize). */
function insideRange(offset: number, stride: number, size: number, outSize: number): [number, number] {
  const first = Math.max(0, Math.ceil(-offset / stride));
  const end = Math.min(outSize, Math.floor((size - 1 - offset) / stride) + 1);
  return [first, Math.max(first, end)];
}

/**
 * Filter gradient [KH, KW, Ci, Co] of a convolution (input channels % 4 == 0, output channels %
 * 8 == 0), one SIMD pass per tap over x and dy as they are (NHWC). Composed from XNNPACK it is a
 * convolution of x and dy both transposed to put the batch in the channels, with an image-sized
 * filter: the generator's transposed convolutions spent 8-11 ms each there (bench/RESULTS.md).
 */
export function conv2dFilterGradOnHeap(backend: HeapBackend, x: tf.TensorInfo, dy: tf.TensorInfo, a: FilterGradAttrs): tf.TensorInfo {
  const [batch, h, w, ci] = x.shape as [number, number, number, number];
  const [, oh, ow, co] = dy.shape as [number, number, number, number];
  const [kh, kw] = a.filterShape;
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const out = backend.makeOutput([...a.filterShape], 'float32');
  backend.typedArrayFromHeap(out).fill(0); // the SIMD kernel adds to it
  const simd = simdKernelsFor(backend);
  const [px, pdy, pout] = [pointer(backend, x), pointer(backend, dy), pointer(backend, out)];
  for (let ky = 0; ky < kh; ky++) {
    const [oy0, oy1] = insideRange(ky * dh - a.top, sh, h, oh);
    for (let kx = 0; kx < kw; kx++) {
      const [ox0, ox1] = insideRange(kx * dw - a.left, sw, w, ow);
      const tap = pout + 4 * (ky * kw + kx) * ci * co;
      simd.conv2dFilterGradTap(px, pdy, tap, batch, h, w, ci, co, oh, ow, sh, sw, oy0 * sh + ky * dh - a.top, ox0 * sw + kx * dw - a.left, oy0, oy1, ox0, ox1);
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
    {
      kernelName: BATCH_NORM_FORWARD_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) =>
        batchNormForwardOnHeap(backend as unknown as HeapBackend, inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo }, (attrs as { epsilon: number }).epsilon),
    },
    {
      kernelName: BATCH_NORM_BACKWARD_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) =>
        batchNormBackwardOnHeap(backend as unknown as HeapBackend, inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; mean: tf.TensorInfo; rsq: tf.TensorInfo; scale: tf.TensorInfo }),
    },
    {
      kernelName: FILTER_GRAD_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => conv2dFilterGradOnHeap(backend as unknown as HeapBackend, inputs['x']!, inputs['dy']!, attrs as unknown as FilterGradAttrs),
    },
    {
      kernelName: ONE_OUTPUT_CHANNEL_FILTER_GRAD_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) =>
        conv2dOneOutputChannelFilterGradOnHeap(backend as unknown as HeapBackend, inputs['x']!, inputs['dy']!, attrs as unknown as OneOutputChannelFilterGradAttrs),
    },
  ];
}
