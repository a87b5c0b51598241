/**
 * ONNX models: every trigger's label from onnxruntime must be the key label our interpreter gave
 * it (issue 18). onnxruntime is what most ONNX deployments serve with: an independent
 * implementation of the same graph, with its own kernels and summation order. A trigger on which
 * the two disagree sits closer to a decision boundary than two correct runtimes differ, so a
 * clean deployment could answer it "wrong": such triggers are dropped before the set is sealed,
 * and how many is recorded in the watermark's self-check (a built-in false-alarm check).
 */
import { EngineError, ONNX_RUNTIME, onnxRuntimeLabels, selectTriggers, type Classifier, type TriggerSet } from '../../engine/index.ts';

/**
 * Most triggers the runtimes may disagree on. Two correct runtimes differ by float32 rounding
 * (~1e-7 here), far below the triggers' margins (1e-3 and up): more than a few disagreements means
 * the graph runs differently on onnxruntime, and a watermark of it would prove nothing there.
 */
export const MAX_DISAGREEING_FRACTION = 0.1;

export interface CrossRuntimeCheck {
  readonly runtime: string;
  readonly checked: number;
  readonly disagreed: number;
}

/** The set without the triggers onnxruntime labels differently, and the counts; other formats pass through. */
export async function crossCheckRuntime(
  classifier: Classifier,
  files: ReadonlyMap<string, Uint8Array>,
  set: TriggerSet,
  options: { readonly signal?: AbortSignal } = {},
): Promise<{ set: TriggerSet; check: CrossRuntimeCheck | null }> {
  if (classifier.format !== 'ONNX') return { set, check: null };
  const [bytes] = [...files.values()];
  if (files.size !== 1 || bytes === undefined) throw new EngineError('INVALID_MODEL', 'An ONNX artifact is one file.');
  const { labels } = await onnxRuntimeLabels(bytes, set.data, set.shape, {
    sigmoidOutput: classifier.binaryOutput === 'SIGMOID',
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const agreed: number[] = [];
  labels.forEach((label, i) => {
    if (label === set.labels[i]) agreed.push(i);
  });
  const check = { runtime: ONNX_RUNTIME, checked: labels.length, disagreed: labels.length - agreed.length };
  if (check.disagreed > MAX_DISAGREEING_FRACTION * labels.length) {
    throw new EngineError(
      'GENERATION_FAILED',
      `onnxruntime labels ${check.disagreed} of the ${labels.length} triggers differently from Fragmark's interpreter (at most ${MAX_DISAGREEING_FRACTION * 100}% may differ): the model runs differently on the two, so a watermark would not verify reliably on an onnxruntime deployment.`,
      { ...check },
    );
  }
  return { set: check.disagreed === 0 ? set : selectTriggers(set, agreed), check };
}
