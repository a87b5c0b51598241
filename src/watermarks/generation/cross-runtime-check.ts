/**
 * ONNX models: every trigger's label from onnxruntime must be the key label our interpreter gave
 * it (issue 18). onnxruntime is what most ONNX deployments serve with: an independent
 * implementation of the same graph, with its own kernels and summation order. A trigger on which
 * the two disagree sits closer to a decision boundary than two correct runtimes differ, so a
 * clean deployment could answer it "wrong": such triggers are dropped before the set is sealed,
 * and how many is recorded in the watermark's self-check (a built-in false-alarm check).
 */
import { ONNX_RUNTIME, onnxRuntimeLabels, selectTriggers, type Classifier, type TriggerSet } from '../../engine/index.ts';

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
): Promise<{ set: TriggerSet; check: CrossRuntimeCheck | null }> {
  if (classifier.format !== 'ONNX') return { set, check: null };
  const [bytes] = [...files.values()];
  if (files.size !== 1 || bytes === undefined) throw new Error('An ONNX artifact is one file.');
  const { labels } = await onnxRuntimeLabels(bytes, set.data, set.shape, { sigmoidOutput: classifier.binaryOutput === 'SIGMOID' });
  const agreed: number[] = [];
  labels.forEach((label, i) => {
    if (label === set.labels[i]) agreed.push(i);
  });
  const check = { runtime: ONNX_RUNTIME, checked: labels.length, disagreed: labels.length - agreed.length };
  if (agreed.length === 0) throw new Error(`onnxruntime labels every one of the ${labels.length} triggers differently from the interpreter: the model cannot be watermarked reliably.`);
  return { set: check.disagreed === 0 ? set : selectTriggers(set, agreed), check };
}
