/**
 * Building a TF.js GraphModel from checked parts, and running it.
 *
 * `tf.loadGraphModel(tf.io.fromMemory(...))` turns the GraphDef into the converter's executor
 * (tfjs-converter/src/executor/graph_executor.ts). `execute` runs the nodes with ordinary
 * tfjs-core ops, recorded on the gradient tape like any other op, so `tf.grad` through it gives
 * input gradients (fused ops run unfused while a gradient is recorded: tfjs-core fused_util.ts
 * `shouldFuse`). Our gradient kernels (backend/kernels.ts, backend/strided-slice.ts) cover the
 * ops the stock wasm backend lacks.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidModel } from '../../classifier.ts';
import type { GraphIo } from './graph-checks.ts';
import type { GraphModelJson, NodeDef } from './model-json.ts';

/** Everything a Graph model is built from; copies (other weights, emulation) change parts of it. */
export interface GraphSource {
  readonly nodes: readonly NodeDef[];
  readonly json: GraphModelJson;
  readonly specs: readonly tf.io.WeightsManifestEntry[];
  readonly data: ArrayBuffer;
  readonly io: GraphIo;
}

export async function buildGraphModel(source: GraphSource): Promise<tf.GraphModel> {
  const artifacts: tf.io.ModelArtifacts = {
    format: 'graph-model',
    modelTopology: { ...source.json.modelTopology, node: source.nodes },
    signature: source.json.signature as object | undefined,
    weightSpecs: [...source.specs],
    weightData: source.data,
  };
  try {
    return await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw invalidModel(`TF.js could not load the Graph model: ${(e as Error).message}`, {}, e);
  }
}

/** The output node's tensor for input x (the graph's own output, before any binary mapping). */
export function runGraph(model: tf.GraphModel, io: GraphIo, x: tf.Tensor): tf.Tensor {
  return model.execute({ [io.inputNode]: x }, io.outputNode) as tf.Tensor;
}

/** The weights as loaded (dequantized), by manifest name, in manifest order. */
export function loadedWeights(model: tf.GraphModel, specs: readonly tf.io.WeightsManifestEntry[]): { name: string; tensor: tf.Tensor }[] {
  const map = model.weights;
  return specs.map((s) => {
    const t = map[s.name]?.[0];
    if (t === undefined) throw invalidModel(`the loaded graph has no weight "${s.name}"`);
    return { name: s.name, tensor: t };
  });
}

/** Serialises weights to manifest entries (no quantization) and one little-endian buffer. */
export function serialiseWeights(weights: readonly { name: string; tensor: tf.Tensor }[]): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const { name, tensor } of weights) {
    const values = tensor.dataSync();
    let bytes: Uint8Array;
    if (tensor.dtype === 'bool') {
      bytes = Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
    } else {
      bytes = new Uint8Array(values.length * 4);
      const view = new DataView(bytes.buffer);
      if (tensor.dtype === 'int32') (values as Int32Array).forEach((v, i) => view.setInt32(i * 4, v, true));
      else (values as Float32Array).forEach((v, i) => view.setFloat32(i * 4, v, true));
    }
    specs.push({ name, shape: [...tensor.shape], dtype: tensor.dtype as 'float32' | 'int32' | 'bool' });
    parts.push(bytes);
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.byteLength;
  }
  return { specs, data: data.buffer };
}
