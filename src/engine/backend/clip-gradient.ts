/**
 * The gradient of ClipByValue (ReLU6 in MobileNetV2, Sandler et al. 2018; ONNX `Clip(0, 6)`,
 * Keras `ReLU(max_value=6)`) in one pass: dx = dy where min <= x <= max, 0 elsewhere (NaN: 0).
 *
 * Why: tfjs-core 4.22's gradient (ClipByValue_grad.ts) runs GreaterEqual, LessEqual, LogicalAnd,
 * ZerosLike and Select, five full passes over the activation, each a slow loop on wasm: on
 * MobileNetV2 (224x224) they took about a quarter of the forward + input-gradient pass
 * (bench/RESULTS.md, "Kernel speed at real sizes"). On wasm one SIMD loop over the heap
 * (simd/kernels.wat, `clipGrad`) replaces them; a JavaScript loop there still took 30% of the
 * pass (bench/RESULTS.md, "PyTorch at its best micro-batch"). Elsewhere tfjs-core's composition
 * runs, with the same values.
 */
import * as tf from '@tensorflow/tfjs';
import { clipGradOnHeap } from './heap-kernels.ts';

export const CLIP_GRAD_KERNEL = 'FragmarkClipByValueGrad';

interface ClipGradAttrs {
  clipValueMin: number;
  clipValueMax: number;
}

/** The wasm kernel: one SIMD pass over dy and x on the heap. */
export const clipGradKernel: tf.KernelConfig = {
  kernelName: CLIP_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const { clipValueMin, clipValueMax } = attrs as unknown as ClipGradAttrs;
    return clipGradOnHeap(backend as never, dy, x, clipValueMin, clipValueMax);
  },
};

/** Registers the ClipByValue gradient (global; the heap kernel where the backend has it). */
export function registerClipByValueGradient(): void {
  tf.registerGradient({
    kernelName: tf.ClipByValue,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as tf.Tensor[])[0]!;
      const { clipValueMin, clipValueMax } = attrs as unknown as ClipGradAttrs;
      const grad = dy as tf.Tensor;
      return {
        x: () =>
          tf.getKernel(CLIP_GRAD_KERNEL, tf.getBackend()) !== undefined && x.dtype === 'float32' && grad.dtype === 'float32' && x.size === grad.size
            ? (tf.engine().runKernel(CLIP_GRAD_KERNEL, { dy: grad, x }, { clipValueMin, clipValueMax }) as tf.Tensor)
            : tf.where(tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)), grad, tf.zerosLike(grad)),
      };
    },
  });
}
