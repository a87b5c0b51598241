/**
 * Every refusal of the ONNX reader, each with a message naming what was found. Models are built
 * in the test (testing/build-onnx.ts) so each differs from a valid one in exactly one way.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { isEngineError } from '../../../errors.ts';
import { detectModelFormat } from '../index.ts';
import { onnxReader as sut } from './onnx-reader.ts';
import { encode, FLOAT, floatTensor, INT64, model, node, tinyGemm, valueInfo, type Msg } from './testing/build-onnx.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const one = (bytes: Uint8Array, name = 'model.onnx'): Map<string, Uint8Array> => new Map([[name, bytes]]);
const refused = (pattern: RegExp) => (e: unknown) => {
  assert.ok(isEngineError(e, 'INVALID_MODEL'), String(e));
  assert.match(e.message, pattern);
  return true;
};

test('a valid hand-built model loads (the base every refusal below changes once)', async () => {
  assert.equal(detectModelFormat(one(tinyGemm())).format, 'ONNX');
  const c = await sut.load(one(tinyGemm()), {});
  assert.deepEqual([c.inputShape, c.layout, c.numClasses], [[4], 'FLAT', 3]);
  const y = tf.tidy(() => c.predict(tf.tensor2d([[1, 2, 3, 4]])).arraySync());
  assert.deepEqual(y.map((r) => r.map((v) => Math.round(v * 1e5) / 1e5)), [[1.1, 2.2, 5.3]]);
  c.dispose();
});

test('unsupported ops: one error listing every one, custom domains included', async () => {
  const bytes = model({
    nodes: [
      node('NonZero', ['input'], ['a']),
      node('TopK', ['a'], ['b']),
      node('NonZero', ['b'], ['c']),
      node('MyOp', ['c'], ['output'], [], 'com.example'),
    ],
    inputs: [valueInfo('input', FLOAT, ['batch', 4])],
    outputs: [valueInfo('output', FLOAT, ['batch', 3])],
    extraOpsets: [['com.example', 1]],
  });
  await assert.rejects(sut.load(one(bytes), {}), refused(/model\.onnx: the model uses 3 unsupported ops: NonZero, TopK, com\.example::MyOp$/));
});

test('multi-input and multi-output graphs are refused naming the values', async () => {
  const twoIn = tinyGemm({ inputs: [valueInfo('input', FLOAT, ['batch', 4]), valueInfo('mask', FLOAT, ['batch', 4])] });
  await assert.rejects(sut.load(one(twoIn), {}), refused(/exactly one input; this graph has 2 \(input, mask\)/));
  const twoOut = tinyGemm({ outputs: [valueInfo('output', FLOAT, ['batch', 3]), valueInfo('W', FLOAT, [3, 4])] });
  await assert.rejects(sut.load(one(twoOut), {}), refused(/exactly one output; this graph has 2 \(output, W\)/));
});

test('opsets outside 13..21 are refused with how to re-export', async () => {
  await assert.rejects(sut.load(one(tinyGemm({ opset: 11 })), {}), refused(/ONNX opset 11 is not supported \(supported: 13 to 21\); re-export with torch\.onnx\.export\(\.\.\., opset_version=17\)/));
  await assert.rejects(sut.load(one(tinyGemm({ opset: 22 })), {}), refused(/ONNX opset 22 is not supported/));
});

test('non-float32 inputs and shapes without fixed sizes are refused', async () => {
  await assert.rejects(sut.load(one(tinyGemm({ inputs: [valueInfo('input', INT64, ['batch', 4])] })), {}), refused(/the input "input" is INT64; only FLOAT \(float32\) inputs are supported/));
  await assert.rejects(sut.load(one(tinyGemm({ inputs: [valueInfo('input', FLOAT, ['batch', 'features'])] })), {}), refused(/has shape \[batch, features\]; every dimension but the batch must be a fixed positive size/));
  await assert.rejects(sut.load(one(tinyGemm({ inputs: [valueInfo('input', FLOAT, ['batch', 4, 2])] })), {}), refused(/has rank 3; supported: \[batch, features\] or \[batch, channels, height, width\] \(NCHW\)/));
});

test('external data is refused, whether flagged by data_location or by external_data entries', async () => {
  const external: Msg = [[1, 3], [1, 4], [2, FLOAT], [8, 'W'], [13, [[1, 'location'], [2, 'weights.bin']]], [14, 1]];
  const bytes = tinyGemm({ initializers: [external, floatTensor('b', [3], [0, 0, 0])] });
  await assert.rejects(sut.load(new Map([['model.onnx', bytes], ['weights.bin', new Uint8Array(48)]]), {}), refused(/tensor "W" keeps its data in an external file \(data_location EXTERNAL\)/));
});

test('a tensor whose declared size does not match its bytes is refused before allocation', async () => {
  const lying: Msg = [[1, 3], [1, 4_000_000], [2, FLOAT], [8, 'W'], [9, new Uint8Array(48)]];
  await assert.rejects(sut.load(one(tinyGemm({ initializers: [lying, floatTensor('b', [3], [0, 0, 0])] })), {}), refused(/tensor "W" declares \[3, 4000000\] FLOAT \(48000000 bytes\) but its raw_data holds 48 bytes/));
  const huge: Msg = [[1, 100000], [1, 100000], [2, FLOAT], [8, 'W'], [9, new Uint8Array(48)]];
  await assert.rejects(sut.load(one(tinyGemm({ initializers: [huge, floatTensor('b', [3], [0, 0, 0])] })), {}), refused(/tensor "W" declares \[100000, 100000\], more than 2147483647 elements/));
  const short: Msg = [[1, 3], [2, FLOAT], [8, 'b'], [4, new Uint8Array(8)]];
  await assert.rejects(sut.load(one(tinyGemm({ initializers: [floatTensor('W', [3, 4], Array(12).fill(0)), short] })), {}), refused(/tensor "b" declares \[3\] \(3 values\) but holds 2/));
});

test('more parameters than limits.maxParameters is refused with both numbers', async () => {
  await assert.rejects(sut.load(one(tinyGemm()), { maxParameters: 14 }), refused(/the model has 15 parameters, more than the limit of 14/));
  (await sut.load(one(tinyGemm()), { maxParameters: 15 })).dispose();
});

test('truncated and garbage bytes are refused as not a ModelProto', async () => {
  const good = tinyGemm();
  await assert.rejects(sut.load(one(good.subarray(0, good.length - 7)), {}), refused(/model\.onnx is not a valid ONNX model \(ModelProto\): .*runs past the end/));
  await assert.rejects(sut.load(one(new TextEncoder().encode('<html>not a model</html>')), {}), refused(/model\.onnx is not a valid ONNX model \(ModelProto\)/));
  await assert.rejects(sut.load(one(new Uint8Array(0)), {}), refused(/the ModelProto has no graph/));
  await assert.rejects(sut.load(one(encode([[1, 8], [8, [[1, ''], [2, 17]]]])), {}), refused(/the ModelProto has no graph \(field 7\)/));
});

test('an output that is not [batch, classes] is refused', async () => {
  const bytes = model({
    nodes: [node('Unsqueeze', ['input', 'axes'], ['output'])],
    initializers: [[[1, 1], [2, INT64], [8, 'axes'], [9, new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0])]]],
    inputs: [valueInfo('input', FLOAT, ['batch', 4])],
    outputs: [valueInfo('output', FLOAT, ['batch', 4, 1])],
  });
  await assert.rejects(sut.load(one(bytes), {}), refused(/classifier output must be \[batch, classes\] \(got \[2, 4, 1\] for a batch of 2\)/));
});

test('an op the model cannot run at load time is refused naming the node', async () => {
  const bytes = model({
    nodes: [node('Reshape', ['input', 'shape'], ['output'])],
    initializers: [[[1, 2], [2, INT64], [8, 'shape'], [9, new Uint8Array(16).fill(0).map((_, i) => (i === 0 ? 5 : i === 8 ? 7 : 0))]]],
    inputs: [valueInfo('input', FLOAT, ['batch', 4])],
    outputs: [valueInfo('output', FLOAT, ['batch', 3])],
  });
  await assert.rejects(sut.load(one(bytes), {}), refused(/the ONNX model could not be run: .*5,7/));
});

test('an upload with an .onnx file and other files is refused naming them', async () => {
  await assert.rejects(sut.load(new Map([['model.onnx', tinyGemm()], ['notes.txt', new Uint8Array(1)]]), {}), refused(/one self-contained \.onnx file; also got notes\.txt/));
});

test('the committed CNN fixture exported by PyTorch is detected as ONNX by its name', () => {
  const bytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../../../../test/fixtures/onnx/cnn-opset13.onnx')));
  assert.equal(detectModelFormat(one(bytes, 'mnist.ONNX')).format, 'ONNX');
});
