/**
 * Loads a Keras model (`.keras` or legacy `.h5`) as a TF.js LayersModel, checking everything the
 * upload declares before allocating: the zip's entry count and sizes before inflating, the
 * config's declared weights (TF.js's own dry run, declared-weights.ts) against maxParameters, and
 * every dataset's shape and type (HDF5 metadata) before its data is read.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';
import { parameterCount, type ModelLimits } from '../format-reader.ts';
import { checkDeclaredWeights, declaredWeights } from '../tfjs-layers/declared-weights.ts';
import { withHdf5, hasHdf5Magic, type Hdf5Reader } from './hdf5.ts';
import { convertKerasConfig, parseKerasConfig, type ConvertedConfig } from './keras-config.ts';
import { describeStart, kerasFile, readKerasZip } from './keras-files.ts';
import { locateWeights, type WeightsLayout } from './keras-weights.ts';
import { hasZipMagic } from './zip.ts';

/** Most entries a `.keras` archive may list (Keras writes 3, plus assets for some layers). */
export const MAX_ZIP_ENTRIES = 64;
/** Most bytes of config.json. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** HDF5 metadata and (for a compiled model) optimizer slots beside the float32 weights. */
const WEIGHTS_FILE_OVERHEAD = 16 * 1024 * 1024;
const OPTIMIZER_SLOTS = 3;
/** Largest weights file without a parameter limit (Node buffers and the wasm heap stay under 2 GiB). */
const MAX_WEIGHTS_BYTES = 2 ** 31 - 1;

export interface LoadedKeras {
  readonly model: tf.LayersModel;
  readonly config: ConvertedConfig;
  readonly layout: WeightsLayout;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

export async function loadKerasModel(files: ArtifactFiles, limits: ModelLimits = {}): Promise<LoadedKeras> {
  const [name, bytes] = kerasFile(files);
  let configText: string;
  let weightsBytes: Uint8Array;
  let layout: WeightsLayout;
  let what: string;
  if (hasZipMagic(bytes)) {
    const maxParameters = limits.maxParameters ?? Infinity;
    const maxWeightsBytes = Math.min(MAX_WEIGHTS_BYTES, maxParameters * 4 * OPTIMIZER_SLOTS + WEIGHTS_FILE_OVERHEAD);
    const contents = readKerasZip(name, bytes, { maxEntries: MAX_ZIP_ENTRIES, maxConfigBytes: MAX_CONFIG_BYTES, maxWeightsBytes });
    configText = contents.config;
    weightsBytes = contents.weights;
    layout = 'keras3';
    what = `${name}'s model.weights.h5`;
  } else if (hasHdf5Magic(bytes)) {
    weightsBytes = bytes;
    layout = 'legacy';
    what = name;
    configText = await withHdf5(bytes, name, (h5) => legacyConfig(h5, name));
  } else {
    throw invalidModel(`${name} is neither a Keras 3 .keras archive (ZIP) nor a legacy Keras HDF5 file: ${describeStart(bytes)}`, { file: name });
  }
  if (configText.length > MAX_CONFIG_BYTES) throw invalidModel(`${name}'s model config is ${count(configText.length)} characters; at most ${count(MAX_CONFIG_BYTES)} are accepted`);
  const config = convertKerasConfig(parseKerasConfig(configText, `${name}'s model config`));
  const declared = await declaredWeights(config.topology);
  const declaredTotal = declared.reduce((sum, w) => sum + parameterCount(w.shape), 0);
  const max = limits.maxParameters ?? Infinity;
  if (declaredTotal > max) {
    throw invalidModel(`the Keras model declares ${Number.isFinite(declaredTotal) ? count(declaredTotal) : 'more than 2^53'} parameters; at most ${count(max)} are accepted`, { declaredTotal, max });
  }
  const { specs, data } = await withHdf5(weightsBytes, what, (h5) => {
    const located = locateWeights(h5, layout, config.layers, config.kind, declared);
    const values = new Float32Array(declaredTotal);
    let offset = 0;
    const weightSpecs: tf.io.WeightsManifestEntry[] = [];
    for (const w of located) {
      const v = h5.float32(w.path);
      const n = parameterCount(w.shape);
      if (v.length !== n) throw invalidModel(`weight ${w.name} holds ${v.length} values, not ${n}`);
      for (let i = 0; i < n; i++) if (!Number.isFinite(v[i]!)) throw invalidModel(`weight ${w.name} holds a NaN or infinite value`, { weight: w.name });
      values.set(v, offset);
      offset += n;
      weightSpecs.push({ name: w.name, shape: [...w.shape], dtype: 'float32' });
    }
    return { specs: weightSpecs, data: values };
  });
  await checkDeclaredWeights(config.topology, specs, limits);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: config.topology, weightSpecs: specs, weightData: data.buffer, format: 'layers-model' }));
  } catch (e) {
    throw invalidModel(`TF.js could not load the Keras model: ${(e as Error).message}`, {}, e);
  }
  return { model, config, layout };
}

/** The legacy file's `model_config` attribute; a weights-only file (save_weights) has none. */
function legacyConfig(h5: Hdf5Reader, name: string): string {
  const config = h5.stringAttribute('/', 'model_config');
  if (config !== undefined) {
    if (!h5.isGroup('model_weights')) throw invalidModel(`${name} has a model_config but no model_weights group`);
    return config;
  }
  const weightsOnly = h5.isGroup('layers') || h5.stringListAttribute('/', 'layer_names') !== undefined;
  throw invalidModel(
    weightsOnly
      ? `${name} holds weights only (model.save_weights), no model config: save the whole model with model.save("model.keras")`
      : `${name} is an HDF5 file without a Keras model_config attribute: not a Keras model; save it with model.save("model.keras")`,
    { file: name },
  );
}
