/**
 * Saving a TF.js Layers model to in-memory artifacts: what the platform's upload path, the attacks'
 * copies and the tests use.
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../../errors.ts';
import { MODEL_JSON } from './layers-artifacts.ts';

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

/** Deep copy of a Layers model (topology + weights) through in-memory artifacts. */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await saveModelArtifacts(model)));
}
