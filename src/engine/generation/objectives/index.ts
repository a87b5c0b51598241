/**
 * The trigger objectives, one file each, and the dispatch generate.ts uses. Adding one: a file
 * implementing `Objective`, its spec in loss.ts's LossSpec, and a line here.
 */
import type * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../errors.ts';
import type { InputDomain } from '../../serving/input-domain.ts';
import type { ServingProfile } from '../../serving/profiles.ts';
import type { LossKind, LossSpec } from '../loss.ts';
import { ceOnly } from './ce-only.ts';
import { ceVariance } from './ce-variance.ts';
import { junction } from './junction.ts';
import { margin } from './margin.ts';
import type { Objective, RefineContext, Refined } from './objective.ts';
import { sensitive } from './sensitive.ts';

export type { Objective, RefineContext, Refined } from './objective.ts';

export const OBJECTIVES: { readonly [K in LossKind]: Objective<K> } = {
  CE_ONLY: ceOnly,
  CE_VARIANCE: ceVariance,
  MARGIN: margin,
  SENSITIVE: sensitive,
  JUNCTION: junction,
};

function objectiveOf(kind: LossKind): Objective {
  const objective = (OBJECTIVES as Record<string, Objective | undefined>)[kind];
  if (objective === undefined) throw new EngineError('INVALID_ARGUMENT', `unknown loss kind ${String(kind)}`);
  return objective;
}

/** The spec with its objective's defaults for a model of `numClasses`; throws INVALID_ARGUMENT for an unknown kind or bad parameters. */
export function normaliseLoss(spec: Partial<LossSpec> & { kind: LossKind }, numClasses: number): LossSpec {
  return objectiveOf(spec.kind).normalise(spec as never, numClasses);
}

/** The loss of the generator's warm start. */
export function triggerLoss(spec: LossSpec, logp: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return objectiveOf(spec.kind).warmStartLoss(spec as never, logp, oneHot);
}

/**
 * When generation may stop, given per-trigger margins of the current triggers (CE losses: all
 * correct, i.e. AccTri = 100%, as in the paper's early stop; MARGIN: all correct and every margin
 * within [target / 2, 2 * target]).
 */
export function isConverged(spec: LossSpec, margins: Float32Array): boolean {
  return objectiveOf(spec.kind).converged(spec as never, margins);
}

/**
 * Refuses up front an objective that cannot honour the domain or profile (MARGIN and SENSITIVE
 * keep one fixed margin and have no 8-bit grid search) rather than failing after generation.
 */
export function checkObjectiveFits(kind: LossKind, domain: InputDomain, profile: ServingProfile): void {
  objectiveOf(kind).checkFits(domain, profile);
}

/** The objective's refinement of the warm start's accepted triggers. */
export function refineTriggers(spec: LossSpec, context: RefineContext): Promise<Refined> {
  return objectiveOf(spec.kind).refine(spec as never, context);
}
