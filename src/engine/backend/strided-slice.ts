/**
 * StridedSlice: a gradient (tfjs-core 4.22 has none) and a corrected wasm kernel.
 *
 * Why: TF.js Graph models (tensorflowjs_converter output) use `StridedSlice` for Python-style
 * indexing, e.g. a channel flip `x[..., ::-1]` in a preprocessing block, or `tf.shape(x)[0]` in
 * the shape subgraph of a `Flatten`. Trigger generation back-propagates through the classifier
 * into its input, so a StridedSlice on the data path needs a gradient, and shape subgraphs
 * need correct int32 values.
 *
 * - Gradient (TF's `StridedSliceGrad`, tensorflow/core/kernels/strided_slice_op.cc): dx has x's
 *   shape, zeros except at the selected positions, where it holds dy. Built from differentiable
 *   ops (reshape, reverse, pad, slice) so that higher-order gradients work: per axis, a negative
 *   stride becomes a positive one over the reversed dy, stride s spreads dy with s-1 zeros
 *   between entries, and padding places the result at `begin`.
 * - wasm kernel: the stock kernel (tfjs-backend-wasm 4.22, kernels/StridedSlice.ts) allocates its
 *   output as float32 on the general path (any stride other than 1 on a non-leading axis, every
 *   negative stride), so an int32 input comes back as float32 denormals (`[1, 28, 28, 3][::-1]`
 *   gave 4.2e-45, ...); and that path walks the output shape without shrunk axes against begin
 *   and stride arrays over all of x's axes, so `x[1:, ::-2, 1]` reads the wrong entries (the cpu
 *   backend's general path, StridedSlice_impl.ts, has the same mistake). Those cases (a non-float32
 *   input or a shrunk axis on the general path) are computed here in JS, walking the selection over
 *   x's axes; everything else runs the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';

interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

function sliceInfoOf(shape: readonly number[], a: StridedSliceAttrs): tf.slice_util.SliceInfo {
  return tf.slice_util.sliceInfo([...shape], a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
}

/**
 * The selection's extent along every axis of x (TF's "processing shape": a shrunk axis counts 1,
 * new axes are absent), from sliceInfo's canonical per-axis begin, end and stride.
 */
function selectionCounts(info: tf.slice_util.SliceInfo, rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => {
    const span = info.end[i]! - info.begin[i]!;
    const stride = info.strides[i]!;
    return span === 0 || span < 0 !== stride < 0 ? 0 : Math.ceil(span / stride);
  });
}

/**
 * dx of y = stridedSlice(x): dy (shaped as the slice's output) scattered into zeros of x's shape.
 * Exported for tests; `xShape` is x's shape, `attrs` the forward op's attributes.
 */
export function stridedSliceGrad(dy: tf.Tensor, xShape: readonly number[], attrs: StridedSliceAttrs): tf.Tensor {
  return tf.tidy(() => {
    const info = sliceInfoOf(xShape, attrs);
    const counts = selectionCounts(info, xShape.length);
    if (counts.some((n) => n === 0)) return tf.zeros([...xShape], dy.dtype);
    let g = tf.reshape(dy, counts);
    for (let axis = 0; axis < xShape.length; axis++) {
      const n = counts[axis]!;
      let begin = info.begin[axis]!;
      let stride = info.strides[axis]!;
      if (stride < 0) {
        // Entries run backwards from `begin`: reversed, they run forwards from the last one.
        g = tf.reverse(g, axis);
        begin += (n - 1) * stride;
        stride = -stride;
      }
      if (stride > 1 && n > 1) g = spreadAlongAxis(g, axis, stride);
      const extent = (n - 1) * stride + 1;
      const after = xShape[axis]! - begin - extent;
      if (begin < 0 || after < 0) throw new Error(`StridedSlice gradient: axis ${axis} selection [${begin}, ${begin + extent}) lies outside size ${xShape[axis]}`);
      if (begin > 0 || after > 0) {
        const pads = xShape.map(() => [0, 0] as [number, number]);
        pads[axis] = [begin, after];
        g = tf.pad(g, pads);
      }
    }
    return g;
  });
}

/** Inserts stride-1 zeros after every entry along `axis` except the last: n -> (n-1)*stride+1. */
function spreadAlongAxis(g: tf.Tensor, axis: number, stride: number): tf.Tensor {
  const shape = g.shape;
  const n = shape[axis]!;
  const withSlot = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
  const pads = withSlot.map(() => [0, 0] as [number, number]);
  pads[axis + 1] = [0, stride - 1];
  const spread = tf.reshape(tf.pad(tf.reshape(g, withSlot), pads), [...shape.slice(0, axis), n * stride, ...shape.slice(axis + 1)]);
  const size = [...spread.shape];
  size[axis] = (n - 1) * stride + 1;
  return tf.slice(spread, spread.shape.map(() => 0), size);
}

/** Registers the StridedSlice gradient (backend independent). Idempotent: registration replaces. */
export function registerStridedSliceGradient(): void {
  tf.registerGradient({
    kernelName: tf.StridedSlice,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => stridedSliceGrad(dy as tf.Tensor, x.shape, attrs as unknown as StridedSliceAttrs) };
    },
  });
}

interface WasmBackendLike {
  readSync(dataId: tf.DataId): ArrayLike<number> | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

/**
 * The stock wasm StridedSlice, except for non-float32 inputs on its general path (see above),
 * which are sliced here in JS (shape tensors: a handful of values).
 */
export function correctedWasmStridedSlice(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const x = args.inputs['x']!;
      const attrs = args.attrs as unknown as StridedSliceAttrs;
      const info = sliceInfoOf(x.shape, attrs);
      if (info.isIdentity || info.sliceDim0 || info.isSimpleSlice) return stock.kernelFunc(args);
      // The stock general path walks finalShapeSparse, which drops shrunk axes, with per-axis
      // begin and stride over all of x's axes: with a shrunk axis it reads the wrong entries.
      const shrinks = info.finalShapeSparse.length !== x.shape.length;
      if (x.dtype === 'float32' && !shrinks) return stock.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackendLike;
      const values = backend.readSync(x.dataId);
      // Walk the selection in row-major order over x's axes; its order is the output's order.
      const counts = selectionCounts(info, x.shape.length);
      const size = counts.reduce((a, b) => a * b, 1);
      const out = x.dtype === 'bool' ? new Uint8Array(size) : x.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
      const xStrides = [...tf.util.computeStrides(x.shape), 1];
      for (let i = 0; i < size; i++) {
        let rest = i;
        let src = 0;
        for (let d = counts.length - 1; d >= 0; d--) {
          const loc = rest % counts[d]!;
          rest = Math.floor(rest / counts[d]!);
          src += (loc * info.strides[d]! + info.begin[d]!) * xStrides[d]!;
        }
        out[i] = values[src]!;
      }
      return backend.makeOutput(info.finalShape, x.dtype, undefined, out);
    },
  };
}
