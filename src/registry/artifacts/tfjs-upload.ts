/**
 * Validated streaming upload of TF.js Layers models into the {@link ArtifactStore}.
 *
 * ## Multipart contract (cited by the README)
 *
 * The request body is `multipart/form-data`. Each file of the model folder is one *file* part whose
 * `filename` is the file's path inside the model folder (`model.json`, `weights.bin`,
 * `group1-shard1of2.bin`, or `sub/x.bin` when model.json's `weightsManifest` says so); the part's
 * field name is ignored (use `file`). For example:
 *
 *     curl -X PUT "$URL/v1/model-versions/$ID/artifact" -H "Authorization: Bearer $KEY" \
 *       -F "file=@model.json;filename=model.json" -F "file=@weights.bin;filename=weights.bin"
 *
 * Rules, each refused with a specific message:
 * - Content-Type other than multipart/form-data (with a boundary): INVALID_UPLOAD.
 * - A non-file form field, or a file part without a filename: INVALID_UPLOAD.
 * - File names: relative, at most 200 characters, only `[A-Za-z0-9._-]` plus `/` between folders,
 *   no `.`/`..` segment, no backslash, NUL or leading `/`; each name once: INVALID_UPLOAD.
 * - More than `maxFiles` files: INVALID_UPLOAD. More than `maxTotalBytes` of file bytes in all
 *   (or a Content-Length that cannot fit): UPLOAD_TOO_LARGE, decided while streaming, without
 *   buffering or storing the rest.
 * - A malformed or aborted body, or no files at all: INVALID_UPLOAD.
 * - The files must be exactly `model.json` plus every path its `weightsManifest` lists, and form a
 *   loadable single-input, single-output TF.js Layers classifier: INVALID_MODEL (see
 *   {@link validateTfjsLayersFiles}).
 *
 * Files stream to a private staging folder while their SHA-256 is computed; only after the whole
 * upload is validated are they committed to the content-addressed store. Nothing stays stored
 * when anything fails.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { computeWeightsDigest, initBackend, isEngineError, loadClassifierFromFiles } from '../../engine/index.ts';
import { ArtifactError } from './artifact.errors.ts';
import { quoteName, unsafeNameReason, type ArtifactManifest, type ArtifactStore, type StagingArea } from './artifact-store.ts';

export interface UploadLimits {
  /** Most file bytes accepted in one upload, all files together. */
  maxTotalBytes: number;
  /** Most files accepted in one upload (model.json included). */
  maxFiles: number;
}

export interface ValidatedArtifact {
  manifest: ArtifactManifest;
  /** Without the batch dimension, e.g. [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
  /** The engine's computeWeightsDigest: the model version's identity. */
  weightsDigest: string;
  format: 'TFJS_LAYERS';
}

const MODEL_JSON = 'model.json';
/** Generous per-part multipart overhead (boundary and part headers; busboy caps part headers at 16 KiB). */
const PART_OVERHEAD_BYTES = 16 * 1024 + 512;

const HOW_TO_SEND =
  'send each file of the model folder as a file part whose filename is its path in the folder, e.g. curl -F "file=@model.json;filename=model.json" -F "file=@weights.bin;filename=weights.bin"';

function invalidUpload(message: string): ArtifactError {
  return new ArtifactError('INVALID_UPLOAD', message);
}
function invalidModel(message: string): ArtifactError {
  return new ArtifactError('INVALID_MODEL', message);
}

/** Lets Node read and throw away the rest of a request body. */
function drain(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}

function checkLimits(limits: UploadLimits): void {
  if (!Number.isSafeInteger(limits.maxTotalBytes) || limits.maxTotalBytes < 1) throw new RangeError('maxTotalBytes must be a positive integer');
  if (!Number.isSafeInteger(limits.maxFiles) || limits.maxFiles < 1) throw new RangeError('maxFiles must be a positive integer');
}

/**
 * Receives a multipart/form-data upload of a TF.js Layers model folder from an HTTP request,
 * validates it, and commits it to the store (see the module comment for the contract).
 * Nothing stays stored when anything fails.
 *
 * On failure it rejects as soon as the failure is known, without waiting for the rest of the body:
 * the request is left flowing into nothing (drained and ignored) so the caller can reply at once.
 * Throws ArtifactError (UPLOAD_TOO_LARGE, INVALID_UPLOAD, INVALID_MODEL); anything else is a
 * server fault (file system, TF.js backend).
 */
export async function receiveTfjsLayersUpload(req: IncomingMessage, store: ArtifactStore, limits: UploadLimits): Promise<ValidatedArtifact> {
  checkLimits(limits);
  const contentType = req.headers['content-type'];
  if (contentType === undefined || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) {
    drain(req);
    const got = contentType === undefined ? 'no Content-Type' : `Content-Type ${quoteName(contentType)}`;
    throw invalidUpload(`Send the model as multipart/form-data (got ${got}): ${HOW_TO_SEND}.`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxTotalBytes + (limits.maxFiles + 1) * PART_OVERHEAD_BYTES) {
    drain(req);
    throw new ArtifactError('UPLOAD_TOO_LARGE', `The upload is larger than allowed (at most ${limits.maxTotalBytes} bytes of files).`);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      defParamCharset: 'utf8',
      // fileSize is one more than the budget so that StagingArea.writeFile sees the excess and refuses.
      // busboy emits 'partsLimit' when the count *reaches* the limit (filesLimit/fieldsLimit when it
      // is passed), so parts is one more than maxFiles: reaching it means too many files or a field.
      limits: { fileSize: limits.maxTotalBytes + 1, files: limits.maxFiles, fields: 0, parts: limits.maxFiles + 1 },
    });
  } catch {
    drain(req);
    throw invalidUpload(`Send the model as multipart/form-data with a boundary parameter in the Content-Type: ${HOW_TO_SEND}.`);
  }

  const staging = await store.stage();
  try {
    await parseInto(req, parser, staging, limits);
    const files = await staging.readAll();
    if (files.size === 0) throw invalidUpload(`The upload holds no files: ${HOW_TO_SEND}.`);
    const validated = await validateTfjsLayersFiles(files);
    const manifest = await staging.commit();
    return { manifest, ...validated };
  } catch (error) {
    // Keep the upload's own error; a staging folder that cannot be removed now is left to sweepStaging().
    await staging.discard().catch(() => undefined);
    throw error;
  }
}

/** Streams every file part of the request into staging; resolves when the body is fully parsed. */
function parseInto(req: IncomingMessage, parser: busboy.Busboy, staging: StagingArea, limits: UploadLimits): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    let used = 0;
    // Files are written one after the other, so that each gets the budget the previous ones left.
    let chain: Promise<void> = Promise.resolve();

    const fail = (error: unknown) => {
      if (failure !== undefined) return;
      failure = error;
      req.unpipe(parser);
      parser.on('error', () => {});
      parser.destroy(); // also destroys the file stream being written, which stops that write
      drain(req);
      // Reject once queued writes have settled, so the caller can discard staging cleanly.
      void chain.then(() => reject(error));
    };

    parser.on('file', (_field, stream, info) => {
      // At once: busboy may destroy the stream with an error (a body cut short) before its turn comes.
      stream.on('error', (error: Error) => fail(invalidUpload(`The multipart body is malformed (${error.message}).`)));
      const name = info.filename;
      if (failure !== undefined || name === undefined) {
        stream.resume();
        if (name === undefined) fail(invalidUpload(`A file part has no filename: ${HOW_TO_SEND}.`));
        return;
      }
      chain = chain
        .then(async () => {
          if (failure !== undefined) {
            stream.resume();
            return;
          }
          const stored = await staging.writeFile(name, stream, limits.maxTotalBytes - used);
          if (stream.truncated) {
            throw new ArtifactError('UPLOAD_TOO_LARGE', `The upload is larger than allowed (at most ${limits.maxTotalBytes} bytes of files).`);
          }
          used += stored.size;
        })
        .catch(fail);
    });
    parser.on('field', (field) => fail(invalidUpload(`The form field ${quoteName(field)} is not a file: ${HOW_TO_SEND}.`)));
    parser.on('fieldsLimit', () => fail(invalidUpload(`The upload holds a form field that is not a file: ${HOW_TO_SEND}.`)));
    parser.on('filesLimit', () => fail(invalidUpload(`The upload holds more than ${limits.maxFiles} files.`)));
    parser.on('partsLimit', () => fail(invalidUpload(`The upload holds more than ${limits.maxFiles} parts (only files are accepted).`)));
    parser.on('error', (error: Error) => fail(invalidUpload(`The multipart body is malformed (${error.message}).`)));
    parser.on('close', () => {
      if (failure === undefined) {
        void chain.then(() => {
          if (failure === undefined) resolve();
        });
      }
    });
    req.on('error', () => fail(invalidUpload('The request failed before the upload was complete.')));
    req.on('close', () => {
      if (!req.complete) fail(invalidUpload('The request was aborted before the upload was complete.'));
    });
    req.pipe(parser);
  });
}

// ---------------------------------------------------------------------------------------------
// Validation

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

/**
 * Checks the file set against model.json before TF.js sees it. Returns nothing; throws
 * ArtifactError INVALID_MODEL (or INVALID_UPLOAD for an unsafe file name) with a specific message.
 */
function checkLayersFiles(files: ReadonlyMap<string, Uint8Array>): void {
  for (const name of files.keys()) {
    const reason = unsafeNameReason(name);
    if (reason !== undefined) throw invalidUpload(`Refused file name ${quoteName(name)}: ${reason}.`);
  }
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
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw invalidModel(`${MODEL_JSON} is not a TF.js Layers model (format ${quoteName(String(json.format))}; only "layers-model" is supported, not graph models).`);
  }
  if (className === undefined) {
    throw invalidModel(`${MODEL_JSON} is not a TF.js Layers model: its modelTopology has no class_name or model_config (graph models are not supported).`);
  }

  const referenced = new Set<string>();
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
    });
    if (actual !== expected) {
      const what = actual < expected ? 'truncated' : 'padded';
      throw invalidModel(
        `The weight files of ${where} (${group.paths.map((p) => quoteName(String(p))).join(', ')}) hold ${actual} bytes but its weights need ${expected}: a file is ${what}.`,
      );
    }
  });
  for (const name of files.keys()) {
    if (name !== MODEL_JSON && !referenced.has(name)) {
      throw invalidModel(`The file ${quoteName(name)} is not listed in ${MODEL_JSON}'s weightsManifest: upload only model.json and its weight files.`);
    }
  }
}

/**
 * Validates a TF.js Layers model folder held in memory (file name -> bytes) and loads it with the
 * engine: structure and byte counts first (so truncated or padded shards are caught before TF.js),
 * then `loadClassifierFromFiles` (a single-input, single-output classifier) and
 * `computeWeightsDigest`. The model is disposed before returning. Throws ArtifactError
 * INVALID_MODEL (INVALID_UPLOAD for an unsafe file name); other engine errors (e.g.
 * BACKEND_UNAVAILABLE) pass through unchanged.
 */
export async function validateTfjsLayersFiles(files: ReadonlyMap<string, Uint8Array>): Promise<Omit<ValidatedArtifact, 'manifest'>> {
  checkLayersFiles(files);
  // Loading and digesting need no XNNPACK threads; in the API process they would only cost the
  // threaded build's 8 workers (~145 MB). A process that already chose keeps its choice.
  await initBackend({ wasmThreads: 1 });
  const engineError = (error: unknown): unknown =>
    isEngineError(error, 'INVALID_MODEL') ? invalidModel(`The model could not be loaded: ${error.message.replace(/\.$/, '')}.`) : error;
  let classifier;
  try {
    classifier = await loadClassifierFromFiles(files);
  } catch (error) {
    throw engineError(error);
  }
  try {
    const weightsDigest = computeWeightsDigest(classifier.model);
    return { inputShape: [...classifier.inputShape], numClasses: classifier.numClasses, weightsDigest, format: 'TFJS_LAYERS' };
  } catch (error) {
    throw engineError(error);
  } finally {
    classifier.model.dispose();
  }
}
