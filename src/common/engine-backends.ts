/**
 * The engine's backend settings, declared once: the backends `initBackend` can force (best first,
 * the order it tries them in) and the wasm thread counts it accepts. The engine
 * (src/engine/backend) and the configuration (FRAGMARK_TF_BACKEND, FRAGMARK_WASM_THREADS) both
 * read them from here: the configuration sits below the engine and may not import it.
 */

/** TF.js backends the engine can run on, best first. */
export const BACKEND_CHOICES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** 1 is TF.js's stock single-threaded wasm build. */
export const MIN_WASM_THREADS = 1;
/** The threaded wasm build's PTHREAD_POOL_SIZE: workers it spawns up front, the most XNNPACK can use. */
export const MAX_WASM_THREADS = 8;
