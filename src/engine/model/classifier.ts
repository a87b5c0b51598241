/**
 * Classifier loading, validation, saving and canonical digest.
 *
 * The fragile-trigger method (Yin, Yin, Zhang, ICIP 2022, arXiv 2208.07585) never modifies the
 * classifier: that is why it costs no accuracy. The platform proves this by identifying every
 * model version with a canonical digest of its weights, recomputed after generation.
 *
 * Artifacts are TF.js Layers format (model.json + weight shards). We read them from a folder or
 * from in-memory bytes through `tf.io.fromMemory` (no `file://`, which needs tfjs-node).
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import { checkDeclaredWeights, type DeclaredWeightLimits } from './declared-weights.ts';

/** filename (as referenced by model.json's weightsManifest paths) -> bytes. */
export type ArtifactFiles = ReadonlyMap<string, Uint8Array>;

export type OutputKind = 'probabilities' | 'logits';

export interface Classifier {
  readonly model: tf.LayersModel;
  /** Input shape without the batch dimension, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /**
   * Whether the model's output is a softmax (last layer's activation is `softmax`) or raw logits.
   * Losses work on log-probabilities, which equal logits up to a per-row constant, so top-1 minus
   * top-2 margins are the same in both cases.
   */
  readonly outputKind: OutputKind;
}

const MODEL_JSON = 'model.json';

function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown): EngineError {
  return new EngineError('INVALID_MODEL', message, details, cause === undefined ? undefined : { cause });
}

interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: Array<{ paths?: unknown; weights?: unknown }>;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function specByteLength(spec: tf.io.WeightsManifestEntry): number {
  if (spec.quantization !== undefined) {
    const q = spec.quantization.dtype;
    const per = q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4;
    return per * spec.shape.reduce((a, b) => a * b, 1);
  }
  const per = DTYPE_BYTES[spec.dtype];
  if (per === undefined) throw invalid(`unsupported weight dtype ${spec.dtype} for ${spec.name}`);
  return per * spec.shape.reduce((a, b) => a * b, 1);
}

/** Parses model.json and concatenates the weight shards into TF.js ModelArtifacts, checking sizes. */
export function artifactsFromFiles(files: ArtifactFiles): tf.io.ModelArtifacts {
  const jsonBytes = files.get(MODEL_JSON);
  if (jsonBytes === undefined) throw invalid(`artifacts have no ${MODEL_JSON}`);
  let json: ModelJson;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes)) as ModelJson;
  } catch (e) {
    throw invalid(`${MODEL_JSON} is not valid UTF-8 JSON`, {}, e);
  }
  if (json === null || typeof json !== 'object') throw invalid(`${MODEL_JSON} is not a JSON object`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw invalid(`not a TF.js Layers model (format "${String(json.format)}")`, { format: json.format });
  }
  const topo = json.modelTopology as { class_name?: string; model_config?: { class_name?: string } } | undefined;
  const className = topo?.class_name ?? topo?.model_config?.class_name;
  if (topo === undefined || typeof topo !== 'object' || (className !== 'Sequential' && className !== 'Model' && className !== 'Functional')) {
    throw invalid('model.json has no Layers modelTopology (Sequential/Model)', { className });
  }
  if (!Array.isArray(json.weightsManifest)) throw invalid('model.json has no weightsManifest');
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let expected = 0;
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw invalid('malformed weightsManifest group');
    let groupBytes = 0;
    for (const w of group.weights as tf.io.WeightsManifestEntry[]) {
      if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') {
        throw invalid('malformed weight spec in weightsManifest');
      }
      weightSpecs.push(w);
      groupBytes += specByteLength(w);
    }
    let actual = 0;
    for (const p of group.paths as unknown[]) {
      if (typeof p !== 'string') throw invalid('weightsManifest path is not a string');
      const shard = files.get(p) ?? files.get(path.posix.basename(p));
      if (shard === undefined) throw invalid(`missing weight shard "${p}"`, { shard: p });
      chunks.push(shard);
      actual += shard.byteLength;
    }
    if (actual !== groupBytes) {
      throw invalid(`weight shards hold ${actual} bytes but the manifest needs ${groupBytes}`, { actual, expected: groupBytes });
    }
    expected += groupBytes;
  }
  const weightData = new Uint8Array(expected);
  let off = 0;
  for (const c of chunks) {
    weightData.set(c, off);
    off += c.byteLength;
  }
  checkFiniteWeights(weightSpecs, weightData);
  return { modelTopology: json.modelTopology as object, weightSpecs, weightData: weightData.buffer, format: 'layers-model' };
}

/**
 * Refuses NaN or infinite float32 weights before anything is built: such a model answers NaN,
 * argmax picks class 0 for everything, and a watermark of it would prove nothing.
 */
function checkFiniteWeights(specs: readonly tf.io.WeightsManifestEntry[], data: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  for (const spec of specs) {
    const bytes = specByteLength(spec);
    if (spec.quantization === undefined && spec.dtype === 'float32') {
      for (let i = off; i < off + bytes; i += 4) {
        if (!Number.isFinite(view.getFloat32(i, true))) throw invalid(`weight ${spec.name} holds a NaN or infinite value`, { weight: spec.name });
      }
    }
    off += bytes;
  }
}

/** Most classes a classifier may have: key labels are stored as u16 (triggers/format.ts). */
export const MAX_CLASSES = 65535;

function validate(model: tf.LayersModel): Classifier {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw invalid(`a classifier has exactly one input and one output (got ${model.inputs.length}/${model.outputs.length})`);
  }
  const inShape = model.inputs[0]!.shape;
  const outShape = model.outputs[0]!.shape;
  if (outShape.length !== 2) throw invalid(`classifier output must be rank 2 [batch, classes] (got [${outShape.join(',')}])`);
  const numClasses = outShape[1];
  if (typeof numClasses !== 'number' || numClasses < 2) throw invalid(`classifier needs at least 2 classes (got ${String(numClasses)})`);
  if (numClasses > MAX_CLASSES) throw invalid(`classifier has ${numClasses} classes; at most ${MAX_CLASSES} are supported`);
  const dims = inShape.slice(1);
  if (dims.length === 0 || dims.some((d) => typeof d !== 'number' || d <= 0)) {
    throw invalid(`classifier input shape must be fully defined (got [${inShape.join(',')}])`);
  }
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown } | undefined)?.activation;
  return {
    model,
    inputShape: dims as number[],
    numClasses,
    outputKind: activation === 'softmax' ? 'probabilities' : 'logits',
  };
}

/**
 * Loads and validates a classifier from in-memory Layers artifacts. Before anything is built, the
 * weights the topology declares must match the manifest's (and stay within `limits`): building
 * then allocates no more than the weight data holds, and TF.js's weight loading, which would leak
 * the built model if it threw, has already been run against the topology without allocating.
 */
export async function loadClassifierFromFiles(files: ArtifactFiles, limits: DeclaredWeightLimits = {}): Promise<Classifier> {
  const artifacts = artifactsFromFiles(files);
  await checkDeclaredWeights(artifacts.modelTopology as object, artifacts.weightSpecs ?? [], limits);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw invalid(`TF.js could not load the Layers model: ${(e as Error).message}`, {}, e);
  }
  try {
    return validate(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Loads a classifier from a folder holding model.json and its shards. */
export async function loadClassifierFromDir(dir: string): Promise<Classifier> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = await readdir(dir);
  } catch (e) {
    throw invalid(`cannot read model folder ${dir}`, { dir }, e);
  }
  const files = new Map<string, Uint8Array>();
  for (const n of names) {
    const p = path.join(dir, n);
    if ((await stat(p)).isFile()) files.set(n, new Uint8Array(await readFile(p)));
  }
  return loadClassifierFromFiles(files);
}

/** Wraps an in-process LayersModel (validating that it is a classifier). */
export function classifierFromModel(model: tf.LayersModel): Classifier {
  return validate(model);
}

/** A Classifier as is, a LayersModel wrapped. Not `'model' in x`: a tf.Sequential has a `model` property of its own. */
export function asClassifier(model: tf.LayersModel | Classifier): Classifier {
  return model instanceof tf.LayersModel ? classifierFromModel(model) : model;
}

/** A model's Layers artifacts (topology, weight specs and data), captured in memory. */
export async function saveModelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) throw new EngineError('INVALID_MODEL', 'model.save produced no artifacts');
  return saved;
}

/**
 * Saves a model as Layers artifacts in memory: `model.json` (weightsManifest path
 * `weights.bin`) and `weights.bin`. Used by the platform's upload path and by tests.
 */
export async function saveModelToFiles(model: tf.LayersModel): Promise<Map<string, Uint8Array>> {
  const saved = await saveModelArtifacts(model);
  const data = saved.weightData;
  const weightBytes =
    data === undefined
      ? new Uint8Array(0)
      : Array.isArray(data)
        ? new Uint8Array(tf.io.concatenateArrayBuffers(data))
        : new Uint8Array(data as ArrayBuffer);
  const json = {
    format: 'layers-model',
    generatedBy: saved.generatedBy,
    convertedBy: saved.convertedBy ?? null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs ?? [] }],
  };
  return new Map<string, Uint8Array>([
    [MODEL_JSON, new TextEncoder().encode(JSON.stringify(json))],
    ['weights.bin', weightBytes],
  ]);
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
export function computeWeightsDigest(model: tf.LayersModel): string {
  const entries = model.weights.map((w) => ({ name: w.originalName, variable: w }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.name === entries[i - 1]!.name) throw invalid(`duplicate weight name ${entries[i]!.name}`);
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
    const t = variable.read();
    const values = t.dataSync();
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
    const out = classifier.model.apply(x, { training: false }) as tf.Tensor2D;
    if (classifier.outputKind === 'probabilities') {
      // log of a float32 softmax: clip so that a zero probability stays finite.
      return tf.log(tf.clipByValue(out, 1e-30, 1)) as tf.Tensor2D;
    }
    return tf.logSoftmax(out) as tf.Tensor2D;
  });
}

/** Batched inference-mode argmax labels for inputs [n, ...inputShape]. */
export function predictLabels(classifier: Classifier, x: tf.Tensor, batchSize = 256): Int32Array {
  const n = x.shape[0] ?? 0;
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const labels = tf.tidy(() => {
      const batch = tf.slice(x, start, size);
      const y = classifier.model.predict(batch) as tf.Tensor;
      return tf.argMax(y, 1);
    });
    out.set(labels.dataSync() as Int32Array, start);
    labels.dispose();
  }
  return out;
}
