/**
 * The CPU part of the watermark job, with no database or vault: load the version's model, check
 * it is the registered one, generate the fragile trigger set with the engine, and self-check it
 * (the stored bytes score 100% on the clean model, the model did not change, and how many
 * triggers a small weight perturbation flips). It runs in a worker thread (generation-thread.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  computeWeightsDigest,
  decodeTriggerSet,
  domainFromJson,
  encodeTriggerSet,
  flipFraction,
  gaussianNoiseClassifier,
  generateTriggers,
  loadClassifierFromFiles,
  triggerSetCommitment,
  verifyClassifier,
  type GenerationStage,
  type LossKind,
  type ServingProfile,
} from '../../engine/index.ts';
import { crossCheckRuntime } from './cross-runtime-check.ts';

/** Weight noise used by the generation-time self-check (data-free stand-in for a small fine-tune). */
export const SELF_CHECK_NOISE_STD = 1e-3;

export interface GenerationRequest {
  files: Map<string, Uint8Array>;
  /** The version's registered weights digest: generation refuses any other model. */
  weightsDigest: string;
  method: LossKind;
  lambda: number;
  maxSteps: number;
  triggerCount: number;
  profile: ServingProfile;
  /** The version's input domain, as stored (domainToJson). */
  inputDomain: unknown;
  /** Memory budget (MB) for one micro-batch of a pass through the classifier (FRAGMARK_ENGINE_MEMORY_BUDGET_MB). */
  memoryBudgetMb?: number;
}

export interface GenerationProgress {
  /** WARM_START while the warm start runs, PLACEMENT once the triggers are being placed (engine generate.ts). */
  stage: GenerationStage;
  step: number;
  accTri: number;
  /** Within a step or the placement after it: micro-batches of the current pass (large models take seconds each). */
  microBatch?: { done: number; total: number };
  /** In PLACEMENT: triggers in their place so far (engine GenerationProgress.placed). */
  placed?: { done: number; total: number };
}

export interface GeneratedWatermark {
  /** The encoded trigger set: triggers and key labels, to be sealed. */
  sealed: Uint8Array;
  commitment: string;
  /** Triggers sealed: the requested count less those another runtime labelled differently. */
  triggerCount: number;
  backend: string;
  steps: number;
  elapsedMs: number;
  selfCheck: Record<string, unknown>;
}

export async function generateWatermark(
  request: GenerationRequest,
  options: { signal?: AbortSignal; onProgress?: (progress: GenerationProgress) => void } = {},
): Promise<GeneratedWatermark> {
  const classifier = await loadClassifierFromFiles(request.files);
  try {
    const digestBefore = computeWeightsDigest(classifier);
    let last: GenerationProgress = { stage: 'WARM_START', step: 0, accTri: 0 };
    if (digestBefore !== request.weightsDigest) throw new Error("The stored artifact does not match the version's weights digest.");
    const result = await generateTriggers(classifier, {
      loss: request.method === 'CE_VARIANCE' ? { kind: request.method, lambda: request.lambda } : { kind: request.method },
      count: request.triggerCount,
      maxSteps: request.maxSteps,
      servingProfile: request.profile,
      inputDomain: domainFromJson(request.inputDomain),
      ...(request.memoryBudgetMb !== undefined ? { memoryBudgetMb: request.memoryBudgetMb } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => {
        last = { stage: p.stage, step: p.step, accTri: p.accTri, ...(p.placed !== undefined ? { placed: { ...p.placed } } : {}) };
        options.onProgress?.(last);
      },
      onMicroBatch: (m) => options.onProgress?.({ ...last, microBatch: { done: m.done, total: m.total } }),
    });
    // ONNX: triggers onnxruntime labels differently are dropped here, before anything is sealed.
    const crossRuntime = await crossCheckRuntime(classifier, request.files, result.triggerSet, options.signal !== undefined ? { signal: options.signal } : {});
    const triggerSet = crossRuntime.set;
    const sealed = encodeTriggerSet(triggerSet);
    const check = verifyClassifier(classifier, decodeTriggerSet(sealed), request.memoryBudgetMb !== undefined ? { memoryBudgetMb: request.memoryBudgetMb } : {});
    if (check.accTri !== 1) throw new Error(`Self-check failed: the stored triggers score ${check.accTri} on the clean model.`);
    if (computeWeightsDigest(classifier) !== digestBefore) throw new Error('Self-check failed: the model changed during generation.');
    const noisy = await gaussianNoiseClassifier(classifier, { std: SELF_CHECK_NOISE_STD, seed: randomBytes(8).toString('hex') });
    let flipped: number;
    try {
      flipped = flipFraction(noisy, triggerSet);
    } finally {
      noisy.dispose();
    }
    return {
      sealed,
      commitment: triggerSetCommitment(sealed),
      triggerCount: triggerSet.labels.length,
      backend: result.backend,
      steps: result.steps,
      elapsedMs: result.elapsedMs,
      selfCheck: {
        accTri: check.accTri,
        digestUnchanged: true,
        flipFractionUnderNoise: flipped,
        noiseStd: SELF_CHECK_NOISE_STD,
        simulatedFlipFraction: result.simulatedFlipFraction ?? null,
        medianMargin: median(result.margins),
        // Where the candidates came from (engine generation/warm-start.ts): GENERATOR or DIRECT, by input size.
        warmStart: result.warmStart,
        shareAtLimits: result.shareAtLimits,
        serving: (result.triggerSet.metadata.parameters as { serving?: unknown }).serving ?? null,
        crossRuntime: crossRuntime.check,
      },
    };
  } finally {
    classifier.dispose();
  }
}

function median(values: Float32Array): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}
