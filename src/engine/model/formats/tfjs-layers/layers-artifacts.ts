/**
 * Reading TF.js Layers artifacts (model.json + weight shards) from in-memory files, checking every
 * size before TF.js sees them. We read through `tf.io.fromMemory` (no `file://`, which needs
 * tfjs-node). Format: https://www.tensorflow.org/js/guide/save_load (model.json).
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';

export const MODEL_JSON = 'model.json';

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
  if (per === undefined) throw invalidModel(`unsupported weight dtype ${spec.dtype} for ${spec.name}`);
  return per * spec.shape.reduce((a, b) => a * b, 1);
}

/** Parses model.json and concatenates the weight shards into TF.js ModelArtifacts, checking sizes. */
export function artifactsFromFiles(files: ArtifactFiles): tf.io.ModelArtifacts {
  const jsonBytes = files.get(MODEL_JSON);
  if (jsonBytes === undefined) throw invalidModel(`artifacts have no ${MODEL_JSON}`);
  let json: ModelJson;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes)) as ModelJson;
  } catch (e) {
    throw invalidModel(`${MODEL_JSON} is not valid UTF-8 JSON`, {}, e);
  }
  if (json === null || typeof json !== 'object') throw invalidModel(`${MODEL_JSON} is not a JSON object`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw invalidModel(`not a TF.js Layers model (format "${String(json.format)}")`, { format: json.format });
  }
  const topo = json.modelTopology as { class_name?: string; model_config?: { class_name?: string } } | undefined;
  const className = topo?.class_name ?? topo?.model_config?.class_name;
  if (topo === undefined || typeof topo !== 'object' || (className !== 'Sequential' && className !== 'Model' && className !== 'Functional')) {
    throw invalidModel('model.json has no Layers modelTopology (Sequential/Model)', { className });
  }
  if (!Array.isArray(json.weightsManifest)) throw invalidModel('model.json has no weightsManifest');
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let expected = 0;
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw invalidModel('malformed weightsManifest group');
    let groupBytes = 0;
    for (const w of group.weights as tf.io.WeightsManifestEntry[]) {
      if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') {
        throw invalidModel('malformed weight spec in weightsManifest');
      }
      weightSpecs.push(w);
      groupBytes += specByteLength(w);
    }
    let actual = 0;
    for (const p of group.paths as unknown[]) {
      if (typeof p !== 'string') throw invalidModel('weightsManifest path is not a string');
      const shard = files.get(p) ?? files.get(path.posix.basename(p));
      if (shard === undefined) throw invalidModel(`missing weight shard "${p}"`, { shard: p });
      chunks.push(shard);
      actual += shard.byteLength;
    }
    if (actual !== groupBytes) {
      throw invalidModel(`weight shards hold ${actual} bytes but the manifest needs ${groupBytes}`, { actual, expected: groupBytes });
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
        if (!Number.isFinite(view.getFloat32(i, true))) throw invalidModel(`weight ${spec.name} holds a NaN or infinite value`, { weight: spec.name });
      }
    }
    off += bytes;
  }
}

