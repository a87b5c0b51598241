/**
 * The serving check: does every trigger keep its key label, with a safety margin, under every
 * way a benign deployment of the profile may compute it?
 *
 * Variants compared with the reference (float32, the whole set in one batch, this backend):
 * each tolerated numerics emulated (emulated-model.ts; TF32 both rounded to nearest and truncated,
 * since tensor-core paths differ in how they convert float32 operands), batch sizes 1 and 16 (kernels pick other
 * code paths and summation orders by batch size), and the other TF.js backend (cpu for wasm,
 * wasm for cpu) when asked, on a sample when all triggers would take too long
 * (OTHER_BACKEND_SECONDS). A trigger passes when it keeps its label under every variant and its
 * reference margin is at least `safetyFactor` times the largest change a variant made to it, or
 * the median such change over the set if that is larger: another runtime rounds the same formats
 * in another order, and one trigger's emulated change can understate its real one (measured in
 * PyTorch bf16: 12 of 200 triggers changed by more than 3 times their emulated change, while the
 * median ratio was 1.0; bench/RESULTS.md, "Serving profiles").
 */
import * as tf from '@tensorflow/tfjs';
import { currentBackend, initBackend, type BackendChoice } from '../backend/index.ts';
import { logProbabilities, type Classifier } from '../model/classifier.ts';
import { readAndDispose } from '../util/tensors.ts';
import { EngineError } from '../errors.ts';
import { microBatchSize, type MicroBatchOptions } from '../model/micro-batch.ts';
import { emulateNumerics } from './emulated-model.ts';
import { PROFILES, SERVING_SAFETY_FACTOR, type ServingProfile } from './profiles.ts';

export interface ServingCheckOptions {
  readonly safetyFactor?: number;
  /** Batch sizes besides the whole set (default 1 and 16). */
  readonly batchSizes?: readonly number[];
  /** Seconds the other backend may take before it checks only a sample (default OTHER_BACKEND_SECONDS). */
  readonly otherBackendSeconds?: number;
  /** Also run on the other TF.js backend (default true). Switches the process's backend briefly. */
  readonly otherBackend?: boolean;
  /** Memory budget for one micro-batch's tensors (MB, default model/micro-batch.ts's). */
  readonly memoryBudgetMb?: number;
  /** Checked between micro-batches: an aborted signal ends the check with CANCELLED. */
  readonly signal?: AbortSignal;
}

export interface VariantResult {
  /** e.g. "TF32", "batch 16", "backend cpu". */
  readonly name: string;
  readonly matched: number;
  /** Smallest key-label margin over the triggers under this variant. */
  readonly minMargin: number;
  /** Largest |margin - reference margin| over the triggers. */
  readonly maxDeviation: number;
}

export interface ServingCheck {
  readonly profile: ServingProfile;
  readonly safetyFactor: number;
  /** Reference margins (key label minus best other log-probability), one per trigger. */
  readonly margins: Float32Array;
  /** Per trigger, the largest |margin - reference| over all variants, at least `deviationFloor`. */
  readonly deviations: Float64Array;
  /** The median over triggers of their own largest change: no trigger is assumed to move less. */
  readonly deviationFloor: number;
  readonly variants: readonly VariantResult[];
  /** Triggers that flip under some variant or lack the safety margin. */
  readonly failing: readonly number[];
}

/**
 * Key-label margin per trigger (log p[label] - max over other classes), in batches of
 * `batchSize` (default the whole set), never larger than the memory budget allows (micro-batch.ts).
 */
export function keyMargins(classifier: Classifier, data: Float32Array, labels: Int32Array, batchSize?: number, options: MicroBatchOptions = {}): Float32Array {
  const n = labels.length;
  const per = data.length / n;
  const K = classifier.numClasses;
  const size = Math.min(batchSize ?? n, n <= 1 ? 1 : microBatchSize(classifier, 'forward', options.memoryBudgetMb));
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += size) {
    if (options.signal?.aborted) throw new EngineError('CANCELLED', 'serving check cancelled', { done: start });
    const count = Math.min(size, n - start);
    const logp = readAndDispose(tf.tidy(() => logProbabilities(classifier, tf.tensor(data.subarray(start * per, (start + count) * per), [count, ...classifier.inputShape]))));
    for (let r = 0; r < count; r++) {
      const label = labels[start + r]!;
      let best = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < K; c++) if (c !== label && logp[r * K + c]! > best) best = logp[r * K + c]!;
      out[start + r] = logp[r * K + label]! - best;
    }
  }
  return out;
}

/**
 * The other backend is checked on every trigger when that takes at most OTHER_BACKEND_SECONDS,
 * else on as many as fit, at least OTHER_BACKEND_MIN_TRIGGERS (the triggers are in random key
 * order, so the first ones are a random sample). Pure-JS cpu takes 1.1 s per example on
 * MobileNetV2 and 9.7 s on ResNet-50 at 224x224 (wasm: 0.14 and 0.34 s): all 100 triggers would
 * add 16 minutes to a ResNet-50 watermark. The triggers left out take the sample's largest change.
 */
export const OTHER_BACKEND_SECONDS = 60;
export const OTHER_BACKEND_MIN_TRIGGERS = 8;

function otherBackendMargins(classifier: Classifier, data: Float32Array, labels: Int32Array, seconds: number, batching: MicroBatchOptions): { margins: Float32Array; checked: number } {
  const n = labels.length;
  const per = data.length / n;
  const started = performance.now();
  const first = keyMargins(classifier, data.subarray(0, per), labels.subarray(0, 1), undefined, batching);
  const perExampleSeconds = Math.max((performance.now() - started) / 1000, 1e-6);
  const checked = Math.min(n, Math.max(OTHER_BACKEND_MIN_TRIGGERS, Math.floor(seconds / perExampleSeconds)));
  const margins = new Float32Array(checked);
  margins[0] = first[0]!;
  if (checked > 1) margins.set(keyMargins(classifier, data.subarray(per, checked * per), labels.subarray(1, checked), undefined, batching), 1);
  return { margins, checked };
}

export async function checkServing(
  classifier: Classifier,
  data: Float32Array,
  labels: Int32Array,
  profile: ServingProfile,
  options: ServingCheckOptions = {},
): Promise<ServingCheck> {
  const safetyFactor = options.safetyFactor ?? SERVING_SAFETY_FACTOR;
  const n = labels.length;
  const batching: MicroBatchOptions = {
    ...(options.memoryBudgetMb !== undefined ? { memoryBudgetMb: options.memoryBudgetMb } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const reference = keyMargins(classifier, data, labels, undefined, batching);
  const deviations = new Float64Array(n);
  const variants: VariantResult[] = [];
  /** Margins of the first `margins.length` triggers under a variant; the rest, when it checked a sample, get the sample's largest change. */
  const record = (name: string, margins: Float32Array) => {
    let matched = 0;
    let minMargin = Number.POSITIVE_INFINITY;
    let maxDeviation = 0;
    let maxFinite = 0;
    for (let i = 0; i < margins.length; i++) {
      const m = margins[i]!;
      if (m > 0) matched++;
      minMargin = Math.min(minMargin, m);
      // A NaN margin (overflow in a reduced format) counts as an unbounded change.
      const d = Number.isNaN(m) ? Number.POSITIVE_INFINITY : Math.abs(m - reference[i]!);
      maxDeviation = Math.max(maxDeviation, d);
      if (Number.isFinite(d)) maxFinite = Math.max(maxFinite, d);
      deviations[i] = Math.max(deviations[i]!, d);
      if (!(m > 0)) deviations[i] = Number.POSITIVE_INFINITY;
    }
    for (let i = margins.length; i < n; i++) deviations[i] = Math.max(deviations[i]!, maxFinite);
    variants.push({ name, matched, minMargin, maxDeviation });
  };
  for (const size of options.batchSizes ?? [1, 16]) if (size < n) record(`batch ${size}`, keyMargins(classifier, data, labels, size, batching));
  for (const numerics of PROFILES[profile].tolerates) {
    if (numerics === 'FP32') continue;
    for (const rounding of numerics === 'TF32' ? (['nearest', 'truncate'] as const) : (['nearest'] as const)) {
      const emulated = await emulateNumerics(classifier, numerics, rounding);
      try {
        record(rounding === 'nearest' ? numerics : `${numerics} truncated`, keyMargins(emulated, data, labels, undefined, batching));
      } finally {
        emulated.dispose();
      }
    }
  }
  if (options.otherBackend !== false) {
    const here = currentBackend().choice;
    const other: BackendChoice | undefined = here === 'wasm' ? 'cpu' : here === 'cpu' ? 'wasm' : undefined;
    if (other !== undefined) {
      await initBackend({ backend: other, log: () => {} });
      try {
        const { margins, checked } = otherBackendMargins(classifier, data, labels, options.otherBackendSeconds ?? OTHER_BACKEND_SECONDS, batching);
        record(checked === n ? `backend ${other}` : `backend ${other} (first ${checked} of ${n} triggers)`, margins);
      } finally {
        await initBackend({ backend: here, log: () => {} });
      }
    }
  }
  const finite = Array.from(deviations).filter(Number.isFinite).sort((a, b) => a - b);
  const deviationFloor = finite.length === 0 ? 0 : finite[Math.floor(finite.length / 2)]!;
  for (let i = 0; i < n; i++) deviations[i] = Math.max(deviations[i]!, deviationFloor);
  const failing: number[] = [];
  for (let i = 0; i < n; i++) if (!(reference[i]! > 0 && reference[i]! >= safetyFactor * deviations[i]!)) failing.push(i);
  return { profile, safetyFactor, margins: reference, deviations, deviationFloor, variants, failing };
}
