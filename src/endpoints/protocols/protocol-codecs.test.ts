import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINT_PROTOCOLS, PROTOCOL_CODECS, RequestRefused, float32Json, type ServedInput } from './index.ts';
import { isEndpointError } from '../endpoint.errors.ts';

const shape = [2, 3, 1];
const rowSize = 6;
/** Three rows of float32 values with the awkward ones: negative zero, a subnormal, the largest float32. */
const data = Float32Array.from([0.1, -0, 1.401298464324817e-45, 3.4028234663852886e38, -7.5, 1 / 3, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1, 2, 3, 4, 5, 6]);
const readFloat = (v: unknown, where: string) => {
  if (typeof v !== 'number') throw new RequestRefused(`${where} is not a number`);
  return v;
};
const served: ServedInput = { shape, maxBatch: 8, read: readFloat, datatype: 'FP32' };

for (const protocol of ENDPOINT_PROTOCOLS) {
  const sut = PROTOCOL_CODECS[protocol];

  test(`${protocol}: what the client sends, the server side reads bit for bit, in the order sent`, () => {
    const rows = [2, 0];
    const request = sut.decodeRequest(JSON.parse(sut.encodeRequest({ data, rows, rowSize, shape, inputName: 'input' })), served);
    assert.equal(request.batch, 2);
    const expected = Float32Array.from([...data.subarray(12, 18), ...data.subarray(0, 6)]);
    const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
    assert.deepEqual(bits(request.data), bits(expected));
  });

  test(`${protocol}: what the server answers, the client reads as the same scores; a wrong count is a bad answer`, () => {
    const scores = [0.25, 0.75, 0.5, -1.5, 2, 1e-8];
    const rowJson = (r: number) => scores.slice(r * 3, r * 3 + 3).map(float32Json).join(',');
    const answer = JSON.parse(sut.encodeAnswer({ rows: 2, columns: 3, rowJson, modelName: 'm' }));
    // KServe's answer says FP32, so its scores are read as float32; TF Serving's carry no datatype.
    const expected = protocol === 'KSERVE_V2' ? scores.map(Math.fround) : scores;
    assert.deepEqual(Array.from(sut.decodeAnswer(answer, 2, 3)), expected);
    assert.throws(() => sut.decodeAnswer(answer, 3, 3), (error) => isEndpointError(error) && error.code === 'ENDPOINT_BAD_RESPONSE');
  });

  test(`${protocol}: the path names the model, and only an inference path names one`, () => {
    const path = sut.path('/serving', 'digits%2Fv2');
    assert.equal(sut.modelOfPath(path.slice('/serving'.length)), 'digits%2Fv2');
    assert.equal(sut.modelOfPath('/v1/models'), null);
  });
}

test('8-bit levels go out as integers with the UINT8 datatype', () => {
  const levels = Uint8Array.from([0, 255, 7, 8, 9, 10]);
  assert.match(PROTOCOL_CODECS.KSERVE_V2.encodeRequest({ data: levels, rows: [0], rowSize, shape, inputName: 'x' }), /"datatype":"UINT8","data":\[0,255,7,8,9,10\]/);
  assert.match(PROTOCOL_CODECS.TF_SERVING_REST.encodeRequest({ data: levels, rows: [0], rowSize, shape, inputName: 'x' }), /\[\[\[0\],\[255\],\[7\]\],\[\[8\],\[9\],\[10\]\]\]/);
});
