/**
 * Tests only: a tiny protobuf encoder for hand-made ONNX ModelProtos (refusals, single ops), so
 * that malformed or unusual models need no Python. Field numbers from onnx/onnx.proto.
 */
type Value = number | bigint | string | Uint8Array | Msg | { float: number };
export type Msg = Array<[number, Value]>;

function varint(v: bigint, out: number[]): void {
  let x = BigInt.asUintN(64, v);
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
}

export function encode(msg: Msg): Uint8Array {
  const out: number[] = [];
  for (const [field, value] of msg) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      varint(BigInt(field) << 3n, out);
      varint(BigInt(value), out);
    } else if (typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value)) {
      varint((BigInt(field) << 3n) | 5n, out);
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, value.float, true);
      out.push(...b);
    } else {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : encode(value);
      varint((BigInt(field) << 3n) | 2n, out);
      varint(BigInt(bytes.length), out);
      for (const b of bytes) out.push(b);
    }
  }
  return Uint8Array.from(out);
}

export const FLOAT = 1;
export const INT64 = 7;

export function floatTensor(name: string, dims: number[], values: number[]): Msg {
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer);
  values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return [...dims.map((d): [number, Value] => [1, d]), [2, FLOAT], [8, name], [9, raw]];
}

export function int64Tensor(name: string, dims: number[], values: number[]): Msg {
  const raw = new Uint8Array(values.length * 8);
  const dv = new DataView(raw.buffer);
  values.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
  return [...dims.map((d): [number, Value] => [1, d]), [2, INT64], [8, name], [9, raw]];
}

export function valueInfo(name: string, elemType: number, dims: Array<number | string>): Msg {
  const shape: Msg = dims.map((d) => [1, typeof d === 'number' ? [[1, d]] : [[2, d]]]);
  return [[1, name], [2, [[1, [[1, elemType], [2, shape]]]]]];
}

export type Attr = { name: string; i?: number; f?: number; s?: string; ints?: number[]; t?: Msg };

export function node(opType: string, inputs: string[], outputs: string[], attrs: Attr[] = [], domain = ''): Msg {
  const m: Msg = [...inputs.map((i): [number, Value] => [1, i]), ...outputs.map((o): [number, Value] => [2, o]), [3, `${opType}_${outputs[0]}`], [4, opType]];
  if (domain !== '') m.push([7, domain]);
  for (const a of attrs) {
    const am: Msg = [[1, a.name]];
    if (a.i !== undefined) am.push([20, 2], [3, a.i]);
    if (a.f !== undefined) am.push([20, 1], [2, { float: a.f }]);
    if (a.s !== undefined) am.push([20, 3], [4, a.s]);
    if (a.ints !== undefined) am.push([20, 7], ...a.ints.map((v): [number, Value] => [8, v]));
    if (a.t !== undefined) am.push([20, 4], [5, a.t]);
    m.push([5, am]);
  }
  return m;
}

export interface GraphSpec {
  nodes: Msg[];
  initializers?: Msg[];
  inputs: Msg[];
  outputs: Msg[];
  opset?: number;
  extraOpsets?: Array<[string, number]>;
}

export function model(spec: GraphSpec): Uint8Array {
  const graph: Msg = [
    ...spec.nodes.map((n): [number, Value] => [1, n]),
    [2, 'g'],
    ...(spec.initializers ?? []).map((t): [number, Value] => [5, t]),
    ...spec.inputs.map((i): [number, Value] => [11, i]),
    ...spec.outputs.map((o): [number, Value] => [12, o]),
  ];
  return encode([
    [1, 8],
    [2, 'fragmark-test'],
    [7, graph],
    [8, [[1, ''], [2, spec.opset ?? 17]]],
    ...(spec.extraOpsets ?? []).map(([d, v]): [number, Value] => [8, [[1, d], [2, v]]]),
  ]);
}

/** A valid small classifier: input [batch, 4] -> Gemm (3 classes) -> output. */
export function tinyGemm(overrides: Partial<GraphSpec> = {}): Uint8Array {
  return model({
    nodes: [node('Gemm', ['input', 'W', 'b'], ['output'], [{ name: 'transB', i: 1 }])],
    initializers: [floatTensor('W', [3, 4], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0.5]), floatTensor('b', [3], [0.1, 0.2, 0.3])],
    inputs: [valueInfo('input', FLOAT, ['batch', 4])],
    outputs: [valueInfo('output', FLOAT, ['batch', 3])],
    ...overrides,
  });
}
