/**
 * The model formats the engine reads, and the one entry point that detects and loads them.
 * Add a format: write its reader (format-reader.ts) in a folder of its own and list it here.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidModel, type ArtifactFiles, type Classifier, type ModelFormat } from '../classifier.ts';
import type { ModelFormatReader, ModelLimits } from './format-reader.ts';
import { kerasReader } from './keras/keras-reader.ts';
import { graphReader } from './tfjs-graph/graph-reader.ts';
import { layersReader, modelJsonFormat } from './tfjs-layers/layers-reader.ts';
import { onnxReader } from './onnx/onnx-reader.ts';
import { describeUnsupported } from './unsupported-formats.ts';

export const MODEL_FORMAT_READERS: readonly ModelFormatReader[] = [layersReader, graphReader, onnxReader, kerasReader];

const SUPPORTED =
  'supported: an ONNX file (.onnx), a Keras model (.keras or .h5), or a TF.js folder (model.json with its weight shards, Layers or Graph model)';

/** Which format an upload is in, or an INVALID_MODEL error saying what was found and how to convert it. */
export function detectModelFormat(files: ArtifactFiles): ModelFormatReader {
  const readers = MODEL_FORMAT_READERS.filter((r) => r.detect(files));
  if (readers.length === 1) return readers[0]!;
  const names = [...files.keys()];
  if (readers.length > 1) {
    throw invalidModel(`the upload looks like several model formats at once (${readers.map((r) => r.format).join(', ')}): upload one model`, { files: names.slice(0, 20) });
  }
  const unsupported = describeUnsupported(files);
  if (unsupported !== undefined) throw invalidModel(unsupported, { files: names.slice(0, 20) });
  const jsonFormat = modelJsonFormat(files);
  if (jsonFormat !== undefined) {
    throw invalidModel(`model.json has format "${jsonFormat}", which is not a model format the engine reads; ${SUPPORTED}`, { format: jsonFormat });
  }
  const listed = names.length === 0 ? 'no files' : names.slice(0, 10).join(', ') + (names.length > 10 ? `, … (${names.length} files)` : '');
  throw invalidModel(`no model found in the upload (${listed}); ${SUPPORTED}`, { files: names.slice(0, 20) });
}

/** Detects the upload's format and loads it (limits checked before anything is allocated). */
export async function loadClassifierFromFiles(files: ArtifactFiles, limits: ModelLimits = {}): Promise<Classifier> {
  return detectModelFormat(files).load(files, limits);
}

/** The format an upload would be read as, without loading it. */
export function modelFormatOf(files: ArtifactFiles): ModelFormat {
  return detectModelFormat(files).format;
}

/**
 * Reads a model from disk: a folder (TF.js model.json and shards) or one file (.onnx, .keras,
 * .h5). Files are keyed by their base name, as an upload names them.
 */
export async function readModelFiles(modelPath: string): Promise<Map<string, Uint8Array>> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(modelPath)).isDirectory();
  } catch (e) {
    throw invalidModel(`cannot read ${modelPath}`, { path: modelPath }, e);
  }
  const files = new Map<string, Uint8Array>();
  if (!isDirectory) {
    files.set(path.basename(modelPath), new Uint8Array(await readFile(modelPath)));
    return files;
  }
  for (const name of await readdir(modelPath)) {
    const p = path.join(modelPath, name);
    if ((await stat(p)).isFile()) files.set(name, new Uint8Array(await readFile(p)));
  }
  return files;
}

/** Loads a classifier from a folder or a model file on disk. */
export async function loadClassifierFromPath(modelPath: string, limits: ModelLimits = {}): Promise<Classifier> {
  return loadClassifierFromFiles(await readModelFiles(modelPath), limits);
}

/** Loads a classifier from a folder holding model.json and its shards (or any supported model folder). */
export const loadClassifierFromDir = loadClassifierFromPath;

export { parameterCount, type ModelFormatReader, type ModelLimits } from './format-reader.ts';
export { classifierFromModel, asClassifier, layersClassifier } from './tfjs-layers/layers-classifier.ts';
export { saveModelArtifacts, saveModelToFiles, cloneModel } from './tfjs-layers/save-layers.ts';
export { artifactsFromFiles } from './tfjs-layers/layers-artifacts.ts';
