/**
 * Fragile trigger generation (Yin, Yin, Zhang, ICIP 2022, arXiv 2208.07585, Sec. "Generation"
 * as restated in docs method.md).
 *
 * Loop: z fixed -> x = G(z) -> log p = f(x) in inference mode (frozen classifier, BN statistics
 * untouched) -> loss. Each step first checks the current triggers: once AccTri on the clean model
 * is 100% (or, for MARGIN, the margins are on target) the loop stops *before* updating G, exactly
 * the triggers just evaluated are kept; otherwise Adam updates the generator's variables, passed
 * as an explicit varList so the classifier can never be trained. Accepted triggers are re-checked
 * with a fresh inference-mode forward pass of the classifier on the float32 values as they will be
 * stored; anything short of 100% is EngineError GENERATION_FAILED.
 */
import * as tf from '@tensorflow/tfjs';
import { currentBackend } from '../backend/index.ts';
import { EngineError } from '../errors.ts';
import { DEFAULT_TRIGGER_COUNT, generateKey, latentsFromSeed, type SecretKey } from '../key.ts';
import { computeWeightsDigest, logProbabilities, predictLabels, type Classifier } from '../model/classifier.ts';
import type { TriggerSet } from '../triggers/format.ts';
import { DEFAULT_GENERATOR, type GeneratorConfig } from './generator.ts';
import { defaultWarmStart, DIRECT_INIT_STD, directSource, generatorSource, noiseStarts, WARM_START_KINDS, type TriggerSource, type WarmStartKind } from './warm-start.ts';
import type { SensitivityOptions } from './refine.ts';
import { DEFAULT_LOSS, labelMargins, type LossKind, type LossSpec } from './loss.ts';
import { checkObjectiveFits, isConverged, normaliseLoss, refineTriggers, triggerLoss } from './objectives/index.ts';
import { servingSummary } from './serving-summary.ts';
import { placeForServing } from './serving-margins.ts';
import { createAdam } from './adam.ts';
import { domainToJson, firstOutsideDomain, isBounded, shareAtLimits, UNBOUNDED_DOMAIN, validateInputDomain, type InputDomain } from '../serving/input-domain.ts';
import { isServingProfile, type ServingProfile } from '../serving/profiles.ts';
import { checkServing } from '../serving/serving-check.ts';
import { microBatchSize, type MicroBatchOptions } from '../model/micro-batch.ts';
import { microBatchedGeneratorStep } from './micro-batched-loss.ts';

export const TRIGGER_METHOD = 'fragile-trigger/yin2022';

export interface OptimizerConfig {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
}

/** The paper's optimiser: Adam lr 1e-4, betas (0.5, 0.999), at most 300 steps. */
export const PAPER_OPTIMIZER: OptimizerConfig = { learningRate: 1e-4, beta1: 0.5, beta2: 0.999 };
export const PAPER_MAX_STEPS = 300;
/**
 * Our default: the paper's betas with lr 1e-2. With the small generator, lr 1e-4 does not reach
 * AccTri 100% within 300 steps on the reference MNIST CNN (bench/RESULTS.md), while 1e-2 does in
 * tens of steps.
 */
export const DEFAULT_OPTIMIZER: OptimizerConfig = { learningRate: 1e-2, beta1: 0.5, beta2: 0.999 };

/** WARM_START: an update of the warm start; PLACEMENT: the objective's placement of the accepted triggers has begun. */
export type GenerationStage = 'WARM_START' | 'PLACEMENT';

export interface GenerationProgress {
  readonly stage: GenerationStage;
  /** Warm-start steps taken (in PLACEMENT: the steps before it, 0 without a warm start). */
  readonly step: number;
  readonly loss: number;
  readonly accTri: number;
  /**
   * In PLACEMENT, once the objective reports it (JUNCTION, after each junction iteration): how many
   * triggers are in their place. Each serving round places again those short of their margin, so
   * `done` can fall from one round to the next.
   */
  readonly placed?: { readonly done: number; readonly total: number };
}

export interface GenerationOptions {
  /**
   * Objective; default JUNCTION (margin target 1e-3 over 9 tied competitors, see junction.ts).
   * The paper's objective is `{ kind: 'CE_VARIANCE' }` (lambda 150, exported as PAPER_LOSS).
   */
  readonly loss?: Partial<LossSpec> & { kind: LossKind };
  /** Number of triggers N (default 100); ignored when `key` is given. */
  readonly count?: number;
  /** Pre-drawn key (labels + latent seed); default: a fresh CSPRNG key. */
  readonly key?: SecretKey;
  readonly generator?: Partial<GeneratorConfig>;
  /**
   * Where the warm start's candidates come from (warm-start.ts): the paper's GENERATOR, or DIRECT
   * optimisation of the inputs from seeded noise. Default: by input size (`defaultWarmStart`).
   */
  readonly warmStart?: WarmStartKind;
  readonly optimizer?: Partial<OptimizerConfig>;
  /** At most this many generator updates (default 300, the paper's cap). */
  readonly maxSteps?: number;
  readonly onProgress?: (p: GenerationProgress) => void;
  readonly signal?: AbortSignal;
  /** SENSITIVE only: simulated changes and trigger-refinement settings (reference data strongly advised). */
  readonly sensitivity?: SensitivityOptions;
  /** Clock for createdAt (tests). */
  readonly now?: () => Date;
  /**
   * Values the deployment accepts; every trigger is generated inside it (default: unbounded
   * float32, the engine's behaviour before domains; the platform defaults to [0, 1]).
   */
  readonly inputDomain?: InputDomain;
  /**
   * Numerics the triggers must survive (serving/profiles.ts; default FP32_EXACT: TF.js float32
   * exactly, the engine's behaviour before profiles; the platform has its own default).
   */
  readonly servingProfile?: ServingProfile;
  /** Run the serving check on the other TF.js backend too (default true). */
  readonly checkOtherBackend?: boolean;
  /**
   * JUNCTION only: owner-supplied sample inputs (float32 [R, ...inputShape], inside the domain).
   * Each trigger then starts from one of them instead of the generator's output, so the junction
   * projection's minimum-norm steps keep it close to a real input (stealth; PSNR reported).
   */
  readonly referenceInputs?: Float32Array;
  /**
   * Memory budget (MB) for the tensors of one micro-batch of any pass through the classifier
   * (default 2048, model/micro-batch.ts): passes over more triggers than fit run in micro-batches.
   */
  readonly memoryBudgetMb?: number;
  /** Called after each micro-batch: of a generator step that does not fit the budget whole, and of the junction's passes. */
  readonly onMicroBatch?: MicroBatchOptions['onMicroBatch'];
}

export interface GenerationResult {
  readonly triggerSet: TriggerSet;
  /** Warm-start updates (of the generator, or of the inputs) applied before the accepted triggers were produced. */
  readonly steps: number;
  readonly warmStart: WarmStartKind;
  readonly accTri: number;
  readonly finalLoss: number;
  /** Per-trigger top-1 minus top-2 (log-probability = logit) margins of the accepted triggers. */
  readonly margins: Float32Array;
  readonly elapsedMs: number;
  readonly backend: string;
  readonly modelDigest: string;
  /** Variables the warm start optimised: the generator's weights, or the inputs' values (DIRECT). */
  readonly generatorParameters: number;
  /** SENSITIVE only: fraction of triggers flipped on every simulated changed model (generation-time estimate). */
  readonly simulatedFlipFraction?: number;
  readonly servingProfile: ServingProfile;
  readonly inputDomain: InputDomain;
  /** Share of trigger values at the domain's limits (0 for unbounded domains): a stealth figure. */
  readonly shareAtLimits: number;
  /** With reference inputs: median PSNR (dB) of each trigger to its nearest reference. */
  readonly medianPsnr?: number;
}

function cancelled(step: number): EngineError {
  return new EngineError('CANCELLED', `trigger generation cancelled at step ${step}`, { step });
}

/** Yields to the event loop so that an abort from a timer or another request can land. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function generateTriggers(classifier: Classifier, options: GenerationOptions = {}): Promise<GenerationResult> {
  const backend = currentBackend();
  const started = Date.now();
  // Defaults may depend on the class count (JUNCTION's k, loss.ts).
  const loss = normaliseLoss(options.loss ?? { kind: DEFAULT_LOSS.kind }, classifier.numClasses);
  const genConfig: GeneratorConfig = { ...DEFAULT_GENERATOR, ...options.generator };
  const key =
    options.key ??
    generateKey({ numClasses: classifier.numClasses, count: options.count ?? DEFAULT_TRIGGER_COUNT, latentDim: genConfig.latentDim });
  if (key.numClasses !== classifier.numClasses) {
    throw new EngineError('INVALID_ARGUMENT', `key has ${key.numClasses} classes, classifier ${classifier.numClasses}`);
  }
  if (options.key !== undefined && options.generator?.latentDim !== undefined && options.generator.latentDim !== key.latentDim) {
    throw new EngineError('INVALID_ARGUMENT', 'generator.latentDim differs from the key latentDim');
  }
  const gen: GeneratorConfig = { ...genConfig, latentDim: key.latentDim };
  const opt: OptimizerConfig = { ...DEFAULT_OPTIMIZER, ...options.optimizer };
  const maxSteps = options.maxSteps ?? PAPER_MAX_STEPS;
  const domain = validateInputDomain(options.inputDomain ?? UNBOUNDED_DOMAIN);
  const profile = options.servingProfile ?? 'FP32_EXACT';
  if (!isServingProfile(profile)) throw new EngineError('INVALID_ARGUMENT', `unknown serving profile ${String(profile)}`);
  checkObjectiveFits(loss.kind, domain, profile);
  const references = options.referenceInputs;
  if (references !== undefined) checkReferences(references, classifier.inputShape, domain, loss.kind);
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new EngineError('INVALID_ARGUMENT', 'maxSteps must be an integer >= 0');
  const warmStart = options.warmStart ?? defaultWarmStart(classifier.inputShape, loss.kind);
  if (!WARM_START_KINDS.includes(warmStart)) throw new EngineError('INVALID_ARGUMENT', `unknown warm start ${String(warmStart)}`);
  const n = key.labels.length;
  const modelDigest = computeWeightsDigest(classifier);
  if (options.signal?.aborted) throw cancelled(0);
  const budget = options.memoryBudgetMb !== undefined ? { memoryBudgetMb: options.memoryBudgetMb } : {};
  // Triggers per pass through the classifier within the budget (measured once per classifier).
  const perPass = n <= 1 ? 1 : microBatchSize(classifier, 'gradient', options.memoryBudgetMb);

  if (references !== undefined) {
    const starts = referenceStarts(classifier, references, key, domain, options.memoryBudgetMb);
    return junctionFromStarts(classifier, starts, key, loss as Extract<LossSpec, { kind: 'JUNCTION' }>, domain, profile, modelDigest, backend.choice, started, options);
  }
  if (warmStart === 'NONE') {
    if (loss.kind !== 'JUNCTION') throw new EngineError('INVALID_ARGUMENT', `warm start NONE needs the JUNCTION objective (the only one that places triggers by itself), not ${loss.kind}`);
    // DIRECT's first candidates: the same noise through the same sigmoid.
    const data = squashValuesIntoDomain(noiseStarts(classifier.inputShape, key.latentSeed, n), domain);
    const starts: JunctionStarts = { data, describe: () => ({ kind: 'noise', initStd: DIRECT_INIT_STD }) };
    return junctionFromStarts(classifier, starts, key, loss as Extract<LossSpec, { kind: 'JUNCTION' }>, domain, profile, modelDigest, backend.choice, started, options);
  }
  const source: TriggerSource =
    warmStart === 'GENERATOR' ? generatorSource(classifier.inputShape, gen, key.latentSeed, n) : directSource(classifier.inputShape, key.latentSeed, n);
  const generatorParameters = source.parameterCount;
  const sourceDescription = source.describe();
  const optimizer = createAdam(opt.learningRate, opt.beta1, opt.beta2);
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(key.labels, 'int32'), classifier.numClasses).toFloat()) as tf.Tensor2D;
  let accepted: { data: Float32Array; margins: Float32Array; loss: number; accTri: number; step: number } | undefined;
  let last = { loss: Number.NaN, accTri: 0 };
  try {
    for (let step = 0; step <= maxSteps; step++) {
      if (options.signal?.aborted) throw cancelled(step);
      // One forward pass gives both the convergence check on the current triggers and the gradient.
      let x: tf.Tensor | undefined;
      let margins: tf.Tensor1D | undefined;
      let value: tf.Scalar;
      let grads: tf.NamedTensorMap;
      if (perPass >= n) {
        // The whole batch fits: one pass, as before micro-batching (results bit-for-bit unchanged).
        ({ value, grads } = tf.variableGrads(() => {
          const xx = squashIntoDomain(source.produce(), domain);
          const logp = logProbabilities(classifier, xx);
          x = tf.keep(xx);
          margins = tf.keep(labelMargins(logp, oneHot));
          return triggerLoss(loss, logp, oneHot);
        }, source.variables));
      } else {
        ({ value, grads, x, margins } = microBatchedGeneratorStep(classifier, () => squashIntoDomain(source.produce(), domain), source.variables, loss, Int32Array.from(key.labels), {
          ...budget,
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
          ...(options.onMicroBatch !== undefined ? { onMicroBatch: options.onMicroBatch } : {}),
        }));
      }
      try {
        const m = (await margins!.data()) as Float32Array;
        const lossValue = (await value.data())[0]!;
        let correct = 0;
        for (const v of m) if (v > 0) correct++;
        last = { loss: lossValue, accTri: correct / n };
        options.onProgress?.({ stage: 'WARM_START', step, loss: lossValue, accTri: last.accTri });
        if (!Number.isFinite(lossValue)) break;
        if (isConverged(loss, m)) {
          accepted = { data: (await x!.data()) as Float32Array, margins: m, loss: lossValue, accTri: last.accTri, step };
          break;
        }
        if (step < maxSteps) optimizer.applyGradients(grads);
      } finally {
        value.dispose();
        tf.dispose(grads);
        x?.dispose();
        margins?.dispose();
      }
      await yieldToEventLoop();
    }
  } finally {
    optimizer.dispose();
    oneHot.dispose();
    source.dispose();
  }
  if (accepted === undefined) {
    throw new EngineError(
      'GENERATION_FAILED',
      `generation did not reach AccTri 100% within ${maxSteps} steps (final AccTri ${(last.accTri * 100).toFixed(1)}%, loss ${last.loss})`,
      { accTri: last.accTri, loss: last.loss, maxSteps },
    );
  }
  // The objective's own placement of the accepted triggers (objectives/).
  options.onProgress?.({ stage: 'PLACEMENT', step: accepted.step, loss: accepted.loss, accTri: accepted.accTri });
  const placing = accepted;
  const refined = await refineTriggers(loss, {
    classifier,
    data: accepted.data,
    margins: accepted.margins,
    labels: Int32Array.from(key.labels),
    domain,
    profile,
    seed: key.latentSeed,
    ...budget,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onMicroBatch !== undefined ? { onMicroBatch: options.onMicroBatch } : {}),
    ...(options.onProgress !== undefined
      ? { onPlaced: (done: number, total: number) => options.onProgress?.({ stage: 'PLACEMENT', step: placing.step, loss: placing.loss, accTri: placing.accTri, placed: { done, total } }) }
      : {}),
    ...(options.checkOtherBackend === false ? { checkOtherBackend: false } : {}),
    ...(options.sensitivity !== undefined ? { sensitivity: options.sensitivity } : {}),
  });
  accepted = { ...accepted, data: refined.data, margins: refined.margins };
  const { refinement, simulatedFlipFraction } = refined;
  let serving = refined.serving;
  // Independent re-check: fresh inference-mode forward pass from the float32 values as stored.
  const stored = Float32Array.from(accepted.data);
  const predicted = labelsOf(classifier, stored, options.memoryBudgetMb);
  let matched = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === key.labels[i]) matched++;
  if (matched !== n) {
    throw new EngineError('GENERATION_FAILED', `stored triggers score AccTri ${((matched / n) * 100).toFixed(1)}% on the clean model, not 100%`, {
      accTri: matched / n,
    });
  }
  if (firstOutsideDomain(domain, stored) >= 0) {
    // Cannot happen: every path above ends in the domain; checked because endpoints depend on it.
    throw new EngineError('GENERATION_FAILED', 'a stored trigger lies outside the input domain');
  }
  if (serving === undefined && profile !== 'FP32_EXACT') {
    // Objectives without margin control: accepted only if they already survive the profile.
    const check = await checkServing(classifier, stored, Int32Array.from(key.labels), profile, { ...budget, ...(options.checkOtherBackend === false ? { otherBackend: false } : {}) });
    if (check.failing.length > 0) {
      throw new EngineError('GENERATION_FAILED', `${check.failing.length} of ${n} ${loss.kind} triggers do not survive the ${profile} profile's numerics; JUNCTION controls margins per profile`, {
        failing: check.failing.length,
      });
    }
    serving = servingSummary(check);
  }
  if (computeWeightsDigest(classifier) !== modelDigest) {
    // Cannot happen with an explicit varList; checked because the method's claim depends on it.
    throw new EngineError('GENERATION_FAILED', 'classifier weights changed during generation');
  }
  const triggerSet: TriggerSet = {
    shape: [...classifier.inputShape],
    numClasses: classifier.numClasses,
    labels: Int32Array.from(key.labels),
    data: stored,
    metadata: {
      method: TRIGGER_METHOD,
      loss,
      parameters: {
        latentSeed: key.latentSeed,
        latentDim: key.latentDim,
        ...(warmStart === 'GENERATOR' ? { generator: sourceDescription } : { start: { kind: 'direct', ...sourceDescription } }),
        optimizer: { name: 'adam', ...opt },
        maxSteps,
        steps: accepted.step,
        finalLoss: accepted.loss,
        ...(refinement !== undefined ? { refinement } : {}),
        ...(serving !== undefined ? { serving } : {}),
      },
      inputDomain: domainToJson(domain),
      servingProfile: profile,
      backend: backend.choice,
      modelDigest,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
    },
  };
  return {
    triggerSet,
    steps: accepted.step,
    warmStart,
    accTri: matched / n,
    finalLoss: accepted.loss,
    margins: accepted.margins,
    elapsedMs: Date.now() - started,
    backend: backend.choice,
    modelDigest,
    generatorParameters,
    ...(simulatedFlipFraction !== undefined ? { simulatedFlipFraction } : {}),
    servingProfile: profile,
    inputDomain: domain,
    shareAtLimits: shareAtLimits(domain, stored),
  };
}

/**
 * Generator outputs mapped into a bounded domain: min + (max - min) * sigmoid(G(z)), so the warm
 * start never leaves it and keeps a gradient everywhere; unbounded domains are left as they are.
 */
function squashIntoDomain(x: tf.Tensor, domain: InputDomain): tf.Tensor {
  if (!isBounded(domain)) return x;
  return tf.tidy(() => tf.add(tf.mul(tf.sigmoid(x), domain.max - domain.min), domain.min));
}

/**
 * `squashIntoDomain` on plain values, in place (the junction's noise starts: at 224x224 the tensors
 * of the mapping would grow the wasm heap, which never shrinks, before the junction's passes).
 */
function squashValuesIntoDomain(values: Float32Array, domain: InputDomain): Float32Array {
  if (!isBounded(domain)) return values;
  for (let i = 0; i < values.length; i++) values[i] = domain.min + (domain.max - domain.min) / (1 + Math.exp(-values[i]!));
  return values;
}

/** Argmax labels of float32 inputs [count, ...inputShape], from a fresh inference-mode pass. */
function labelsOf(classifier: Classifier, data: Float32Array, memoryBudgetMb?: number): Int32Array {
  const per = classifier.inputShape.reduce((a, b) => a * b, 1);
  const xs = tf.tensor(data, [data.length / per, ...classifier.inputShape]);
  try {
    return predictLabels(classifier, xs, undefined, memoryBudgetMb !== undefined ? { memoryBudgetMb } : {});
  } finally {
    xs.dispose();
  }
}

function checkReferences(references: Float32Array, inputShape: readonly number[], domain: InputDomain, kind: LossKind): void {
  const per = inputShape.reduce((a, b) => a * b, 1);
  if (kind !== 'JUNCTION') throw new EngineError('INVALID_ARGUMENT', 'reference inputs are supported with the JUNCTION objective only');
  if (!(references instanceof Float32Array) || references.length === 0 || references.length % per !== 0) {
    throw new EngineError('INVALID_ARGUMENT', `reference inputs must be a non-empty float32 array of whole inputs of shape [${inputShape.join(', ')}]`);
  }
  for (const v of references) if (!Number.isFinite(v) || v < domain.min || v > domain.max) throw new EngineError('INVALID_ARGUMENT', 'reference inputs must be finite and inside the input domain');
}

/** PSNR (dB) of each trigger to its nearest reference, over the domain's range (or the references' own). */
export function psnrToNearest(triggers: Float32Array, references: Float32Array, per: number, range: number): Float64Array {
  const n = triggers.length / per;
  const r = references.length / per;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < r; j++) {
      let mse = 0;
      for (let d = 0; d < per; d++) mse += (triggers[i * per + d]! - references[j * per + d]!) ** 2;
      best = Math.min(best, mse / per);
    }
    out[i] = best === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((range * range) / best);
  }
  return out;
}

/** Where each trigger's junction projection begins, [n, ...inputShape] in the domain, and what the metadata records. */
interface JunctionStarts {
  readonly data: Float32Array;
  /** `parameters.start` of the trigger set; with references, computed from the placed triggers. */
  describe(placed: Float32Array): Record<string, unknown> & { medianPsnr?: number };
}

/** Owner-supplied inputs: trigger i starts from a seeded choice of reference the model does not already give its key label. */
function referenceStarts(classifier: Classifier, references: Float32Array, key: SecretKey, domain: InputDomain, memoryBudgetMb?: number): JunctionStarts {
  const per = classifier.inputShape.reduce((a, b) => a * b, 1);
  const n = key.labels.length;
  const r = references.length / per;
  const predicted = labelsOf(classifier, references, memoryBudgetMb);
  const start = new Float32Array(n * per);
  const order = latentsFromSeed(`${key.latentSeed}/references`, 1, n).map((z) => Math.abs(z));
  for (let i = 0; i < n; i++) {
    let pick = Math.floor((order[i]! * 9973) % r);
    for (let tries = 0; tries < r && predicted[pick] === key.labels[i]; tries++) pick = (pick + 1) % r;
    start.set(references.subarray(pick * per, (pick + 1) * per), i * per);
  }
  return {
    data: start,
    describe: (placed) => {
      const psnr = Array.from(psnrToNearest(placed, references, per, valueRange(domain, references))).sort((a, b) => a - b);
      return { kind: 'references', count: r, medianPsnr: psnr[Math.floor(psnr.length / 2)]! };
    },
  };
}

/** The value range PSNR is measured against: the domain's, or the references' own when unbounded. */
function valueRange(domain: InputDomain, values: Float32Array): number {
  if (isBounded(domain)) return domain.max - domain.min;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo;
}

/**
 * JUNCTION straight from starting points, no warm-start optimisation: from owner-supplied
 * references, or from seeded noise (warm start NONE, warm-start.ts).
 */
async function junctionFromStarts(
  classifier: Classifier,
  starts: JunctionStarts,
  key: SecretKey,
  loss: Extract<LossSpec, { kind: 'JUNCTION' }>,
  domain: InputDomain,
  profile: ServingProfile,
  modelDigest: string,
  backend: string,
  started: number,
  options: GenerationOptions,
): Promise<GenerationResult> {
  const n = key.labels.length;
  const labels = Int32Array.from(key.labels);
  options.onProgress?.({ stage: 'PLACEMENT', step: 0, loss: Number.NaN, accTri: 0 });
  const placed = await placeForServing(classifier, starts.data, labels, {
    // A real input sits deep inside its own class, and noise far from the key label: the way to
    // the junction is longer than from a warm start.
    maxIterations: 400,
    marginTarget: loss.marginTarget,
    competitors: loss.competitors,
    domain,
    profile,
    ...(options.memoryBudgetMb !== undefined ? { memoryBudgetMb: options.memoryBudgetMb } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onMicroBatch !== undefined ? { onMicroBatch: options.onMicroBatch } : {}),
    onIteration: (_iteration, _worst, inBand) => options.onProgress?.({ stage: 'PLACEMENT', step: 0, loss: Number.NaN, accTri: 0, placed: { done: inBand, total: n } }),
    ...(options.checkOtherBackend === false ? { otherBackend: false } : {}),
  });
  const stored = Float32Array.from(placed.data);
  const got = labelsOf(classifier, stored, options.memoryBudgetMb);
  let matched = 0;
  for (let i = 0; i < n; i++) if (got[i] === labels[i]) matched++;
  if (matched !== n || firstOutsideDomain(domain, stored) >= 0 || computeWeightsDigest(classifier) !== modelDigest) {
    throw new EngineError('GENERATION_FAILED', `triggers placed from their starting points failed the re-check (AccTri ${((matched / n) * 100).toFixed(1)}%)`);
  }
  const start = starts.describe(stored);
  const triggerSet: TriggerSet = {
    shape: [...classifier.inputShape],
    numClasses: classifier.numClasses,
    labels,
    data: stored,
    metadata: {
      method: TRIGGER_METHOD,
      loss,
      parameters: {
        latentSeed: key.latentSeed,
        latentDim: key.latentDim,
        start,
        refinement: { kind: 'junction', competitors: Math.min(loss.competitors, classifier.numClasses - 1), iterations: placed.iterations, servingRounds: placed.rounds },
        serving: servingSummary(placed.check, placed.targets),
      },
      backend,
      modelDigest,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      inputDomain: domainToJson(domain),
      servingProfile: profile,
    },
  };
  return {
    triggerSet,
    steps: 0,
    warmStart: 'NONE',
    accTri: 1,
    finalLoss: Number.NaN,
    margins: placed.margins,
    elapsedMs: Date.now() - started,
    backend,
    modelDigest,
    generatorParameters: 0,
    servingProfile: profile,
    inputDomain: domain,
    shareAtLimits: shareAtLimits(domain, stored),
    ...(start.medianPsnr !== undefined ? { medianPsnr: start.medianPsnr } : {}),
  };
}
