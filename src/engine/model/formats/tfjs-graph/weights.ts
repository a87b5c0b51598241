/**
 * The weights manifest of a Graph model, checked against its shards and its Const nodes before
 * any tensor is allocated.
 *
 * tensorflowjs_converter moves every Const node's value into the manifest under the node's name
 * (tf_saved_model_conversion_v2.py, `extract_weights`), keeping the node with its dtype and shape
 * (`attr.value.tensor`); the graph executor looks weights up by node name. So the manifest names
 * are the canonical weight names, and every Const node must have exactly one entry of its shape.
 * Manifest byte layout: TF.js "Model format", weights concatenated in manifest order, little-endian,
 * split into the group's shard files (https://www.tensorflow.org/js/guide/save_load#model_format).
 */
import type * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';
import { parameterCount, type ModelLimits } from '../format-reader.ts';
import type { GraphModelJson, ManifestEntry, NodeDef } from './model-json.ts';

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

export interface GraphWeights {
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
  readonly parameters: number;
}

function entryBytes(w: ManifestEntry, count: number): number {
  const q = w.quantization?.dtype;
  if (q !== undefined) {
    const per = QUANTIZED_BYTES[q];
    if (per === undefined || w.dtype !== 'float32') throw invalidModel(`weight "${w.name}" has unsupported quantization ${q} of ${w.dtype}`, { weight: w.name });
    return per * count;
  }
  const per = DTYPE_BYTES[w.dtype];
  if (per === undefined) throw invalidModel(`weight "${w.name}" has dtype ${w.dtype}; a Graph model's weights may be float32, int32 or bool`, { weight: w.name, dtype: w.dtype });
  return per * count;
}

/** The dtype and shape a Const node declares in `attr.value.tensor` (or `attr.dtype`). */
function declaredConst(node: NodeDef): { dtype: string | undefined; shape: number[] | undefined } {
  const tensor = (node.attr?.['value'] as { tensor?: { dtype?: string; tensorShape?: { dim?: { size?: string | number }[] } } } | undefined)?.tensor;
  const dtypeAttr = (node.attr?.['dtype'] as { type?: string } | undefined)?.type;
  const dtype = { DT_FLOAT: 'float32', DT_HALF: 'float32', DT_INT32: 'int32', DT_INT64: 'int32', DT_BOOL: 'bool' }[tensor?.dtype ?? dtypeAttr ?? ''];
  const shape = tensor?.tensorShape === undefined ? undefined : (tensor.tensorShape.dim ?? []).map((d) => Number(d.size ?? 0));
  return { dtype, shape };
}

/**
 * Checks the manifest (dtypes, the parameter limit, each group's shard bytes, a Const node for
 * every entry and an entry for every Const node) and concatenates the shards.
 */
export function readGraphWeights(json: GraphModelJson, files: ArtifactFiles, limits: ModelLimits): GraphWeights {
  const consts = new Map(json.modelTopology.node.filter((n) => n.op === 'Const').map((n) => [n.name, n]));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const seen = new Set<string>();
  let parameters = 0;
  let total = 0;
  const chunks: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    let groupBytes = 0;
    for (const w of group.weights) {
      const count = parameterCount(w.shape);
      parameters += count;
      if (limits.maxParameters !== undefined && parameters > limits.maxParameters) {
        throw invalidModel(`the weights manifest declares more than ${limits.maxParameters} parameters (the limit for this model); "${w.name}" alone has ${count}`, { limit: limits.maxParameters });
      }
      if (seen.has(w.name)) throw invalidModel(`the weights manifest lists "${w.name}" twice`, { weight: w.name });
      seen.add(w.name);
      const node = consts.get(w.name);
      if (node === undefined) throw invalidModel(`weight "${w.name}" in the manifest is not a Const node of the graph`, { weight: w.name });
      const declared = declaredConst(node);
      if (declared.shape !== undefined && (declared.shape.length !== w.shape.length || declared.shape.some((d, i) => d !== w.shape[i]))) {
        throw invalidModel(`weight "${w.name}" has shape [${w.shape.join(',')}] in the manifest but [${declared.shape.join(',')}] in its Const node`, { weight: w.name });
      }
      if (declared.dtype !== undefined && declared.dtype !== w.dtype) {
        throw invalidModel(`weight "${w.name}" is ${w.dtype} in the manifest but ${declared.dtype} in its Const node`, { weight: w.name });
      }
      groupBytes += entryBytes(w, count);
      specs.push(w as tf.io.WeightsManifestEntry);
    }
    let actual = 0;
    const groupChunks: Uint8Array[] = [];
    for (const p of group.paths) {
      const shard = files.get(p) ?? files.get(path.posix.basename(p));
      if (shard === undefined) throw invalidModel(`missing weight shard "${p}" (listed in model.json's weightsManifest)`, { shard: p });
      groupChunks.push(shard);
      actual += shard.byteLength;
    }
    if (actual !== groupBytes) {
      throw invalidModel(`weight shards ${group.paths.join(', ')} hold ${actual} bytes but the manifest's weights need ${groupBytes}`, { actual, expected: groupBytes });
    }
    chunks.push(...groupChunks);
    total += groupBytes;
  }
  for (const name of consts.keys()) {
    if (!seen.has(name)) throw invalidModel(`Const node "${name}" has no weight in the manifest (tensorflowjs_converter stores every constant there)`, { node: name });
  }
  const data = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    data.set(c, off);
    off += c.byteLength;
  }
  checkFinite(specs, data);
  return { specs, data: data.buffer, parameters };
}

/** NaN or infinite float32 weights: such a model answers NaN and a watermark of it proves nothing. */
function checkFinite(specs: readonly tf.io.WeightsManifestEntry[], data: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  for (const spec of specs) {
    const bytes = entryBytes(spec as ManifestEntry, parameterCount(spec.shape));
    if (spec.quantization === undefined && spec.dtype === 'float32') {
      for (let i = off; i < off + bytes; i += 4) {
        if (!Number.isFinite(view.getFloat32(i, true))) throw invalidModel(`weight "${spec.name}" holds a NaN or infinite value`, { weight: spec.name });
      }
    }
    off += bytes;
  }
}
