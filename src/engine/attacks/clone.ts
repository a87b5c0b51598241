/**
 * Model copies and weight rewrites shared by the attacks. Every attack works on a copy made
 * here, so the original model is never modified (its weights digest stays the same).
 */
import * as tf from '@tensorflow/tfjs';
import { cloneModel } from '../model/formats/tfjs-layers/save-layers.ts';

export { cloneModel };

/**
 * Copies `model` and replaces each weight's values with `rewrite(name, values, shape)` (values
 * are a fresh Float32Array the callback may modify in place and return). Non-float weights are
 * copied unchanged.
 */
export async function rewriteWeights(
  model: tf.LayersModel,
  rewrite: (name: string, values: Float32Array, shape: readonly number[]) => Float32Array,
): Promise<tf.LayersModel> {
  const copy = await cloneModel(model);
  const replacements = copy.weights.map((w) => {
    const t = w.read();
    if (t.dtype !== 'float32') return tf.clone(t);
    const values = Float32Array.from(t.dataSync() as Float32Array);
    return tf.tensor(rewrite(w.originalName, values, t.shape), t.shape, 'float32');
  });
  try {
    copy.setWeights(replacements);
  } finally {
    tf.dispose(replacements);
  }
  return copy;
}
