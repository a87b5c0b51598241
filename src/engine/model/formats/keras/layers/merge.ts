/**
 * Merging (https://keras.io/api/layers/merging_layers/) and reshaping layers with several inputs
 * or padding. TF.js has no Subtract layer.
 */
import type { LayerRule } from './layer-rule.ts';

export const mergeRules: Readonly<Record<string, LayerRule>> = {
  Add: { keep: [] },
  Multiply: { keep: [] },
  Average: { keep: [] },
  Maximum: { keep: [] },
  Minimum: { keep: [] },
  Concatenate: { keep: ['axis'] },
  ZeroPadding2D: { keep: ['padding', 'data_format'] },
  Cropping2D: { keep: ['cropping', 'data_format'] },
  UpSampling2D: { keep: ['size', 'data_format', 'interpolation'] },
};
