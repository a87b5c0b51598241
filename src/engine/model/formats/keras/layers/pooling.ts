/** Pooling (https://keras.io/api/layers/pooling_layers/). `keepdims` (Keras 2.6+) is not in TF.js. */
import { isFalse, type LayerRule } from './layer-rule.ts';

const POOL: LayerRule = { keep: ['pool_size', 'strides', 'padding', 'data_format'] };
const GLOBAL: LayerRule = { keep: ['data_format'], inert: { keepdims: isFalse } };

export const poolingRules: Readonly<Record<string, LayerRule>> = {
  MaxPooling1D: POOL,
  MaxPooling2D: POOL,
  AveragePooling1D: POOL,
  AveragePooling2D: POOL,
  GlobalAveragePooling1D: GLOBAL,
  GlobalAveragePooling2D: GLOBAL,
  GlobalMaxPooling1D: GLOBAL,
  GlobalMaxPooling2D: GLOBAL,
};
