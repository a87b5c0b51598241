/**
 * model.json of a TF.js Graph model, parsed and shape-checked before anything is built.
 *
 * Layout (TF.js "Model format", https://www.tensorflow.org/js/guide/save_load#model_format, and
 * tfjs-converter's tf_saved_model_conversion_v2.py): `format: "graph-model"`, `modelTopology` a
 * GraphDef in protobuf JSON (tensorflow/core/framework/graph.proto: `node[]` of NodeDef with
 * `name`, `op`, `input`, `attr`; `library` holds functions), `signature` (SignatureDef: the
 * inputs and outputs by key, each `{ name: "node:0", dtype, tensorShape }`), `weightsManifest`.
 */
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';

export const MODEL_JSON = 'model.json';
/** model.json is topology only (weights live in shards): 64 MiB is far above any real graph's. */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Nodes a graph may have (MobileNetV2 converted: ~600; large detectors: a few thousand). */
export const MAX_GRAPH_NODES = 50_000;

/** An AttrValue in protobuf JSON (tensorflow/core/framework/attr_value.proto). */
export type AttrValue = Record<string, unknown>;

export interface NodeDef {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, AttrValue>>;
  readonly device?: string;
}

export interface TensorInfoJson {
  readonly name?: string;
  readonly dtype?: string;
  readonly tensorShape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}

export interface SignatureJson {
  readonly inputs?: Readonly<Record<string, TensorInfoJson>>;
  readonly outputs?: Readonly<Record<string, TensorInfoJson>>;
}

export interface ManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: { readonly dtype?: string };
}

export interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly ManifestEntry[];
}

export interface GraphModelJson {
  readonly modelTopology: { readonly node: readonly NodeDef[]; readonly library?: { readonly function?: readonly unknown[] }; readonly versions?: unknown };
  readonly signature?: SignatureJson;
  readonly weightsManifest: readonly ManifestGroup[];
  readonly userDefinedMetadata?: unknown;
  readonly modelInitializer?: unknown;
}

/** The "format" field from the start of model.json, without parsing it (for detection). */
export function declaredFormat(files: ArtifactFiles): string | undefined {
  const bytes = files.get(MODEL_JSON);
  if (bytes === undefined) return undefined;
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return /"format"\s*:\s*"([^"]*)"/.exec(head)?.[1];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses and checks model.json's structure; sizes are checked before parsing. */
export function parseGraphModelJson(files: ArtifactFiles): GraphModelJson {
  const bytes = files.get(MODEL_JSON);
  if (bytes === undefined) throw invalidModel(`a TF.js Graph model needs ${MODEL_JSON}`);
  if (bytes.byteLength > MAX_MODEL_JSON_BYTES) {
    throw invalidModel(`${MODEL_JSON} is ${bytes.byteLength} bytes; a TF.js Graph model's model.json may have at most ${MAX_MODEL_JSON_BYTES}`, { bytes: bytes.byteLength });
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw invalidModel(`${MODEL_JSON} is not valid UTF-8 JSON`, {}, e);
  }
  if (!isObject(json)) throw invalidModel(`${MODEL_JSON} is not a JSON object`);
  if (json['format'] !== 'graph-model') throw invalidModel(`${MODEL_JSON} is not a TF.js Graph model (format "${String(json['format'])}")`, { format: json['format'] });
  const topology = json['modelTopology'];
  if (!isObject(topology) || !Array.isArray(topology['node'])) throw invalidModel('model.json has no GraphDef (modelTopology.node) for a graph-model');
  const nodes = topology['node'] as unknown[];
  if (nodes.length > MAX_GRAPH_NODES) {
    throw invalidModel(`the graph has ${nodes.length} nodes; at most ${MAX_GRAPH_NODES} are accepted`, { nodes: nodes.length, limit: MAX_GRAPH_NODES });
  }
  const names = new Set<string>();
  for (const n of nodes) {
    if (!isObject(n) || typeof n['name'] !== 'string' || typeof n['op'] !== 'string') throw invalidModel('a GraphDef node has no string name or op');
    if (n['input'] !== undefined && (!Array.isArray(n['input']) || n['input'].some((i) => typeof i !== 'string'))) {
      throw invalidModel(`node "${n['name']}" has a malformed input list`);
    }
    if (n['attr'] !== undefined && !isObject(n['attr'])) throw invalidModel(`node "${n['name']}" has a malformed attr map`);
    if (names.has(n['name'])) throw invalidModel(`the graph has two nodes named "${n['name']}"`);
    names.add(n['name']);
  }
  for (const n of nodes as NodeDef[]) {
    for (const input of n.input ?? []) {
      const source = inputNodeName(input);
      if (!names.has(source)) throw invalidModel(`node "${n.name}" reads "${input}", which is not a node of the graph`, { node: n.name, input });
    }
  }
  const manifest = json['weightsManifest'];
  if (!Array.isArray(manifest)) throw invalidModel('model.json has no weightsManifest');
  for (const g of manifest) {
    if (!isObject(g) || !Array.isArray(g['paths']) || !Array.isArray(g['weights'])) throw invalidModel('malformed weightsManifest group (paths and weights lists expected)');
    if (g['paths'].some((p) => typeof p !== 'string')) throw invalidModel('a weightsManifest path is not a string');
    for (const w of g['weights'] as unknown[]) {
      if (!isObject(w) || typeof w['name'] !== 'string' || typeof w['dtype'] !== 'string' || !Array.isArray(w['shape'])) {
        throw invalidModel('malformed weight spec in weightsManifest (name, shape and dtype expected)');
      }
      if ((w['shape'] as unknown[]).some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
        throw invalidModel(`weight "${w['name']}" has a malformed shape [${(w['shape'] as unknown[]).join(',')}]`, { weight: w['name'] });
      }
    }
  }
  const signature = json['signature'];
  if (signature !== undefined && signature !== null && !isObject(signature)) throw invalidModel('model.json signature is not an object');
  return json as unknown as GraphModelJson;
}

/** "node", "node:1" or "^node" (a control input) -> "node". */
export function inputNodeName(input: string): string {
  const name = input.startsWith('^') ? input.slice(1) : input;
  const colon = name.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(name.slice(colon + 1)) ? name.slice(0, colon) : name;
}
