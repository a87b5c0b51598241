/**
 * Serving numerics (TF32, FP16, BF16) emulated on a TF.js Layers model; the rules are in
 * serving/emulated-model.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { roundArrayTo, type Numerics, type Rounding } from '../../../serving/number-formats.ts';
import type { Classifier } from '../../classifier.ts';
import { layersClassifier, type LayersClassifierOptions } from './layers-classifier.ts';
import { cloneModel } from './save-layers.ts';

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
 * A copy of a Layers model computing under `numerics`, with the rules of serving/emulated-model.ts:
 * each layer's weights are rounded once and its `call` wrapped to round inputs and outputs.
 */
export async function emulateLayersModel(
  model: tf.LayersModel,
  options: LayersClassifierOptions,
  numerics: Numerics,
  rounding: Rounding,
): Promise<Classifier> {
  const copy = await cloneModel(model);
  // The copy's softmax activation may be taken out below and re-applied: keep the original's output kind.
  if (numerics === 'FP32') return layersClassifier(copy, options);
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
  // The layers' wrapped calls do the rounding: the model runs as it is, never through an inference plan.
  return layersClassifier(copy, { ...options, inferencePlan: false });
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
