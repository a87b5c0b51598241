/**
 * CE_VARIANCE: the paper's objective, L = CE(f(G(z)), k) + lambda * var(softmax(f(G(z)))) with
 * lambda = 150 (Yin, Yin, Zhang 2022, Eq. 2): the variance term flattens the softmax, pushing
 * triggers towards decision boundaries.
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../errors.ts';
import { crossEntropy, PAPER_LAMBDA, softmaxVariance } from '../loss.ts';
import { allCorrect, asAccepted } from './common.ts';
import type { Objective } from './objective.ts';

export const ceVariance: Objective<'CE_VARIANCE'> = {
  kind: 'CE_VARIANCE',
  normalise(spec) {
    const lambda = spec.lambda ?? PAPER_LAMBDA;
    if (!Number.isFinite(lambda) || lambda < 0) throw new EngineError('INVALID_ARGUMENT', `lambda must be a finite number >= 0`);
    return { kind: 'CE_VARIANCE', lambda };
  },
  checkFits: () => {},
  warmStartLoss: (spec, logp, oneHot) => tf.tidy(() => tf.add(crossEntropy(logp, oneHot), tf.mul(softmaxVariance(logp), spec.lambda)) as tf.Scalar),
  converged: (_spec, margins) => allCorrect(margins),
  refine: (_spec, context) => asAccepted(context),
};
