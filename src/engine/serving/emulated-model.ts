/**
 * A copy of a classifier that computes the way a GPU serving stack does in a reduced format.
 *
 * What the emulation rounds (round to nearest even, float32 everywhere else):
 * - TF32: both operands of every convolution and dense product (kernels once, inputs on every
 *   call); accumulation, bias, batch norm and activations stay float32. This is what cuDNN and
 *   cuBLAS do with `allow_tf32`.
 * - FP16 / BF16: a model cast with `.half()` / `.bfloat16()`: every weight, the input, and every
 *   layer's output are stored in the format; products still accumulate in float32, as tensor
 *   cores do. A product layer's built-in activation runs on its output *after* that output is
 *   stored in the format (PyTorch rounds the logits, then applies softmax): rounding only the
 *   probabilities missed ties between logits that PyTorch's bf16 resolved to the other class.
 * It does not reproduce a GPU's summation order or its kernels' internal tiling: those add noise
 * of the order of float32 rounding, far below the formats' own rounding. The profiles' safety
 * factor (profiles.ts) covers the difference.
 */
import * as tf from '@tensorflow/tfjs';
import { cloneModel } from '../attacks/clone.ts';
import { classifierFromModel, type Classifier } from '../model/classifier.ts';
import { roundArrayTo, type Numerics, type Rounding } from './number-formats.ts';

/** Layers whose core is a product of an input and a kernel: their operands are rounded. */
const PRODUCT_LAYERS = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

function roundTensor(format: Numerics, t: tf.Tensor, rounding: Rounding = 'nearest'): tf.Tensor {
  if (t.dtype !== 'float32') return t;
  return tf.tensor(roundArrayTo(format, Float32Array.from(t.dataSync() as Float32Array), rounding), t.shape, 'float32');
}

function roundAll(format: Numerics, value: tf.Tensor | tf.Tensor[], rounding: Rounding): tf.Tensor | tf.Tensor[] {
  return Array.isArray(value) ? value.map((t) => roundTensor(format, t, rounding)) : roundTensor(format, value, rounding);
}

/**
 * A new classifier computing `classifier` under `numerics` (dispose its model when done). FP32
 * gives a plain copy. `rounding: 'truncate'` converts TF32/BF16 operands toward zero.
 */
export async function emulateNumerics(classifier: Classifier, numerics: Numerics, rounding: Rounding = 'nearest'): Promise<Classifier> {
  const copy = await cloneModel(classifier.model);
  if (numerics === 'FP32') return { ...classifierFromModel(copy), outputKind: classifier.outputKind };
  const storesActivations = numerics === 'FP16' || numerics === 'BF16';
  for (const layer of copy.layers) {
    const isProduct = PRODUCT_LAYERS.has(layer.getClassName());
    if (!isProduct && !storesActivations) continue;
    const weights = layer.getWeights();
    if (weights.length > 0) {
      const rounded = weights.map((w) =>
        w.dtype === 'float32' && (storesActivations || w.rank >= 2) ? roundTensor(numerics, w, rounding) : tf.clone(w),
      );
      layer.setWeights(rounded);
      tf.dispose(rounded);
    }
    // The layer's own activation, applied below after the product is rounded (see above).
    const ownActivation = storesActivations && isProduct ? takeActivation(layer) : undefined;
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) =>
      tf.tidy(() => {
        const out = call(roundAll(numerics, inputs, rounding), kwargs);
        if (!storesActivations) return out;
        const stored = roundAll(numerics, out, rounding);
        if (ownActivation === undefined || Array.isArray(stored)) return stored;
        return roundTensor(numerics, ownActivation.apply(stored), rounding);
      });
  }
  return { ...classifierFromModel(copy), outputKind: classifier.outputKind };
}

interface ActivationFn {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}

/** Replaces a layer's built-in activation by the identity and returns it (undefined if linear). */
function takeActivation(layer: tf.layers.Layer): ActivationFn | undefined {
  const holder = layer as unknown as { activation?: ActivationFn | null };
  const own = holder.activation;
  if (own === null || own === undefined || own.getClassName() === 'linear') return undefined;
  holder.activation = { getClassName: () => 'linear', apply: (x) => x };
  return own;
}
