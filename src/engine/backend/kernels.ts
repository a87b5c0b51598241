/**
 * Gradient kernels composed from fast forward ops.
 *
 * Why: the stock TF.js wasm backend (4.22) cannot train convolutional models. It has no
 * `Conv2DBackpropFilter` and no depthwise backprop kernels, and its `Conv2DBackpropInput`
 * (used both by the Conv2D input gradient and by the forward pass of transposed convolutions
 * in our generator) is a slow scalar loop. Trigger generation (Yin, Yin, Zhang, ICIP 2022,
 * arXiv 2208.07585) back-propagates through the frozen classifier into the generator every
 * step, so these kernels dominate generation time.
 *
 * tfjs-core's gradient configs (e.g. `Conv2D_grad`) call the ops `conv2DBackpropFilter` /
 * `conv2DBackpropInput`, which dispatch to kernels by name. We register kernels under those
 * names for the target backend; each is implemented with the backend's forward `Conv2D` /
 * `DepthwiseConv2dNative` (XNNPACK on wasm) plus cheap reshapes:
 *
 * - filter gradient: dW[kh,kw,ci,co] = sum_{b,oh,ow} x[b, oh*s + kh*d - pt, ow*s + kw*d - pl, ci] * dy[b,oh,ow,co]
 *   is a convolution of x transposed to [Ci,H,W,B] (the batch becomes the channel axis) with dy
 *   transposed to [OH,OW,B,Co] as the filter, using stride = the forward dilation and
 *   dilation = the forward stride; the result [Ci,KH,KW,Co] is transposed back.
 * - input gradient: insert (s-1) zeros between dy's rows/columns, then convolve with the
 *   spatially flipped filter (in/out channels swapped), padding (K-1)*d - pt on the top/left.
 * - depthwise variants: the same with a depthwise convolution over B*Ci channels (filter
 *   gradient, then summed over the batch) or over Ci*M channels (input gradient, then summed
 *   over the channel multiplier).
 * - on wasm, filter gradients with Ci % 4 == 0 and Co % 8 == 0, or with Co == 1 at stride 1, run
 *   as our SIMD kernels on NHWC directly (heap-kernels.ts, simd/kernels.wat): no transposes, and
 *   no GEMM with an image-sized "filter".
 *
 * Kernels run ops on the backend they are registered for (the engine dispatches nested ops to
 * the active backend), intermediate tensors are disposed with `tf.tidy`, and the nested ops are
 * not recorded on the gradient tape (kernel depth > 0), so higher-order gradients still go
 * through the tfjs-core gradient configs.
 */
import * as tf from '@tensorflow/tfjs';
import { clipGradKernel } from './clip-gradient.ts';
import { derivedFilter } from './filter-cache.ts';
import { runSliceKernel } from './slice.ts';
import { correctedWasmStridedSlice } from './strided-slice.ts';
import { conv2dOneOutputChannelOnHeap, FILTER_GRAD_KERNEL, heapKernelConfigs, matMulOnHeap, ONE_OUTPUT_CHANNEL_FILTER_GRAD_KERNEL, SUB_PIXEL_INTERLEAVE_KERNEL, type SubPixelInterleaveAttrs } from './heap-kernels.ts';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
type Pair = [number, number];

function pair(v: number | readonly number[] | undefined, dflt = 1): Pair {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  return [v[0] ?? dflt, v[1] ?? v[0] ?? dflt];
}

function assertChannelsLast(dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`fragmark gradient kernels support NHWC only (got ${String(dataFormat)})`);
  }
}

interface Geometry {
  strides: Pair;
  dilations: Pair;
  /** Padding actually applied by the forward op. */
  top: number;
  bottom: number;
  left: number;
  right: number;
  outH: number;
  outW: number;
}

function geometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: Pair,
  dilations: Pair,
  pad: Pad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
  );
  return {
    strides,
    dilations,
    top: info.padInfo.top,
    bottom: info.padInfo.bottom,
    left: info.padInfo.left,
    right: info.padInfo.right,
    outH: info.outHeight,
    outW: info.outWidth,
  };
}

/** Crops trailing rows/cols when a computed padding is negative (those inputs never reach the output). */
function cropForNegativePad(x: tf.Tensor4D, padBottom: number, padRight: number): tf.Tensor4D {
  if (padBottom >= 0 && padRight >= 0) return x;
  const [b, h, w, c] = x.shape;
  return tf.slice(x, [0, 0, 0, 0], [b, h + Math.min(0, padBottom), w + Math.min(0, padRight), c]);
}

/**
 * Gradient of a (depthwise or regular) convolution w.r.t. its filter, as a forward convolution.
 * Returns [KH, KW, Ci, Co] for regular and [KH, KW, Ci, M] for depthwise.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  stridesIn: number | readonly number[],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dilationsIn: number | readonly number[] = 1,
  depthwise = false,
): tf.Tensor4D {
  return tf.tidy(() => {
    const strides = pair(stridesIn);
    const dilations = pair(dilationsIn);
    const [kh, kw] = filterShape;
    const g = geometry(x.shape, filterShape, strides, dilations, pad, dimRoundingMode, depthwise);
    // The SIMD kernels read x and dy as they are: none of the cropping and padding below.
    if (!depthwise && filterShape[2] % 4 === 0 && filterShape[3] % 8 === 0 && tf.getKernel(FILTER_GRAD_KERNEL, tf.getBackend()) !== undefined) {
      return tf.engine().runKernel(FILTER_GRAD_KERNEL, { x, dy }, { filterShape: [...filterShape], strides, dilations, top: g.top, left: g.left }) as tf.Tensor4D;
    }
    const unitSteps = strides[0] === 1 && strides[1] === 1 && dilations[0] === 1 && dilations[1] === 1;
    if (!depthwise && unitSteps && filterShape[3] === 1 && x.shape[3] % 4 === 0 && tf.getKernel(ONE_OUTPUT_CHANNEL_FILTER_GRAD_KERNEL, tf.getBackend()) !== undefined) {
      return tf.engine().runKernel(ONE_OUTPUT_CHANNEL_FILTER_GRAD_KERNEL, { x, dy }, { filterShape: [...filterShape], top: g.top, left: g.left }) as tf.Tensor4D;
    }
    const [, h, w] = x.shape;
    // The forward op reads rows t*s + k*d - top for t < outH, k < KH; treat dy as the filter
    // of a conv with dilation s and stride d over the padded x, giving KH outputs.
    const padBottom = (kh - 1) * dilations[0] + (g.outH - 1) * strides[0] + 1 - h - g.top;
    const padRight = (kw - 1) * dilations[1] + (g.outW - 1) * strides[1] + 1 - w - g.left;
    const xc = cropForNegativePad(x, padBottom, padRight);
    const explicitPad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [g.top, Math.max(0, padBottom)],
      [g.left, Math.max(0, padRight)],
      [0, 0],
    ];
    const convStride: Pair = dilations; // forward dilation becomes the stride over kernel taps
    const convDilation: Pair = strides; // forward stride becomes the dilation over dy taps
    if (!depthwise) {
      const xt = tf.transpose(xc, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, H, W, B]
      const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [OH, OW, B, Co]
      const r = tf.conv2d(xt, dyt, convStride, explicitPad, 'NHWC', convDilation); // [Ci, KH, KW, Co]
      return tf.transpose(r, [1, 2, 0, 3]) as tf.Tensor4D;
    }
    const [b, hh, ww, ci] = xc.shape;
    const m = filterShape[3];
    // Depthwise: every (batch, channel) pair is its own channel of a depthwise conv.
    const xt = tf.reshape(tf.transpose(xc, [1, 2, 0, 3]), [1, hh, ww, b * ci]) as tf.Tensor4D;
    const dyt = tf.reshape(
      tf.transpose(tf.reshape(dy, [b, g.outH, g.outW, ci, m]), [1, 2, 0, 3, 4]),
      [g.outH, g.outW, b * ci, m],
    ) as tf.Tensor4D;
    const r = tf.depthwiseConv2d(xt, dyt, convStride, explicitPad, 'NHWC', convDilation); // [1,KH,KW,B*Ci*M]
    return tf.sum(tf.reshape(r, [kh, kw, b, ci, m]), 2) as tf.Tensor4D;
  });
}

/** Inserts (s-1) zeros between rows and columns: [B,H,W,C] -> [B,(H-1)*sh+1,(W-1)*sw+1,C]. */
export function zeroInsert(dy: tf.Tensor4D, strides: Pair): tf.Tensor4D {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return dy;
  return tf.tidy(() => {
    const [b, h, w, c] = dy.shape;
    const six = tf.reshape(dy, [b, h, 1, w, 1, c]);
    const padded = tf.pad(six, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    const flat = tf.reshape(padded, [b, h * sh, w * sw, c]);
    return tf.slice(flat, [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
  });
}

/** Gradient of a (depthwise or regular) convolution w.r.t. its input, as a forward convolution. */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: readonly [number, number, number, number],
  stridesIn: number | readonly number[],
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dilationsIn: number | readonly number[] = 1,
  depthwise = false,
): tf.Tensor4D {
  return tf.tidy(() => {
    const strides = pair(stridesIn);
    const dilations = pair(dilationsIn);
    const [kh, kw] = filter.shape;
    const g = geometry(inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, depthwise);
    const [, h, w] = inputShape;
    const effH = (kh - 1) * dilations[0] + 1;
    const effW = (kw - 1) * dilations[1] + 1;
    const top = effH - 1 - g.top;
    const left = effW - 1 - g.left;
    if (!depthwise && dilations[0] === 1 && dilations[1] === 1 && (strides[0] > 1 || strides[1] > 1)) {
      return phasedInputGrad(dy, filter, h, w, strides, top, left);
    }
    const dyz = zeroInsert(dy, strides);
    const bottom = h + effH - 1 - dyz.shape[1] - top;
    const right = w + effW - 1 - dyz.shape[2] - left;
    // Negative paddings (only with unusual explicit pads) become crops.
    let src = dyz;
    if (top < 0 || left < 0) {
      src = tf.slice(src, [0, Math.max(0, -top), Math.max(0, -left), 0], [
        src.shape[0],
        src.shape[1] - Math.max(0, -top),
        src.shape[2] - Math.max(0, -left),
        src.shape[3],
      ]);
    }
    src = cropForNegativePad(src, bottom, right);
    const explicitPad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ];
    const attrs = { strides: 1, pad: explicitPad, dataFormat: 'NHWC', dilations };
    if (!depthwise) {
      // With one input channel (an image classifier's first layer) this is a convolution to one
      // output channel, which wasm runs with its own kernel (singleOutputChannelConv2D).
      return convWithKeptFilter(src, filter, 'flipped', () => flippedFilter(filter, true), attrs, false);
    }
    const [, , ci, m] = filter.shape;
    const r = convWithKeptFilter(src, filter, 'flipped-depthwise', () => ({ ...flippedFilter(filter, false), shape: [kh, kw, ci * m, 1] }), attrs, true); // [B,H,W,Ci*M]
    return m === 1 ? r : (tf.sum(tf.reshape(r, [r.shape[0], r.shape[1], r.shape[2], ci, m]), 4) as tf.Tensor4D);
  });
}

interface FilterValues {
  readonly values: Float32Array;
  readonly shape: [number, number, number, number];
}

/**
 * A convolution (or depthwise convolution) of x with a filter derived from the weight `source`:
 * on wasm the derived filter is made once per weight and kept (filter-cache.ts, so XNNPACK packs
 * it once), elsewhere, and for one output channel (our own kernel, which reads tensors), made now.
 */
function convWithKeptFilter(x: tf.Tensor4D, source: tf.Tensor4D, key: string, make: () => FilterValues, attrs: tf.NamedAttrMap, depthwise: boolean): tf.Tensor4D {
  const kept = derivedFilter(source, key, make);
  if (kept !== undefined && (depthwise || kept.shape[3] !== 1)) {
    return tf.engine().runKernel(depthwise ? tf.DepthwiseConv2dNative : tf.Conv2D, { x, filter: kept as tf.Tensor }, attrs) as tf.Tensor4D;
  }
  const { values, shape } = make();
  const f = tf.tensor4d(values, shape);
  const a = attrs as unknown as { strides: number; pad: Pad; dilations: Pair };
  return depthwise ? tf.depthwiseConv2d(x, f, a.strides, a.pad as 'valid', 'NHWC', a.dilations) : tf.conv2d(x, f, a.strides, a.pad as 'valid', 'NHWC', a.dilations);
}

/**
 * The filter [KH, KW, Ci, Co] turned by 180 degrees in space and, with `swapChannels`, as
 * [KH, KW, Co, Ci]: the filter of an input gradient. Built in JS from the filter's values in one
 * pass: wasm's Reverse took 100-150 ms on a [3, 3, 512, 512] filter (about 50 ns per element, more
 * than the convolution it prepares for 20 inputs) and its Transpose another 20 ms
 * (bench/RESULTS.md, "Kernel speed at real sizes").
 */
export function flippedFilter(filter: tf.Tensor4D, swapChannels: boolean): FilterValues {
  const [kh, kw, ci, co] = filter.shape;
  const f = filter.dataSync() as Float32Array;
  const out = new Float32Array(f.length);
  const tap = ci * co;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = (i * kw + j) * tap;
      const dst = ((kh - 1 - i) * kw + (kw - 1 - j)) * tap;
      if (!swapChannels) {
        out.set(f.subarray(src, src + tap), dst);
        continue;
      }
      for (let c = 0; c < ci; c++) {
        const row = src + c * co;
        for (let o = 0; o < co; o++) out[dst + o * ci + c] = f[row + o]!;
      }
    }
  }
  return { values: out, shape: swapChannels ? [kh, kw, co, ci] : [kh, kw, ci, co] };
}

/**
 * The strided input gradient (also the transposed convolution's forward pass) without the
 * zero-inserted copy of `dy`: most taps of the flipped filter meet inserted zeros, so the output
 * splits into stride_h x stride_w phases, each a stride-1 convolution of `dy` itself with every
 * stride-th tap of the filter (a quarter of the multiplications of zero insertion at stride 2).
 *
 * One axis: output i = s*q + p takes the taps k with k = r (mod s), r = (T - p) mod s, where T is
 * the zero-inserted formulation's leading pad; tap r + s*t reads dy[q + t + c] with
 * c = (p + r - T) / s.
 *
 * All phases run as ONE convolution whose output channels are the phases (the sub-pixel
 * convolution of Shi et al., CVPR 2016): its window is one phase's taps (2x2 for a 4x4 filter at
 * stride 2), and the phases' differing offsets c are absorbed by computing the convolution over
 * max(c) - min(c) extra rows and columns and reading each phase's grid from its own offset while
 * interleaving (`subPixelInterleave`). Against one window covering every phase's taps (3x3 for
 * 4x4/stride 2, 2.25x the multiply-adds) this halves the convolution; against one convolution per
 * phase it keeps XNNPACK's GEMM wide (bench/RESULTS.md).
 */
function phasedInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, h: number, w: number, strides: Pair, top: number, left: number): tf.Tensor4D {
  const [, , ci] = filter.shape;
  const [sh, sw] = strides;
  const batch = dy.shape[0];
  const py = subPixelPhases(sh, filter.shape[0], top);
  const px = subPixelPhases(sw, filter.shape[1], left);
  const rowsY = Math.ceil(h / sh) + py.span;
  const colsY = Math.ceil(w / sw) + px.span;
  const source = zeroFilledWindow(zeroFilledWindow(dy, 1, py.from, rowsY + py.taps - 1), 2, px.from, colsY + px.taps - 1);
  const key = `sub-pixel ${sh} ${sw} ${top} ${left}`;
  const groups = phaseGroups(py, px);
  const stacked = convWithKeptFilter(source, filter, key, () => subPixelFilter(filter, py, px, groups), { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }, false); // [B, rowsY, colsY, (phase with taps, Ci)]
  return subPixelInterleave(stacked, { outShape: [batch, h, w, ci], strides: [sh, sw], rowShifts: py.offsets, colShifts: px.offsets, phaseGroups: groups });
}

/**
 * Per phase (ph * sw + pw), its channel group in the sub-pixel convolution's output, -1 for a
 * phase without taps: only phases with taps are computed (a 1x1 convolution at stride 2, as in
 * every ResNet's downsampling shortcut, has taps in 1 phase of 4; computing all 4 made its input
 * gradient 4x dearer).
 */
function phaseGroups(py: AxisPhases, px: AxisPhases): number[] {
  const groups: number[] = [];
  let next = 0;
  for (const a of py.phases) for (const b of px.phases) groups.push(a.taps > 0 && b.taps > 0 ? next++ : -1);
  return groups;
}

interface AxisPhases {
  /** Per phase p: r, the first filter tap of the phase; its tap count; its offset c - from in dy. */
  readonly phases: readonly { r: number; taps: number }[];
  readonly offsets: number[];
  /** Where the shared window starts in dy (the smallest c), the largest tap count, the largest offset. */
  readonly from: number;
  readonly taps: number;
  readonly span: number;
}

function subPixelPhases(s: number, k: number, lead: number): AxisPhases {
  const phases = Array.from({ length: s }, (_, p) => {
    const r = (((lead - p) % s) + s) % s;
    return { r, taps: Math.max(0, Math.ceil((k - r) / s)), shift: (p + r - lead) / s };
  });
  // Some phase always has taps: the one with r = 0 has ceil(k / s) >= 1. A phase without taps
  // (k < s) contributes zeros from any offset; 0 keeps its reads inside y.
  const used = phases.filter((q) => q.taps > 0);
  const from = Math.min(...used.map((q) => q.shift));
  const offsets = phases.map((q) => (q.taps > 0 ? q.shift - from : 0));
  return { phases, offsets, from, taps: Math.max(...phases.map((q) => q.taps)), span: Math.max(...offsets) };
}

/**
 * The sub-pixel convolution's filter [TH, TW, Co, (phase, Ci)] over the phases with taps
 * (`phaseGroups`): phase (ph, pw) holds the flipped filter's taps r + s*t in its window position
 * t, zeros where a phase has fewer taps. Built in JS from the filter's values: a few thousand
 * numbers, where wasm's GatherV2 took 0.2-1.4 ms.
 */
function subPixelFilter(filter: tf.Tensor4D, py: AxisPhases, px: AxisPhases, groups: readonly number[]): FilterValues {
  const [kh, kw, ci, co] = filter.shape;
  const sh = py.phases.length;
  const sw = px.phases.length;
  const f = filter.dataSync();
  const depth = groups.filter((g) => g >= 0).length * ci;
  const out = new Float32Array(py.taps * px.taps * co * depth);
  for (let ph = 0; ph < sh; ph++) {
    const a = py.phases[ph]!;
    for (let t = 0; t < a.taps; t++) {
      const fh = kh - 1 - (a.r + sh * t);
      for (let pw = 0; pw < sw; pw++) {
        const b = px.phases[pw]!;
        for (let v = 0; v < b.taps; v++) {
          const fw = kw - 1 - (b.r + sw * v);
          for (let o = 0; o < co; o++) {
            const dst = ((t * px.taps + v) * co + o) * depth + groups[ph * sw + pw]! * ci;
            const src = (fh * kw + fw) * ci * co + o;
            for (let c = 0; c < ci; c++) out[dst + c] = f[src + c * co]!;
          }
        }
      }
    }
  }
  return { values: out, shape: [py.taps, px.taps, co, depth] };
}

/**
 * out[b, sh*q + ph, sw*r + pw, c] = y[b, q + rowShifts[ph], r + colShifts[pw], g*C + c] with
 * g = phaseGroups[ph*sw + pw] (0 where g = -1). On wasm one pass over the heap (heap-kernels.ts);
 * elsewhere one slice per phase, a stack and a transpose (the reference the heap kernel is tested
 * against).
 */
export function subPixelInterleave(y: tf.Tensor4D, attrs: SubPixelInterleaveAttrs): tf.Tensor4D {
  if (tf.getKernel(SUB_PIXEL_INTERLEAVE_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SUB_PIXEL_INTERLEAVE_KERNEL, { y }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    const [batch, h, w, c] = attrs.outShape;
    const [sh, sw] = attrs.strides;
    const rows = Math.ceil(h / sh);
    const cols = Math.ceil(w / sw);
    const parts: tf.Tensor[] = [];
    for (let ph = 0; ph < sh; ph++) {
      for (let pw = 0; pw < sw; pw++) {
        const group = attrs.phaseGroups[ph * sw + pw]!;
        parts.push(group < 0 ? tf.zeros([batch, rows, cols, c]) : tf.slice(y, [0, attrs.rowShifts[ph]!, attrs.colShifts[pw]!, group * c], [batch, rows, cols, c]));
      }
    }
    const phases = tf.reshape(tf.stack(parts, 3), [batch, rows, cols, sh, sw, c]);
    const woven = tf.reshape(tf.transpose(phases, [0, 1, 3, 2, 4, 5]), [batch, rows * sh, cols * sw, c]) as tf.Tensor4D;
    return rows * sh === h && cols * sw === w ? woven : (tf.slice(woven, [0, 0, 0, 0], [batch, h, w, c]) as tf.Tensor4D);
  });
}

/** Rows (axis 1) or columns (axis 2) shift .. shift + length - 1 of x, zero outside x. */
function zeroFilledWindow(x: tf.Tensor4D, axis: 1 | 2, shift: number, length: number): tf.Tensor4D {
  const n = x.shape[axis];
  const front = Math.max(0, -shift);
  const start = Math.max(0, shift);
  const available = Math.max(0, Math.min(n - start, length - front));
  const back = length - front - available;
  const begin = [0, 0, 0, 0];
  const sizes = [...x.shape];
  begin[axis] = Math.min(start, n);
  sizes[axis] = available;
  const kept = available === n ? x : tf.slice(x, begin, sizes);
  const pads: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  pads[axis] = [front, back];
  return front === 0 && back === 0 ? (kept as tf.Tensor4D) : (tf.pad(kept, pads) as tf.Tensor4D);
}

type AnyAttrs = Record<string, unknown>;
type Inputs = Record<string, tf.TensorInfo>;

function asTensor4D(t: tf.TensorInfo | undefined, name: string): tf.Tensor4D {
  if (t === undefined) throw new Error(`missing kernel input ${name}`);
  // Kernel inputs are engine Tensors at run time; the type only says TensorInfo.
  return t as unknown as tf.Tensor4D;
}

function kernelConfigs(backendName: string): tf.KernelConfig[] {
  const cfg = (kernelName: string, fn: (inputs: Inputs, attrs: AnyAttrs) => tf.Tensor): tf.KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs }) => fn(inputs as Inputs, attrs as AnyAttrs) as unknown as tf.TensorInfo,
  });
  return [
    cfg(tf.Conv2DBackpropFilter, (i, a) => {
      assertChannelsLast(a['dataFormat']);
      return conv2dFilterGrad(
        asTensor4D(i['x'], 'x'),
        asTensor4D(i['dy'], 'dy'),
        a['filterShape'] as [number, number, number, number],
        a['strides'] as number[],
        a['pad'] as Pad,
        a['dimRoundingMode'] as 'floor' | undefined,
      );
    }),
    cfg(tf.Conv2DBackpropInput, (i, a) => {
      assertChannelsLast(a['dataFormat']);
      return conv2dInputGrad(
        asTensor4D(i['dy'], 'dy'),
        asTensor4D(i['filter'], 'filter'),
        a['inputShape'] as [number, number, number, number],
        a['strides'] as number[],
        a['pad'] as Pad,
        a['dimRoundingMode'] as 'floor' | undefined,
      );
    }),
    cfg(tf.DepthwiseConv2dNativeBackpropFilter, (i, a) =>
      conv2dFilterGrad(
        asTensor4D(i['x'], 'x'),
        asTensor4D(i['dy'], 'dy'),
        a['filterShape'] as [number, number, number, number],
        a['strides'] as number[],
        a['pad'] as Pad,
        a['dimRoundingMode'] as 'floor' | undefined,
        a['dilations'] as number[],
        true,
      ),
    ),
    cfg(tf.DepthwiseConv2dNativeBackpropInput, (i, a) =>
      conv2dInputGrad(
        asTensor4D(i['dy'], 'dy'),
        asTensor4D(i['filter'], 'filter'),
        a['inputShape'] as [number, number, number, number],
        a['strides'] as number[],
        a['pad'] as Pad,
        a['dimRoundingMode'] as 'floor' | undefined,
        a['dilations'] as number[],
        true,
      ),
    ),
  ];
}

export const COMPOSED_KERNEL_NAMES: readonly string[] = [
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.DepthwiseConv2dNativeBackpropFilter,
  tf.DepthwiseConv2dNativeBackpropInput,
];

/**
 * wasm's BatchMatMul with a transposed operand is about 8x slower than without ([100,100] x
 * [100,1568]: 20 ms against 2.2 ms), and every dense layer's gradient multiplies by a transposed
 * operand: we transpose explicitly first (a copy of the smaller operand, ~0.5 ms). Products
 * without batch dimensions (every dense layer) then run as our SIMD matMul (heap-kernels.ts),
 * 1.4-1.8x faster than the stock kernel on the generator's and classifier's shapes
 * (bench/RESULTS.md); batched products run the stock kernel untransposed.
 */
function explicitTransposeMatMul(stock: tf.KernelConfig): tf.KernelConfig {
  const swapLast = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [...Array(t.rank - 2).keys(), t.rank - 1, t.rank - 2]);
  return {
    ...stock,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const a = inputs['a'] as unknown as tf.Tensor;
      const b = inputs['b'] as unknown as tf.Tensor;
      const single = (t: tf.Tensor) => t.shape.slice(0, -2).every((d) => d === 1);
      const simd = single(a) && single(b) && a.dtype === 'float32' && b.dtype === 'float32';
      if (!transposeA && !transposeB) return simd ? matMulOnHeap(backend as never, a, b) : stock.kernelFunc({ inputs, attrs, backend });
      const ta = transposeA ? swapLast(a) : a;
      const tb = transposeB ? swapLast(b) : b;
      try {
        if (simd) return matMulOnHeap(backend as never, ta, tb);
        return stock.kernelFunc({ inputs: { a: ta, b: tb }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend });
      } finally {
        if (ta !== a) ta.dispose();
        if (tb !== b) tb.dispose();
      }
    },
  };
}

/**
 * A convolution with one output channel is a GEMM with one column, where XNNPACK's microkernels
 * waste most of their lanes. At stride 1 with channels % 4 == 0 our SIMD kernel runs it
 * (heap-kernels.ts); otherwise, for small filters, a depthwise convolution (vectorised over the
 * input channels) plus a sum over them is 2-3x faster than the stock kernel (bench/RESULTS.md).
 * The generator's last layer for grey-scale inputs and the input gradient of a classifier's
 * first layer are such convolutions.
 */
function singleOutputChannelConv2D(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = asTensor4D(inputs['x'], 'x');
      const filter = asTensor4D(inputs['filter'], 'filter');
      const a = attrs as unknown as { strides: number | [number, number]; pad: Pad; dataFormat: string; dilations: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
      if (filter.shape[3] !== 1 || a.dataFormat !== 'NHWC') return stock.kernelFunc({ inputs, attrs, backend });
      const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode);
      const unitSteps = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
      if (unitSteps && info.inChannels % 4 === 0) return conv2dOneOutputChannelOnHeap(backend as never, x, filter, info);
      // Small filters only: for an image-sized filter and a tiny output the GEMM wins (28x28: 7.8 ms against 14 ms).
      const smallFilter = filter.shape[0] * filter.shape[1] <= 25;
      if (filter.shape[2] === 1 || !smallFilter) return stock.kernelFunc({ inputs, attrs, backend });
      return tf.tidy(() =>
        tf.sum(tf.depthwiseConv2d(x, filter, a.strides, a.pad as 'same', 'NHWC', a.dilations, a.dimRoundingMode), 3, true),
      ) as unknown as tf.TensorInfo;
    },
  };
}

/**
 * wasm's Identity copies the tensor; tfjs-core calls it for every clone, same-dtype cast and
 * variable initialisation (about 90 times per generation step, ~3 ms). Sharing the buffer under
 * a reference count is what the cpu backend does: wasm kernels always write to fresh outputs, so
 * a shared buffer is never written twice.
 */
const sharedIdentity: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs['x']!;
    (backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

const registeredFor = new Set<string>();

/**
 * Registers the composed gradient kernels for `backendName` (replacing stock kernels of the
 * same name, e.g. wasm's slow Conv2DBackpropInput), and on wasm the explicit-transpose BatchMatMul,
 * the single-output-channel Conv2D, the heap kernels (heap-kernels.ts), Slice in runs (slice.ts)
 * and the corrected StridedSlice (strided-slice.ts).
 * Idempotent.
 */
export function registerComposedGradientKernels(backendName: string): void {
  if (registeredFor.has(backendName)) return;
  for (const config of kernelConfigs(backendName)) replaceKernel(config);
  const matMul = tf.getKernel(tf.BatchMatMul, backendName);
  if (backendName === 'wasm' && matMul !== undefined) {
    replaceKernel(explicitTransposeMatMul(matMul));
    const conv = tf.getKernel(tf.Conv2D, backendName);
    if (conv !== undefined) replaceKernel(singleOutputChannelConv2D(conv));
    for (const config of [sharedIdentity, clipGradKernel, ...heapKernelConfigs()]) replaceKernel(config);
    const slice = tf.getKernel(tf.Slice, backendName);
    if (slice !== undefined) replaceKernel(runSliceKernel(slice));
    const stridedSlice = tf.getKernel(tf.StridedSlice, backendName);
    if (stridedSlice !== undefined) replaceKernel(correctedWasmStridedSlice(stridedSlice));
  }
  registeredFor.add(backendName);
}

/** Registers `config`, first unregistering whatever kernel held its name on its backend. */
function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/**
 * Batch-norm gradient without `Tile`. tfjs-core's FusedBatchNorm gradient materialises a
 * [B,H,W,C] tile of 1/sqrt(var+eps) for dx, which is slow on wasm; broadcasting gives the
 * same values. Needed when back-propagating through a frozen classifier that has batch norm
 * (inference mode: mean/variance are the moving statistics). Registered globally (gradients
 * are backend independent); the maths is identical to tfjs-core's.
 */
export function registerBroadcastBatchNormGradient(): void {
  tf.registerGradient({
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dyIn, saved, attrs) => {
      const dy = dyIn as tf.Tensor;
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const scaleValue = scale ?? tf.scalar(1);
      const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const rsq = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      const reduce = (t: tf.Tensor): tf.Tensor =>
        tf.reshape(reductionAxes.length > 0 ? tf.sum(t, reductionAxes) : t, mean.shape);
      return {
        x: () => tf.reshape(tf.mul(tf.mul(dy, rsq), scaleValue), x.shape),
        mean: () => reduce(tf.mul(tf.mul(rsq, tf.scalar(-1)), tf.mul(dy, scaleValue))),
        variance: () =>
          reduce(
            tf.mul(
              tf.mul(tf.mul(tf.mul(tf.mul(rsq, rsq), rsq), tf.scalar(-0.5)), tf.sub(x, mean)),
              tf.mul(dy, scaleValue),
            ),
          ),
        scale: () => reduce(tf.mul(dy, tf.mul(tf.sub(x, mean), rsq))),
        offset: () => reduce(dy),
      };
    },
  });
}
