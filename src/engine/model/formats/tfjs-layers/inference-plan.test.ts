/**
 * The Layers inference plan (inference-plan.ts) computes what the model computes, outputs and
 * input gradients, with its batch norms folded; the classifier's weights and digest are the
 * model's own; withWeights and in-place changes refold; emulated classifiers do not use it.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { computeWeightsDigest, logProbabilities, type Classifier } from '../../classifier.ts';
import { InferencePlan as Sut } from './inference-plan.ts';
import { layersClassifier } from './layers-classifier.ts';
import { assertCloseToMax, outputsAndInputGradient } from '../../testing/compare-passes.ts';

/** conv -> BN -> ReLU, conv with bias -> BN, depthwise -> BN -> ReLU6, a shortcut, pad, a conv with its own activation, dense. */
function model(seed: number): tf.LayersModel {
  let s = seed;
  let n = 0;
  const name = (kind: string) => `${kind}_${n++}`;
  const init = () => tf.initializers.randomNormal({ stddev: 0.3, seed: s++ });
  const bn = (x: tf.SymbolicTensor) => {
    const layer = tf.layers.batchNormalization({ epsilon: 1e-3, name: name('batch_normalization') });
    const y = layer.apply(x) as tf.SymbolicTensor;
    const c = x.shape[3]!;
    layer.setWeights([tf.randomUniform([c], 0.5, 1.5, 'float32', s++), tf.randomNormal([c], 0, 0.2, 'float32', s++), tf.randomNormal([c], 0, 0.2, 'float32', s++), tf.randomUniform([c], 0.5, 1.5, 'float32', s++)]);
    return y;
  };
  const input = tf.input({ shape: [12, 12, 3] });
  let x = tf.layers.conv2d({ name: name('conv'), filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init() }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(bn(x)) as tf.SymbolicTensor;
  const y = bn(tf.layers.conv2d({ name: name('conv'), filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(), biasInitializer: init() }).apply(x) as tf.SymbolicTensor);
  const d = tf.layers.reLU({ maxValue: 6 }).apply(bn(tf.layers.depthwiseConv2d({ name: name('depthwise'), kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 1, useBias: false, depthwiseInitializer: init() }).apply(x) as tf.SymbolicTensor)) as tf.SymbolicTensor;
  x = tf.layers.add().apply([y, d]) as tf.SymbolicTensor;
  x = tf.layers.zeroPadding2d({ padding: 1 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ name: name('depthwise'), kernelSize: 3, depthMultiplier: 2, padding: 'valid', activation: 'relu', depthwiseInitializer: init(), biasInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: name('dense'), units: 5, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const inputs = () => tf.randomUniform([4, 12, 12, 3], -1, 1, 'float32', 3);

const run = (f: (x: tf.Tensor) => tf.Tensor) => outputsAndInputGradient(f, inputs, 2);
const assertClose = (a: Float32Array, b: Float32Array, what: string) => assertCloseToMax(a, b, 1e-5, what);

const applied = (m: tf.LayersModel) => (x: tf.Tensor) => m.apply(x, { training: false }) as tf.Tensor;

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

test('the plan folds every batch norm that follows a convolution and computes what the model computes', () => {
  const m = model(1);
  const sut = new Sut(m);
  try {
    assert.equal(sut.foldedBatchNorms, 3);
    for (const [a, b] of [[run((x) => sut.run(x)), run(applied(m))]] as const) {
      assertClose(a.y, b.y, 'outputs');
      assertClose(a.g, b.g, 'input gradients');
    }
    // Without a gradient the fused kernels run: same outputs.
    assertClose(tf.tidy(() => sut.run(inputs()).dataSync() as Float32Array), run(applied(m)).y, 'outputs without a gradient');
    const before = tf.memory().numTensors;
    run((x) => sut.run(x));
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  } finally {
    sut.dispose();
    m.dispose();
  }
});

test('under a gradient no filter gradient is computed', async () => {
  const m = model(2);
  const sut = new Sut(m);
  try {
    const kernels = async (f: (x: tf.Tensor) => tf.Tensor) => (await tf.profile(() => void run(f))).kernels.map((k) => k.name);
    assert.ok((await kernels(applied(m))).includes('Conv2DBackpropFilter'), 'the model as it is does');
    const planned = await kernels((x) => sut.run(x));
    assert.ok(!planned.includes('Conv2DBackpropFilter') && !planned.includes('DepthwiseConv2dNativeBackpropFilter'), planned.join(' '));
    assert.ok(!planned.includes('FusedBatchNorm'), 'batch norms folded');
  } finally {
    sut.dispose();
    m.dispose();
  }
});

/** ReLU6 in the three ways a Layers model writes it: a convolution's activation, an Activation layer, a capped ReLU layer. */
function relu6Model(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.randomNormal({ stddev: 0.5, seed });
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu6', kernelInitializer: init(1), biasInitializer: init(2) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu6' }).apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(4) }).apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, kernelInitializer: init(5) }).apply(x) as tf.SymbolicTensor });
}

test('ReLU6, however the model writes it, runs as one ClipByValue forward and backward, with the same values', async () => {
  const m = relu6Model();
  const sut = new Sut(m);
  const scaledInputs = () => tf.mul(tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3), 8); // activations on both sides of 0 and 6
  try {
    const passes = (f: (x: tf.Tensor) => tf.Tensor) => outputsAndInputGradient(f, scaledInputs, 2);
    const [a, b] = [passes((x) => sut.run(x)), passes(applied(m))];
    assertClose(a.y, b.y, 'outputs');
    assertClose(a.g, b.g, 'input gradients');
    const kernels = async (f: (x: tf.Tensor) => tf.Tensor) => (await tf.profile(() => void passes(f))).kernels.map((k) => k.name);
    const model = await kernels(applied(m));
    const planned = await kernels((x) => sut.run(x));
    assert.ok(model.includes('Minimum') && model.includes('Relu'), 'tfjs-layers runs relu, then minimum or clip');
    assert.ok(!planned.includes('Minimum') && !planned.includes('Relu') && !planned.includes('Step'), planned.join(' '));
    // Two passes (outputs, input gradient); the first fuses the convolution's relu6 into it.
    assert.equal(planned.filter((k) => k === 'ClipByValue').length, 2 + 3);
  } finally {
    sut.dispose();
    m.dispose();
  }
});

test("the classifier's weights and digest are the model's; withWeights and in-place changes refold", async () => {
  const c = layersClassifier(model(3), { format: 'TFJS_LAYERS', inferencePlan: true });
  const reference = model(3);
  let changed: Classifier | undefined;
  try {
    assert.deepEqual(c.weights().map((w) => w.name), reference.weights.map((w) => w.originalName));
    assert.equal(computeWeightsDigest(c), computeWeightsDigest(reference));
    const [a, b] = [run((x) => logProbabilities(c, x)), run((x) => tf.logSoftmax(applied(reference)(x) as tf.Tensor2D))];
    assertClose(a.y, b.y, 'classifier log-probabilities');
    assertClose(a.g, b.g, 'classifier input gradients');

    const gammas = (name: string) => name.includes('batch_normalization') && name.endsWith('/gamma');
    changed = await c.withWeights((name, t) => (gammas(name) ? tf.mul(t, 2) : tf.clone(t)));
    for (const w of reference.weights) if (gammas(w.originalName)) w.write(tf.mul(w.read(), 2));
    const [d, e] = [run((x) => logProbabilities(changed!, x)), run((x) => tf.logSoftmax(applied(reference)(x) as tf.Tensor2D))];
    assertClose(d.y, e.y, 'withWeights log-probabilities');
    assert.ok(Math.max(...Array.from(d.y, (v, i) => Math.abs(v - a.y[i]!))) > 1e-3, 'the change reached the folded weights');

    // The classifier's own model changed in place (a variable's assign): the plan refolds.
    for (const w of c.model!.weights) if (gammas(w.originalName)) w.write(tf.mul(w.read(), 2));
    const f = run((x) => logProbabilities(c, x));
    assertClose(f.y, e.y, 'after an in-place change');
  } finally {
    c.dispose();
    changed?.dispose();
    reference.dispose();
  }
});

test('an emulated (FP16) classifier runs its rounding layers, not the plan', async () => {
  const c = layersClassifier(model(4), { format: 'TFJS_LAYERS', inferencePlan: true });
  const fp16 = await c.emulate('FP16', 'nearest');
  try {
    const names = (await tf.profile(() => void tf.tidy(() => fp16.predict(inputs())))).kernels.map((k) => k.name);
    assert.ok(names.includes('FusedBatchNorm'), 'batch norms are not folded under FP16');
  } finally {
    c.dispose();
    fp16.dispose();
  }
});
