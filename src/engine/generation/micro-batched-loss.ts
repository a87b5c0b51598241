/**
 * The generator's loss and its gradient with the classifier's passes in micro-batches
 * (model/micro-batch.ts), so that N triggers through a large classifier stay within the memory
 * budget. The result is the whole-batch one (tested to float32 rounding in
 * micro-batched-loss.test.ts):
 *
 * - By the chain rule dL/dθ = sum_i (dL/dx_i) (dx_i/dθ) for the generator's weights θ and its
 *   outputs x_i = G(z_i). The classifier's part, dL/dx, is computed micro-batch by micro-batch;
 *   then one backward pass through the generator takes the vector-Jacobian product
 *   sum(G(z) * stop(dL/dx)). The generator runs whole: its training-mode batch norm couples the
 *   triggers (batch statistics), and it is small next to the classifiers this is for.
 * - CE and MARGIN are means of per-trigger terms: micro-batch b contributes its sum / N.
 * - CE_VARIANCE's variance couples all N x K softmax entries through their mean mu. A first
 *   forward pass (micro-batched, no gradient) gives mu; each micro-batch then contributes
 *   sum_b (p - mu)^2 / (NK - 1) with mu held constant. Its gradient is exact, since
 *   d var / d p_ij = 2 (p_ij - mu) / (NK - 1): the term through mu, -2/(NK(NK-1)) sum (p - mu),
 *   is zero. (Every softmax row sums to 1, so mu is 1/K up to float32 rounding; it is computed
 *   all the same, from the same float32 values the whole-batch loss reduces.)
 */
import * as tf from '@tensorflow/tfjs';
import { logProbabilities, type Classifier } from '../model/classifier.ts';
import { forEachMicroBatch, logProbabilitiesInBatches, type MicroBatchOptions } from '../model/micro-batch.ts';
import { labelMargins, type LossSpec } from './loss.ts';

export interface GeneratorStep {
  readonly value: tf.Scalar;
  readonly grads: tf.NamedTensorMap;
  /** The generator's outputs (the current triggers), [N, ...inputShape]. */
  readonly x: tf.Tensor;
  /** Per-trigger key-label margins of x, [N]. */
  readonly margins: tf.Tensor1D;
}

/**
 * Loss value, gradients for `variables`, triggers and margins of one generator step, the
 * classifier's passes in micro-batches of `size`. The caller disposes everything returned.
 */
export function microBatchedGeneratorStep(
  classifier: Classifier,
  generate: () => tf.Tensor,
  variables: tf.Variable[],
  loss: LossSpec,
  labels: Int32Array,
  options: MicroBatchOptions,
): GeneratorStep {
  const n = labels.length;
  const K = classifier.numClasses;
  const x = tf.tidy(generate);
  const data = x.dataSync() as Float32Array;
  const D = data.length / n;
  let mu = 0;
  if (loss.kind === 'CE_VARIANCE') {
    const logp = logProbabilitiesInBatches(classifier, data, n, options);
    // The same float32 reduction as softmaxVariance's tf.mean over the whole [N, K] tensor.
    mu = tf.tidy(() => tf.mean(tf.exp(tf.tensor2d(logp, [n, K]))).dataSync()[0]!);
  }
  const dLdx = new Float32Array(n * D);
  const margins = new Float32Array(n);
  let value = 0;
  forEachMicroBatch(classifier, 'gradient', n, options, (start, count) => {
    const xb = tf.tensor(data.subarray(start * D, (start + count) * D), [count, ...classifier.inputShape]);
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.subarray(start, start + count), 'int32'), K).toFloat()) as tf.Tensor2D;
    let m: tf.Tensor | undefined;
    const { value: v, grad } = tf.valueAndGrad((xx: tf.Tensor) => {
      const logp = logProbabilities(classifier, xx);
      m = tf.keep(labelMargins(logp, oneHot));
      return partialLoss(loss, logp, oneHot, n, K, mu);
    })(xb);
    try {
      value += v.dataSync()[0]!;
      dLdx.set(grad.dataSync() as Float32Array, start * D);
      margins.set(m!.dataSync() as Float32Array, start);
    } finally {
      tf.dispose([xb, oneHot, v, grad, m!]);
    }
  });
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(generate(), tf.tensor(dLdx, x.shape))) as tf.Scalar, variables);
  return { value: tf.scalar(value), grads, x, margins: tf.tensor1d(margins) };
}

/** Micro-batch's share of the whole-batch loss (see the file comment). */
function partialLoss(spec: LossSpec, logp: tf.Tensor2D, oneHot: tf.Tensor2D, n: number, K: number, mu: number): tf.Scalar {
  return tf.tidy(() => {
    const ce = () => tf.div(tf.neg(tf.sum(tf.mul(oneHot, logp))), n);
    switch (spec.kind) {
      case 'CE_ONLY':
      case 'SENSITIVE':
      case 'JUNCTION':
        return ce() as tf.Scalar;
      case 'CE_VARIANCE': {
        const variance = tf.div(tf.sum(tf.square(tf.sub(tf.exp(logp), mu))), Math.max(1, n * K - 1));
        return tf.add(ce(), tf.mul(variance, spec.lambda)) as tf.Scalar;
      }
      case 'MARGIN': {
        const m = labelMargins(logp, oneHot);
        return tf.div(tf.sum(tf.square(tf.div(tf.sub(m, spec.marginTarget), spec.marginTarget))), n) as tf.Scalar;
      }
    }
  });
}
