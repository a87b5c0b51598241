/**
 * Trigger-generation objectives: their specs, defaults and the loss terms they share. Each
 * objective's own rules (defaults, warm-start loss, convergence, refinement) are one file in
 * objectives/. The warm-start losses are minimised over the generator's weights only.
 *
 * Yin, Yin, Zhang (ICIP 2022, arXiv 2208.07585):
 *
 *     L = CE( f(G(z)), k ) + lambda * mean( var( softmax( f(G(z)) ) ) )
 *
 * with `var` over all N x K softmax entries (a single scalar; the reference uses the unbiased
 * estimator, as torch.var does) and lambda = 150. Minimising the variance flattens the softmax,
 * which pushes triggers towards decision boundaries (fragility); CE keeps the argmax on the key
 * label. `CE_ONLY` is the paper's G_cla ablation.
 *
 * `MARGIN` is our extension (method.md, "Measured"): the paper's loss with early stopping leaves
 * triggers far from the boundary (median top-1 minus top-2 logit margin 0.55), so almost no
 * one-step fine-tuning is detected. MARGIN drives every trigger's margin to a small target
 * (default 1e-3, well above the ~1e-6 float noise) with a squared error on the margin,
 * normalised by the target so the scale does not depend on it.
 *
 * All objectives take log-probabilities (see model/classifier.ts: logits up to a per-row constant),
 * so margins equal logit margins whether the model outputs softmax or logits.
 */
import * as tf from '@tensorflow/tfjs';

export type LossKind = 'CE_ONLY' | 'CE_VARIANCE' | 'MARGIN' | 'SENSITIVE' | 'JUNCTION';

export type LossSpec =
  | { readonly kind: 'CE_ONLY' }
  | { readonly kind: 'CE_VARIANCE'; readonly lambda: number }
  | { readonly kind: 'MARGIN'; readonly marginTarget: number }
  /**
   * Ours (see generation/refine.ts): generator warm start with CE, then the inputs are optimised
   * so that each trigger's key-label margin falls below -marginTarget on simulated changed models
   * (a short simulated fine-tune on reference data, or weight noise without data) while its margin
   * on the clean model is finally projected to marginTarget.
   */
  | { readonly kind: 'SENSITIVE'; readonly marginTarget: number; readonly flipWeight: number }
  /**
   * Ours, the default (see generation/junction.ts): generator warm start with CE, then each
   * trigger is moved onto the junction of its key label and its `competitors` strongest other
   * classes, leading each of them by marginTarget.
   */
  | { readonly kind: 'JUNCTION'; readonly marginTarget: number; readonly competitors: number };

export const PAPER_LAMBDA = 150;
export const DEFAULT_MARGIN_TARGET = 1e-3;
export const DEFAULT_FLIP_WEIGHT = 1;
/** JUNCTION ties the key label with this many competitors (all others for 10 classes). */
export const DEFAULT_JUNCTION_COMPETITORS = 9;
/** Models with more classes than this tie MANY_CLASSES_COMPETITORS by default. */
export const MANY_CLASSES = 100;
/**
 * With 1000 classes a trigger's tied set grows on the way anyway (classes that overtake the key
 * label join it: 12-18 classes at the end with k = 9 on MobileNetV2 224), and each competitor
 * costs a backward pass per iteration: k = 5 placed 100 triggers in 293 s where k = 9 took 407 s,
 * both flipping 100% under a one-step fine-tune and weight noise (bench/RESULTS.md, "Weight noise
 * at 224x224").
 */
export const MANY_CLASSES_COMPETITORS = 5;

/** JUNCTION's k when the caller does not choose it. */
export function defaultJunctionCompetitors(numClasses: number): number {
  return numClasses > MANY_CLASSES ? MANY_CLASSES_COMPETITORS : DEFAULT_JUNCTION_COMPETITORS;
}
/** Default objective: JUNCTION (bench/RESULTS.md, issue 4). The paper's loss: `PAPER_LOSS`. */
export const DEFAULT_LOSS: LossSpec = { kind: 'JUNCTION', marginTarget: DEFAULT_MARGIN_TARGET, competitors: DEFAULT_JUNCTION_COMPETITORS };
export const PAPER_LOSS: LossSpec = { kind: 'CE_VARIANCE', lambda: PAPER_LAMBDA };

/** Mean cross-entropy of log-probabilities against one-hot labels. */
export function crossEntropy(logp: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), 1))) as tf.Scalar);
}

/** Unbiased variance of all N x K softmax entries (the paper's var term). */
export function softmaxVariance(logp: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.exp(logp);
    const n = p.size;
    const centred = tf.sub(p, tf.mean(p));
    return tf.div(tf.sum(tf.square(centred)), Math.max(1, n - 1)) as tf.Scalar;
  });
}

/** Per-trigger margin: log p[label] - max over other classes (= logit margin). [N] */
export function labelMargins(logp: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const target = tf.sum(tf.mul(oneHot, logp), 1);
    // Mask the label column with a large negative value before the max over the others.
    const others = tf.max(tf.add(logp, tf.mul(oneHot, -1e9)), 1);
    return tf.sub(target, others) as tf.Tensor1D;
  });
}
