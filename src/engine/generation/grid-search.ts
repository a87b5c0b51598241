/**
 * JUNCTION on an 8-bit input grid: the discrete counterpart of junction.ts for `UINT8` domains.
 *
 * An image endpoint takes pixels as 256 levels, so a trigger must be a point of that grid. Rounding
 * a continuous junction point to the grid moves every gap by about sqrt(D) * step/sqrt(12) * |grad|
 * (~0.02 for MNIST), far more than the margin band. This search walks the grid instead: at the
 * current point it linearises the k gaps g_j = logp_key - logp_cj (Jacobian R, one backward pass
 * per class, as in junction.ts) and greedily moves single pixels by one level, each time the move
 * that most reduces the predicted ||g - t||^2, until every predicted gap is near t (a coordinate
 * descent on the lattice). A real forward pass then re-checks; a batch of moves that made a trigger
 * worse (it crossed into another linear region) is undone and retried with fewer moves.
 */
import { EngineError } from '../errors.ts';
import type { Classifier } from '../model/classifier.ts';
import { logProbabilitiesInBatches, selectedLogpGradients, type MicroBatchOptions } from '../model/micro-batch.ts';
import { levelValue, nearestLevel, UINT8_LEVELS, type InputDomain } from '../serving/input-domain.ts';

export interface GridSearchOptions {
  readonly domain: InputDomain;
  /** Per-trigger margin targets t (accepted band [t/2, 2t], as junction.ts). */
  readonly marginTargets: Float64Array;
  /** Competitors tied with the key label (capped at classes - 1). */
  readonly competitors: number;
  readonly maxIterations?: number;
  readonly signal?: AbortSignal;
  /**
   * Return the triggers still outside their band after maxIterations (in `unconverged`) instead
   * of failing: the caller may raise their targets (a band wider than one pixel step is easier to
   * hit on the grid) and search again.
   */
  readonly keepUnconverged?: boolean;
  /** Memory budget for one micro-batch's tensors (MB, default micro-batch.ts's). */
  readonly memoryBudgetMb?: number;
}

export interface GridSearchResult {
  readonly data: Float32Array;
  readonly margins: Float32Array;
  readonly iterations: number;
  /** With keepUnconverged: the triggers not in their band (empty when all are). */
  readonly unconverged: readonly number[];
}

/** Predicted residuals within this fraction of t end a trigger's greedy pass. */
const PASS_TOLERANCE = 0.3;
const INITIAL_MOVES = 96;

export async function searchJunctionOnGrid(classifier: Classifier, x0: Float32Array, labels: Int32Array, options: GridSearchOptions): Promise<GridSearchResult> {
  const { domain, marginTargets: targets } = options;
  if (domain.encoding !== 'UINT8') throw new EngineError('INVALID_ARGUMENT', 'the grid search needs a UINT8 domain');
  const n = labels.length;
  const K = classifier.numClasses;
  const k = Math.min(options.competitors, K - 1);
  const slots = Math.min(K - 1, 2 * k);
  const D = x0.length / n;
  const maxIterations = options.maxIterations ?? 80;
  const q = new Uint8Array(x0.length);
  for (let i = 0; i < x0.length; i++) q[i] = nearestLevel(domain, x0[i]!);
  const levels = Float32Array.from({ length: UINT8_LEVELS }, (_, l) => levelValue(domain, l));
  const x = Float32Array.from(q, (l) => levels[l]!);
  // Every pass in micro-batches within the memory budget, cancellable between them (model/micro-batch.ts).
  const batching: MicroBatchOptions = {
    ...(options.memoryBudgetMb !== undefined ? { memoryBudgetMb: options.memoryBudgetMb } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const logpOf = (): Float32Array => logProbabilitiesInBatches(classifier, x, n, batching);

  // Per trigger: the competitor set at the current point, its residuals and a move budget.
  const sets: number[][] = Array.from({ length: n }, () => []);
  const budget = new Int32Array(n).fill(INITIAL_MOVES);
  const lastNorm = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const undo: (Uint8Array | undefined)[] = new Array(n);

  let iteration = 0;
  let unconverged: number[] = [];
  for (; ; iteration++) {
    if (options.signal?.aborted) throw new EngineError('CANCELLED', `trigger generation cancelled in grid iteration ${iteration}`, { iteration });
    const logp = logpOf();
    const active: number[] = [];
    const residuals: Float64Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const t = targets[i]!;
      const key = logp[i * K + labels[i]!]!;
      const others = [...Array(K).keys()].filter((c) => c !== labels[i]).sort((a, b) => logp[i * K + b]! - logp[i * K + a]!);
      const set = others.slice(0, k);
      for (const c of others.slice(k)) if (key - logp[i * K + c]! < t / 2 && set.length < slots) set.push(c);
      let inBand = others.slice(set.length).every((c) => key - logp[i * K + c]! >= t / 2);
      const r = new Float64Array(set.length);
      let norm = 0;
      set.forEach((c, j) => {
        const gap = key - logp[i * K + c]!;
        r[j] = gap - t;
        norm += r[j]! * r[j]!;
        if (!(gap >= t / 2 && gap <= 2 * t)) inBand = false;
      });
      if (inBand) continue;
      // A batch of moves that made the trigger worse is undone; the next one is smaller.
      if (norm > lastNorm[i]! && undo[i] !== undefined) {
        q.set(undo[i]!, i * D);
        for (let d = 0; d < D; d++) x[i * D + d] = levels[q[i * D + d]!]!;
        budget[i] = Math.max(1, budget[i]! >> 1);
        undo[i] = undefined;
        active.push(-1 - i); // re-evaluate next iteration before moving again
        continue;
      }
      lastNorm[i] = norm;
      sets[i] = set;
      residuals[i] = r;
      active.push(i);
    }
    if (active.length === 0) break;
    if (iteration >= maxIterations && options.keepUnconverged === true) {
      unconverged = active.map((i) => (i >= 0 ? i : -1 - i)).sort((a, b) => a - b);
      break;
    }
    if (iteration >= maxIterations) {
      throw new EngineError('GENERATION_FAILED', `${active.length} of ${n} triggers did not reach the class junction on the 8-bit input grid within ${maxIterations} iterations`, {
        unconverged: active.length,
        maxIterations,
      });
    }
    const moving = active.filter((i) => i >= 0);
    if (moving.length === 0) continue;
    const width = Math.max(...moving.map((i) => sets[i]!.length));
    const selectors = Array.from({ length: width + 1 }, (_, j) =>
      Int32Array.from({ length: n }, (_, i) => (j === 0 ? labels[i]! : j <= sets[i]!.length && residuals[i] !== undefined ? sets[i]![j - 1]! : -1)),
    );
    const grads = selectedLogpGradients(classifier, x, n, selectors, batching);
    for (const i of moving) {
      undo[i] = q.slice(i * D, (i + 1) * D);
      greedyMoves(q, x, levels, i, D, grads, residuals[i]!, targets[i]!, budget[i]!);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const margins = new Float32Array(n);
  const logp = logpOf();
  for (let i = 0; i < n; i++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < K; c++) if (c !== labels[i] && logp[i * K + c]! > best) best = logp[i * K + c]!;
    margins[i] = logp[i * K + labels[i]!]! - best;
  }
  return { data: x, margins, iterations: iteration, unconverged };
}

/**
 * Up to `budget` one-level pixel moves for trigger i, each the one that most reduces the
 * linearised ||r + R dx||^2; stops early once every predicted residual is within PASS_TOLERANCE t.
 */
function greedyMoves(q: Uint8Array, x: Float32Array, levels: Float32Array, i: number, D: number, grads: Float32Array[], r: Float64Array, t: number, budget: number): void {
  const m = r.length;
  const offset = i * D;
  // Columns J[d][j] = d gap_j / d x_d, and the level spacing each move changes x_d by.
  const J = new Float64Array(D * m);
  const key = grads[0]!;
  for (let j = 0; j < m; j++) {
    const other = grads[j + 1]!;
    for (let d = 0; d < D; d++) J[d * m + j] = key[offset + d]! - other[offset + d]!;
  }
  const dot = new Float64Array(D);
  const norm = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < m; j++) {
      a += r[j]! * J[d * m + j]!;
      b += J[d * m + j]! ** 2;
    }
    dot[d] = a;
    norm[d] = b;
  }
  for (let move = 0; move < budget; move++) {
    if (r.every((v) => Math.abs(v) <= PASS_TOLERANCE * t)) return;
    let best = 0;
    let bestD = -1;
    let bestStep = 0;
    for (let d = 0; d < D; d++) {
      const level = q[offset + d]!;
      for (const s of [-1, 1]) {
        const to = level + s;
        if (to < 0 || to >= UINT8_LEVELS) continue;
        const h = levels[to]! - levels[level]!;
        const change = 2 * h * dot[d]! + h * h * norm[d]!;
        if (change < best) {
          best = change;
          bestD = d;
          bestStep = s;
        }
      }
    }
    if (bestD < 0) return;
    const from = q[offset + bestD]!;
    const h = levels[from + bestStep]! - levels[from]!;
    q[offset + bestD] = from + bestStep;
    x[offset + bestD] = levels[from + bestStep]!;
    for (let j = 0; j < m; j++) r[j]! += h * J[bestD * m + j]!;
    // dot[d] = r . J_d changes by h * (J_bestD . J_d).
    for (let d = 0; d < D; d++) {
      let c = 0;
      for (let j = 0; j < m; j++) c += J[bestD * m + j]! * J[d * m + j]!;
      dot[d]! += h * c;
    }
  }
}
