/**
 * KServe v2 / Open Inference Protocol, REST
 * (https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md):
 * `POST {base}/v2/models/{name}/infer` with
 * `{"inputs":[{"name":"input","shape":[batch, ...inputShape],"datatype":"FP32","data":[flat row-major]}]}`
 * (`"datatype":"UINT8"` for 8-bit levels), answered by
 * `{"outputs":[{"name":...,"shape":[batch, columns],"datatype":"FP32"|"FP64","data":[flat]}]}`; nested
 * `data` matching `shape` is accepted too.
 */
import { finiteScore, isObject, readNested, valueJson } from './json-values.ts';
import { badAnswer, RequestRefused, type ProtocolCodec } from './protocol-codec.ts';

const ROUTE = /^\/v2\/models\/([^/]+)\/infer$/;

/** The KServe v2 datatypes, the only answer text an error message may repeat. */
const DATATYPES = new Set(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BF16', 'BYTES']);

function describeDatatype(v: unknown): string {
  if (typeof v === 'string' && DATATYPES.has(v)) return v;
  if (v === undefined) return 'none';
  return typeof v === 'string' ? `an unknown datatype of ${v.length} characters` : `a ${v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v}`;
}

function describeShape(v: unknown): string {
  if (v === undefined) return 'none';
  if (Array.isArray(v) && v.length <= 8 && v.every((d) => Number.isSafeInteger(d))) return `[${v.join(',')}]`;
  return Array.isArray(v) ? `a list of ${v.length} values that is not a shape` : `a ${v === null ? 'null' : typeof v}`;
}

export const kserveV2: ProtocolCodec = {
  protocol: 'KSERVE_V2',

  path: (prefix, model) => `${prefix}/v2/models/${model}/infer`,

  encodeRequest({ data, rows, rowSize, shape, inputName }) {
    const datatype = data instanceof Uint8Array ? 'UINT8' : 'FP32';
    const out: string[] = [`{"inputs":[{"name":${JSON.stringify(inputName)},"shape":${JSON.stringify([rows.length, ...shape])},"datatype":"${datatype}","data":[`];
    let first = true;
    for (const row of rows) {
      const start = row * rowSize;
      for (let i = 0; i < rowSize; i++) {
        if (!first) out.push(',');
        first = false;
        out.push(valueJson(data, start + i));
      }
    }
    out.push(']}]}');
    return out.join('');
  },

  decodeAnswer(json, batch, columns) {
    if (!isObject(json)) throw badAnswer('KServe v2 answer is not a JSON object');
    const outputs = json.outputs;
    if (!Array.isArray(outputs)) throw badAnswer('KServe v2 answer has no "outputs" array');
    if (outputs.length !== 1) throw badAnswer(`KServe v2 answer has ${outputs.length} outputs, expected exactly 1`);
    const output: unknown = outputs[0];
    if (!isObject(output)) throw badAnswer('KServe v2 output is not an object');
    const { shape, datatype, data } = output;
    if (datatype !== 'FP32' && datatype !== 'FP64') throw badAnswer(`KServe v2 output datatype must be FP32 or FP64 (got ${describeDatatype(datatype)})`);
    if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== batch || shape[1] !== columns) {
      throw badAnswer(`KServe v2 output shape must be [${batch},${columns}] (got ${describeShape(shape)})`);
    }
    if (!Array.isArray(data)) throw badAnswer('KServe v2 output has no "data" array');
    const fp32 = datatype === 'FP32';
    const scores = new Float64Array(batch * columns);
    const put = (k: number, v: unknown): void => {
      const s = finiteScore(v, `output element ${k}`);
      scores[k] = fp32 ? Math.fround(s) : s;
    };
    if (data.length > 0 && Array.isArray(data[0])) {
      // Nested form: [batch][columns].
      if (data.length !== batch) throw badAnswer(`KServe v2 output data has ${data.length} rows, expected ${batch}`);
      data.forEach((row: unknown, i) => {
        if (!Array.isArray(row) || row.length !== columns) throw badAnswer(`KServe v2 output data row ${i} does not hold ${columns} scores`);
        for (let c = 0; c < columns; c++) put(i * columns + c, row[c]);
      });
    } else {
      if (data.length !== batch * columns) throw badAnswer(`KServe v2 output data has ${data.length} values, expected ${batch * columns}`);
      for (let k = 0; k < data.length; k++) put(k, data[k]);
    }
    return scores;
  },

  modelOfPath: (path) => ROUTE.exec(path)?.[1] ?? null,

  decodeRequest(json, { shape, maxBatch, read, datatype }) {
    if (!isObject(json)) throw new RequestRefused('body must be a JSON object');
    const inputs = json.inputs;
    if (!Array.isArray(inputs) || inputs.length !== 1) throw new RequestRefused('body needs an "inputs" array with exactly one tensor');
    const input: unknown = inputs[0];
    if (!isObject(input)) throw new RequestRefused('inputs[0] must be an object');
    if (typeof input.name !== 'string' || input.name === '') throw new RequestRefused('inputs[0].name must be a non-empty string');
    if (input.datatype !== datatype) throw new RequestRefused(`inputs[0].datatype must be ${datatype}`);
    const s = input.shape;
    if (!Array.isArray(s) || s.length !== shape.length + 1 || !s.every((d) => Number.isInteger(d))) {
      throw new RequestRefused(`inputs[0].shape must be [batch, ${shape.join(', ')}]`);
    }
    const batch = s[0] as number;
    if (batch < 1 || batch > maxBatch) throw new RequestRefused(`batch must be in [1, ${maxBatch}]`);
    for (let d = 0; d < shape.length; d++) if (s[d + 1] !== shape[d]) throw new RequestRefused(`inputs[0].shape must be [batch, ${shape.join(', ')}]`);
    const raw = input.data;
    if (!Array.isArray(raw)) throw new RequestRefused('inputs[0].data must be an array');
    const rowSize = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(batch * rowSize);
    if (raw.length > 0 && Array.isArray(raw[0])) {
      readNested(raw, [batch, ...shape], 0, data, 0, 'inputs[0].data', read);
    } else {
      if (raw.length !== data.length) throw new RequestRefused(`inputs[0].data must hold ${data.length} values (got ${raw.length})`);
      for (let i = 0; i < raw.length; i++) data[i] = read(raw[i], `inputs[0].data[${i}]`);
    }
    const id = typeof json.id === 'string' ? json.id : undefined;
    return id === undefined ? { batch, data } : { batch, data, id };
  },

  encodeAnswer({ rows, columns, rowJson, modelName, id }) {
    const flat: string[] = [];
    for (let r = 0; r < rows; r++) flat.push(rowJson(r));
    const head = `{"model_name":${JSON.stringify(modelName)},${id === undefined ? '' : `"id":${JSON.stringify(id)},`}`;
    return `${head}"outputs":[{"name":"output","shape":[${rows},${columns}],"datatype":"FP32","data":[${flat.join(',')}]}]}`;
  },
};
