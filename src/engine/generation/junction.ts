/**
 * JUNCTION objective (ours, issue 4; the default): every trigger is placed where the key label and
 * its k strongest competitors (default all other classes, at most 9) have equal logits, the key
 * label ahead of each by the margin target t (default 1e-3).
 *
 * Why: the paper flattens the softmax with a variance penalty (method.md) because inputs near a
 * decision boundary are fragile, but it stops as soon as AccTri is 100%, far from the boundary.
 * A trigger on a two-class boundary (MARGIN, SENSITIVE) loses its label only when the change
 * happens to move that one margin down: about half the time after an epoch of fine-tuning
 * (bench/RESULTS.md). A trigger on the junction of k + 1 classes keeps its label only if the key
 * logit gains more than all k competitors, about 1 / (k + 1) of the time for any change that
 * moves logits by more than t: 90% of triggers flip for MNIST after one fine-tuning step, an
 * epoch, or weight noise of std 1e-4, while t stays far above the ~1e-6 float noise between
 * backends, so save/load and backend changes flip nothing. No reference data is needed.
 *
 * How: ReLU networks are piecewise linear in the input, so the k gaps
 *     g_ij(x) = logp_y(x) - logp_cj(x) (j = 1..k, competitors per trigger)
 * are solved for g = t by Gauss-Newton on each trigger: with R the k x D Jacobian of the gaps,
 *     x <- x - R^T (R R^T + eps I)^-1 (g - t),
 * the minimum-norm step. It converges in a handful of iterations (exactly, once the activation
 * pattern stops changing); a Levenberg-Marquardt ridge undoes steps that make a trigger worse,
 * and a class outside the set that overtakes the key label joins the set (up to 2k); when several
 * overtake it at once (a start far below the key label) the set is re-anchored on the k classes
 * strongest at that point instead. A trigger caught at a kink (no short step lowers its residual:
 * the linear model of its region points into regions that bend away; 66 of 1,500 12-trigger runs
 * on the tiny test model left a trigger there until the iterations ran out, and failed) is
 * restarted after STALL_ITERATIONS without halving its residual: from its best point, moved in a
 * seeded random direction, farther at each restart (a restart can land in a region where every
 * unit is dead and the gradient is zero). The k gap gradients of every trigger still moving
 * share its forward pass, one backward pass per gap (the key's own gradient is never needed
 * apart: k passes, not k + 1), and come in micro-batches of
 * triggers within the memory budget (model/micro-batch.ts: per-example gradients, so the result is
 * the whole-batch one); each trigger steps as soon as its micro-batch is done, so only one
 * micro-batch's rows are held (600 MB for 100 triggers at 224x224 otherwise); triggers already
 * in their band are neither differentiated nor run forward again (they no longer move), so late
 * iterations cost what their few remaining triggers cost (issue 19 item 3). The classifier is
 * only read.
 */
import { EngineError } from '../errors.ts';
import { SeededStream } from '../util/prng.ts';
import type { Classifier } from '../model/classifier.ts';
import { forEachExampleLogpGradients, logProbabilitiesInBatches, type LogpRow, type MicroBatchOptions } from '../model/micro-batch.ts';

export const DEFAULT_JUNCTION_ITERATIONS = 100;

/**
 * Iterations without halving a trigger's residual before it is displaced and restarted. 6, 2 and 3
 * measured on the 66 keys (of 1,500) that left a trigger unconverged on the tiny model: 0 of them
 * fail (12, 1, 1: 23 fail), and 0 of 3,000 fresh keys.
 */
export const STALL_ITERATIONS = 6;
/** A restart moves the best point by RESTART_SCALE * RESTART_GROWTH^r times the distance a step would need. */
const RESTART_SCALE = 2;
const RESTART_GROWTH = 3;

export interface JunctionOptions {
  /** Key-label lead t over each tied competitor (accepted band [t/2, 2t]); one value, or one per trigger. */
  readonly marginTarget: number | Float64Array;
  /**
   * Box the triggers must stay in (the model's input range). Steps are projected Gauss-Newton
   * steps: coordinates at a bound that the step would push outwards are held (active set), the
   * step is recomputed over the free ones, and what still crosses a bound is clipped.
   */
  readonly bounds?: { readonly min: number; readonly max: number };
  /** Competitors tied with the key label, k (capped at classes - 1). */
  readonly competitors: number;
  /** Gauss-Newton iterations before giving up (default 100). */
  readonly maxIterations?: number;
  readonly signal?: AbortSignal;
  /**
   * Return the triggers still outside their band after maxIterations (in `unconverged`, at their
   * best point) instead of failing: the caller may give them another target and try again.
   */
  readonly keepUnconverged?: boolean;
  /**
   * Called after each iteration with the largest |gap - t| over the unconverged triggers' accepted
   * points, and how many triggers are in their band (placed; they are not moved again).
   */
  readonly onIteration?: (iteration: number, worstResidual: number, inBand: number) => void;
  /** Memory budget for one micro-batch's tensors (MB, default micro-batch.ts's). */
  readonly memoryBudgetMb?: number;
  /** Called after each micro-batch of every pass. */
  readonly onMicroBatch?: MicroBatchOptions['onMicroBatch'];
}

export interface JunctionResult {
  readonly data: Float32Array;
  /** Key-label margin over every other class (top-1 minus top-2) on the clean model. */
  readonly margins: Float32Array;
  readonly iterations: number;
  readonly competitors: number;
  /** With keepUnconverged: triggers left outside their band (their best point so far is kept). */
  readonly unconverged: readonly number[];
  /**
   * Times a trigger's tied set was re-anchored on the classes strongest at that point (several
   * classes above its key label at once, or all 2k places taken).
   */
  readonly reanchored: number;
}

/** Solves A a = b for a small dense system (partial pivoting); A is k x k row-major, modified. */
export function solveSmall(A: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let p = 0; p < k; p++) {
    let best = p;
    for (let q = p + 1; q < k; q++) if (Math.abs(A[q * k + p]!) > Math.abs(A[best * k + p]!)) best = q;
    if (best !== p) {
      for (let c = 0; c < k; c++) [A[p * k + c], A[best * k + c]] = [A[best * k + c]!, A[p * k + c]!];
      [b[p], b[best]] = [b[best]!, b[p]!];
    }
    const pivot = A[p * k + p]!;
    if (pivot === 0) continue; // singular direction: leave that component at 0
    for (let q = p + 1; q < k; q++) {
      const f = A[q * k + p]! / pivot;
      if (f === 0) continue;
      for (let c = p; c < k; c++) A[q * k + c]! -= f * A[p * k + c]!;
      b[q]! -= f * b[p]!;
    }
  }
  const a = new Float64Array(k);
  for (let p = k - 1; p >= 0; p--) {
    let s = b[p]!;
    for (let c = p + 1; c < k; c++) s -= A[p * k + c]! * a[c]!;
    const pivot = A[p * k + p]!;
    a[p] = pivot === 0 ? 0 : s / pivot;
  }
  return a;
}

/**
 * Moves the triggers `x0` (flattened [n, ...inputShape]) onto the junction of their key label and
 * its k strongest competitors. Throws GENERATION_FAILED when some trigger does not converge.
 */
export async function projectToJunction(classifier: Classifier, x0: Float32Array, labels: Int32Array, options: JunctionOptions): Promise<JunctionResult> {
  const n = labels.length;
  const targets = typeof options.marginTarget === 'number' ? new Float64Array(n).fill(options.marginTarget) : options.marginTarget;
  if (targets.length !== n || targets.some((t) => !(t > 0 && Number.isFinite(t)))) throw new EngineError('INVALID_ARGUMENT', 'margin targets must be finite and > 0, one per trigger');
  const bounds = options.bounds;
  const K = classifier.numClasses;
  const k = Math.min(options.competitors, K - 1);
  if (!Number.isInteger(k) || k < 1) throw new EngineError('INVALID_ARGUMENT', 'competitors must be an integer >= 1');
  // With more classes than competitors, a class outside the set can rise above the key label while
  // the set is being tied; it then joins the set, up to 2k competitors.
  const slots = Math.min(K - 1, 2 * k);
  const D = x0.length / n;
  const maxIterations = options.maxIterations ?? DEFAULT_JUNCTION_ITERATIONS;
  const x = Float32Array.from(x0);

  // Every pass runs in micro-batches within the memory budget (model/micro-batch.ts), cancellable
  // between them: the Jacobian's k + 1 backward passes are the engine's largest.
  const batching: MicroBatchOptions = {
    ...(options.memoryBudgetMb !== undefined ? { memoryBudgetMb: options.memoryBudgetMb } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onMicroBatch !== undefined ? { onMicroBatch: options.onMicroBatch } : {}),
  };
  const logpOf = (data: Float32Array): Float32Array => logProbabilitiesInBatches(classifier, data, n, batching);
  // Triggers in their band are never stepped again (only active ones move), so their
  // log-probabilities stay as they were: each pass runs over the triggers still moving.
  const done = new Uint8Array(n);
  const logpOfMoving = (previous: Float32Array): Float32Array => {
    const moving = [...Array(n).keys()].filter((i) => done[i] === 0);
    if (moving.length === n) return logpOf(x);
    const subset = new Float32Array(moving.length * D);
    moving.forEach((i, r) => subset.set(x.subarray(i * D, (i + 1) * D), r * D));
    const fresh = logProbabilitiesInBatches(classifier, subset, moving.length, batching);
    const out = Float32Array.from(previous);
    moving.forEach((i, r) => out.set(fresh.subarray(r * K, (r + 1) * K), i * K));
    return out;
  };
  const topOthers = (logp: Float32Array, i: number): number[] =>
    [...Array(K).keys()].filter((c) => c !== labels[i]).sort((a, b) => logp[i * K + b]! - logp[i * K + a]!);

  // Competitors: each trigger's k highest other classes at the start (slots beyond count[i] unused).
  const start = logpOf(x);
  const competitors = new Int32Array(n * slots).fill(-1);
  const count = new Int32Array(n).fill(k);
  for (let i = 0; i < n; i++) topOthers(start, i).slice(0, k).forEach((c, j) => (competitors[i * slots + j] = c));


  // Levenberg-Marquardt safeguard: a step that makes a trigger's residual worse (it crossed into
  // another linear region where the model bends away) is undone and retried shorter, with a
  // larger ridge mu on R R^T; accepted steps relax mu again.
  const accepted = Float32Array.from(x);
  const acceptedResidual = new Float64Array(n * slots);
  const acceptedNorm = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const mu = new Float64Array(n);
  // Restarts: the residual to halve, iterations since it was last halved, and the best point of
  // a trigger over all its starts (what keepUnconverged returns).
  const checkpointNorm = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const sinceHalved = new Int32Array(n);
  const restarts = new Int32Array(n);
  const rowNorm = new Float64Array(n);
  const best = Float32Array.from(x);
  const bestNorm = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let unconverged: number[] = [];
  let reanchored = 0;
  let iteration = 0;
  let logp = start;
  for (; ; iteration++) {
    if (options.signal?.aborted) throw new EngineError('CANCELLED', `trigger generation cancelled in junction iteration ${iteration}`, { iteration });
    if (iteration > 0) logp = logpOfMoving(logp);
    const active: number[] = [];
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (done[i] === 1) continue;
      const t = targets[i]!;
      const key = logp[i * K + labels[i]!]!;
      const inSet = new Set(competitors.subarray(i * slots, i * slots + count[i]!));
      let intruder = -1;
      let intruders = 0;
      for (let c = 0; c < K; c++) {
        if (c === labels[i] || inSet.has(c) || key - logp[i * K + c]! >= t / 2) continue;
        intruders++;
        if (intruder < 0 || logp[i * K + c]! > logp[i * K + intruder]!) intruder = c;
      }
      if (intruder >= 0) {
        if (intruders === 1 && count[i]! < slots) {
          competitors[i * slots + count[i]!] = intruder;
          count[i]! += 1;
        } else {
          // Several classes outside the set are above the key label at once, or every slot is
          // taken: a start far below it (from noise with 1000 classes the key label passes
          // hundreds). Joining one per iteration made each iteration a row dearer (k + 1, k + 2,
          // ... 2k rows) and, once full, stalled (2 of 100 triggers on MobileNetV2 224 for 400
          // iterations); re-anchor on the k classes strongest now (bench/RESULTS.md: MobileNetV2,
          // 30 triggers, 73.7 s against 121.8 s, the same flips).
          topOthers(logp, i).slice(0, k).forEach((c, j) => (competitors[i * slots + j] = c));
          count[i] = k;
          reanchored++;
        }
        acceptedNorm[i] = Number.POSITIVE_INFINITY; // a new system: start from here
        bestNorm[i] = Number.POSITIVE_INFINITY;
        mu[i] = 0;
      }
      const m = count[i]!;
      const residual = new Float64Array(m);
      let inBand = intruder < 0;
      let norm = 0;
      for (let j = 0; j < m; j++) {
        const gap = key - logp[i * K + competitors[i * slots + j]!]!;
        residual[j] = gap - t;
        norm += residual[j]! * residual[j]!;
        if (!(gap >= t / 2 && gap <= 2 * t)) inBand = false;
      }
      if (inBand) {
        done[i] = 1;
        continue;
      }
      active.push(i);
      if (norm <= acceptedNorm[i]!) {
        accepted.set(x.subarray(i * D, (i + 1) * D), i * D);
        acceptedResidual.set(residual, i * slots);
        acceptedNorm[i] = norm;
        mu[i] = mu[i]! < 1e-6 ? 0 : mu[i]! / 10;
        if (norm < bestNorm[i]!) {
          best.set(x.subarray(i * D, (i + 1) * D), i * D);
          bestNorm[i] = norm;
        }
      } else {
        x.set(accepted.subarray(i * D, (i + 1) * D), i * D);
        mu[i] = Math.max(1e-6, mu[i]! * 10);
      }
      if (acceptedNorm[i]! <= checkpointNorm[i]! / 4) {
        checkpointNorm[i] = acceptedNorm[i]!;
        sinceHalved[i] = 0;
      } else if (++sinceHalved[i]! >= STALL_ITERATIONS && rowNorm[i]! > 0) {
        // From the best point, farther at each restart (a near kink can trap the next start too).
        x.set(best.subarray(i * D, (i + 1) * D), i * D);
        displace(x, i, D, (RESTART_SCALE * RESTART_GROWTH ** restarts[i]! * Math.sqrt(bestNorm[i]!)) / rowNorm[i]!, restarts[i]!++, bounds);
        acceptedNorm[i] = Number.POSITIVE_INFINITY; // the displaced point is the new start
        checkpointNorm[i] = Number.POSITIVE_INFINITY;
        sinceHalved[i] = 0;
        mu[i] = 0;
      }
      for (let j = 0; j < m; j++) worst = Math.max(worst, Math.abs(acceptedResidual[i * slots + j]!));
    }
    options.onIteration?.(iteration, worst, n - active.length);
    if (active.length === 0) break;
    if (iteration >= maxIterations && options.keepUnconverged === true) {
      unconverged = [...active];
      for (const i of active) x.set((acceptedNorm[i]! <= bestNorm[i]! ? accepted : best).subarray(i * D, (i + 1) * D), i * D);
      break;
    }
    if (iteration >= maxIterations) {
      throw new EngineError('GENERATION_FAILED', `${active.length} of ${n} triggers did not reach the class junction within ${maxIterations} iterations`, {
        unconverged: active.length,
        maxIterations,
      });
    }
    // Jacobian rows R_ij = grad (logp_y - logp_cj), one backward pass each (the key's gradient is
    // never needed alone), for the active triggers only, a micro-batch of triggers at a time; each
    // trigger steps as soon as its rows are there (a step moves only its own trigger).
    const rowsOf = new Map<number, LogpRow[]>();
    for (const i of active) {
      const rows: LogpRow[] = [];
      for (let j = 0; j < count[i]!; j++) rows.push([labels[i]!, competitors[i * slots + j]!]);
      rowsOf.set(i, rows);
    }
    forEachExampleLogpGradients(classifier, x, n, rowsOf, batching, (i, rows) => {
      const norm = gaussNewtonStep(x, i, D, count[i]!, rows, acceptedResidual.subarray(i * slots, i * slots + count[i]!), mu[i]!, bounds);
      if (norm > 0) rowNorm[i] = norm; // zero where every unit is dead: keep the last scale seen
    });
    // Every iteration: a worker's heartbeats must not stall behind long runs (issue 20).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { data: x, margins: keyLabelMargins(logpOf(x), labels, K), iterations: iteration, competitors: k, unconverged, reanchored };
}

/** Per trigger, log p[label] - max over the other classes, from log-probabilities [n, K]. */
export function keyLabelMargins(logp: Float32Array, labels: Int32Array, K: number): Float32Array {
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < K; c++) if (c !== labels[i] && logp[i * K + c]! > best) best = logp[i * K + c]!;
    out[i] = logp[i * K + labels[i]!]! - best;
  }
  return out;
}

/**
 * x_i -= R^T (R R^T + ridge I)^-1 r for trigger i, where `jacobian` holds the m rows of R, row j
 * grad (logp_key - logp_cj) ([m * D], float32 as computed), and r its m residuals. With bounds, the
 * columns of coordinates held at a bound are zeroed (they cannot move), up to three rounds as the
 * step reveals more of them, and the final step is clipped into the box. Returns the mean norm of
 * the rows of R (the scale of a restart's displacement).
 */
function gaussNewtonStep(
  x: Float32Array,
  i: number,
  D: number,
  m: number,
  jacobian: Float32Array,
  residual: Float64Array,
  mu: number,
  bounds?: { readonly min: number; readonly max: number },
): number {
  const offset = i * D;
  const rows = Float64Array.from(jacobian);
  let rowNorms = 0;
  for (let j = 0; j < m; j++) {
    let squared = 0;
    for (let d = 0; d < D; d++) squared += rows[j * D + d]! * rows[j * D + d]!;
    rowNorms += Math.sqrt(squared);
  }
  let step = minimumNormStep(rows, D, m, residual, mu);
  if (bounds !== undefined) {
    for (let round = 0; round < 3; round++) {
      let held = 0;
      for (let d = 0; d < D; d++) {
        const v = x[offset + d]!;
        const s = step[d]!;
        const pushesOut = (v <= bounds.min && s > 0) || (v >= bounds.max && s < 0);
        if (pushesOut && s !== 0) {
          for (let j = 0; j < m; j++) rows[j * D + d] = 0;
          held++;
        }
      }
      if (held === 0) break;
      step = minimumNormStep(rows, D, m, residual, mu);
    }
  }
  for (let d = 0; d < D; d++) {
    let v = x[offset + d]! - step[d]!;
    if (bounds !== undefined) v = Math.min(bounds.max, Math.max(bounds.min, v));
    x[offset + d] = v;
  }
  return rowNorms / m;
}

/**
 * Moves trigger i by a random direction of length `length` (the residual over the gradient's
 * scale: as far as a step that would close the gaps), seeded by the trigger's own point and its
 * restart number so that a run is reproducible; clipped into the box.
 */
function displace(x: Float32Array, i: number, D: number, length: number, restart: number, bounds?: { readonly min: number; readonly max: number }): void {
  const point = x.subarray(i * D, (i + 1) * D);
  const stream = new SeededStream(new Uint8Array(point.buffer, point.byteOffset, point.byteLength), `junction-restart/${restart}`);
  const direction = new Float64Array(D);
  let squared = 0;
  for (let d = 0; d < D; d++) {
    direction[d] = stream.nextNormal();
    squared += direction[d]! * direction[d]!;
  }
  const scale = length / Math.sqrt(squared);
  for (let d = 0; d < D; d++) {
    let v = point[d]! + direction[d]! * scale;
    if (bounds !== undefined) v = Math.min(bounds.max, Math.max(bounds.min, v));
    point[d] = v;
  }
}

/** R^T (R R^T + ridge I)^-1 r for one trigger's m x D Jacobian `rows`. */
function minimumNormStep(rows: Float64Array, D: number, m: number, residual: Float64Array, mu: number): Float64Array {
  const A = new Float64Array(m * m);
  let trace = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += rows[a * D + d]! * rows[b * D + d]!;
      A[a * m + b] = s;
      A[b * m + a] = s;
    }
    trace += A[a * m + a]!;
  }
  const ridge = (1e-9 + mu) * (trace / m) + 1e-30;
  for (let a = 0; a < m; a++) A[a * m + a]! += ridge;
  const coef = solveSmall(A, Float64Array.from(residual), m);
  const step = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += coef[j]! * rows[j * D + d]!;
    step[d] = s;
  }
  return step;
}
