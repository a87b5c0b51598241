/**
 * Labels of an ONNX model from onnxruntime (https://onnxruntime.ai/docs/api/js/), the runtime
 * most ONNX deployments serve with: a second, independent implementation of the same graph. When
 * a watermark is generated on our interpreter, every trigger's label must agree with
 * onnxruntime's; a trigger on which they disagree sits closer to a decision boundary than the two
 * runtimes' numeric differences and would not verify reliably (the caller drops it and reports it).
 *
 * onnxruntime-node is loaded with a dynamic import: its native binding may be missing on a host
 * (it is installed with its install script disabled, which only fetches GPU providers; the CPU
 * binaries ship in the package), and nothing else of the engine depends on it.
 */
import { EngineError } from '../../../errors.ts';
import type { MicroBatchOptions } from '../../micro-batch.ts';
import { parseOnnx } from './onnx-reader.ts';

/** How results name this runtime (the version is package.json's, pinned). */
export const ONNX_RUNTIME = 'onnxruntime-node 1.30.0 (CPU)';

export interface OnnxRuntimeOutput {
  /** argmax of each row. */
  readonly labels: Int32Array;
  /** The model's raw output, row-major [batch, outputs]. */
  readonly scores: Float32Array;
  readonly outputs: number;
}

type Ort = typeof import('onnxruntime-node');

let ortPromise: Promise<Ort> | undefined;

async function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').catch((e: unknown) => {
    ortPromise = undefined;
    throw new EngineError('BACKEND_UNAVAILABLE', `onnxruntime-node is not available: ${(e as Error).message} (npm ci installs it; its CPU binaries ship in the package)`, {}, { cause: e });
  });
  return ortPromise;
}

/** Whether onnxruntime-node loads on this host. */
export async function onnxRuntimeAvailable(): Promise<boolean> {
  try {
    await loadOrt();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `inputs` ([batch, ...inputShape] float32, row-major, in the model's own layout) through the
 * ONNX model on onnxruntime's CPU provider, one example per run, single-threaded (deterministic),
 * with onnxruntime's default graph optimisations (as a deployment runs it).
 *
 * One example per run bounds memory without measuring it: an upload is refused unless one
 * example's forward and input-gradient pass fits the engine's budget (model-validation.ts), and
 * onnxruntime holds less for a forward pass than that (ResNet-50 at 224x224: about 9 MB per
 * example against the engine's 105 MB). Batches gain nothing at the sizes that need the bound
 * (100 ResNet-50 inputs: 4.9 s one at a time, 5.2 s in one batch of 1.7 GB; MobileNetV2: 0.7 s
 * against 1.4 s) and lose a quarter on CIFAR-sized inputs (ResNet-18: 1.1 s against 0.9 s;
 * bench/RESULTS.md). Each run is awaited, so the event loop (heartbeats, other jobs) runs
 * between them; `signal` is checked before each.
 * A binary model with one output gives label 1 when its output is above 0.5 (a final Sigmoid) or
 * above 0 (a logit), as `binaryScores` does.
 */
export async function onnxRuntimeLabels(
  onnxBytes: Uint8Array,
  inputs: Float32Array,
  inputShape: readonly number[],
  options: { readonly sigmoidOutput?: boolean } & Pick<MicroBatchOptions, 'signal' | 'onMicroBatch'> = {},
): Promise<OnnxRuntimeOutput> {
  // The bytes are checked as an upload is (external data refused, sizes, ops) before onnxruntime
  // sees them: it would resolve external data against its working directory.
  parseOnnx('model.onnx', onnxBytes);
  const ort = await loadOrt();
  const per = inputShape.reduce((a, b) => a * b, 1);
  if (per <= 0 || inputs.length % per !== 0) throw new EngineError('INVALID_ARGUMENT', `inputs hold ${inputs.length} values, not a whole number of [${inputShape.join(', ')}] examples`);
  const n = inputs.length / per;
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await ort.InferenceSession.create(onnxBytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new EngineError('INVALID_MODEL', `onnxruntime could not load the model: ${(e as Error).message}`, {}, { cause: e });
  }
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      throw new EngineError('INVALID_MODEL', `onnxruntime sees ${session.inputNames.length} inputs and ${session.outputNames.length} outputs; a classifier has one of each`);
    }
    const labels = new Int32Array(n);
    let scores = new Float32Array(0);
    let outputs = 0;
    for (let i = 0; i < n; i++) {
      if (options.signal?.aborted) throw new EngineError('CANCELLED', `cancelled before example ${i + 1} of ${n}`, { microBatch: i });
      const feed = new ort.Tensor('float32', inputs.subarray(i * per, (i + 1) * per), [1, ...inputShape]);
      let result: Awaited<ReturnType<typeof session.run>>;
      try {
        result = await session.run({ [session.inputNames[0]!]: feed });
      } catch (e) {
        throw new EngineError('INVALID_MODEL', `onnxruntime could not run the model: ${(e as Error).message}`, {}, { cause: e });
      } finally {
        feed.dispose();
      }
      const out = result[session.outputNames[0]!]!;
      try {
        if (out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== 1 || (outputs !== 0 && Number(out.dims[1]) !== outputs)) {
          throw new EngineError('INVALID_MODEL', `onnxruntime output is ${out.type} [${out.dims.join(', ')}]; expected float32 [1, classes]`);
        }
        if (outputs === 0) {
          outputs = Number(out.dims[1]);
          scores = new Float32Array(n * outputs);
        }
        const row = out.data as Float32Array;
        scores.set(row, i * outputs);
        labels[i] = outputs === 1 ? (row[0]! > (options.sigmoidOutput === true ? 0.5 : 0) ? 1 : 0) : argmax(row);
      } finally {
        out.dispose();
      }
      options.onMicroBatch?.({ done: i + 1, total: n, examples: i + 1 });
    }
    return { labels, scores, outputs };
  } finally {
    await session.release();
  }
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
}
