/**
 * JUNCTION (ours, the default; generation/junction.ts): a cross-entropy warm start, then each
 * trigger is moved onto the junction of its key label and its `competitors` strongest other
 * classes, leading each of them by marginTarget. Under a serving profile other than FP32_EXACT
 * or in a bounded domain, the placement follows the profile's numerics and the domain's grid
 * (generation/serving-margins.ts).
 */
import { EngineError } from '../../errors.ts';
import { isBounded } from '../../serving/input-domain.ts';
import { crossEntropy, DEFAULT_MARGIN_TARGET, defaultJunctionCompetitors } from '../loss.ts';
import { projectToJunction } from '../junction.ts';
import { placeForServing } from '../serving-margins.ts';
import { servingSummary } from '../serving-summary.ts';
import { allCorrect, positiveMarginTarget } from './common.ts';
import type { Objective } from './objective.ts';

export const junction: Objective<'JUNCTION'> = {
  kind: 'JUNCTION',
  normalise(spec, numClasses) {
    const marginTarget = positiveMarginTarget(spec.marginTarget, DEFAULT_MARGIN_TARGET);
    const competitors = spec.competitors ?? defaultJunctionCompetitors(numClasses);
    if (!Number.isInteger(competitors) || competitors < 1) throw new EngineError('INVALID_ARGUMENT', `competitors must be an integer >= 1`);
    return { kind: 'JUNCTION', marginTarget, competitors };
  },
  checkFits: () => {},
  // The warm start only; then the junction projection.
  warmStartLoss: (_spec, logp, oneHot) => crossEntropy(logp, oneHot),
  converged: (_spec, margins) => allCorrect(margins),

  async refine(spec, context) {
    const { classifier, domain, profile, onPlaced } = context;
    const shared = {
      marginTarget: spec.marginTarget,
      competitors: spec.competitors,
      ...(context.memoryBudgetMb !== undefined ? { memoryBudgetMb: context.memoryBudgetMb } : {}),
      ...(context.signal !== undefined ? { signal: context.signal } : {}),
      ...(context.onMicroBatch !== undefined ? { onMicroBatch: context.onMicroBatch } : {}),
      ...(onPlaced !== undefined ? { onIteration: (_iteration: number, _worst: number, inBand: number) => onPlaced(inBand, context.labels.length) } : {}),
    };
    if (profile === 'FP32_EXACT' && !isBounded(domain)) {
      // The engine's original path, kept bit-for-bit for watermarks made before profiles.
      const r = await projectToJunction(classifier, context.data, context.labels, shared);
      return { data: r.data, margins: r.margins, refinement: { kind: 'junction', competitors: r.competitors, iterations: r.iterations } };
    }
    const r = await placeForServing(classifier, context.data, context.labels, {
      ...shared,
      domain,
      profile,
      ...(context.checkOtherBackend === false ? { otherBackend: false } : {}),
    });
    return {
      data: r.data,
      margins: r.margins,
      refinement: { kind: 'junction', competitors: Math.min(spec.competitors, classifier.numClasses - 1), iterations: r.iterations, servingRounds: r.rounds },
      serving: servingSummary(r.check, r.targets),
    };
  },
};
