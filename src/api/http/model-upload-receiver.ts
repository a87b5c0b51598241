/**
 * Receives a model upload over HTTP: parses the multipart body as it streams, stages the files
 * and has the registry validate them (src/registry/artifacts/model-validation.ts, a pure check
 * of the files run in a worker thread). The HTTP half of uploads lives here, at the edge; what
 * a valid model is stays in the registry.
 *
 * ## Multipart contract (cited by the README)
 *
 * The request body is `multipart/form-data`. A model in one file (ONNX `.onnx`, Keras `.keras` or
 * `.h5`) is one *file* part whose `filename` is the file's name. A TF.js model folder (Layers or
 * Graph) is one file part per file, whose `filename` is the file's path inside the folder
 * (`model.json`, `weights.bin`, `group1-shard1of2.bin`, or `sub/x.bin` when model.json's
 * `weightsManifest` says so). The part's field name is ignored (use `file`). For example:
 *
 *     curl -X PUT "$URL/v1/model-versions/$ID/artifact" -H "Authorization: Bearer $KEY" \
 *       -F "file=@resnet18.onnx;filename=resnet18.onnx"
 *     curl -X PUT "$URL/v1/model-versions/$ID/artifact" -H "Authorization: Bearer $KEY" \
 *       -F "file=@model.json;filename=model.json" -F "file=@weights.bin;filename=weights.bin"
 *
 * Rules, each refused with a specific message:
 * - Content-Type other than multipart/form-data (with a boundary): INVALID_UPLOAD.
 * - A non-file form field, or a file part without a filename: INVALID_UPLOAD.
 * - File names: relative, at most 200 characters, only `[A-Za-z0-9._-]` plus `/` between folders,
 *   no `.`/`..` segment, no backslash, NUL or leading `/`; each name once: INVALID_UPLOAD.
 * - More than `maxFiles` files: INVALID_UPLOAD. More than `maxTotalBytes` of file bytes in all,
 *   or a model.json over `maxModelJsonBytes` (or a Content-Length that cannot fit):
 *   UPLOAD_TOO_LARGE; more than `quotaBytesLeft`: QUOTA_EXCEEDED. Decided while streaming,
 *   without buffering or storing the rest (upload-budget.ts).
 * - A malformed or aborted body, or no files at all: INVALID_UPLOAD.
 * - A TF.js folder must be exactly `model.json` plus every path its `weightsManifest` lists; any
 *   other upload exactly one model file. It must form a loadable single-input, single-output
 *   classifier in a supported format declaring at most `maxModelParameters` parameters:
 *   INVALID_MODEL naming what was found (see {@link validateModelFiles}).
 *
 * Files stream to a private staging folder while their SHA-256 is computed; the model is validated
 * in a worker thread, and the caller moves the files into the content-addressed store only inside
 * the database transaction that records them ({@link ReceivedArtifact.store}). Nothing stays
 * stored when anything fails.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ArtifactError, isArtifactError } from '../../registry/artifacts/artifact.errors.ts';
import { buildManifest, quoteName } from '../../registry/artifacts/artifact-manifest.ts';
import type { ModelArtifacts, StagingArea } from '../../registry/artifacts/model-artifacts.ts';
import { checkUploadFiles, type ValidatedArtifact } from '../../registry/artifacts/model-validation.ts';
import { budgetFor, checkLimits, refusalForContentLength, type UploadLimits } from '../../registry/artifacts/upload-budget.ts';
import { validateInWorker } from '../../registry/artifacts/validation/validate-in-worker.ts';

export type { UploadLimits } from '../../registry/artifacts/upload-budget.ts';

/** A validated upload still in staging: nothing of it is in the store until `store()`. */
export interface ReceivedArtifact extends ValidatedArtifact {
  /**
   * Moves the staged files into the content-addressed store. Call it last inside the database
   * transaction that records the artifact, so that a refused record stores nothing.
   */
  store(): Promise<void>;
  /** Removes what is staged; nothing after store(). Call it whatever happened. */
  discard(): Promise<void>;
}

const HOW_TO_SEND =
  'send a model file as one file part (curl -F "file=@model.onnx;filename=model.onnx"), or each file of a TF.js model folder as a file part whose filename is its path in the folder (curl -F "file=@model.json;filename=model.json" -F "file=@weights.bin;filename=weights.bin")';

function invalidUpload(message: string): ArtifactError {
  return new ArtifactError('INVALID_UPLOAD', message);
}

/** Lets Node read and throw away the rest of a request body. */
function drain(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}

/**
 * Receives a multipart/form-data upload of a model (one file, or a TF.js folder) from an HTTP request into
 * staging and validates it (in a worker thread: validate-in-worker.ts); see the module comment
 * for the contract. The caller records it and calls `store()` (see {@link ReceivedArtifact}).
 * Nothing stays staged when anything fails.
 *
 * On failure it rejects as soon as the failure is known, without waiting for the rest of the body:
 * the request is left flowing into nothing (drained and ignored) so the caller can reply at once.
 * Throws ArtifactError (UPLOAD_TOO_LARGE, QUOTA_EXCEEDED, INVALID_UPLOAD, INVALID_MODEL); anything
 * else is a server fault (file system, validation thread).
 */
export async function receiveModelUpload(req: IncomingMessage, store: ModelArtifacts, limits: UploadLimits): Promise<ReceivedArtifact> {
  checkLimits(limits);
  const contentType = req.headers['content-type'];
  if (contentType === undefined || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) {
    drain(req);
    const got = contentType === undefined ? 'no Content-Type' : `Content-Type ${quoteName(contentType)}`;
    throw invalidUpload(`Send the model as multipart/form-data (got ${got}): ${HOW_TO_SEND}.`);
  }
  const refusal = refusalForContentLength(Number(req.headers['content-length']), limits);
  if (refusal !== undefined) {
    drain(req);
    throw refusal;
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
    // The file set alone (no model code) may already say the model is malformed or too large to build.
    checkUploadFiles(files, limits.maxModelParameters);
    const validated = await validateInWorker(files, { maxParameters: limits.maxModelParameters, memoryBudgetMb: limits.memoryBudgetMb, backend: limits.backend });
    return {
      ...validated,
      manifest: buildManifest(staging.files()),
      store: async () => void (await staging.commit()),
      discard: () => staging.discard(),
    };
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
          const budget = budgetFor(name, used, limits);
          const stored = await staging.writeFile(name, stream, budget.bytes).catch((error: unknown) => {
            throw isArtifactError(error, 'UPLOAD_TOO_LARGE') ? budget.refusal() : error;
          });
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
