/**
 * What a trigger objective is to the generation loop (generate.ts): its parameters, where it can
 * be used, the loss the generator's warm start minimises, when that warm start may stop, and what
 * happens to the accepted triggers afterwards. One objective per file in this folder, registered
 * in index.ts.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../../model/classifier.ts';
import type { MicroBatchOptions } from '../../model/micro-batch.ts';
import type { InputDomain } from '../../serving/input-domain.ts';
import type { ServingProfile } from '../../serving/profiles.ts';
import type { SensitivityOptions } from '../refine.ts';
import type { LossKind, LossSpec } from '../loss.ts';

/** What an objective's refinement works on and with. */
export interface RefineContext {
  readonly classifier: Classifier;
  /** The warm start's accepted triggers, float32 [n, ...inputShape]. */
  readonly data: Float32Array;
  readonly margins: Float32Array;
  readonly labels: Int32Array;
  readonly domain: InputDomain;
  readonly profile: ServingProfile;
  /** Seeds the objective's own randomness (the key's latent seed). */
  readonly seed: string;
  readonly memoryBudgetMb?: number;
  readonly signal?: AbortSignal;
  readonly onMicroBatch?: MicroBatchOptions['onMicroBatch'];
  /** Called as triggers reach their place (JUNCTION: after each junction iteration): how many of them are there. */
  readonly onPlaced?: (placed: number, total: number) => void;
  readonly checkOtherBackend?: boolean;
  readonly sensitivity?: SensitivityOptions;
}

/** Refined triggers, and what the trigger set records of how they were made. */
export interface Refined {
  readonly data: Float32Array;
  readonly margins: Float32Array;
  /** Recorded in the trigger set's metadata (parameters.refinement). */
  readonly refinement?: Record<string, unknown>;
  /** The serving check the refinement already ran (parameters.serving); none: generate.ts runs it. */
  readonly serving?: Record<string, unknown>;
  readonly simulatedFlipFraction?: number;
}

export interface Objective<K extends LossKind = LossKind> {
  readonly kind: K;
  /** The spec with defaults filled in (some depend on the model's class count); throws INVALID_ARGUMENT for bad parameters. */
  normalise(spec: Partial<Extract<LossSpec, { kind: K }>>, numClasses: number): Extract<LossSpec, { kind: K }>;
  /** Refuses, before any work, a domain or serving profile the objective cannot honour. */
  checkFits(domain: InputDomain, profile: ServingProfile): void;
  /** The loss of the generator's warm start, from log-probabilities [n, classes]. */
  warmStartLoss(spec: Extract<LossSpec, { kind: K }>, logp: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar;
  /** Whether the warm start may stop, from the current triggers' key-label margins. */
  converged(spec: Extract<LossSpec, { kind: K }>, margins: Float32Array): boolean;
  /** Moves the accepted triggers where the objective wants them. */
  refine(spec: Extract<LossSpec, { kind: K }>, context: RefineContext): Promise<Refined>;
}
