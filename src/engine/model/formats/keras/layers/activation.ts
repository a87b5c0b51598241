/**
 * Activation layers (https://keras.io/api/layers/activation_layers/) and the activation names
 * accepted in an `activation` key. Keras 3 renamed LeakyReLU's `alpha` to `negative_slope`; TF.js
 * keeps `alpha`. ReLU's `negative_slope` and `threshold` are not in TF.js's ReLU.
 */
import { isZero, type LayerRule } from './layer-rule.ts';

export const activationRules: Readonly<Record<string, LayerRule>> = {
  ReLU: { keep: ['max_value'], inert: { negative_slope: isZero, threshold: isZero } },
  LeakyReLU: { keep: ['alpha'], rename: { negative_slope: 'alpha' } },
  PReLU: { keep: ['shared_axes'] },
  ELU: { keep: ['alpha'] },
  Softmax: { keep: ['axis'] },
};

/**
 * Activation names (Keras -> TF.js, snake_case: TF.js camel-cases config strings) whose functions agree. Not here: Keras 3 `hard_sigmoid`
 * (relu6(x + 3) / 6) differs from TF.js's (0.2 x + 0.5, the Keras 2 one); `leaky_relu`,
 * `hard_silu`, `exponential` and others have no TF.js activation.
 */
export const ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  log_softmax: 'log_softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  tanh: 'tanh',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  gelu: 'gelu',
};
