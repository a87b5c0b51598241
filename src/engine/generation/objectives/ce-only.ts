/** CE_ONLY: the paper's G_cla ablation, cross-entropy alone (Yin, Yin, Zhang 2022, ablation study). */
import { crossEntropy } from '../loss.ts';
import { allCorrect, asAccepted } from './common.ts';
import type { Objective } from './objective.ts';

export const ceOnly: Objective<'CE_ONLY'> = {
  kind: 'CE_ONLY',
  normalise: () => ({ kind: 'CE_ONLY' }),
  checkFits: () => {},
  warmStartLoss: (_spec, logp, oneHot) => crossEntropy(logp, oneHot),
  converged: (_spec, margins) => allCorrect(margins),
  refine: (_spec, context) => asAccepted(context),
};
