/**
 * Batch-norm folding (fold-batch-norm.ts) on the fixture that keeps its BatchNormalization nodes
 * (resnet-opset17, a narrow CIFAR ResNet exported by PyTorch with batch norm preserved): the folded
 * program computes the unfolded one's outputs and input gradients, the weights and their digest
 * are the original model's, `withWeights` refolds from re-weighted originals, and emulated numerics
 * keep the batch norms.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { computeWeightsDigest, logProbabilities, type Classifier } from '../../classifier.ts';
import { OnnxInterpreter } from './interpreter.ts';
import { onnxClassifier } from './onnx-classifier.ts';
import { parseOnnx } from './onnx-reader.ts';
import { assertCloseToMax, outputsAndInputGradient } from '../../testing/compare-passes.ts';

const NAME = 'resnet-opset17';
const parsed = parseOnnx(`${NAME}.onnx`, new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../../../../test/fixtures/onnx', `${NAME}.onnx`))));
const { model, summary } = parsed;
const interpreter = (foldBatchNorm: boolean, mapInitializer?: (name: string, t: tf.Tensor) => tf.Tensor) =>
  new OnnxInterpreter(model.graph, summary.opset, summary.input.name, summary.outputName, { foldBatchNorm, ...(mapInitializer ? { mapInitializer } : {}) });
const inputs = () => tf.randomUniform([3, ...summary.inputShape], 0, 1, 'float32', 7);

const run = (f: (x: tf.Tensor) => tf.Tensor) => outputsAndInputGradient(f, inputs, 1);

const bnScales = new Set(model.graph.nodes.filter((n) => n.opType === 'BatchNormalization').map((n) => n.inputs[1]!));

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

test('every Conv + BatchNormalization pair runs as one Conv, computing what the unfolded graph computes', () => {
  const [folded, unfolded] = [interpreter(true), interpreter(false)];
  try {
    const bns = unfolded.plannedOps().filter((op) => op === 'BatchNormalization').length;
    assert.equal(bns, 6);
    assert.deepEqual(folded.plannedOps().filter((op) => op === 'BatchNormalization'), []);
    assert.equal(folded.plannedOps().length, unfolded.plannedOps().length - bns);
    const [a, b] = [run((x) => folded.run(x)), run((x) => unfolded.run(x))];
    assertCloseToMax(a.y, b.y, 1e-5, 'outputs');
    assertCloseToMax(a.g, b.g, 1e-5, 'input gradients');
  } finally {
    folded.dispose();
    unfolded.dispose();
  }
});

test("the classifier folds, and its weights and digest are the original model's initializers", () => {
  const c = onnxClassifier(parsed);
  const unfolded = interpreter(false);
  try {
    const names = model.graph.initializers.map((t) => t.name);
    assert.deepEqual(c.weights().map((w) => w.name), names);
    c.weights().forEach((w) => assert.deepEqual(w.tensor.dataSync(), unfolded.initializer(w.name)!.dataSync(), w.name));
    const original = { weights: () => names.map((name) => ({ name, tensor: unfolded.initializer(name)! })) } as unknown as Classifier;
    assert.equal(computeWeightsDigest(c), computeWeightsDigest(original));
    const [a, b] = [run((x) => c.predict(x)), run((x) => unfolded.run(x))];
    assertCloseToMax(a.y, b.y, 1e-5, 'outputs');
    assertCloseToMax(a.g, b.g, 1e-5, 'input gradients');
  } finally {
    c.dispose();
    unfolded.dispose();
  }
});

test('withWeights changes the original batch-norm weights and refolds them', async () => {
  const c = onnxClassifier(parsed);
  const doubleScales = (name: string, t: tf.Tensor) => (bnScales.has(name) ? tf.mul(t, 2) : tf.clone(t));
  const changed = await c.withWeights(doubleScales);
  const reference = interpreter(false, doubleScales);
  try {
    assert.equal(bnScales.size, 6);
    const [a, b, before] = [run((x) => changed.predict(x)), run((x) => reference.run(x)), run((x) => c.predict(x))];
    assertCloseToMax(a.y, b.y, 1e-5, 'outputs');
    assertCloseToMax(a.g, b.g, 1e-5, 'input gradients');
    assert.ok(Math.max(...Array.from(a.y, (v, i) => Math.abs(v - before.y[i]!))) > 1e-3, 'the change reached the folded weights');
    assert.notEqual(computeWeightsDigest(changed), computeWeightsDigest(c));
  } finally {
    c.dispose();
    changed.dispose();
    reference.dispose();
  }
});

test('emulated numerics keep the batch norms: FP16 rounds the convolution output before them', async () => {
  const c = onnxClassifier(parsed);
  const fp16 = await c.emulate('FP16', 'nearest');
  try {
    // Unfolded, each batch norm subtracts its mean (a Sub kernel); folded, nothing does.
    const subs = async (k: Classifier) => (await tf.profile(() => void tf.tidy(() => logProbabilities(k, inputs())))).kernels.filter((x) => x.name === 'Sub').length;
    assert.equal((await subs(fp16)) - (await subs(c)), 6);
  } finally {
    c.dispose();
    fp16.dispose();
  }
});
