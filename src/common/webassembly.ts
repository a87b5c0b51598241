/**
 * The WebAssembly JS API, typed. Its declarations live in TypeScript's lib.dom, which this Node
 * project does not load (tsconfig `lib`: ES2023), so the few members we use are declared here once
 * for every module that loads wasm (the Prisma schema engine, TF.js's threaded build, our SIMD
 * kernels).
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance; module: object }>;
  instantiate(module: object, imports: object): Promise<WasmInstance>;
  /** Synchronous compilation (Node allows any size). */
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
