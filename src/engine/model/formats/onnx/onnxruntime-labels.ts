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
 * ONNX model on onnxruntime's CPU provider, in batches of at most `batchSize`, single-threaded
 * (deterministic), with onnxruntime's default graph optimisations (as a deployment runs it).
 * A binary model with one output gives label 1 when its output is above 0.5 (a final Sigmoid) or
 * above 0 (a logit), as `binaryScores` does.
 */
export async function onnxRuntimeLabels(
  onnxBytes: Uint8Array,
  inputs: Float32Array,
  inputShape: readonly number[],
  options: { readonly batchSize?: number; readonly sigmoidOutput?: boolean } = {},
): Promise<OnnxRuntimeOutput> {
  // The bytes are checked as an upload is (external data refused, sizes, ops) before onnxruntime
  // sees them: it would resolve external data against its working directory.
  const { summary } = parseOnnx('model.onnx', onnxBytes);
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
    // A fixed-batch export takes exactly its batch.
    const batchSize = summary.fixedBatch ?? Math.max(1, options.batchSize ?? 256);
    const labels = new Int32Array(n);
    let scores = new Float32Array(0);
    let outputs = 0;
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const feed = new ort.Tensor('float32', inputs.subarray(start * per, (start + size) * per), [size, ...inputShape]);
      let result: Awaited<ReturnType<typeof session.run>>;
      try {
        result = await session.run({ [session.inputNames[0]!]: feed });
      } catch (e) {
        throw new EngineError('INVALID_MODEL', `onnxruntime could not run the model: ${(e as Error).message}`, {}, { cause: e });
      } finally {
        feed.dispose();
      }
      const out = result[session.outputNames[0]!]!;
      const data = out.data as Float32Array;
      if (out.type !== 'float32' || out.dims.length !== 2 || out.dims[0] !== size || (outputs !== 0 && Number(out.dims[1]) !== outputs)) {
        out.dispose();
        throw new EngineError('INVALID_MODEL', `onnxruntime output is ${out.type} [${out.dims.join(', ')}]; expected float32 [${size}, classes]`);
      }
      if (outputs === 0) {
        outputs = Number(out.dims[1]);
        scores = new Float32Array(n * outputs);
      }
      scores.set(data, start * outputs);
      for (let i = 0; i < size; i++) {
        const row = data.subarray(i * outputs, (i + 1) * outputs);
        if (outputs === 1) {
          labels[start + i] = row[0]! > (options.sigmoidOutput === true ? 0.5 : 0) ? 1 : 0;
          continue;
        }
        let best = 0;
        for (let j = 1; j < outputs; j++) if (row[j]! > row[best]!) best = j;
        labels[start + i] = best;
      }
      out.dispose();
    }
    return { labels, scores, outputs };
  } finally {
    await session.release();
  }
}
