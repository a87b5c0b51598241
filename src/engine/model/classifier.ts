/**
 * The classifier every part of the engine works on, whatever format it was shipped in.
 *
 * The fragile-trigger method (Yin, Yin, Zhang, ICIP 2022, arXiv 2208.07585) never modifies the
 * classifier: that is why it costs no accuracy. The platform proves this by identifying every
 * model version with a canonical digest of its weights, recomputed after generation.
 *
 * Each format (TF.js Layers, TF.js Graph, ONNX, Keras) has a reader in `formats/` that detects it,
 * checks it before allocating, and loads it into this interface. The engine only calls `predict`
 * (differentiable with respect to the input, so triggers can be optimised through any format),
 * reads `weights()` for the digest, and asks for copies with other weights or other numerics.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { Numerics, Rounding } from '../serving/number-formats.ts';
import { microBatches, microBatchSize, type MicroBatchOptions } from './micro-batch.ts';

/** filename (as the format names its files, e.g. model.json's weightsManifest paths) -> bytes. */
export type ArtifactFiles = ReadonlyMap<string, Uint8Array>;

/** The formats a model can be uploaded in; stored with each model version. */
export type ModelFormat = 'TFJS_LAYERS' | 'TFJS_GRAPH' | 'ONNX' | 'KERAS';
export const MODEL_FORMATS: readonly ModelFormat[] = ['TFJS_LAYERS', 'TFJS_GRAPH', 'ONNX', 'KERAS'];

/**
 * How an image input is laid out, read from the model: TensorFlow and Keras are channels-last
 * (NHWC), PyTorch's ONNX exports channels-first (NCHW). Triggers are stored in the model's own
 * layout, so they go to its endpoint as they are. FLAT: any other input (vectors, sequences).
 */
export type InputLayout = 'NHWC' | 'NCHW' | 'FLAT';

export type OutputKind = 'probabilities' | 'logits';

/** What the one output of a binary classifier is. */
export type BinaryOutput = 'SIGMOID' | 'LOGIT';

export interface NamedWeight {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

export interface Classifier {
  readonly format: ModelFormat;
  /** Input shape without the batch dimension, in the model's own layout, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly layout: InputLayout;
  /** Classes; 2 for a binary classifier with one output (see `binary.ts`). */
  readonly numClasses: number;
  /**
   * Whether `predict` gives probabilities (a softmax or sigmoid output) or raw logits. Losses work
   * on log-probabilities, which equal logits up to a per-row constant, so top-1 minus top-2
   * margins are the same in both cases.
   */
  readonly outputKind: OutputKind;
  /**
   * Set for a binary classifier with one output: what that one score is (a sigmoid probability
   * or a logit). Its endpoint answers one score per input, read the same way (binary.ts).
   */
  readonly binaryOutput?: BinaryOutput;
  /** The TF.js Layers model behind a Layers or Keras classifier: training-mode attacks need it. */
  readonly model?: tf.LayersModel;
  /** Inference-mode scores [batch, numClasses]; differentiable with respect to `x`. */
  predict(x: tf.Tensor): tf.Tensor2D;
  /** The weights that identify the model, by canonical name: the weights digest hashes exactly these. */
  weights(): readonly NamedWeight[];
  /**
   * A new classifier with the same graph and each float32 weight replaced by `fn(name, weight)`
   * (the result is owned by the new classifier). Weight-space attacks and benign changes use it.
   */
  withWeights(fn: (name: string, weight: tf.Tensor) => tf.Tensor): Promise<Classifier>;
  /** A new classifier that computes as a GPU serving stack does in `numerics` (serving/emulated-model.ts). */
  emulate(numerics: Numerics, rounding: Rounding): Promise<Classifier>;
  dispose(): void;
}

export function invalidModel(message: string, details: Record<string, unknown> = {}, cause?: unknown): EngineError {
  return new EngineError('INVALID_MODEL', message, details, cause === undefined ? undefined : { cause });
}

/** Most classes a classifier may have: key labels are stored as u16 (triggers/format.ts). */
export const MAX_CLASSES = 65535;

/**
 * Checks what every format must give: one fully defined input shape and [batch, classes] outputs
 * with 1 (binary) to MAX_CLASSES classes. Returns the number of classes the engine sees.
 */
export function checkClassifierShapes(inputShape: readonly (number | null | undefined)[], outputClasses: number | null | undefined): number {
  if (inputShape.length === 0 || inputShape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
    throw invalidModel(`classifier input shape must be fully defined apart from the batch (got [${inputShape.map(String).join(',')}])`);
  }
  if (typeof outputClasses !== 'number' || !Number.isInteger(outputClasses) || outputClasses < 1) {
    throw invalidModel(`classifier output must be [batch, classes] with at least one class (got ${String(outputClasses)})`);
  }
  if (outputClasses > MAX_CLASSES) throw invalidModel(`classifier has ${outputClasses} classes; at most ${MAX_CLASSES} are supported`);
  return outputClasses === 1 ? 2 : outputClasses;
}

/** NHWC or NCHW for rank-3 image inputs (without batch), given the format's convention. */
export function imageLayout(inputShape: readonly number[], convention: 'NHWC' | 'NCHW'): InputLayout {
  return inputShape.length === 3 ? convention : 'FLAT';
}

const DIGEST_DOMAIN = 'fragmark/weights-digest/v1';

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/**
 * Canonical SHA-256 digest of a model's weights, the identity of a model version.
 *
 * Byte layout hashed (all integers unsigned 32-bit little-endian, strings UTF-8):
 *
 *     "fragmark/weights-digest/v1"           domain tag (26 bytes, no length prefix)
 *     u32 count                              number of weight tensors
 *     then for each weight, sorted by name (JS string order of the UTF-16 code units):
 *       u32 len(name)   name bytes           weight name as saved in model.json (e.g. "conv2d/kernel")
 *       u32 len(dtype)  dtype bytes          "float32" | "int32" | "bool"
 *       u32 rank        u32 dim x rank       shape
 *       u32 len(data)   data bytes           raw values, little-endian, row-major (bool as 1 byte)
 *
 * Names are the un-uniquified names (`originalName`) so that loading the same artifacts twice in
 * one process (TF.js appends `_1` to duplicate variable names) gives the same digest. The digest
 * depends only on names, dtypes, shapes and values: not on topology JSON formatting or shard
 * layout. Returned as lowercase hex.
 */
export function computeWeightsDigest(source: Classifier | tf.LayersModel): string {
  const entries =
    source instanceof tf.LayersModel
      ? source.weights.map((w) => ({ name: w.originalName, variable: w.read() }))
      : source.weights().map((w) => ({ name: w.name, variable: w.tensor }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.name === entries[i - 1]!.name) throw invalidModel(`duplicate weight name ${entries[i]!.name}`);
  }
  const h = createHash('sha256');
  h.update(DIGEST_DOMAIN);
  h.update(u32le(entries.length));
  const enc = new TextEncoder();
  for (const { name, variable } of entries) {
    const nameBytes = enc.encode(name);
    const dtypeBytes = enc.encode(variable.dtype);
    h.update(u32le(nameBytes.length));
    h.update(nameBytes);
    h.update(u32le(dtypeBytes.length));
    h.update(dtypeBytes);
    h.update(u32le(variable.shape.length));
    for (const d of variable.shape) h.update(u32le(d ?? 0));
    const values = variable.dataSync();
    let bytes: Uint8Array;
    if (values instanceof Float32Array || values instanceof Int32Array) {
      // Typed arrays are host-endian; write little-endian explicitly.
      bytes = new Uint8Array(values.length * 4);
      const dv = new DataView(bytes.buffer);
      if (values instanceof Float32Array) values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
      else values.forEach((v, i) => dv.setInt32(i * 4, v, true));
    } else {
      bytes = Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
    }
    h.update(u32le(bytes.length));
    h.update(bytes);
  }
  return h.digest('hex');
}

/** Output of the classifier as log-probabilities (inference mode), for losses and margins. */
export function logProbabilities(classifier: Classifier, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const out = classifier.predict(x);
    if (classifier.outputKind === 'probabilities') {
      // log of a float32 softmax: clip so that a zero probability stays finite.
      return tf.log(tf.clipByValue(out, 1e-30, 1)) as tf.Tensor2D;
    }
    return tf.logSoftmax(out) as tf.Tensor2D;
  });
}

/**
 * Inference-mode argmax labels for inputs [n, ...inputShape], in micro-batches of `batchSize`
 * or, by default, as many as the memory budget allows (micro-batch.ts).
 */
export function predictLabels(classifier: Classifier, x: tf.Tensor, batchSize?: number, options: MicroBatchOptions = {}): Int32Array {
  const n = x.shape[0] ?? 0;
  const out = new Int32Array(n);
  const batches = labelBatches(classifier, n, batchSize, options);
  for (let b = 0; b < batches.length; b++) labelMicroBatch(classifier, x, out, batches, b, options);
  return out;
}

/**
 * As `predictLabels`, but hands the event loop back before each micro-batch. A worker verifies
 * on its main thread: a synchronous pass of 100 ResNet-50 inputs at 224x224 held the thread for
 * 12-13 s here (bench/worker-check.ts), longer than a job's heartbeat timeout, and every other job
 * on the worker waited. Between micro-batches (1.3 s for ResNet-50 at the default budget)
 * heartbeats, other jobs and a cancellation (`signal`) run.
 */
export async function predictLabelsYielding(classifier: Classifier, x: tf.Tensor, options: MicroBatchOptions = {}): Promise<Int32Array> {
  const n = x.shape[0] ?? 0;
  const out = new Int32Array(n);
  const batches = labelBatches(classifier, n, undefined, options);
  for (let b = 0; b < batches.length; b++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    labelMicroBatch(classifier, x, out, batches, b, options);
  }
  return out;
}

function labelBatches(classifier: Classifier, n: number, batchSize: number | undefined, options: MicroBatchOptions): { start: number; count: number }[] {
  return microBatches(n, batchSize ?? (n <= 1 ? 1 : microBatchSize(classifier, 'forward', options.memoryBudgetMb)));
}

/** Labels of micro-batch `b` into `out`, after checking the signal; reports it done. */
function labelMicroBatch(classifier: Classifier, x: tf.Tensor, out: Int32Array, batches: readonly { start: number; count: number }[], b: number, options: MicroBatchOptions): void {
  if (options.signal?.aborted) throw new EngineError('CANCELLED', `cancelled before micro-batch ${b + 1} of ${batches.length}`, { microBatch: b });
  const { start, count } = batches[b]!;
  const labels = tf.tidy(() => tf.argMax(classifier.predict(tf.slice(x, start, count)), 1));
  out.set(labels.dataSync() as Int32Array, start);
  labels.dispose();
  options.onMicroBatch?.({ done: b + 1, total: batches.length, examples: start + count });
}

/**
 * The Layers model behind a classifier, for what only a trainable TF.js model can do (fine-tuning
 * attacks, the SENSITIVE objective's simulated fine-tunes).
 */
export function layersModelOf(classifier: Classifier, purpose = 'this'): tf.LayersModel {
  if (classifier.model === undefined) {
    throw new EngineError('INVALID_ARGUMENT', `${purpose} needs a TF.js Layers or Keras model; this classifier is ${classifier.format}`, { format: classifier.format });
  }
  return classifier.model;
}
