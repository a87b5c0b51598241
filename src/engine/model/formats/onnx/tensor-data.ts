/**
 * TensorProto payloads to host arrays, with every declared size checked against the bytes present
 * before anything of that size is allocated (IR.md, "Tensor Definition"; raw_data is little-endian
 * and holds exactly prod(dims) elements of the data type's fixed size).
 *
 * TF.js has no int64: integer tensors become int32 (shape arithmetic, indices, axes), saturated to
 * the int32 range, which keeps the INT64_MAX "to the end" sentinel of Slice meaning "to the end".
 * DOUBLE becomes float32 (PyTorch exports the odd float64 constant). Other types are refused.
 */
import { DataType, dataTypeName, type OnnxTensor } from './onnx-proto.ts';

export type HostDtype = 'float32' | 'int32' | 'bool';

export interface HostTensor {
  readonly dtype: HostDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

export class TensorDataError extends Error {}

/** Most elements one tensor may declare (TF.js indexes with int32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

const ELEMENT_BYTES: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.INT64]: 8, [DataType.INT32]: 4, [DataType.INT16]: 2,
  [DataType.UINT16]: 2, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.BOOL]: 1,
};

export function hostDtypeOf(dataType: number): HostDtype | undefined {
  if (dataType === DataType.FLOAT || dataType === DataType.DOUBLE) return 'float32';
  if (dataType === DataType.BOOL) return 'bool';
  if ([DataType.INT64, DataType.INT32, DataType.INT16, DataType.UINT16, DataType.INT8, DataType.UINT8].includes(dataType as 7)) return 'int32';
  return undefined;
}

/** Number of elements the dims declare; refuses negative dims and counts beyond MAX_TENSOR_ELEMENTS. */
export function declaredElements(t: Pick<OnnxTensor, 'name' | 'dims'>): number {
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isInteger(d) || d < 0) throw new TensorDataError(`tensor "${t.name}" has dimension ${d}`);
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) throw new TensorDataError(`tensor "${t.name}" declares [${t.dims.join(', ')}], more than ${MAX_TENSOR_ELEMENTS} elements`);
  }
  return n;
}

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const saturate = (v: number): number => (v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v);

/**
 * Checks a tensor's payload against its declaration without allocating: the data type is one we
 * convert, the data is inside the file, and it holds exactly the declared number of elements.
 */
export function checkTensor(t: OnnxTensor): number {
  if (t.external) throw new TensorDataError(`tensor "${t.name}" keeps its data in an external file (data_location EXTERNAL); save the model as one file (torch.onnx.export(..., external_data=False) or onnx.save(model, path, save_as_external_data=False))`);
  const dtype = hostDtypeOf(t.dataType);
  if (dtype === undefined) throw new TensorDataError(`tensor "${t.name}" has data type ${dataTypeName(t.dataType)}; only FLOAT, DOUBLE, BOOL and integer tensors are supported (export the model in float32)`);
  const n = declaredElements(t);
  if (t.raw !== undefined) {
    const expected = n * ELEMENT_BYTES[t.dataType]!;
    if (t.raw.length !== expected) throw new TensorDataError(`tensor "${t.name}" declares [${t.dims.join(', ')}] ${dataTypeName(t.dataType)} (${expected} bytes) but its raw_data holds ${t.raw.length} bytes`);
  } else {
    const have = t.values?.length ?? 0;
    if (have !== n) throw new TensorDataError(`tensor "${t.name}" declares [${t.dims.join(', ')}] (${n} values) but holds ${have}`);
  }
  return n;
}

/** Converts a checked tensor to host data (allocates exactly the declared size). */
export function toHost(t: OnnxTensor): HostTensor {
  const n = checkTensor(t);
  const dtype = hostDtypeOf(t.dataType)!;
  const shape = [...t.dims];
  if (t.raw === undefined) {
    const v = t.values ?? [];
    if (dtype === 'float32') return { dtype, shape, data: Float32Array.from(v) };
    if (dtype === 'bool') return { dtype, shape, data: Uint8Array.from(v, (x) => (x ? 1 : 0)) };
    return { dtype, shape, data: Int32Array.from(v, saturate) };
  }
  const dv = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.length);
  switch (t.dataType) {
    case DataType.FLOAT: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      return { dtype, shape, data: out };
    }
    case DataType.DOUBLE: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      return { dtype, shape, data: out };
    }
    case DataType.BOOL: {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getUint8(i) ? 1 : 0;
      return { dtype, shape, data: out };
    }
    default: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        switch (t.dataType) {
          case DataType.INT64: out[i] = saturate(Number(dv.getBigInt64(i * 8, true))); break;
          case DataType.INT32: out[i] = dv.getInt32(i * 4, true); break;
          case DataType.INT16: out[i] = dv.getInt16(i * 2, true); break;
          case DataType.UINT16: out[i] = dv.getUint16(i * 2, true); break;
          case DataType.INT8: out[i] = dv.getInt8(i); break;
          default: out[i] = dv.getUint8(i); break;
        }
      }
      return { dtype, shape, data: out };
    }
  }
}
