/**
 * Filters derived from a weight (flipped for an input gradient, rearranged for a sub-pixel
 * convolution), made once per weight on wasm and kept while the weight lives.
 *
 * Why: tfjs-backend-wasm hands every convolution to XNNPACK, which packs the filter into its own
 * layout when it first sees it and keeps the packed copy under the filter's id until the filter is
 * disposed (tfjs-backend-wasm 4.22, `Conv2D.cc`'s operator cache, cleared by `disposeData`). A
 * filter made afresh on every call (the flipped filter of every input gradient) is repacked on
 * every call: on ResNet-18's [3, 3, 512, 512] layers a convolution of 8 inputs took 30-48 ms with a
 * fresh filter against 9 ms with a kept one (bench/RESULTS.md, "Kernel speed at real sizes").
 * A classifier's weights do not change between passes, so the derived filter is made once.
 *
 * The derived filters are backend allocations, not engine tensors: they do not count in
 * `tf.memory()` (so passes still leave no tensors behind) and are freed, with XNNPACK's packed
 * copy, when the weight they were made from is disposed (the backend's `disposeData` is wrapped
 * once to do that). Tensor data is immutable in TF.js (a variable's `assign` takes a new data id),
 * so a data id always names the same values.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  dataIdMap: { has(dataId: tf.DataId): boolean };
}

const derived = new WeakMap<tf.DataId, Map<string, tf.TensorInfo>>();
const wrapped = new WeakSet<object>();

/** Frees the filters derived from a weight when the backend frees the weight. */
function wrapDisposal(backend: WasmBackend): void {
  if (wrapped.has(backend)) return;
  wrapped.add(backend);
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId, force) => {
    const freed = dispose(dataId, force);
    const mine = derived.get(dataId);
    if (mine !== undefined && !backend.dataIdMap.has(dataId)) {
      derived.delete(dataId);
      for (const info of mine.values()) dispose(info.dataId, true);
    }
    return freed;
  };
}

/** Derived filters currently kept (tests). */
export function derivedFilterCount(source: tf.TensorInfo): number {
  return derived.get(source.dataId)?.size ?? 0;
}

/**
 * The filter `key` derived from `source` by `make` (values and shape), as a kernel input: on wasm
 * made once and kept while `source` lives; elsewhere undefined (the caller makes its own).
 */
export function derivedFilter(source: tf.TensorInfo, key: string, make: () => { values: Float32Array; shape: number[] }): tf.TensorInfo | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as WasmBackend;
  if (!backend.dataIdMap.has(source.dataId)) return undefined;
  wrapDisposal(backend);
  let mine = derived.get(source.dataId);
  const known = mine?.get(key);
  if (known !== undefined) return known;
  const { values, shape } = make();
  const info = backend.makeOutput(shape, 'float32');
  backend.typedArrayFromHeap(info).set(values);
  if (mine === undefined) {
    mine = new Map();
    derived.set(source.dataId, mine);
  }
  mine.set(key, info);
  return info;
}
