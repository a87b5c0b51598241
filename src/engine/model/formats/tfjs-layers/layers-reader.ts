/**
 * The TF.js Layers format: a folder with model.json ("format": "layers-model", or no format, as
 * older converters wrote) and its weight shards.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';
import type { ModelFormatReader } from '../format-reader.ts';
import { checkDeclaredWeights } from './declared-weights.ts';
import { artifactsFromFiles, MODEL_JSON } from './layers-artifacts.ts';
import { layersClassifier } from './layers-classifier.ts';

/** model.json's "format" without parsing the whole file: detection reads names and a prefix only. */
export function modelJsonFormat(files: ArtifactFiles): string | undefined {
  const bytes = files.get(MODEL_JSON);
  if (bytes === undefined) return undefined;
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return /"format"\s*:\s*"([^"]*)"/.exec(head)?.[1] ?? (/"modelTopology"/.test(head) ? 'layers-model' : undefined);
}

export const layersReader: ModelFormatReader = {
  format: 'TFJS_LAYERS',
  detect(files) {
    const format = modelJsonFormat(files);
    return format === 'layers-model' || (files.has(MODEL_JSON) && format === undefined);
  },
  /**
   * Before anything is built, the weights the topology declares must match the manifest's (and
   * stay within `limits`): building then allocates no more than the weight data holds, and TF.js's
   * weight loading, which would leak the built model if it threw, has already been run against
   * the topology without allocating.
   */
  async load(files, limits) {
    const artifacts = artifactsFromFiles(files);
    await checkDeclaredWeights(artifacts.modelTopology as object, artifacts.weightSpecs ?? [], limits);
    let model: tf.LayersModel;
    try {
      model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    } catch (e) {
      throw invalidModel(`TF.js could not load the Layers model: ${(e as Error).message}`, {}, e);
    }
    try {
      return layersClassifier(model, { format: 'TFJS_LAYERS', inferencePlan: true });
    } catch (e) {
      model.dispose();
      throw e;
    }
  },
};
