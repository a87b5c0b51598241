/**
 * Core layers (https://keras.io/api/layers/core_layers/ and regularization layers): Dense,
 * Activation, Flatten, Reshape, Permute, RepeatVector, and the layers that are the identity at
 * inference (Dropout, SpatialDropout, GaussianNoise, GaussianDropout): the engine always calls
 * models in inference mode.
 */
import { isFalse, isNullish, type LayerRule } from './layer-rule.ts';

const DROPOUT: LayerRule = { keep: ['rate'], trainingOnly: ['seed', 'noise_shape', 'data_format'] };

export const coreRules: Readonly<Record<string, LayerRule>> = {
  InputLayer: { keep: ['batch_input_shape', 'sparse'], rename: { batch_shape: 'batch_input_shape' }, inert: { ragged: isFalse, optional: isFalse, input_tensor: isNullish } },
  Dense: { keep: ['units', 'activation', 'use_bias'], inert: { lora_rank: isNullish, lora_alpha: isNullish, quantization_config: isNullish } },
  Activation: { keep: ['activation'] },
  Flatten: { keep: ['data_format'] },
  Reshape: { keep: ['target_shape'] },
  Permute: { keep: ['dims'] },
  RepeatVector: { keep: ['n'] },
  Dropout: DROPOUT,
  SpatialDropout1D: DROPOUT,
  GaussianNoise: { keep: ['stddev'], trainingOnly: ['seed'] },
  GaussianDropout: DROPOUT,
};
