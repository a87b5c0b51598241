/**
 * Slice on wasm, copied in runs as long as the layout allows.
 *
 * Why: the stock wasm Slice (tfjs-backend-wasm 4.22, kernels/Slice.ts) copies a rank-4 slice one
 * innermost row at a time, making a typed-array view per row: cutting the border off a
 * [8, 114, 114, 96] activation (the gradient of a ZeroPadding2D) took 168 ms, and the zero-inserted
 * copy of a strided convolution's input gradient ([8, 112, 112, 96] -> [8, 111, 111, 96]) 227 ms
 * (bench/RESULTS.md, "Kernel speed at real sizes"). Those slices keep every trailing axis past the
 * last one they cut, so each (batch, row) is one contiguous run: here every run is one copy.
 *
 * The run is found by merging axes from the end: the innermost axis the slice cuts, together with
 * every full axis after it, is contiguous in both x and the output. Strings go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';

interface SliceBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export function runSlice(backend: SliceBackend, x: tf.TensorInfo, begin: readonly number[], size: readonly number[]): tf.TensorInfo {
  const shape = x.shape;
  const rank = shape.length;
  const out = backend.makeOutput([...size], x.dtype);
  // Views after the allocation: makeOutput may grow (and move) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  // Axes from `inner` on form one contiguous run: axis `inner` may be cut, the ones after it are full.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  let run = 1;
  for (let a = inner; a < rank; a++) run *= size[a]!;
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  let base = 0;
  for (let a = 0; a < rank; a++) base += begin[a]! * strides[a]!;
  const runs = dst.length / run;
  // Odometer over the outer axes 0 .. inner - 1.
  const index = new Array<number>(inner).fill(0);
  let from = base;
  for (let r = 0; r < runs; r++) {
    dst.set(src.subarray(from, from + run), r * run);
    for (let a = inner - 1; a >= 0; a--) {
      if (++index[a]! < size[a]!) {
        from += strides[a]!;
        break;
      }
      from -= (size[a]! - 1) * strides[a]!;
      index[a] = 0;
    }
  }
  return out;
}

/** The stock wasm Slice with every non-string slice copied in runs (`runSlice`). */
export function runSliceKernel(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const x = args.inputs['x']!;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
      return runSlice(args.backend as unknown as SliceBackend, x, begin!, size!);
    },
  };
}
