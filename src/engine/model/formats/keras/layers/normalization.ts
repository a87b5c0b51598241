/**
 * Normalization (https://keras.io/api/layers/normalization_layers/). BatchNormalization weights
 * gamma, beta, moving_mean, moving_variance (gamma/beta absent without scale/center), the same
 * order in Keras 3 (trainable then non-trainable) and TF.js. Batch renormalisation (Keras 2) and
 * RMS scaling (Keras 3 LayerNormalization) have no TF.js counterpart.
 */
import { isFalse, type LayerRule } from './layer-rule.ts';

export const normalizationRules: Readonly<Record<string, LayerRule>> = {
  BatchNormalization: {
    keep: ['axis', 'epsilon', 'center', 'scale'],
    inert: { renorm: isFalse, renorm_clipping: { ok: (v) => v === null || v === undefined || (typeof v === 'object' && Object.keys(v as object).length === 0), expected: 'null' } },
    trainingOnly: ['momentum', 'synchronized', 'renorm_momentum', 'fused', 'virtual_batch_size', 'adjustment'],
  },
  LayerNormalization: { keep: ['axis', 'epsilon', 'center', 'scale'], inert: { rms_scaling: isFalse } },
};
