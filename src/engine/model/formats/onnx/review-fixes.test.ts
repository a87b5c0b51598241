/**
 * What a review of the ONNX reader found (weights in Constant nodes outside the digest, fixed-batch
 * exports, training-mode dropout, activations behind a reshape), each pinned by a test.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { isEngineError } from '../../../errors.ts';
import { computeWeightsDigest, predictLabels } from '../../classifier.ts';
import { onnxReader as sut } from './onnx-reader.ts';
import { onnxRuntimeLabels } from './onnxruntime-labels.ts';
import { FLOAT, floatTensor, INT64, model, node, tinyGemm, valueInfo } from './testing/build-onnx.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const one = (bytes: Uint8Array): Map<string, Uint8Array> => new Map([['model.onnx', bytes]]);
const W = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0.5];

/** input [batch, 4] -> Gemm with W held by a Constant node -> output [batch, 3]. */
function constantWeights(scale: number): Uint8Array {
  return model({
    nodes: [node('Constant', [], ['W'], [{ name: 'value', t: floatTensor('', [3, 4], W.map((v) => v * scale)) }]), node('Gemm', ['input', 'W'], ['output'], [{ name: 'transB', i: 1 }])],
    inputs: [valueInfo('input', FLOAT, ['batch', 4])],
    outputs: [valueInfo('output', FLOAT, ['batch', 3])],
  });
}

test('weights held in Constant nodes are weights: in the digest and changed by withWeights', async () => {
  const a = await sut.load(one(constantWeights(1)), {});
  const b = await sut.load(one(constantWeights(-3)), {});
  try {
    assert.deepEqual(a.weights().map((w) => w.name), ['W']);
    assert.notEqual(computeWeightsDigest(a), computeWeightsDigest(b));
    const moved = await a.withWeights((_, w) => tf.mul(w, 2));
    assert.notEqual(computeWeightsDigest(moved), computeWeightsDigest(a));
    moved.dispose();
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('a fixed batch of 1 is run one example at a time, by the interpreter and by onnxruntime; any other fixed batch is refused', async () => {
  const fixed = tinyGemm({ inputs: [valueInfo('input', FLOAT, [1, 4])], outputs: [valueInfo('output', FLOAT, [1, 3])] });
  const classifier = await sut.load(one(fixed), {});
  try {
    const x = tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 4]]);
    const labels = predictLabels(classifier, x);
    assert.deepEqual(Array.from(labels), [0, 1, 2]);
    const ort = await onnxRuntimeLabels(fixed, x.dataSync() as Float32Array, [4]);
    assert.deepEqual(Array.from(ort.labels), [0, 1, 2]);
    x.dispose();
  } finally {
    classifier.dispose();
  }
  const eight = tinyGemm({ inputs: [valueInfo('input', FLOAT, [8, 4])], outputs: [valueInfo('output', FLOAT, [8, 3])] });
  await assert.rejects(sut.load(one(eight), {}), (e: unknown) => isEngineError(e, 'INVALID_MODEL') && /fixed batch of 8; export with a dynamic batch/.test(e.message));
  await assert.rejects(onnxRuntimeLabels(eight, new Float32Array(4), [4]), /fixed batch of 8/);
});

test('Dropout in training mode is refused: the model would answer differently each time', async () => {
  const bytes = model({
    nodes: [node('Dropout', ['input', 'ratio', 'training'], ['output'])],
    initializers: [floatTensor('ratio', [], [0.5]), [[2, 9], [8, 'training'], [9, new Uint8Array([1])]]],
    inputs: [valueInfo('input', FLOAT, ['batch', 3])],
    outputs: [valueInfo('output', FLOAT, ['batch', 3])],
  });
  await assert.rejects(sut.load(one(bytes), {}), (e: unknown) => isEngineError(e, 'INVALID_MODEL') && /training mode.*model\.eval\(\)/.test(e.message));
});

test('a Sigmoid behind a Reshape is still a sigmoid output', async () => {
  const bytes = model({
    nodes: [node('Gemm', ['input', 'W'], ['z'], [{ name: 'transB', i: 1 }]), node('Sigmoid', ['z'], ['p']), node('Reshape', ['p', 'shape'], ['output'])],
    initializers: [floatTensor('W', [1, 4], [1, -1, 0.5, 0]), [[1, 2], [2, INT64], [8, 'shape'], [9, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0])]]],
    inputs: [valueInfo('input', FLOAT, ['batch', 4])],
    outputs: [valueInfo('output', FLOAT, ['batch', 1])],
  });
  const classifier = await sut.load(one(bytes), {});
  try {
    assert.equal(classifier.binaryOutput, 'SIGMOID');
    assert.equal(classifier.outputKind, 'probabilities');
  } finally {
    classifier.dispose();
  }
});
