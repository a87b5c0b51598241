/**
 * Convolutions (Keras 3 `keras.layers.Conv*`, https://keras.io/api/layers/convolution_layers/).
 * Weights: kernel [kh, kw, in, out] (depthwise [kh, kw, in, multiplier]), bias [out], the same
 * layout in Keras and TF.js. `groups` > 1 (grouped convolution) has no TF.js counterpart.
 */
import { isNullish, isOne, type LayerRule } from './layer-rule.ts';

const CONV = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias'];

export const convolutionRules: Readonly<Record<string, LayerRule>> = {
  Conv1D: { keep: CONV, inert: { groups: isOne } },
  Conv2D: { keep: CONV, inert: { groups: isOne } },
  Conv2DTranspose: { keep: CONV, inert: { output_padding: isNullish } },
  DepthwiseConv2D: { keep: ['depth_multiplier', ...CONV.filter((k) => k !== 'filters')] },
  SeparableConv2D: { keep: ['depth_multiplier', ...CONV] },
};
