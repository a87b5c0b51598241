/**
 * Decodes an ONNX ModelProto (onnx/onnx.proto, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto,
 * IR spec https://github.com/onnx/onnx/blob/main/docs/IR.md) into plain structures.
 *
 * Only what inference of a classifier needs is decoded; tensor payloads stay views of the upload
 * (nothing is copied or allocated by declared size here: tensor-data.ts checks declared sizes
 * against the bytes before converting). Subgraph attributes (If/Loop/Scan bodies) are not decoded,
 * only noted: those ops are unsupported anyway, and not recursing keeps a hostile file from
 * nesting graphs to any depth.
 */
import { expectLen, expectVarint, fields, float32Of, int64, ProtobufError, pushFloats, pushInt64s, str, WIRE_I64, type Field } from './protobuf.ts';

/** TensorProto.DataType values (onnx.proto). */
export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES = ['UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING', 'BOOL', 'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16'];
export function dataTypeName(t: number): string {
  return DATA_TYPE_NAMES[t] ?? `data type ${t}`;
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** raw_data (little-endian, as the spec requires), a view of the upload. */
  readonly raw?: Uint8Array;
  /** Values from the typed fields (float_data, int32_data, int64_data, double_data, uint64_data). */
  readonly values?: readonly number[];
  /** data_location = EXTERNAL or external_data entries: the weights live in another file. */
  readonly external: boolean;
}

export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: string;
  readonly t?: OnnxTensor;
  readonly floats: readonly number[];
  readonly ints: readonly number[];
  readonly strings: readonly string[];
  /** A subgraph (If/Loop/Scan body) was present; not decoded. */
  readonly hasGraph: boolean;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  readonly name: string;
  /** Tensor element type, or undefined when the value is not a tensor (sequence, map, ...). */
  readonly elemType?: number;
  /** Dimensions: a number, a symbolic name (dim_param), or undefined (unknown); undefined shape = unknown rank. */
  readonly dims?: readonly (number | string | undefined)[];
}

export interface OnnxGraph {
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly sparseInitializers: number;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producer: string;
  readonly graph: OnnxGraph;
  readonly functions: number;
}

export function decodeTensor(buf: Uint8Array): OnnxTensor {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let raw: Uint8Array | undefined;
  let values: number[] | undefined;
  let external = false;
  const push = (f: Field, kind: 'float' | 'int' | 'double' | 'uint64'): void => {
    values ??= [];
    if (kind === 'float') pushFloats(f, values);
    else if (kind === 'int') pushInt64s(f, values);
    else if (kind === 'uint64') {
      const tmp: number[] = [];
      pushInt64s(f, tmp);
      values.push(...tmp);
    } else {
      // double_data: packed little-endian float64.
      if (f.wireType === WIRE_I64) values.push(new DataView(f.bytes!.buffer, f.bytes!.byteOffset, 8).getFloat64(0, true));
      else {
        const b = expectLen(f, 'double_data');
        if (b.length % 8 !== 0) throw new ProtobufError(`double_data of ${b.length} bytes`);
        const dv = new DataView(b.buffer, b.byteOffset, b.length);
        for (let i = 0; i < b.length; i += 8) values.push(dv.getFloat64(i, true));
      }
    }
  };
  for (const f of fields(buf)) {
    switch (f.number) {
      case 1: pushInt64s(f, dims); break;
      case 2: dataType = Number(expectVarint(f, 'data_type')); break;
      case 4: push(f, 'float'); break;
      case 5: push(f, 'int'); break; // int32_data (varints, sign-extended)
      case 7: push(f, 'int'); break;
      case 8: name = str(expectLen(f, 'tensor name')); break;
      case 9: raw = expectLen(f, 'raw_data'); break;
      case 10: push(f, 'double'); break;
      case 11: push(f, 'uint64'); break;
      case 13: external = true; break;
      case 14: if (Number(expectVarint(f, 'data_location')) === 1) external = true; break;
      case 6: values ??= []; break; // string_data: STRING tensors are refused by data type
      default: break;
    }
  }
  return { name, dims, dataType, ...(raw !== undefined ? { raw } : {}), ...(values !== undefined ? { values } : {}), external };
}

function decodeAttribute(buf: Uint8Array): OnnxAttribute {
  let name = '';
  let type = 0;
  let f: number | undefined;
  let i: number | undefined;
  let s: string | undefined;
  let t: OnnxTensor | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  let hasGraph = false;
  for (const fl of fields(buf)) {
    switch (fl.number) {
      case 1: name = str(expectLen(fl, 'attribute name')); break;
      case 20: type = Number(expectVarint(fl, 'attribute type')); break;
      case 2: f = float32Of(fl); break;
      case 3: i = int64(expectVarint(fl, 'attribute i')); break;
      case 4: s = str(expectLen(fl, 'attribute s')); break;
      case 5: t = decodeTensor(expectLen(fl, 'attribute t')); break;
      case 6: case 11: hasGraph = true; break;
      case 7: pushFloats(fl, floats); break;
      case 8: pushInt64s(fl, ints); break;
      case 9: strings.push(str(expectLen(fl, 'attribute strings'))); break;
      default: break;
    }
  }
  return { name, type, ...(f !== undefined ? { f } : {}), ...(i !== undefined ? { i } : {}), ...(s !== undefined ? { s } : {}), ...(t !== undefined ? { t } : {}), floats, ints, strings, hasGraph };
}

function decodeNode(buf: Uint8Array): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  const attributes = new Map<string, OnnxAttribute>();
  for (const f of fields(buf)) {
    switch (f.number) {
      case 1: inputs.push(str(expectLen(f, 'node input'))); break;
      case 2: outputs.push(str(expectLen(f, 'node output'))); break;
      case 3: name = str(expectLen(f, 'node name')); break;
      case 4: opType = str(expectLen(f, 'op_type')); break;
      case 7: domain = str(expectLen(f, 'node domain')); break;
      case 5: {
        const a = decodeAttribute(expectLen(f, 'attribute'));
        attributes.set(a.name, a);
        break;
      }
      default: break;
    }
  }
  return { name, opType, domain, inputs, outputs, attributes };
}

function decodeShape(buf: Uint8Array): (number | string | undefined)[] {
  const dims: (number | string | undefined)[] = [];
  for (const f of fields(buf)) {
    if (f.number !== 1) continue;
    let d: number | string | undefined;
    for (const g of fields(expectLen(f, 'dimension'))) {
      if (g.number === 1) d = int64(expectVarint(g, 'dim_value'));
      else if (g.number === 2) d = str(expectLen(g, 'dim_param'));
    }
    dims.push(d);
  }
  return dims;
}

function decodeValueInfo(buf: Uint8Array): OnnxValueInfo {
  let name = '';
  let elemType: number | undefined;
  let dims: (number | string | undefined)[] | undefined;
  for (const f of fields(buf)) {
    if (f.number === 1) name = str(expectLen(f, 'value name'));
    else if (f.number === 2) {
      for (const t of fields(expectLen(f, 'type'))) {
        if (t.number !== 1) continue; // only tensor_type; sequences, maps, ... stay elemType undefined
        for (const u of fields(expectLen(t, 'tensor_type'))) {
          if (u.number === 1) elemType = Number(expectVarint(u, 'elem_type'));
          else if (u.number === 2) dims = decodeShape(expectLen(u, 'shape'));
        }
      }
    }
  }
  return { name, ...(elemType !== undefined ? { elemType } : {}), ...(dims !== undefined ? { dims } : {}) };
}

function decodeGraph(buf: Uint8Array): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  let sparseInitializers = 0;
  for (const f of fields(buf)) {
    switch (f.number) {
      case 1: nodes.push(decodeNode(expectLen(f, 'node'))); break;
      case 5: initializers.push(decodeTensor(expectLen(f, 'initializer'))); break;
      case 15: sparseInitializers++; break;
      case 11: inputs.push(decodeValueInfo(expectLen(f, 'graph input'))); break;
      case 12: outputs.push(decodeValueInfo(expectLen(f, 'graph output'))); break;
      default: break;
    }
  }
  return { nodes, initializers, sparseInitializers, inputs, outputs };
}

/** Decodes a ModelProto. Throws ProtobufError on malformed bytes, Error when there is no graph. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  let irVersion = 0;
  const opsets: { domain: string; version: number }[] = [];
  let producer = '';
  let graph: OnnxGraph | undefined;
  let functions = 0;
  for (const f of fields(bytes)) {
    switch (f.number) {
      case 1: irVersion = int64(expectVarint(f, 'ir_version')); break;
      case 2: producer = str(expectLen(f, 'producer_name')); break;
      case 7: graph = decodeGraph(expectLen(f, 'graph')); break;
      case 8: {
        let domain = '';
        let version = 0;
        for (const g of fields(expectLen(f, 'opset_import'))) {
          if (g.number === 1) domain = str(expectLen(g, 'opset domain'));
          else if (g.number === 2) version = int64(expectVarint(g, 'opset version'));
        }
        opsets.push({ domain, version });
        break;
      }
      case 25: functions++; break;
      default: break;
    }
  }
  if (graph === undefined) throw new ProtobufError('the ModelProto has no graph (field 7)');
  return { irVersion, opsets, producer, graph, functions };
}
