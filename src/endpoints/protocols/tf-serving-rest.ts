/**
 * TF Serving's REST predict API (https://www.tensorflow.org/tfx/serving/api_rest, "Predict API",
 * row format): `POST {base}/v1/models/{name}:predict` with `{"instances": [<nested arrays of the
 * input shape>, ...]}`, answered by `{"predictions": [[score x columns], ...]}`. 8-bit inputs go
 * out as JSON integers.
 */
import { finiteScore, isObject, readNested, valueJson } from './json-values.ts';
import { badAnswer, RequestRefused, type ProtocolCodec } from './protocol-codec.ts';

const ROUTE = /^\/v1\/models\/([^/]+):predict$/;

export const tfServingRest: ProtocolCodec = {
  protocol: 'TF_SERVING_REST',

  path: (prefix, model) => `${prefix}/v1/models/${model}:predict`,

  encodeRequest({ data, rows, rowSize, shape }) {
    const out: string[] = ['{"instances":['];
    rows.forEach((row, r) => {
      if (r > 0) out.push(',');
      let pos = row * rowSize;
      const nested = (d: number): void => {
        out.push('[');
        const len = shape[d]!;
        const leaf = d === shape.length - 1;
        for (let i = 0; i < len; i++) {
          if (i > 0) out.push(',');
          if (leaf) out.push(valueJson(data, pos++));
          else nested(d + 1);
        }
        out.push(']');
      };
      nested(0);
    });
    out.push(']}');
    return out.join('');
  },

  decodeAnswer(json, batch, columns) {
    if (!isObject(json)) throw badAnswer('TF Serving answer is not a JSON object');
    const predictions = json.predictions;
    if (!Array.isArray(predictions)) {
      throw badAnswer(typeof json.error === 'string' ? 'TF Serving answer holds an error instead of predictions' : 'TF Serving answer has no "predictions" array');
    }
    if (predictions.length !== batch) throw badAnswer(`TF Serving answer has ${predictions.length} predictions for ${batch} instances`);
    const scores = new Float64Array(batch * columns);
    predictions.forEach((row: unknown, i) => {
      if (!Array.isArray(row)) throw badAnswer(`prediction ${i} is not an array of scores`);
      if (row.length !== columns) throw badAnswer(`prediction ${i} has ${row.length} scores, expected ${columns}`);
      for (let c = 0; c < columns; c++) scores[i * columns + c] = finiteScore(row[c], `prediction ${i}, class ${c}`);
    });
    return scores;
  },

  modelOfPath: (path) => ROUTE.exec(path)?.[1] ?? null,

  decodeRequest(json, { shape, maxBatch, read }) {
    if (!isObject(json)) throw new RequestRefused('body must be a JSON object');
    const instances = json.instances;
    if (!Array.isArray(instances) || instances.length === 0) throw new RequestRefused('body needs a non-empty "instances" array');
    if (instances.length > maxBatch) throw new RequestRefused(`at most ${maxBatch} instances per request`);
    const rowSize = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(instances.length * rowSize);
    instances.forEach((instance: unknown, i) => readNested(instance, shape, 0, data, i * rowSize, `instances[${i}]`, read));
    return { batch: instances.length, data };
  },

  encodeAnswer({ rows, rowJson }) {
    const predictions: string[] = [];
    for (let r = 0; r < rows; r++) predictions.push(`[${rowJson(r)}]`);
    return `{"predictions":[${predictions.join(',')}]}`;
  },
};
