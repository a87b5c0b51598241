/**
 * Backend selection for the engine.
 *
 * Order (first that loads wins): `@tensorflow/tfjs-node-gpu` (GPU hosts), `@tensorflow/tfjs-node`,
 * `@tensorflow/tfjs-backend-wasm`, then the pure-JS `cpu` backend. The `backend` option
 * (node-gpu | node | wasm | cpu; FRAGMARK_TF_BACKEND, which the caller reads through the
 * configuration) forces one; a forced backend that cannot load is an error,
 * never a silent fallback, because results record the backend (numeric kernels differ between
 * backends and fragile triggers sit close to decision boundaries: method.md, "Known risks").
 *
 * The native packages are optional (their install script downloads libtensorflow), so they are
 * loaded with a dynamic import inside try/catch. The engine reads no environment variable: its
 * callers pass the settings (the worker from its Config, tools through loadEngineOptions()).
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import { registerBroadcastBatchNormGradient, registerComposedGradientKernels } from './kernels.ts';
import { registerStridedSliceGradient } from './strided-slice.ts';
import { registerClipByValueGradient } from './clip-gradient.ts';
import { simdKernelsFor } from './simd/index.ts';
import { useThreadedWasm, wasmThreadsInUse } from './wasm-threads.ts';
import { BACKEND_CHOICES, MAX_WASM_THREADS, MIN_WASM_THREADS, type BackendChoice } from '../../common/engine-backends.ts';

export { BACKEND_CHOICES, MAX_WASM_THREADS, MIN_WASM_THREADS, type BackendChoice };

export interface BackendInfo {
  /** Our name for the choice (what FRAGMARK_TF_BACKEND accepts). */
  readonly choice: BackendChoice;
  /** TF.js backend name (`tensorflow` for both native packages). */
  readonly tfBackend: string;
  /** TF.js version string. */
  readonly tfjsVersion: string;
  /** Whether the composed gradient kernels were registered for this backend. */
  readonly composedGradients: boolean;
  /** wasm only: SIMD support as detected, and the threads XNNPACK runs with (wasm-threads.ts). */
  readonly simd?: boolean;
  readonly threads?: number;
}

export type BackendLogger = (message: string) => void;

let current: BackendInfo | undefined;
let initPromise: Promise<BackendInfo> | undefined;
let bnGradRegistered = false;
/** Threads the wasm backend was set up with; fixed for the process once wasm is first activated. */
let wasmThreadsChosen: number | undefined;

/** The `backend` option, checked: callers outside TypeScript (command-line flags) may pass anything. */
function checkChoice(value: BackendChoice | undefined): BackendChoice | undefined {
  if (value === undefined || (BACKEND_CHOICES as readonly string[]).includes(value)) return value;
  throw new EngineError('BACKEND_UNAVAILABLE', `the backend must be one of ${BACKEND_CHOICES.join(', ')} (got "${String(value)}")`);
}

/**
 * The `wasmThreads` option: 1 is the stock single-threaded build; 2..8 the threaded build.
 * Default: one per logical CPU, at most 8.
 */
function checkWasmThreads(value: number | undefined): number {
  if (value === undefined) return Math.min(os.availableParallelism(), MAX_WASM_THREADS);
  if (!Number.isInteger(value) || value < MIN_WASM_THREADS || value > MAX_WASM_THREADS) {
    throw new EngineError('BACKEND_UNAVAILABLE', `wasmThreads must be an integer from ${MIN_WASM_THREADS} to ${MAX_WASM_THREADS} (got ${String(value)})`);
  }
  return value;
}

/** Loads an optional package (the native backends); resolves false when it is not installed. */
export type PackageImporter = (specifier: string) => Promise<unknown>;

// A variable specifier keeps bundlers and tsc from resolving optional packages.
const importPackage: PackageImporter = (specifier) => import(specifier);

async function tryImport(specifier: string, importer: PackageImporter): Promise<boolean> {
  try {
    await importer(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Directory of the wasm binaries, as a file path ending in '/', which is what works under Node 20. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

async function activate(choice: BackendChoice, wasmThreads: number, importer: PackageImporter): Promise<BackendInfo | undefined> {
  switch (choice) {
    case 'node-gpu':
    case 'node': {
      const pkg = choice === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      // The package registers TF.js's "tensorflow" backend (libtensorflow, CUDA for -gpu) when imported.
      if (!(await tryImport(pkg, importer))) return undefined;
      if (!(await tf.setBackend('tensorflow'))) return undefined;
      // Native TensorFlow has all gradient kernels.
      return { choice, tfBackend: 'tensorflow', tfjsVersion: tf.version.tfjs, composedGradients: false };
    }
    case 'wasm': {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        if (wasmThreadsChosen === undefined) {
          if (wasmThreads > 1) useThreadedWasm(wasmThreads);
          else wasm.setWasmPaths(wasmBinaryDir());
          wasmThreadsChosen = wasmThreads;
        }
        if (!(await tf.setBackend('wasm'))) {
          // Not a silent fall back to cpu (two orders of magnitude slower): say what to change.
          if (wasmThreadsChosen > 1) {
            throw new EngineError('BACKEND_UNAVAILABLE', `the threaded wasm backend (${wasmThreadsChosen} threads) failed to start; FRAGMARK_WASM_THREADS=1 selects the single-threaded build`);
          }
          return undefined;
        }
      } catch (e) {
        if (e instanceof EngineError) throw e;
        return undefined;
      }
      registerComposedGradientKernels('wasm');
      try {
        // Load our SIMD kernels now, so that a backend they cannot run on fails here, not mid-generation.
        simdKernelsFor(tf.backend());
      } catch (e) {
        throw new EngineError('BACKEND_UNAVAILABLE', `the wasm backend started, but Fragmark's SIMD kernels could not load on it: ${(e as Error).message}`);
      }
      return {
        choice,
        tfBackend: 'wasm',
        tfjsVersion: tf.version.tfjs,
        composedGradients: true,
        simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
        threads: wasmThreadsInUse(),
      };
    }
    case 'cpu': {
      // The cpu backend's own gradient kernels are the reference the wasm kernels are tested
      // against; its forward conv is a JS loop as well, so composing would not help.
      if (!(await tf.setBackend('cpu'))) return undefined;
      return { choice, tfBackend: 'cpu', tfjsVersion: tf.version.tfjs, composedGradients: false };
    }
  }
}

export interface InitBackendOptions {
  /** Force a backend (FRAGMARK_TF_BACKEND); undefined: the first that loads, in BACKEND_CHOICES order. */
  readonly backend?: BackendChoice | undefined;
  /** Where to log the chosen backend; defaults to console.error (stdout stays clean for CLIs). */
  readonly log?: BackendLogger;
  /**
   * wasm threads (FRAGMARK_WASM_THREADS), MIN_WASM_THREADS to MAX_WASM_THREADS; undefined: one per
   * CPU, at most MAX_WASM_THREADS. Only the first wasm activation in a process chooses; later ones
   * get what was chosen (BackendInfo.threads says which).
   */
  readonly wasmThreads?: number | undefined;
  /** Run the selection again even if a backend is already active (tests, long-lived tools). */
  readonly reselect?: boolean;
  /** How the optional native packages are imported (tests stand in for packages not installable here). */
  readonly importPackage?: PackageImporter;
}

/**
 * Selects and activates the backend once per process (later calls return the same info unless
 * `backend` asks for a different one). Safe to call concurrently.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const forced = checkChoice(options.backend);
  const wasmThreads = checkWasmThreads(options.wasmThreads);
  if (
    options.reselect !== true &&
    current !== undefined &&
    (forced === undefined || forced === current.choice) &&
    tf.getBackend() === current.tfBackend
  ) {
    return current;
  }
  if (initPromise !== undefined && forced === undefined && options.reselect !== true) return initPromise;
  const log = options.log ?? ((m: string) => console.error(m));
  const run = async (): Promise<BackendInfo> => {
    if (!bnGradRegistered) {
      registerBroadcastBatchNormGradient();
      registerStridedSliceGradient();
      registerClipByValueGradient();
      bnGradRegistered = true;
    }
    const order = forced !== undefined ? [forced] : BACKEND_CHOICES;
    for (const choice of order) {
      const info = await activate(choice, wasmThreads, options.importPackage ?? importPackage);
      if (info !== undefined) {
        current = info;
        const threads = info.threads !== undefined ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
        log(`[fragmark/engine] TF.js backend: ${info.choice} (tf backend "${info.tfBackend}", tfjs ${info.tfjsVersion}${threads}${info.composedGradients ? ', composed gradient kernels' : ''})`);
        return info;
      }
      if (forced !== undefined) {
        throw new EngineError('BACKEND_UNAVAILABLE', `FRAGMARK_TF_BACKEND=${forced} was requested but that backend could not be loaded`);
      }
    }
    throw new EngineError('BACKEND_UNAVAILABLE', 'no TF.js backend could be initialised');
  };
  const p = run();
  initPromise = p;
  try {
    return await p;
  } finally {
    if (initPromise === p) initPromise = undefined;
  }
}

/** The active backend info; throws if initBackend() has not run. */
export function currentBackend(): BackendInfo {
  if (current === undefined || tf.getBackend() !== current.tfBackend) {
    throw new EngineError('BACKEND_UNAVAILABLE', 'initBackend() must be awaited before using the engine');
  }
  return current;
}

export { registerComposedGradientKernels, registerBroadcastBatchNormGradient } from './kernels.ts';
