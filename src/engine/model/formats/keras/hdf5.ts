/**
 * HDF5 files through h5wasm (the HDF5 C library compiled to WebAssembly, https://github.com/usnistgov/h5wasm).
 *
 * We import h5wasm's ESM build, whose Emscripten file system is in memory (MEMFS), not its
 * `h5wasm/node` build, which mounts the host file system (NODERAWFS): an uploaded HDF5 file can
 * hold external links and external-storage datasets that name other files (HDF5 spec, "External
 * Data Files" and "External Link" messages), and those must find nothing but the upload itself.
 * The upload is written to a fresh MEMFS path, opened read-only, and always closed and unlinked.
 *
 * Reading is two-phase so that shapes can be checked before data is allocated: `shapeOf` reads
 * a dataset's dataspace (metadata only), `float32` its values.
 */
import type { File as H5File, Group } from 'h5wasm';

/**
 * h5wasm instantiates the HDF5 library (several MB of WebAssembly) when its module is imported:
 * loaded on the first Keras file, not whenever the engine is imported (every process would pay it).
 */
type H5wasm = (typeof import('h5wasm'))['default'];
let h5wasmModule: Promise<H5wasm> | undefined;
const loadH5wasm = (): Promise<H5wasm> => (h5wasmModule ??= import('h5wasm').then((m) => m.default));
import { isEngineError } from '../../../errors.ts';
import { invalidModel } from '../../classifier.ts';

/** "\x89HDF\r\n\x1a\n" at offset 0 (HDF5 spec, "Format Signature"; userblocks are not supported). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function hasHdf5Magic(bytes: Uint8Array): boolean {
  return bytes.length >= HDF5_SIGNATURE.length && HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

type H5Entity = ReturnType<H5File['get']>;

export interface DatasetInfo {
  readonly path: string;
  readonly shape: readonly number[];
  /** h5wasm's dtype string, e.g. "<f" for little-endian float32. */
  readonly dtype: string;
}

/** A read-only view of an open HDF5 file; valid only inside `withHdf5`. */
export class Hdf5Reader {
  constructor(
    private readonly file: H5File,
    private readonly h5wasm: H5wasm,
  ) {}

  /** A root or group attribute as a string (Keras stores JSON configs as string attributes). */
  stringAttribute(groupPath: string, name: string): string | undefined {
    const owner = groupPath === '/' ? this.file : this.group(groupPath);
    const attr = owner?.attrs[name];
    if (attr === undefined) return undefined;
    const value = attr.value;
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    return undefined;
  }

  /** A string-list attribute (Keras 2 `layer_names`, `weight_names`); an empty attribute is []. */
  stringListAttribute(groupPath: string, name: string): string[] | undefined {
    const attr = this.group(groupPath)?.attrs[name];
    if (attr === undefined) return undefined;
    const value = attr.value as unknown;
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
    if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<unknown>).length === 0) return [];
    throw invalidModel(`HDF5 attribute ${groupPath}/@${name} is not a list of strings`);
  }

  isGroup(path: string): boolean {
    return this.group(path) !== undefined;
  }

  /** Child names of a group, in the file's (alphabetical) order. */
  keys(path: string): string[] {
    return this.group(path)?.keys() ?? [];
  }

  /** A dataset's shape and type from its metadata; nothing of its data is read. */
  datasetInfo(path: string): DatasetInfo | undefined {
    const d = this.entity(path);
    if (!(d instanceof this.h5wasm.Dataset)) return undefined;
    const shape = d.shape;
    if (shape === null) throw invalidModel(`HDF5 dataset ${path} has no shape`);
    return { path, shape: [...shape], dtype: typeof d.dtype === 'string' ? d.dtype : JSON.stringify(d.dtype) };
  }

  /** A float32 dataset's values (after its shape was checked with `datasetInfo`). */
  float32(path: string): Float32Array {
    const d = this.entity(path);
    if (!(d instanceof this.h5wasm.Dataset)) throw invalidModel(`HDF5 dataset ${path} is missing`);
    const value = d.value;
    if (!(value instanceof Float32Array)) throw invalidModel(`HDF5 dataset ${path} is not float32`);
    return value;
  }

  private group(path: string): Group | undefined {
    const g = this.entity(path);
    return g instanceof this.h5wasm.Group ? g : undefined;
  }

  private entity(path: string): H5Entity | undefined {
    try {
      return this.file.get(path) ?? undefined;
    } catch {
      return undefined;
    }
  }
}

let sequence = 0;

/**
 * Opens `bytes` as an HDF5 file in h5wasm's in-memory file system, runs `fn`, and closes and
 * unlinks the file whatever happens. `what` names the file in errors (e.g. "model.weights.h5").
 */
export async function withHdf5<T>(bytes: Uint8Array, what: string, fn: (reader: Hdf5Reader) => T): Promise<T> {
  if (!hasHdf5Magic(bytes)) throw invalidModel(`${what} is not an HDF5 file (no HDF5 signature)`);
  const h5wasm = await loadH5wasm();
  const module = await h5wasm.ready;
  const path = `/fragmark-keras-${process.pid}-${++sequence}.h5`;
  module.FS.writeFile(path, bytes);
  let file: H5File | undefined;
  try {
    try {
      file = new h5wasm.File(path, 'r');
    } catch (e) {
      throw invalidModel(`${what} cannot be opened as HDF5: ${(e as Error).message}`, {}, e);
    }
    // h5wasm does not throw when H5Fopen fails: the file id is negative (HDF5 H5Fopen returns H5I_INVALID_HID).
    if ((file as unknown as { file_id: bigint }).file_id < 0n) {
      file = undefined;
      throw invalidModel(`${what} cannot be opened as HDF5 (HDF5 rejects its superblock)`);
    }
    try {
      return fn(new Hdf5Reader(file, h5wasm));
    } catch (e) {
      // A file HDF5 opened can still fail on first access (corrupt object headers), with plain Errors.
      if (isEngineError(e)) throw e;
      throw invalidModel(`${what} cannot be read as HDF5: ${(e as Error).message}`, {}, e);
    }
  } finally {
    try {
      file?.close();
    } finally {
      module.FS.unlink(path);
    }
  }
}
