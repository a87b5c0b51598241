/**
 * Tolerance calibration for the verdict policy (method.md, "Known risks"): measure the fraction
 * of triggers flipped by the benign transforms an operator will apply (float16 serving, another
 * backend, a save/load round trip) and derive a `tolerance` policy just above the worst of them.
 *
 * Trade-off: every mismatch tolerated is a change that goes undetected. With boundary triggers
 * (JUNCTION, SENSITIVE) a float16 round trip flips about as many triggers as a fine-tuning step
 * (bench/RESULTS.md), so a tolerance calibrated on fp16 also accepts fine-tunes: the default stays `strict`, and an
 * fp16-served model should be watermarked from its fp16 weights instead (generate the triggers
 * against the model as it is served).
 */
import type * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.ts';
import { type Classifier } from '../model/classifier.ts';
import { asClassifier } from '../model/formats/index.ts';
import type { TriggerSet } from '../triggers/format.ts';
import { verifyClassifier, type VerdictPolicy } from './verify.ts';

/** Fraction of the trigger set whose label differs on `model` (0 for an intact model). */
export function flipFraction(model: tf.LayersModel | Classifier, set: TriggerSet): number {
  return 1 - verifyClassifier(asClassifier(model), set).accTri;
}

export interface CalibrationResult {
  readonly policy: VerdictPolicy;
  /** Flip fraction measured under each benign transform, in the order given. */
  readonly benignFlipFractions: readonly number[];
}

/**
 * Derives a policy from flip fractions measured under benign transforms: `strict` when none of
 * them flipped anything, otherwise `tolerance` with maxMismatchFraction = max + slack (default
 * slack 0.01, i.e. one more trigger out of 100), capped below 1.
 */
export function calibrateTolerance(benignFlipFractions: readonly number[], options: { slack?: number } = {}): CalibrationResult {
  const slack = options.slack ?? 0.01;
  if (benignFlipFractions.length === 0) throw new EngineError('INVALID_ARGUMENT', 'calibration needs at least one benign measurement');
  if (!(slack >= 0) || benignFlipFractions.some((f) => !(f >= 0 && f <= 1))) {
    throw new EngineError('INVALID_ARGUMENT', 'flip fractions must be in [0, 1] and slack >= 0');
  }
  const worst = Math.max(...benignFlipFractions);
  if (worst === 0) return { policy: { kind: 'strict' }, benignFlipFractions: [...benignFlipFractions] };
  const max = Math.min(worst + slack, 0.999);
  return { policy: { kind: 'tolerance', maxMismatchFraction: max }, benignFlipFractions: [...benignFlipFractions] };
}

/** Applies each benign transform to `model`, measures flip fractions and calibrates (transformed models are disposed). */
export async function calibrateFromTransforms(
  model: tf.LayersModel,
  set: TriggerSet,
  transforms: ReadonlyArray<(m: tf.LayersModel) => Promise<tf.LayersModel>>,
  options: { slack?: number } = {},
): Promise<CalibrationResult> {
  const fractions: number[] = [];
  for (const t of transforms) {
    const changed = await t(model);
    try {
      fractions.push(flipFraction(changed, set));
    } finally {
      if (changed !== model) changed.dispose();
    }
  }
  return calibrateTolerance(fractions, options);
}
