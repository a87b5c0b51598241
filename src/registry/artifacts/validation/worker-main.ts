/**
 * Body of a model-validation worker thread (see validate-in-worker.ts): loads TF.js and starts
 * its backend first (the slow part, done while the thread waits as the spare), then validates
 * the one request it is sent and posts one {@link ValidationReply}. Everything TF.js allocates
 * lives in this thread's isolate and wasm memory, which ending the thread frees.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../../engine/index.ts';
import { isArtifactError } from '../artifact.errors.ts';
import { validateModelFiles } from '../model-validation.ts';
import type { ValidationReply, ValidationRequest, ValidationThreadData } from './validation-messages.ts';

const { data } = workerData as { data: ValidationThreadData };
// Loading and digesting need no XNNPACK threads; the choice is this thread's alone.
const backend = initBackend({ backend: data.backend, wasmThreads: 1, log: () => {} });
backend.catch(() => undefined); // reported with the request it fails

parentPort!.once('message', async (request: ValidationRequest) => {
  let reply: ValidationReply;
  try {
    await backend;
    reply = { ok: true, result: await validateModelFiles(request.files, { maxParameters: request.maxParameters, memoryBudgetMb: request.memoryBudgetMb }) };
  } catch (error) {
    reply = isArtifactError(error)
      ? { ok: false, code: error.code, message: error.message }
      : { ok: false, code: 'INTERNAL', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort!.postMessage(reply);
});
