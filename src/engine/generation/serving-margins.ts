/**
 * JUNCTION under a serving profile and an input domain: each trigger's margin follows the numeric
 * noise of the deployments the profile tolerates, and every trigger lies in the model's domain.
 *
 * Rounds: place every trigger on its junction with its current target t_i (junction.ts, with the
 * domain's box; then grid-search.ts on an 8-bit grid), run the serving check (serving/
 * serving-check.ts), and raise t_i for the triggers that fail it to a little above a safety factor
 * times the change the emulated numerics made to them (at least by half). Triggers that pass keep their
 * smaller margins: the smaller the margin, the smaller the change that flips the trigger.
 */
import { EngineError } from '../errors.ts';
import type { Classifier } from '../model/classifier.ts';
import { isBounded, type InputDomain } from '../serving/input-domain.ts';
import { PROFILES, type ServingProfile } from '../serving/profiles.ts';
import { checkServing, type ServingCheck } from '../serving/serving-check.ts';
import { searchJunctionOnGrid } from './grid-search.ts';
import { projectToJunction, type JunctionOptions } from './junction.ts';
import type { MicroBatchOptions } from '../model/micro-batch.ts';

/** Rounds of raising targets before giving up. */
export const MAX_SERVING_ROUNDS = 10;
/** No trigger's target goes above this: beyond it the trigger detects almost nothing. */
export const MAX_MARGIN_TARGET = 1;

export interface ServingJunctionOptions {
  readonly marginTarget: number;
  readonly competitors: number;
  readonly domain: InputDomain;
  readonly profile: ServingProfile;
  readonly signal?: AbortSignal;
  /** Passed to the serving check (tests switch the other-backend run off). */
  readonly otherBackend?: boolean;
  /** Junction iterations per round (default junction.ts's). */
  readonly maxIterations?: number;
  /** Memory budget for one micro-batch's tensors (MB, default model/micro-batch.ts's). */
  readonly memoryBudgetMb?: number;
  /** Called after each micro-batch of the junction's passes. */
  readonly onMicroBatch?: MicroBatchOptions['onMicroBatch'];
  /** Called after each junction iteration of every round (junction.ts's `onIteration`). */
  readonly onIteration?: JunctionOptions['onIteration'];
}

export interface ServingJunctionResult {
  readonly data: Float32Array;
  readonly margins: Float32Array;
  readonly targets: Float64Array;
  readonly rounds: number;
  readonly iterations: number;
  readonly check: ServingCheck;
}

export async function placeForServing(classifier: Classifier, start: Float32Array, labels: Int32Array, options: ServingJunctionOptions): Promise<ServingJunctionResult> {
  const spec = PROFILES[options.profile];
  const n = labels.length;
  const targets = new Float64Array(n).fill(Math.max(options.marginTarget, spec.initialMarginTarget));
  const bounds = isBounded(options.domain) ? { min: options.domain.min, max: options.domain.max } : undefined;
  const signal = {
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.memoryBudgetMb !== undefined ? { memoryBudgetMb: options.memoryBudgetMb } : {}),
  };
  let data = start;
  let iterations = 0;
  for (let round = 1; ; round++) {
    const continuous = await projectToJunction(classifier, data, labels, {
      marginTarget: targets,
      competitors: options.competitors,
      ...(bounds ? { bounds } : {}),
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
      keepUnconverged: round < MAX_SERVING_ROUNDS,
      ...signal,
      ...(options.onMicroBatch !== undefined ? { onMicroBatch: options.onMicroBatch } : {}),
      ...(options.onIteration !== undefined ? { onIteration: options.onIteration } : {}),
    });
    data = continuous.data;
    let margins = continuous.margins;
    iterations += continuous.iterations;
    if (continuous.unconverged.length > 0) {
      // A few triggers did not settle on their junction (the Levenberg-Marquardt ridge stalled in a
      // bend of the model): another target gives them another system to solve, next round.
      raiseTargets(targets, continuous.unconverged, 'could not be placed on their class junction');
      continue;
    }
    if (options.domain.encoding === 'UINT8') {
      const grid = await searchJunctionOnGrid(classifier, data, labels, {
        domain: options.domain,
        marginTargets: targets,
        competitors: options.competitors,
        keepUnconverged: round < MAX_SERVING_ROUNDS,
        ...signal,
      });
      data = grid.data;
      margins = grid.margins;
      iterations += grid.iterations;
      if (grid.unconverged.length > 0) {
        // One pixel level moves these triggers' gaps by more than their band is wide (steep
        // models): a larger target widens the band. Searched again next round.
        raiseTargets(targets, grid.unconverged, 'could not be placed on the 8-bit input grid');
        continue;
      }
    }
    // Rounds check the emulated numerics only (they decide the margins; batch sizes and the other
    // backend move margins by ~1e-6); the full check runs once those pass, and decides.
    let check = await checkServing(classifier, data, labels, options.profile, { batchSizes: [], otherBackend: false, ...signal });
    if (check.failing.length === 0) {
      check = await checkServing(classifier, data, labels, options.profile, { ...(options.otherBackend === false ? { otherBackend: false } : {}), ...signal });
      if (check.failing.length === 0) return { data, margins, targets, rounds: round, iterations, check };
    }
    if (round >= MAX_SERVING_ROUNDS) {
      const stronger = spec.stronger === null ? '' : ` The next stronger profile is ${spec.stronger}.`;
      throw new EngineError(
        'GENERATION_FAILED',
        `${check.failing.length} of ${n} triggers could not be made robust to the ${options.profile} profile's numerics within ${MAX_SERVING_ROUNDS} rounds.${stronger}`,
        { failing: check.failing.length, profile: options.profile },
      );
    }
    for (const i of check.failing) {
      // Just above what is needed (the junction lands within a few percent of its target), so
      // that the trigger keeps as small a margin, and as much sensitivity, as the numerics allow.
      const needed = Number.isFinite(check.deviations[i]!) ? 1.2 * check.safetyFactor * check.deviations[i]! : 4 * targets[i]!;
      targets[i] = Math.max(1.5 * targets[i]!, needed);
      if (targets[i]! > MAX_MARGIN_TARGET) {
        throw new EngineError('GENERATION_FAILED', `a trigger would need a margin above ${MAX_MARGIN_TARGET} to survive the ${options.profile} profile's numerics; this model is too sensitive to them`, {
          profile: options.profile,
        });
      }
    }
  }
}

/** Doubles the targets of triggers that could not be placed; fails once one would pass MAX_MARGIN_TARGET. */
function raiseTargets(targets: Float64Array, unplaced: readonly number[], what: string): void {
  for (const i of unplaced) targets[i] = 2 * targets[i]!;
  if (unplaced.some((i) => targets[i]! > MAX_MARGIN_TARGET)) {
    throw new EngineError('GENERATION_FAILED', `${unplaced.length} of ${targets.length} triggers ${what} with a margin below ${MAX_MARGIN_TARGET}`, {
      unconverged: unplaced.length,
    });
  }
}
