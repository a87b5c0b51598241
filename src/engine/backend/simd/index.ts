/**
 * The SIMD kernels of kernels.wat, instantiated on the memory of a TF.js wasm backend so that
 * they read and write its tensors in place (pointers are the tensors' heap offsets).
 *
 * Why a module of our own: a JavaScript loop over the heap runs at 4-5 ns per element on our
 * 2-core host, and the stock wasm kernels these replace are scalar C loops or XNNPACK GEMMs with
 * one output column (bench/RESULTS.md). V8 compiles this module synchronously (Node allows any
 * size), once per backend.
 */
import { wasm, type WasmMemory } from '../../../common/webassembly.ts';
import { PLAIN_MEMORY_KERNELS, SHARED_MEMORY_KERNELS } from './kernels.wasm.ts';

export interface SimdKernels {
  copyBlocks(dst: number, dstOuter: number, dstInner: number, src: number, srcOuter: number, srcInner: number, outer: number, inner: number, c: number): void;
  clipGrad(dy: number, x: number, out: number, n: number, lo: number, hi: number): void;
  adam(x: number, g: number, m: number, v: number, x1: number, m1: number, v1: number, n: number, negLr: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, eps: number, c1: number, c2: number): void;
  maxPool2x2Grad(x: number, g: number, out: number, batch: number, h: number, w: number, c: number, oh: number, ow: number): void;
  conv2dOneOutputChannel(x: number, f: number, out: number, batch: number, h: number, w: number, c: number, kh: number, kw: number, oh: number, ow: number, top: number, left: number): void;
  conv2dOneOutputChannelFilterGrad(x: number, dy: number, out: number, batch: number, h: number, w: number, c: number, kh: number, kw: number, oh: number, ow: number, top: number, left: number): void;
  batchNormForward(x: number, gamma: number, beta: number, y: number, mean: number, rsq: number, scale: number, rows: number, c: number, eps: number): void;
  conv2dFilterGradTap(x: number, dy: number, out: number, batch: number, h: number, w: number, ci: number, co: number, oh: number, ow: number, sh: number, sw: number, iy0: number, ix0: number, oy0: number, oy1: number, ox0: number, ox1: number): void;
  matMul(a: number, b: number, c: number, m: number, k: number, n: number): void;
  batchNormBackward(g: number, x: number, mean: number, rsq: number, scale: number, dx: number, dgamma: number, dbeta: number, rows: number, c: number): void;
}

/** What a BackendWasm exposes of its emscripten module: `asm.memory` (single-threaded build) or
 * `wasmMemory` (set by wasm-threads.ts for the threaded build, whose memory is imported). */
interface WasmBackendLike {
  wasm?: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
}

const loaded = new WeakMap<object, SimdKernels>();

export function simdKernelsFor(backend: object): SimdKernels {
  const cached = loaded.get(backend);
  if (cached !== undefined) return cached;
  const module = (backend as WasmBackendLike).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  if (memory === undefined) throw new Error('fragmark SIMD kernels: this wasm backend does not expose its memory');
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = Buffer.from(shared ? SHARED_MEMORY_KERNELS : PLAIN_MEMORY_KERNELS, 'base64');
  const kernels = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as unknown as SimdKernels;
  loaded.set(backend, kernels);
  return kernels;
}
