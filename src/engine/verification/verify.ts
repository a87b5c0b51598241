/**
 * Black-box verification: query the model for the argmax label of each trigger and compare with
 * the secret key (Yin, Yin, Zhang, ICIP 2022, arXiv 2208.07585). AccTri = matched / queried.
 *
 * The clean model scores 100% by construction, so the reference rule is strict: any mismatch
 * means tampered. A product also needs a documented tolerance for benign transforms (method.md),
 * recorded in the attestation: `{ kind: 'tolerance', maxMismatchFraction }` accepts up to that
 * fraction of mismatches. Subsets support challenge-response with a fresh random subset per
 * query (sending every trigger to an operator reveals them).
 */
import * as tf from '@tensorflow/tfjs';
import { currentBackend } from '../backend/index.ts';
import { EngineError } from '../errors.ts';
import { predictLabels, predictLabelsYielding, type Classifier } from '../model/classifier.ts';
import type { TriggerSet } from '../triggers/format.ts';
import type { MicroBatchOptions } from '../model/micro-batch.ts';

export type VerdictPolicy = { readonly kind: 'strict' } | { readonly kind: 'tolerance'; readonly maxMismatchFraction: number };
export type Verdict = 'intact' | 'tampered';

export const STRICT_POLICY: VerdictPolicy = { kind: 'strict' };

export interface VerificationOptions {
  readonly policy?: VerdictPolicy;
  /** Verify only these trigger indices (distinct, in range); default all. */
  readonly indices?: readonly number[];
}

export interface VerificationResult {
  readonly queried: number;
  readonly matched: number;
  readonly accTri: number;
  readonly verdict: Verdict;
  readonly policy: VerdictPolicy;
  /** Trigger indices (into the full set) whose label did not match. Secret-adjacent: keep internal. */
  readonly mismatchedIndices: readonly number[];
  /** TF.js backend that computed the predictions (in-process verification only). */
  readonly backend?: string;
}

/**
 * A policy from outside the engine's types (a stored JSON column, a request): one of the two
 * kinds with a valid fraction, as a fresh object; throws INVALID_ARGUMENT otherwise.
 */
export function parseVerdictPolicy(value: unknown): VerdictPolicy {
  const p = (typeof value === 'object' && value !== null ? value : {}) as { kind?: unknown; maxMismatchFraction?: unknown };
  if (p.kind === 'strict') return { kind: 'strict' };
  if (p.kind === 'tolerance' && typeof p.maxMismatchFraction === 'number') {
    const policy: VerdictPolicy = { kind: 'tolerance', maxMismatchFraction: p.maxMismatchFraction };
    checkPolicy(policy);
    return policy;
  }
  throw new EngineError('INVALID_ARGUMENT', 'a verdict policy is { kind: "strict" } or { kind: "tolerance", maxMismatchFraction } with 0 <= maxMismatchFraction < 1');
}

function checkPolicy(policy: VerdictPolicy): void {
  if (policy.kind === 'strict') return;
  if (policy.kind !== 'tolerance' || !(policy.maxMismatchFraction >= 0 && policy.maxMismatchFraction < 1)) {
    throw new EngineError('INVALID_ARGUMENT', 'tolerance policy needs 0 <= maxMismatchFraction < 1');
  }
}

export function resolveIndices(set: TriggerSet, indices?: readonly number[]): number[] {
  const n = set.labels.length;
  if (indices === undefined) return Array.from({ length: n }, (_, i) => i);
  if (indices.length === 0) throw new EngineError('INVALID_ARGUMENT', 'indices must not be empty');
  const seen = new Set<number>();
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new EngineError('INVALID_ARGUMENT', `trigger index ${i} out of range [0, ${n})`);
    if (seen.has(i)) throw new EngineError('INVALID_ARGUMENT', `duplicate trigger index ${i}`);
    seen.add(i);
  }
  return [...indices];
}

export function verdictFor(policy: VerdictPolicy, queried: number, matched: number): Verdict {
  const mismatches = queried - matched;
  if (policy.kind === 'strict') return mismatches === 0 ? 'intact' : 'tampered';
  return mismatches <= Math.floor(policy.maxMismatchFraction * queried + 1e-9) ? 'intact' : 'tampered';
}

/**
 * Verifies labels returned by the model for the queried triggers. `predicted[j]` is the label for
 * trigger `indices[j]` (or trigger j when `indices` is absent).
 */
export function verifyLabels(set: TriggerSet, predicted: ArrayLike<number>, options: VerificationOptions = {}): VerificationResult {
  const policy = options.policy ?? STRICT_POLICY;
  checkPolicy(policy);
  const idx = resolveIndices(set, options.indices);
  if (predicted.length !== idx.length) {
    throw new EngineError('INVALID_ARGUMENT', `got ${predicted.length} predicted labels for ${idx.length} queried triggers`);
  }
  const mismatchedIndices: number[] = [];
  for (let j = 0; j < idx.length; j++) if (predicted[j] !== set.labels[idx[j]!]) mismatchedIndices.push(idx[j]!);
  const queried = idx.length;
  const matched = queried - mismatchedIndices.length;
  return { queried, matched, accTri: matched / queried, verdict: verdictFor(policy, queried, matched), policy, mismatchedIndices };
}

/** The float32 values of the triggers at `indices` (checked), in that order, row-major. */
export function gatherTriggers(set: TriggerSet, indices: readonly number[]): Float32Array {
  const idx = resolveIndices(set, indices);
  const per = set.shape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(idx.length * per);
  idx.forEach((i, j) => buf.set(set.data.subarray(i * per, (i + 1) * per), j * per));
  return buf;
}

/** Gathers the queried triggers as a tensor [q, ...shape] (caller disposes). */
export function triggersTensor(set: TriggerSet, indices?: readonly number[]): tf.Tensor {
  const idx = resolveIndices(set, indices);
  return tf.tensor(gatherTriggers(set, idx), [idx.length, ...set.shape], 'float32');
}

/** Verifies an in-process classifier: batched inference-mode predict, argmax, compare. */
export function verifyClassifier(classifier: Classifier, set: TriggerSet, options: VerificationOptions & { batchSize?: number } & MicroBatchOptions = {}): VerificationResult {
  const x = checkedTriggers(classifier, set, options.indices);
  try {
    return { ...verifyLabels(set, predictLabels(classifier, x, options.batchSize, options), options), backend: currentBackend().choice };
  } finally {
    x.dispose();
  }
}

/**
 * `verifyClassifier` for a worker's main thread: the event loop runs between micro-batches
 * (`predictLabelsYielding`), so heartbeats, other jobs and a cancellation through `signal` do.
 */
export async function verifyClassifierYielding(classifier: Classifier, set: TriggerSet, options: VerificationOptions & MicroBatchOptions = {}): Promise<VerificationResult> {
  const x = checkedTriggers(classifier, set, options.indices);
  try {
    return { ...verifyLabels(set, await predictLabelsYielding(classifier, x, options), options), backend: currentBackend().choice };
  } finally {
    x.dispose();
  }
}

function checkedTriggers(classifier: Classifier, set: TriggerSet, indices: readonly number[] | undefined): tf.Tensor {
  const inShape = classifier.inputShape;
  if (inShape.length !== set.shape.length || inShape.some((d, i) => d !== set.shape[i])) {
    throw new EngineError('INVALID_ARGUMENT', `trigger shape [${set.shape.join(',')}] does not match model input [${inShape.join(',')}]`);
  }
  if (classifier.numClasses !== set.numClasses) {
    throw new EngineError('INVALID_ARGUMENT', `trigger set has ${set.numClasses} classes, model ${classifier.numClasses}`);
  }
  return triggersTensor(set, indices);
}
