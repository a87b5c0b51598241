/**
 * MARGIN (ours, method.md "Measured"): the paper's loss stopped early leaves triggers far from the
 * boundary; MARGIN drives every trigger's key-label margin to a small target (default 1e-3) with
 * a squared error normalised by the target, and stops once every margin is within a factor 2.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MARGIN_TARGET, labelMargins } from '../loss.ts';
import { allCorrect, asAccepted, fixedMarginOnly, positiveMarginTarget } from './common.ts';
import type { Objective } from './objective.ts';

export const margin: Objective<'MARGIN'> = {
  kind: 'MARGIN',
  normalise: (spec) => ({ kind: 'MARGIN', marginTarget: positiveMarginTarget(spec.marginTarget, DEFAULT_MARGIN_TARGET) }),
  checkFits: (domain, profile) => fixedMarginOnly('MARGIN', domain, profile),
  warmStartLoss: (spec, logp, oneHot) =>
    tf.tidy(() => {
      const m = labelMargins(logp, oneHot);
      return tf.mean(tf.square(tf.div(tf.sub(m, spec.marginTarget), spec.marginTarget))) as tf.Scalar;
    }),
  converged(spec, margins) {
    if (!allCorrect(margins)) return false;
    for (const m of margins) if (m < spec.marginTarget / 2 || m > spec.marginTarget * 2) return false;
    return true;
  },
  refine: (_spec, context) => asAccepted(context),
};
