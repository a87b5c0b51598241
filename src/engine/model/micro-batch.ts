/**
 * Bounded memory for every pass through a classifier (issue 19, item 1).
 *
 * Why: wasm32 has a 4 GB address space. A pretrained MobileNetV2 at 224x224 with 20 triggers
 * fails its forward + input-gradient pass with `memory access out of bounds` at about 3 GB of
 * tensors. Every pass over many inputs (generation, the junction's Jacobian rows, margins and
 * serving checks, verification) therefore runs in micro-batches sized so that one micro-batch's
 * tensors stay within a memory budget (default 1024 MB per worker).
 *
 * How the size is found: measured, not guessed. For each classifier and pass kind (`forward`:
 * inference-mode log-probabilities; `gradient`: the same plus the gradient with respect to the
 * input, as the generator's loss and the junction's Jacobian rows take it) the pass is run once on
 * a batch of 1 and once on a batch of 2, in TF.js's profiling mode, and the peak of the bytes TF.js
 * holds in tensors (`tf.engine().state.numBytes` after each kernel, the figure `tf.profile` reports
 * as `peakBytes`) is read, less what was held before. Peaks are affine in the batch size for the
 * feed-forward models we load (every activation has the batch as its leading dimension), so
 *     peak(m) = fixed + m * perExample,  perExample = peak(2) - peak(1),  fixed = peak(1) - perExample,
 * and the micro-batch size for a budget B is floor((B - fixed) / perExample). The measurement is
 * cached per classifier object (an emulated or re-weighted copy is measured again).
 *
 * `tf.profile` is asynchronous, and some passes (`predictLabels`, verification) are synchronous,
 * so the same numbers are read synchronously from the engine state `tf.profile` itself uses
 * (`state.profiling`, `state.activeProfile.kernels[].totalBytesSnapshot`; tfjs-core 4.22,
 * engine.ts `runKernelFunc`). `micro-batch.test.ts` checks the reading against `tf.profile`.
 *
 * What the budget does not cover: scratch memory kernels allocate outside tensors (XNNPACK's
 * packed weights and workspaces), the model's weights, and the inputs held for the whole pass;
 * a 100-trigger watermark of ResNet-50 at 224x224 peaked at the budget plus 1.7-1.8 GB of
 * resident memory (2,745 MB at 1024, 3,333 at 1536, 3,870 at 2048; bench/RESULTS.md), so the
 * default 1 GB keeps a worker under 3 GB and far from wasm32's 4 GB. Larger micro-batches did not
 * make the passes faster.
 */
import * as tf from '@tensorflow/tfjs';
import { inputVjps } from '../backend/input-vjps.ts';
import { EngineError } from '../errors.ts';
import { logProbabilities, type Classifier } from './classifier.ts';

/** Default budget for one micro-batch's tensors, per worker. */
export const DEFAULT_MEMORY_BUDGET_MB = 1024;

/** `forward`: inference-mode log-probabilities; `gradient`: the same and their gradient w.r.t. the input. */
export type PassKind = 'forward' | 'gradient';

export interface PassCost {
  /** Bytes of tensors the pass holds at its peak whatever the batch size. */
  readonly fixedBytes: number;
  /** Bytes each example in the batch adds to the peak. */
  readonly perExampleBytes: number;
}

export interface MicroBatchOptions {
  /** Budget for one micro-batch's tensors in MB (default DEFAULT_MEMORY_BUDGET_MB). */
  readonly memoryBudgetMb?: number;
  /** Checked before each micro-batch: an aborted signal ends the pass with CANCELLED. */
  readonly signal?: AbortSignal;
  /** Called after each micro-batch. */
  readonly onMicroBatch?: (progress: { readonly done: number; readonly total: number; readonly examples: number }) => void;
}

const costs = new WeakMap<Classifier, Partial<Record<PassKind, PassCost>>>();

interface ProfilingState {
  profiling: boolean;
  numBytes: number;
  activeProfile: { kernels: { totalBytesSnapshot: number }[] };
}

/** Peak bytes of tensors held while `f` runs (synchronously), less those held before. */
export function peakTensorBytes(f: () => void): number {
  const state = (tf.engine() as unknown as { state: ProfilingState }).state;
  if (state.profiling) throw new EngineError('INVALID_ARGUMENT', 'cannot measure activation memory inside tf.profile');
  const before = state.numBytes;
  state.activeProfile.kernels = [];
  state.profiling = true;
  try {
    f();
  } finally {
    state.profiling = false;
  }
  let peak = before;
  for (const k of state.activeProfile.kernels) peak = Math.max(peak, k.totalBytesSnapshot);
  state.activeProfile.kernels = [];
  return peak - before;
}

/** One pass of `kind` over `x`, its outputs disposed. */
function runPass(classifier: Classifier, kind: PassKind, x: tf.Tensor): void {
  tf.tidy(() => {
    if (kind === 'forward') logProbabilities(classifier, x);
    else tf.grad((v: tf.Tensor) => tf.sum(logProbabilities(classifier, v)))(x);
  });
}

/** The measured memory cost of one pass of `kind` (cached per classifier object). */
export function passCost(classifier: Classifier, kind: PassKind): PassCost {
  const known = costs.get(classifier)?.[kind];
  if (known !== undefined) return known;
  const peaks = [1, 2].map((m) => {
    const x = tf.zeros([m, ...classifier.inputShape]);
    try {
      return peakTensorBytes(() => runPass(classifier, kind, x)) + x.size * 4;
    } finally {
      x.dispose();
    }
  });
  // At least the input itself per example; a smaller difference would be measurement noise.
  const perExample = Math.max(peaks[1]! - peaks[0]!, classifier.inputShape.reduce((a, b) => a * b, 1) * 4);
  const cost: PassCost = { fixedBytes: Math.max(0, peaks[0]! - perExample), perExampleBytes: perExample };
  costs.set(classifier, { ...costs.get(classifier), [kind]: cost });
  return cost;
}

export function budgetBytes(memoryBudgetMb: number | undefined): number {
  const mb = memoryBudgetMb ?? DEFAULT_MEMORY_BUDGET_MB;
  if (!(Number.isFinite(mb) && mb > 0)) throw new EngineError('INVALID_ARGUMENT', `memory budget must be a positive number of MB (got ${String(mb)})`);
  return mb * 1024 * 1024;
}

/**
 * Examples per micro-batch so that one pass of `kind` stays within the budget; EngineError
 * INVALID_ARGUMENT when not even one example fits (the message gives the measured need).
 */
export function microBatchSize(classifier: Classifier, kind: PassKind, memoryBudgetMb?: number): number {
  const budget = budgetBytes(memoryBudgetMb);
  const cost = passCost(classifier, kind);
  const size = Math.floor((budget - cost.fixedBytes) / cost.perExampleBytes);
  if (size < 1) {
    const needMb = (cost.fixedBytes + cost.perExampleBytes) / (1024 * 1024);
    throw new EngineError(
      'INVALID_ARGUMENT',
      `the memory budget of ${(budget / (1024 * 1024)).toFixed(1)} MB is too small for one example: a ${kind} pass of this model needs ${needMb.toFixed(1)} MB of tensors for one input; raise the budget (FRAGMARK_ENGINE_MEMORY_BUDGET_MB)`,
      { kind, budgetBytes: budget, fixedBytes: cost.fixedBytes, perExampleBytes: cost.perExampleBytes },
    );
  }
  return size;
}

/** [start, count) ranges covering n examples in micro-batches of `size`. */
export function microBatches(n: number, size: number): { start: number; count: number }[] {
  const out: { start: number; count: number }[] = [];
  for (let start = 0; start < n; start += size) out.push({ start, count: Math.min(size, n - start) });
  return out;
}

/**
 * Runs `f` on each micro-batch of n examples for a pass of `kind`, checking the signal before
 * each and reporting after each. The batch is whole (one call) when it fits the budget.
 */
export function forEachMicroBatch(
  classifier: Classifier,
  kind: PassKind,
  n: number,
  options: MicroBatchOptions,
  f: (start: number, count: number) => void,
): void {
  const size = n <= 1 ? 1 : microBatchSize(classifier, kind, options.memoryBudgetMb);
  const batches = microBatches(n, size);
  batches.forEach(({ start, count }, b) => {
    if (options.signal?.aborted) throw new EngineError('CANCELLED', `cancelled before micro-batch ${b + 1} of ${batches.length}`, { microBatch: b });
    f(start, count);
    options.onMicroBatch?.({ done: b + 1, total: batches.length, examples: start + count });
  });
}

/** Inference-mode log-probabilities [n, K] of float32 inputs (flattened [n, ...inputShape]), micro-batched. */
export function logProbabilitiesInBatches(classifier: Classifier, data: Float32Array, n: number, options: MicroBatchOptions = {}): Float32Array {
  const per = data.length / n;
  const K = classifier.numClasses;
  const out = new Float32Array(n * K);
  forEachMicroBatch(classifier, 'forward', n, options, (start, count) => {
    const t = tf.tidy(() => logProbabilities(classifier, tf.tensor(data.subarray(start * per, (start + count) * per), [count, ...classifier.inputShape])));
    try {
      out.set(t.dataSync() as Float32Array, start * K);
    } finally {
      t.dispose();
    }
  });
  return out;
}

/**
 * Gradients with respect to each input of log p[classes[j][i]] (selector j picks one class per
 * example; -1 picks none and gives a zero row): one Float32Array [n * D] per selector, the
 * junction's Jacobian rows. All selectors' rows go through one stream of micro-batches
 * (`logpGradientRows`), rows of -1 are not computed. Each example's gradient depends on that
 * example alone, so the result equals the whole-batch one (up to float32 rounding in the kernels).
 */
export function selectedLogpGradients(
  classifier: Classifier,
  data: Float32Array,
  n: number,
  classes: readonly Int32Array[],
  options: MicroBatchOptions = {},
): Float32Array[] {
  const D = data.length / n;
  const examples: number[] = [];
  const picked: number[] = [];
  classes.forEach((cls) => cls.forEach((c, i) => c >= 0 && (examples.push(i), picked.push(c))));
  const rows = logpGradientRows(classifier, data, n, Int32Array.from(examples), Int32Array.from(picked), options);
  const out = classes.map(() => new Float32Array(n * D));
  let r = 0;
  classes.forEach((cls, j) =>
    cls.forEach((c, i) => {
      if (c < 0) return;
      out[j]!.set(rows.subarray(r * D, (r + 1) * D), i * D);
      r++;
    }),
  );
  return out;
}

/**
 * Rows of the Jacobian of log p: row r is d log p[classes[r]] / dx of input `examples[r]`,
 * [rows * D] (`forEachExampleLogpGradients`, collected).
 */
export function logpGradientRows(
  classifier: Classifier,
  data: Float32Array,
  n: number,
  examples: Int32Array,
  classes: Int32Array,
  options: MicroBatchOptions = {},
): Float32Array {
  const D = data.length / n;
  const out = new Float32Array(examples.length * D);
  const requests = new Map<number, { classes: number[]; rows: number[] }>();
  for (let r = 0; r < examples.length; r++) {
    const request = requests.get(examples[r]!) ?? { classes: [], rows: [] };
    request.classes.push(classes[r]!);
    request.rows.push(r);
    requests.set(examples[r]!, request);
  }
  const classesOf = new Map([...requests].map(([e, request]) => [e, request.classes]));
  forEachExampleLogpGradients(classifier, data, n, classesOf, options, (example, rows) => {
    requests.get(example)!.rows.forEach((r, j) => out.set(rows.subarray(j * D, (j + 1) * D), r * D));
  });
  return out;
}

/**
 * One row of an input Jacobian of log p: d log p[c] / dx for a class c, or, for a pair [a, b],
 * d (log p[a] - log p[b]) / dx, the gradient of a gap between two classes in one backward pass
 * (its cotangent e_a - e_b; the softmax normaliser cancels).
 */
export type LogpRow = number | readonly [plus: number, minus: number];

/**
 * For each example of `rowsOf` (in its order), its rows (`LogpRow`), handed to `visit` as
 * [rows * D] as soon as its micro-batch is done. The rows of one example share its forward pass
 * (backend/input-vjps.ts): a micro-batch of examples runs forward once, then backward once per
 * rank of row (its first rows, its second, ...). Micro-batches are of examples, sized for a
 * gradient pass, so only one micro-batch's rows are ever held: at 224x224, 100 triggers with 10
 * rows each would be 600 MB at once.
 */
export function forEachExampleLogpGradients(
  classifier: Classifier,
  data: Float32Array,
  n: number,
  rowsOf: ReadonlyMap<number, readonly LogpRow[]>,
  options: MicroBatchOptions,
  visit: (example: number, rows: Float32Array) => void,
): void {
  const D = data.length / n;
  const K = classifier.numClasses;
  const examples = [...rowsOf.keys()];
  if (examples.length === 0) return;
  forEachMicroBatch(classifier, 'gradient', examples.length, options, (start, count) => {
    const batchExamples = examples.slice(start, start + count);
    const batch = new Float32Array(count * D);
    batchExamples.forEach((e, i) => batch.set(data.subarray(e * D, (e + 1) * D), i * D));
    const depth = Math.max(...batchExamples.map((e) => rowsOf.get(e)!.length));
    const cotangents: tf.Tensor[] = [];
    for (let rank = 0; rank < depth; rank++) {
      const selector = new Float32Array(count * K);
      batchExamples.forEach((e, i) => {
        const row = rowsOf.get(e)![rank];
        if (row === undefined) return;
        if (typeof row === 'number') {
          selector[i * K + row] = 1;
        } else {
          selector[i * K + row[0]]! += 1;
          selector[i * K + row[1]]! -= 1;
        }
      });
      cotangents.push(tf.tensor2d(selector, [count, K]));
    }
    const xs = tf.tensor(batch, [count, ...classifier.inputShape]);
    const rows = batchExamples.map((e) => new Float32Array(rowsOf.get(e)!.length * D));
    try {
      const grads = inputVjps((v) => logProbabilities(classifier, v), xs, cotangents);
      grads.forEach((g, rank) => {
        try {
          const values = g.dataSync() as Float32Array;
          batchExamples.forEach((e, i) => {
            if (rank < rowsOf.get(e)!.length) rows[i]!.set(values.subarray(i * D, (i + 1) * D), rank * D);
          });
        } finally {
          g.dispose();
        }
      });
    } finally {
      tf.dispose([xs, ...cotangents]);
    }
    batchExamples.forEach((e, i) => visit(e, rows[i]!));
  });
}
