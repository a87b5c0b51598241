/**
 * Keras model configs (Keras 3 `config.json`, or the legacy `.h5` `model_config` attribute from
 * Keras 2 or 3) rewritten as the Keras 2 JSON that TF.js Layers deserialises
 * (`tf.models.modelFromJSON`, the `modelTopology` of a TF.js Layers model.json).
 *
 * Keras 3 differences handled (Keras 3 serialization format,
 * https://keras.io/guides/serialization_and_saving/ and keras/src/saving/serialization_lib.py):
 * - objects carry `module` and `registered_name` beside `class_name`/`config`: dropped for
 *   built-in Keras classes, refused for registered custom ones (`registered_name` "pkg>Name");
 * - `dtype` is a DTypePolicy object, not a string: only float32 is accepted;
 * - InputLayer's `batch_shape` is Keras 2's `batch_input_shape`;
 * - a functional layer's `inbound_nodes` are `{args, kwargs}` with `__keras_tensor__` objects whose
 *   `keras_history` is [layer, node, tensor]; Keras 2 (and TF.js) list [layer, node, tensor, kwargs];
 * - `input_layers`/`output_layers` may be a single [layer, node, tensor] triple;
 * - renamed keys (LeakyReLU `negative_slope` = `alpha`) and new keys per layer (layers/).
 * Keras 2 configs are already in this form and pass through the same per-layer checks.
 */
import { invalidModel } from '../../classifier.ts';
import { ACTIVATIONS } from './layers/activation.ts';
import type { LayerRule } from './layers/layer-rule.ts';
import { LAYER_RULES } from './layers/registry.ts';
import { tfjsHasLayer } from './tfjs-classes.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface KerasLayerInfo {
  readonly name: string;
  readonly className: string;
}

export interface ConvertedConfig {
  /** The TF.js modelTopology: {class_name: 'Sequential' | 'Model', config}. */
  readonly topology: JsonObject;
  readonly kind: 'Sequential' | 'Functional';
  /** The model's layers in config order (a Keras 3 Sequential's InputLayer included). */
  readonly layers: readonly KerasLayerInfo[];
}

const HOW_TO_CONVERT =
  'rebuild it from built-in Keras layers and save it with model.save("model.keras"), or export it to ONNX (tf2onnx, or torch.onnx.export with KERAS_BACKEND=torch) and upload the .onnx file';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses config JSON text (config.json or model_config). */
export function parseKerasConfig(text: string, what: string): JsonObject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalidModel(`${what} is not valid JSON`, {}, e);
  }
  if (!isObject(json)) throw invalidModel(`${what} is not a JSON object`);
  return json;
}

/** Converts a Keras model config (parsed) into a TF.js Layers topology, refusing what TF.js would compute otherwise. */
export function convertKerasConfig(config: JsonObject): ConvertedConfig {
  const className = config['class_name'];
  const inner = config['config'];
  if (className !== 'Sequential' && className !== 'Functional' && className !== 'Model') {
    const registered = typeof config['registered_name'] === 'string' ? ` (registered as "${config['registered_name']}")` : '';
    throw invalidModel(
      `the Keras file holds a ${typeof className === 'string' ? `"${className}"` : 'model of unknown class'}${registered}, not a Sequential or functional model: subclassed models carry no layer graph; ${HOW_TO_CONVERT}`,
      { className },
    );
  }
  const kind = className === 'Sequential' ? 'Sequential' : 'Functional';
  // Keras 2.2 wrote a Sequential's config as the bare list of layers.
  const modelConfig: JsonObject = Array.isArray(inner) ? { layers: inner } : isObject(inner) ? inner : {};
  const rawLayers = modelConfig['layers'];
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) throw invalidModel('the Keras model config lists no layers');

  const layers: KerasLayerInfo[] = [];
  const refused: string[] = [];
  const unsupported: string[] = [];
  const converted: JsonObject[] = [];
  for (const [i, raw] of rawLayers.entries()) {
    if (!isObject(raw) || typeof raw['class_name'] !== 'string' || !isObject(raw['config'])) throw invalidModel(`Keras layer ${i} has no class_name and config`);
    const layerClass = raw['class_name'];
    const name = typeof raw['config']['name'] === 'string' ? raw['config']['name'] : typeof raw['name'] === 'string' ? raw['name'] : `#${i}`;
    layers.push({ name, className: layerClass });
    const label = `${layerClass} "${name}"`;
    if (layerClass === 'Sequential' || layerClass === 'Functional' || layerClass === 'Model') {
      refused.push(`${label} (a nested model: build the classifier as one flat model)`);
      continue;
    }
    if (isCustom(raw)) {
      unsupported.push(`${label} (custom layer "${String(raw['registered_name'])}")`);
      continue;
    }
    const rule = LAYER_RULES.get(layerClass);
    if (rule === undefined) {
      unsupported.push(tfjsHasLayer(layerClass) ? `${label} (not supported by the Keras reader)` : `${label} (TF.js Layers has no such layer)`);
      continue;
    }
    const problems: string[] = [];
    const layerConfig = convertLayerConfig(raw['config'], rule, problems);
    if (problems.length > 0) {
      refused.push(`${label}: ${problems.join('; ')}`);
      continue;
    }
    const out: JsonObject = { class_name: layerClass, config: layerConfig };
    if (typeof raw['name'] === 'string') out['name'] = raw['name'];
    if (kind === 'Functional') out['inbound_nodes'] = convertInboundNodes(raw['inbound_nodes'] ?? [], label, problems);
    if (problems.length > 0) refused.push(`${label}: ${problems.join('; ')}`);
    converted.push(out);
  }
  if (unsupported.length > 0) {
    throw invalidModel(`the Keras model uses layers the engine cannot run: ${unsupported.join(', ')}; ${HOW_TO_CONVERT}`, { layers: unsupported });
  }
  if (refused.length > 0) {
    throw invalidModel(`the Keras model uses options TF.js does not implement: ${refused.join(', ')}`, { layers: refused });
  }

  const topologyConfig: JsonObject = { name: typeof modelConfig['name'] === 'string' ? modelConfig['name'] : 'model', layers: converted };
  if (kind === 'Functional') {
    topologyConfig['input_layers'] = endpoints(modelConfig['input_layers'], 'input');
    topologyConfig['output_layers'] = endpoints(modelConfig['output_layers'], 'output');
  } else {
    giveSequentialAnInputShape(converted, modelConfig['build_input_shape']);
  }
  return { topology: { class_name: kind === 'Sequential' ? 'Sequential' : 'Model', config: topologyConfig }, kind, layers };
}

/** A class registered by user code (`registered_name` "package>Name" in Keras 3, or a non-Keras module). */
function isCustom(raw: JsonObject): boolean {
  const registered = raw['registered_name'];
  const module = raw['module'];
  if (typeof registered === 'string' && registered !== raw['class_name']) return true;
  return typeof module === 'string' && !module.startsWith('keras.');
}

function convertLayerConfig(config: JsonObject, rule: LayerRule, problems: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name' || key === 'trainable') {
      out[key] = value;
    } else if (key === 'dtype') {
      const dtype = dtypeName(value);
      if (dtype !== undefined && dtype !== 'float32') problems.push(`dtype ${dtype} (TF.js computes in float32; save the model with the float32 policy)`);
      else out['dtype'] = 'float32';
    } else if (key.endsWith('_initializer') || key.endsWith('_regularizer') || key.endsWith('_constraint')) {
      // Training only; TF.js would otherwise try to deserialise Keras 3 initializer objects.
    } else if (rule.keep.includes(key) || rule.rename?.[key] !== undefined) {
      const target = rule.rename?.[key] ?? key;
      out[target] = key === 'activation' ? activationName(value, problems) : value;
    } else if (rule.inert?.[key] !== undefined) {
      const inert = rule.inert[key]!;
      if (!inert.ok(value)) problems.push(`${key}=${JSON.stringify(value)} (only ${inert.expected} is supported)`);
    } else if (rule.trainingOnly?.includes(key) === true) {
      // Read by training only; inference ignores it.
    } else {
      problems.push(`unknown option ${key}=${JSON.stringify(value)}`);
    }
  }
  return out;
}

/** A dtype as a string (Keras 2) or a DTypePolicy / Policy object (Keras 3, Keras 2 mixed precision). */
function dtypeName(value: Json): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (isObject(value) && isObject(value['config']) && typeof value['config']['name'] === 'string') return value['config']['name'];
  return JSON.stringify(value);
}

function activationName(value: Json, problems: string[]): Json {
  if (value === null) return 'linear';
  const name = typeof value === 'string' ? value : undefined;
  const mapped = name === undefined ? undefined : ACTIVATIONS[name];
  if (mapped === undefined) {
    problems.push(`activation ${JSON.stringify(value)} (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
    return value;
  }
  return mapped;
}

/** [layer, node, tensor] of a Keras 3 `__keras_tensor__`, or undefined for anything else. */
function kerasHistory(v: Json): [string, number, number] | undefined {
  if (!isObject(v) || v['class_name'] !== '__keras_tensor__' || !isObject(v['config'])) return undefined;
  const h = v['config']['keras_history'];
  if (!Array.isArray(h) || h.length !== 3 || typeof h[0] !== 'string' || typeof h[1] !== 'number' || typeof h[2] !== 'number') return undefined;
  return [h[0], h[1], h[2]];
}

/** Call-time kwargs that leave an inference call unchanged (Keras 3 records `training` and `mask` when given). */
function inertKwargs(kwargs: Json, problems: string[]): void {
  if (!isObject(kwargs)) return;
  for (const [key, value] of Object.entries(kwargs)) {
    if ((key === 'training' && (value === false || value === null)) || (key === 'mask' && value === null)) continue;
    problems.push(`call argument ${key}=${JSON.stringify(value)}`);
  }
}

function convertInboundNodes(nodes: Json, label: string, problems: string[]): Json {
  if (!Array.isArray(nodes)) {
    problems.push('inbound_nodes is not a list');
    return [];
  }
  return nodes.map((node) => {
    if (Array.isArray(node)) {
      // Keras 2: [[layer, node, tensor, kwargs], ...]
      for (const entry of node) if (Array.isArray(entry)) inertKwargs(entry[3] ?? {}, problems);
      return node;
    }
    if (!isObject(node) || !Array.isArray(node['args'])) {
      problems.push(`inbound node of ${label} is neither a Keras 2 list nor a Keras 3 {args, kwargs}`);
      return [];
    }
    inertKwargs(node['kwargs'] ?? {}, problems);
    const tensors: Json[] = [];
    for (const arg of node['args']) {
      const single = kerasHistory(arg);
      const list = Array.isArray(arg) ? arg.map(kerasHistory) : undefined;
      if (single !== undefined) tensors.push([...single, {}]);
      else if (list !== undefined && list.every((h) => h !== undefined)) for (const h of list) tensors.push([...h!, {}]);
      else problems.push(`a call argument that is not a tensor (${JSON.stringify(arg).slice(0, 80)})`);
    }
    if (node['args'].length > 1) problems.push(`called with ${node['args'].length} positional arguments`);
    return tensors;
  });
}

/** input_layers / output_layers as a list of [layer, node, tensor], refusing several (a classifier has one of each). */
function endpoints(value: Json | undefined, what: 'input' | 'output'): Json {
  const isTriple = (v: Json): boolean => Array.isArray(v) && v.length === 3 && typeof v[0] === 'string';
  const list: Json[] = value === undefined || value === null ? [] : isTriple(value) ? [value] : Array.isArray(value) ? value.filter(isTriple) : [];
  if (list.length !== 1) {
    const names = list.map((v) => (v as Json[])[0]).join(', ');
    throw invalidModel(`a classifier has exactly one ${what}; the Keras model has ${list.length} ${what}s${names === '' ? '' : ` (${names})`}`, { [`${what}s`]: list.length });
  }
  return list;
}

/** A Keras 3 Sequential built without an Input keeps its shape in `build_input_shape`; TF.js needs it on the first layer. */
function giveSequentialAnInputShape(layers: JsonObject[], buildInputShape: Json | undefined): void {
  const first = layers[0];
  if (first === undefined || first['class_name'] === 'InputLayer') return;
  const config = first['config'] as JsonObject;
  if (config['batch_input_shape'] !== undefined) return;
  if (!Array.isArray(buildInputShape)) throw invalidModel('the Keras Sequential model has no input shape (no InputLayer, batch_input_shape or build_input_shape): build it with keras.Input(shape=...) before saving');
  config['batch_input_shape'] = buildInputShape;
}
