/**
 * Validation of an uploaded model held in memory. First the file set, without loading anything
 * (cheap enough for the API process): a TF.js folder against its model.json's weightsManifest,
 * any other format as one model file. Then loading with the engine, which detects the format
 * (in a worker thread for uploads: validation/validate-in-worker.ts).
 */
import {
  computeWeightsDigest,
  initBackend,
  isEngineError,
  loadClassifierFromFiles,
  microBatchSize,
  onnxRuntimeLabels,
  parameterCount,
  type Classifier,
  type BinaryOutput,
  type InputLayout,
  type ModelFormat,
  type ModelLimits,
} from '../../engine/index.ts';
import { ArtifactError } from './artifact.errors.ts';
import { quoteName, unsafeNameReason, type ArtifactManifest } from './artifact-manifest.ts';
import { MODEL_JSON } from './upload-budget.ts';

export interface ValidatedArtifact {
  manifest: ArtifactManifest;
  /** Without the batch dimension, e.g. [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
  /** The engine's computeWeightsDigest: the model version's identity. */
  weightsDigest: string;
  /** The format the engine detected (src/engine/model/formats). */
  format: ModelFormat;
  /** The input's layout as the model declares it: triggers are stored and sent in it. */
  inputLayout: InputLayout;
  /** A binary classifier with one output: what its one score is (its endpoint answers that). */
  binaryOutput: BinaryOutput | null;
}

/** Input dimensions are stored in int4 columns (ModelVersion and CandidateArtifact inputShape). */
const MAX_RECORDED_DIMENSION = 2 ** 31 - 1;

function invalidUpload(message: string): ArtifactError {
  return new ArtifactError('INVALID_UPLOAD', message);
}
function invalidModel(message: string): ArtifactError {
  return new ArtifactError('INVALID_MODEL', message);
}

interface WeightSpecJson {
  name?: unknown;
  shape?: unknown;
  dtype?: unknown;
  quantization?: { dtype?: unknown };
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1 };
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function weightByteLength(spec: unknown, where: string): number {
  if (!isRecord(spec)) throw invalidModel(`model.json: ${where} is not an object with name, shape and dtype.`);
  const { name, shape, dtype, quantization } = spec as WeightSpecJson;
  if (typeof name !== 'string' || name === '') throw invalidModel(`model.json: ${where} has no name.`);
  const label = `weight ${quoteName(name)}`;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    throw invalidModel(`model.json: ${label} has no valid shape (an array of non-negative integers).`);
  }
  if (typeof dtype !== 'string') throw invalidModel(`model.json: ${label} has no dtype.`);
  let per: number | undefined;
  if (quantization !== undefined) {
    per = isRecord(quantization) && typeof quantization.dtype === 'string' ? QUANTIZED_BYTES[quantization.dtype] : undefined;
    if (per === undefined) throw invalidModel(`model.json: ${label} has an unsupported quantization (uint8, uint16 or float16 are supported).`);
  } else {
    per = DTYPE_BYTES[dtype];
    if (per === undefined) throw invalidModel(`model.json: ${label} has the unsupported dtype ${quoteName(dtype)} (float32, int32, bool or uint8 are supported).`);
  }
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  const bytes = count * per;
  if (!Number.isSafeInteger(bytes)) throw invalidModel(`model.json: ${label} has an impossibly large shape.`);
  return bytes;
}

const SINGLE_FILE_FORMATS = 'an ONNX file (.onnx) or a Keras model (.keras, .h5)';

/**
 * Checks an upload's file set before any model code sees it: names first, then a TF.js folder
 * (it has a model.json) against its weightsManifest, and any other upload as exactly one model
 * file, whose format the engine then detects (and refuses with what it found). Throws
 * ArtifactError INVALID_MODEL or INVALID_UPLOAD.
 */
export function checkUploadFiles(files: ReadonlyMap<string, Uint8Array>, maxParameters: number): void {
  for (const name of files.keys()) {
    const reason = unsafeNameReason(name);
    if (reason !== undefined) throw invalidUpload(`Refused file name ${quoteName(name)}: ${reason}.`);
  }
  if (files.has(MODEL_JSON)) {
    checkTfjsFiles(files, maxParameters);
    return;
  }
  if (files.size !== 1) {
    const names = [...files.keys()].slice(0, 5).map(quoteName).join(', ');
    throw invalidModel(
      `The upload holds ${files.size} files (${names}${files.size > 5 ? ', …' : ''}) and no ${MODEL_JSON}: upload a TF.js model folder (model.json and the weight files it lists) or exactly one model file, ${SINGLE_FILE_FORMATS}.`,
    );
  }
}

/**
 * Checks the file set against model.json before TF.js sees it (no TF.js involved: cheap enough
 * for the API process), the manifest's parameters against `maxParameters` included. Returns
 * nothing; throws ArtifactError INVALID_MODEL (or INVALID_UPLOAD for an unsafe file name) with a
 * specific message.
 */
function checkTfjsFiles(files: ReadonlyMap<string, Uint8Array>, maxParameters: number): void {
  const jsonBytes = files.get(MODEL_JSON);
  if (jsonBytes === undefined) {
    throw invalidModel(`The upload has no ${MODEL_JSON}: a TF.js Layers model folder holds model.json (at its top) and the weight files it lists.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes));
  } catch {
    throw invalidModel(`${MODEL_JSON} is not valid UTF-8 JSON.`);
  }
  if (!isRecord(json)) throw invalidModel(`${MODEL_JSON} is not a JSON object.`);
  if (!('modelTopology' in json) || !isRecord(json.modelTopology)) throw invalidModel(`${MODEL_JSON} has no modelTopology object.`);
  if (!('weightsManifest' in json) || !Array.isArray(json.weightsManifest)) throw invalidModel(`${MODEL_JSON} has no weightsManifest array.`);

  const topology = json.modelTopology;
  const modelConfig = isRecord(topology.model_config) ? topology.model_config : undefined;
  const className = typeof topology.class_name === 'string' ? topology.class_name : typeof modelConfig?.class_name === 'string' ? modelConfig.class_name : undefined;
  if (json.format !== undefined && json.format !== 'layers-model' && json.format !== 'graph-model') {
    throw invalidModel(`${MODEL_JSON} is not a TF.js model (format ${quoteName(String(json.format))}; "layers-model" and "graph-model" are supported).`);
  }
  if (json.format !== 'graph-model' && className === undefined) {
    throw invalidModel(`${MODEL_JSON} is not a TF.js Layers model: its modelTopology has no class_name or model_config (graph models are not supported).`);
  }

  const referenced = new Set<string>();
  let parameters = 0;
  json.weightsManifest.forEach((group: unknown, g) => {
    const where = `weightsManifest group ${g + 1}`;
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw invalidModel(`${MODEL_JSON}: ${where} must have "paths" and "weights" arrays.`);
    }
    if (group.paths.length === 0 && group.weights.length > 0) throw invalidModel(`${MODEL_JSON}: ${where} lists weights but no files.`);
    let actual = 0;
    for (const p of group.paths) {
      if (typeof p !== 'string' || unsafeNameReason(p) !== undefined) {
        throw invalidModel(`${MODEL_JSON}: ${where} has the path ${quoteName(String(p))}, which is not a plain relative file name.`);
      }
      if (p === MODEL_JSON || referenced.has(p)) throw invalidModel(`${MODEL_JSON}: the weight file ${quoteName(p)} is listed twice.`);
      referenced.add(p);
      const bytes = files.get(p);
      if (bytes === undefined) throw invalidModel(`The weight file ${quoteName(p)} listed in ${MODEL_JSON} was not uploaded.`);
      actual += bytes.byteLength;
    }
    let expected = 0;
    group.weights.forEach((spec: unknown, i) => {
      expected += weightByteLength(spec, `${where}, weight ${i + 1}`);
      parameters += parameterCount((spec as { shape: number[] }).shape);
    });
    if (actual !== expected) {
      const what = actual < expected ? 'truncated' : 'padded';
      throw invalidModel(
        `The weight files of ${where} (${group.paths.map((p) => quoteName(String(p))).join(', ')}) hold ${actual} bytes but its weights need ${expected}: a file is ${what}.`,
      );
    }
  });
  if (parameters > maxParameters) {
    throw invalidModel(`${MODEL_JSON}'s weightsManifest lists ${parameters.toLocaleString('en-US')} parameters; at most ${maxParameters.toLocaleString('en-US')} are accepted.`);
  }
  for (const name of files.keys()) {
    if (name !== MODEL_JSON && !referenced.has(name)) {
      throw invalidModel(`The file ${quoteName(name)} is not listed in ${MODEL_JSON}'s weightsManifest: upload only model.json and its weight files.`);
    }
  }
}

/**
 * Validates an uploaded model held in memory (file name -> bytes) and loads it with the engine:
 * the file set first (`checkUploadFiles`: for a TF.js folder, byte counts and the manifest's
 * parameters, so truncated or padded shards are caught before TF.js), then
 * `loadClassifierFromFiles` (which detects the format and checks the declared weights against
 * `limits.maxParameters` before building; a single-input, single-output classifier) and
 * `computeWeightsDigest`. The model is disposed
 * before returning. Uploads run this in a worker thread (validate-in-worker.ts). Throws
 * ArtifactError INVALID_MODEL (INVALID_UPLOAD for an unsafe file name); other engine errors
 * (e.g. BACKEND_UNAVAILABLE) pass through unchanged.
 */
export async function validateModelFiles(
  files: ReadonlyMap<string, Uint8Array>,
  limits: ModelLimits & { readonly memoryBudgetMb?: number | undefined },
): Promise<Omit<ValidatedArtifact, 'manifest'>> {
  const maxParameters = limits.maxParameters ?? Infinity;
  checkUploadFiles(files, maxParameters);
  // Loading and digesting need no XNNPACK threads: they would only cost the threaded build's 8
  // workers (~145 MB). A process (or thread) that already chose keeps its choice.
  await initBackend({ wasmThreads: 1 });
  const engineError = (error: unknown): unknown =>
    isEngineError(error, 'INVALID_MODEL') ? invalidModel(`The model could not be loaded: ${error.message.replace(/\.$/, '')}.`) : error;
  let classifier;
  try {
    classifier = await loadClassifierFromFiles(files, { maxParameters });
  } catch (error) {
    throw engineError(error);
  }
  try {
    if (classifier.inputShape.some((d) => d > MAX_RECORDED_DIMENSION)) {
      // The registry records input shapes as 32-bit integers; the database would refuse it later.
      throw invalidModel(`The model's input shape [${classifier.inputShape.join(', ')}] has a dimension over ${MAX_RECORDED_DIMENSION}.`);
    }
    checkExampleMemory(classifier, limits.memoryBudgetMb);
    if (classifier.format === 'ONNX') await checkOnnxRuntimeRuns(files, classifier);
    const weightsDigest = computeWeightsDigest(classifier);
    return {
      inputShape: [...classifier.inputShape],
      numClasses: classifier.numClasses,
      weightsDigest,
      format: classifier.format,
      inputLayout: classifier.layout,
      binaryOutput: classifier.binaryOutput ?? null,
    };
  } catch (error) {
    throw engineError(error);
  } finally {
    classifier.dispose();
  }
}

/**
 * One example's forward pass and input gradient must fit in the workers' engine memory budget:
 * generation and verification run in micro-batches, and a model whose single example does not
 * fit (a graph that multiplies its activations, by design or by malice) would exhaust the
 * worker's wasm memory, which TF.js does not recover from. Measured here, in the validation
 * thread that ends after each upload.
 */
function checkExampleMemory(classifier: Classifier, memoryBudgetMb: number | undefined): void {
  try {
    microBatchSize(classifier, 'gradient', memoryBudgetMb);
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT')) throw invalidModel(`The model is too large to check: ${error.message.replace(/; raise the budget.*$/, '')} (the workers' FRAGMARK_ENGINE_MEMORY_BUDGET_MB).`);
    throw invalidModel(`The model could not be run on one example within the engine's memory: ${(error as Error).message}.`);
  }
}

/**
 * An ONNX model must also run on onnxruntime, the runtime ONNX deployments serve with: triggers
 * are checked against it when a watermark is made and ONNX artifacts are verified on it. Our
 * interpreter is more lenient than onnxruntime in places (an op used below the opset that
 * introduced it, e.g. Gelu before opset 20); refusing here says so at upload, not after minutes
 * of generation. A host without onnxruntime's binding skips the check (the watermark then fails
 * with that reason).
 */
async function checkOnnxRuntimeRuns(files: ReadonlyMap<string, Uint8Array>, classifier: Classifier): Promise<void> {
  const [bytes] = [...files.values()];
  const example = new Float32Array(classifier.inputShape.reduce((a, b) => a * b, 1));
  try {
    await onnxRuntimeLabels(bytes!, example, classifier.inputShape, { sigmoidOutput: classifier.binaryOutput === 'SIGMOID' });
  } catch (error) {
    if (isEngineError(error, 'BACKEND_UNAVAILABLE')) return;
    throw invalidModel(`onnxruntime, the runtime ONNX deployments serve with, cannot run this model: ${(error as Error).message.replace(/\.$/, '')}.`);
  }
}
