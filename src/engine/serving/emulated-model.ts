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
import type { Classifier } from '../model/classifier.ts';
import type { Numerics, Rounding } from './number-formats.ts';

/**
 * A new classifier computing `classifier` under `numerics` (dispose it when done). FP32 gives a
 * plain copy. `rounding: 'truncate'` converts TF32/BF16 operands toward zero. Each format
 * implements the rules above on its own graph (`Classifier.emulate`).
 */
export function emulateNumerics(classifier: Classifier, numerics: Numerics, rounding: Rounding = 'nearest'): Promise<Classifier> {
  return classifier.emulate(numerics, rounding);
}
