/**
 * Multi-threaded wasm under Node.
 *
 * TF.js ships a threaded SIMD build of its wasm backend (XNNPACK on a pthreadpool) but never uses
 * it under Node: `WASM_HAS_MULTITHREAD_SUPPORT` is false there (tensorflow/tfjs#3830). Two things
 * stand in the way, and this module works around both without patching the package:
 *
 * 1. The pthread worker script is handed to `new Worker()` as a `blob:` URL, which Node refuses
 *    (`ERR_WORKER_PATH`). We point `locateFile` at `wasm-pthread-worker.cjs`, a file.
 * 2. The backend caps its pool at `emscripten_num_logical_cores() / 2` (it assumes two hardware
 *    threads per core), one thread on a 2-core host. We instantiate the module ourselves
 *    (emscripten's `instantiateWasm` hook) and answer that import with `2 * threads`.
 *
 * The build pre-spawns 8 workers (its PTHREAD_POOL_SIZE), so at most 8 threads; XNNPACK uses
 * `threads - 1` of them next to the calling thread. Node `ref()`s a worker when it starts a pthread;
 * XNNPACK's threads never end, so we `unref()` them or no process using the engine could exit.
 *
 * Numerics: XNNPACK splits work by output tiles, each computed by one thread in the same order, so
 * results do not depend on the thread count (tested in wasm-threads.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasm } from '../../common/webassembly.ts';
import { MAX_WASM_THREADS } from '../../common/engine-backends.ts';

interface ThreadedModule {
  /** The memory the module imports; simd/index.ts instantiates our kernels on it. */
  wasmMemory?: unknown;
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: { unref(): void }[] };
  tfjs?: unknown;
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const MAIN_SCRIPT = path.join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
const WASM_BINARY = path.join(packageDir, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm');
const WORKER_SCRIPT = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));

async function instantiate(threads: number): Promise<ThreadedModule> {
  const factory = require(MAIN_SCRIPT) as Factory;
  // emscripten never settles its promise when an instantiateWasm hook fails: race a rejection.
  let fail: (error: unknown) => void = () => {};
  let memory: unknown;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const started = factory({
    locateFile: (file: string) => (file.endsWith('.worker.js') ? WORKER_SCRIPT : file.endsWith('.wasm') ? WASM_BINARY : file),
    // Each worker evaluates the main script to build its own copy of the module.
    mainScriptUrlOrBlob: MAIN_SCRIPT,
    instantiateWasm: (imports: { env: Record<string, unknown> }, receiveInstance: (instance: object, module: object) => void) => {
      imports.env['emscripten_num_logical_cores'] = () => 2 * threads;
      memory = imports.env['memory'];
      wasm.instantiate(readFileSync(WASM_BINARY), imports).then((r) => receiveInstance(r.instance, r.module), fail);
      return {};
    },
  });
  const module = await Promise.race([started, failed]);
  module.wasmMemory = memory;
  // The same bindings tfjs's own init() attaches (backend_wasm.ts); BackendWasm calls them.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * Replaces the `wasm` backend factory with one that builds the threaded module. Kernels stay
 * registered under `wasm`, so everything else (our composed gradients included) is unchanged.
 * Call before the wasm backend is first initialised.
 */
export function useThreadedWasm(threads: number): void {
  if (!Number.isInteger(threads) || threads < 2 || threads > MAX_WASM_THREADS) {
    throw new RangeError(`threaded wasm needs 2..${MAX_WASM_THREADS} threads (got ${threads})`);
  }
  if (tf.findBackendFactory('wasm') !== null) tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await instantiate(threads);
      wasmBackend.setThreadsCount(threads);
      const backend = new wasmBackend.BackendWasm(module as never);
      for (const worker of module.PThread.runningWorkers) worker.unref();
      return backend;
    },
    2,
  );
}

/** Threads XNNPACK actually runs with in the active wasm backend (1 for the single-threaded build). */
export function wasmThreadsInUse(): number {
  return wasmBackend.getThreadsCount();
}
