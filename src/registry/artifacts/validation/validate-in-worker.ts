/**
 * Validates an uploaded model in a worker thread of its own, never on the API's heap.
 *
 * Untrusted models are built by TF.js, whose wasm memory only grows: whatever one upload made it
 * allocate stays in the process for good, for every tenant (issue 16 item 2). In a worker thread
 * the allocation belongs to the thread's isolate and is returned when the thread ends, which it
 * does after every validation, accepted or not. `resourceLimits` caps the thread's JS heap (wasm
 * memory is outside it, bounded instead by the parameter cap checked before anything is built),
 * a timeout ends validations that run away, and at most {@link MAX_CONCURRENT_VALIDATIONS} run at
 * once so that simultaneous uploads cannot multiply the memory.
 *
 * Starting a thread costs about two seconds (importing TF.js as an ES module is most of it), so
 * one started thread waits as the spare, unreferenced (it never keeps the process alive): an
 * upload takes it, and the next spare starts once that validation is over (not during it, on a
 * small machine it would slow the validation down). The spare costs some 50 MB while it waits.
 */
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../../common/worker-thread.ts';
import type { BackendChoice } from '../../../engine/index.ts';
import { ArtifactError } from '../artifact.errors.ts';
import type { ValidatedArtifact } from '../model-validation.ts';
import type { ValidationReply, ValidationRequest, ValidationThreadData } from './validation-messages.ts';

const ENTRY = new URL(`./worker-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** JS heap of one validation thread; the model's weights live in wasm memory and ArrayBuffers, outside it. */
const HEAP_LIMIT_MB = 512;
/** Validating a 100M-parameter model takes well under a minute; past this it is stuck. */
const TIMEOUT_MS = 5 * 60_000;
/** Each validation may hold up to about 3x its weights (upload, decoded tensors, variables). */
export const MAX_CONCURRENT_VALIDATIONS = 2;

export interface WorkerValidationLimits {
  maxParameters: number;
  memoryBudgetMb?: number | undefined;
  /** The engine backend the thread starts (FRAGMARK_TF_BACKEND); undefined: the best installed. */
  backend?: BackendChoice | undefined;
}

let running = 0;
const waiting: Array<() => void> = [];
/** The spare thread and the backend it started. */
let spare: { worker: Worker; backend: BackendChoice | undefined } | undefined;

/**
 * Runs validateModelFiles on `files` in a worker thread of its own and ends the thread. The
 * files' buffers are transferred to it (unusable here afterwards). Throws ArtifactError as the
 * validation does (INVALID_MODEL, also when the model needs more memory than the thread may use
 * or takes too long); anything else is a server fault.
 */
export async function validateInWorker(files: Map<string, Uint8Array>, limits: WorkerValidationLimits): Promise<Omit<ValidatedArtifact, 'manifest'>> {
  if (running >= MAX_CONCURRENT_VALIDATIONS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await runIn(takeWorker(limits.backend), { files, maxParameters: limits.maxParameters, memoryBudgetMb: limits.memoryBudgetMb });
  } finally {
    running -= 1;
    waiting.shift()?.();
    if (running === 0) spare ??= { worker: startWorker(limits.backend), backend: limits.backend };
  }
}

function startWorker(backend: BackendChoice | undefined): Worker {
  const data: ValidationThreadData = { backend };
  const worker = startThread(ENTRY, data, { resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB } });
  worker.unref();
  // A spare that fails while it waits is dropped; the next upload starts another.
  const drop = () => {
    if (spare?.worker === worker) spare = undefined;
  };
  worker.once('error', drop);
  worker.once('exit', drop);
  return worker;
}

/** The spare when it started the backend asked for (it always has: the configuration is fixed), else a new thread. */
function takeWorker(backend: BackendChoice | undefined): Worker {
  const taken = spare;
  spare = undefined;
  if (taken !== undefined && taken.backend === backend) return taken.worker;
  if (taken !== undefined) void taken.worker.terminate();
  return startWorker(backend);
}

function runIn(worker: Worker, request: ValidationRequest): Promise<Omit<ValidatedArtifact, 'manifest'>> {
  const transfer = [...new Set([...request.files.values()].map((bytes) => bytes.buffer as ArrayBuffer))];
  worker.ref(); // an upload is waiting for it now
  return new Promise((resolve, reject) => {
    let reply: ValidationReply | undefined;
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new ArtifactError('INVALID_MODEL', `Validating the model took longer than ${TIMEOUT_MS / 1000} seconds.`);
      void worker.terminate();
    }, TIMEOUT_MS);
    worker.once('message', (message: ValidationReply) => {
      reply = message;
      void worker.terminate();
    });
    worker.once('error', (error: Error & { code?: string }) => {
      failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ArtifactError('INVALID_MODEL', `Validating the model needed more than the ${HEAP_LIMIT_MB} MB of memory a validation may use.`)
          : new Error(`The model validation thread failed: ${error.message}`, { cause: error });
    });
    // Settled on exit, once the thread's memory is released, not on the reply.
    worker.once('exit', () => {
      clearTimeout(timer);
      if (reply?.ok) resolve(reply.result);
      else if (reply !== undefined && reply.code !== 'INTERNAL') reject(new ArtifactError(reply.code, reply.message));
      else if (reply !== undefined) reject(new Error(`Model validation failed: ${reply.message}`));
      else reject(failure ?? new Error('The model validation thread ended without an answer.'));
    });
    worker.postMessage(request, transfer);
  });
}
