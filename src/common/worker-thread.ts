/**
 * Starts a module in a worker thread (node:worker_threads), TypeScript or compiled JavaScript.
 * Long CPU work runs there so that the process's event loop stays free: a worker's job
 * heartbeats must never go silent while it generates triggers (pg-boss would hand the job to a
 * second worker), and terminating the thread frees all of its memory, WebAssembly included.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

const BOOTSTRAP = new URL('./thread-bootstrap.mjs', import.meta.url);

export function startThread(entry: URL, data: unknown, options: { resourceLimits?: ResourceLimits } = {}): Worker {
  return new Worker(BOOTSTRAP, {
    workerData: { entry: entry.href, data },
    // Not the parent's flags: `--test`, `--import tsx` and the like would half-apply in a thread.
    execArgv: [],
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    // The thread's output goes to the process's own streams (logs stay one stream).
    stdout: false,
    stderr: false,
  });
}
