import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { computeWeightsDigest, type Classifier } from '../../classifier.ts';
import { detectModelFormat, readModelFiles } from '../index.ts';
import { roundTo } from '../../../serving/number-formats.ts';
import { graphReader as sut } from './graph-reader.ts';

const FIXTURES = path.join(import.meta.dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'tfjs-graph');
const NAMES = ['small-cnn', 'mobilenet-style', 'binary-mlp'] as const;

interface Expected {
  inputShape: number[];
  inputs: number[];
  outputShape: number[];
  outputs: number[];
}

const expected = (name: string): Expected => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
const load = async (name: string): Promise<Classifier> => sut.load(await readModelFiles(path.join(FIXTURES, name)), {});

/** The graph's own output: the binary classifier's positive-class column. */
function graphOutput(c: Classifier, scores: Float32Array, e: Expected): number[] {
  if (e.outputShape[1] !== 1) return Array.from(scores);
  return Array.from({ length: e.outputShape[0]! }, (_, i) => scores[i * c.numClasses + 1]!);
}

test('TF.js Graph fixtures load, predict like the reference and differentiate', async (t) => {
  await initBackend({ backend: 'wasm', log: () => {} });

  await t.test('detected as TFJS_GRAPH (not Layers)', async () => {
    for (const name of NAMES) {
      const files = await readModelFiles(path.join(FIXTURES, name));
      assert.equal(sut.detect(files), true, name);
      assert.equal(detectModelFormat(files).format, 'TFJS_GRAPH', name);
    }
  });

  for (const name of NAMES) {
    await t.test(`${name}: outputs within 1e-4 (relative) of the reference`, async () => {
      const e = expected(name);
      const c = await load(name);
      try {
        assert.equal(c.format, 'TFJS_GRAPH');
        assert.deepEqual(c.inputShape, e.inputShape.slice(1));
        const scores = tf.tidy(() => c.predict(tf.tensor(e.inputs, e.inputShape)).dataSync() as Float32Array);
        const got = graphOutput(c, scores, e);
        const scale = Math.max(...e.outputs.map(Math.abs));
        got.forEach((v, i) => assert.ok(Math.abs(v - e.outputs[i]!) <= 1e-4 * Math.max(scale, Math.abs(e.outputs[i]!)), `${name}[${i}]: ${v} vs ${e.outputs[i]}`));
      } finally {
        c.dispose();
      }
    });
  }

  await t.test('what each fixture is: layout, classes, output kind', async () => {
    const seen = [];
    for (const name of NAMES) {
      const c = await load(name);
      seen.push([name, c.layout, c.numClasses, c.outputKind]);
      c.dispose();
    }
    assert.deepEqual(seen, [
      ['small-cnn', 'NHWC', 10, 'probabilities'],
      ['mobilenet-style', 'NHWC', 5, 'logits'],
      ['binary-mlp', 'FLAT', 2, 'probabilities'],
    ]);
  });

  for (const name of NAMES) {
    await t.test(`${name}: input gradient matches central finite differences`, async () => {
      const e = expected(name);
      const c = await load(name);
      try {
        const x = tf.tensor(e.inputs, e.inputShape);
        const w = tf.randomNormal([e.inputShape[0]!, c.numClasses], 0, 1, 'float32', 6);
        // f(x) = sum(log-scores * w), piecewise smooth in x (ReLU, max-pool).
        const f = (a: tf.Tensor) => tf.sum(tf.mul(c.outputKind === 'probabilities' ? tf.log(c.predict(a)) : c.predict(a), w));
        const g = tf.grad(f)(x);
        // Along v = g/|g| the claimed derivative is |g|; finite differences give <true gradient, v>,
        // which equals |g| only if g is the true gradient (a wrong scale, sign or entry shows).
        const norm = tf.tidy(() => tf.norm(g).dataSync()[0]!);
        const v = tf.div(g, norm);
        const h = 1e-2;
        const numeric = tf.tidy(() => (f(tf.add(x, tf.mul(v, h))).dataSync()[0]! - f(tf.sub(x, tf.mul(v, h))).dataSync()[0]!) / (2 * h));
        assert.ok(norm > 1e-3, `${name}: gradient norm ${norm}`);
        assert.ok(Math.abs(norm - numeric) <= 1e-2 * norm, `${name}: directional derivative ${norm} vs finite differences ${numeric}`);
        tf.dispose([x, w, g, v]);
      } finally {
        c.dispose();
      }
    });
  }

  await t.test('weights() are the manifest entries by name; withWeights copies, changes and digests', async () => {
    const files = await readModelFiles(path.join(FIXTURES, 'small-cnn'));
    const manifest = (JSON.parse(new TextDecoder().decode(files.get('model.json'))) as { weightsManifest: { weights: { name: string; dtype: string }[] }[] }).weightsManifest[0]!.weights;
    const c = await sut.load(files, {});
    const e = expected('small-cnn');
    const x = tf.tensor(e.inputs, e.inputShape);
    try {
      assert.deepEqual(c.weights().map((w) => [w.name, w.tensor.dtype]), manifest.map((w) => [w.name, w.dtype]));
      const same = await c.withWeights((_, w) => w);
      const scaled = await c.withWeights((name, w) => (name.endsWith('dense_1/BiasAdd/ReadVariableOp') ? tf.add(w, 1e-3) : tf.clone(w)));
      assert.equal(computeWeightsDigest(same), computeWeightsDigest(c));
      assert.notEqual(computeWeightsDigest(scaled), computeWeightsDigest(c));
      const diff = (a: Classifier) => tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x), c.predict(x)))).dataSync()[0]!);
      assert.equal(diff(same), 0);
      assert.ok(diff(scaled) > 0);
      // The original's weights are untouched by its copies (and the copies own theirs).
      same.dispose();
      scaled.dispose();
      assert.equal(diff(c), 0);
    } finally {
      x.dispose();
      c.dispose();
    }
  });

  await t.test('emulate: FP32 is the same model; TF32 matches the Layers emulation; FP16 outputs are stored in FP16', async () => {
    const e = expected('small-cnn');
    const c = await load('small-cnn');
    const x = tf.tensor(e.inputs, e.inputShape);
    try {
      const out = (m: Classifier) => tf.tidy(() => m.predict(x).dataSync() as Float32Array);
      const base = out(c);
      const fp32 = await c.emulate('FP32', 'nearest');
      assert.deepEqual(out(fp32), base);
      fp32.dispose();
      for (const numerics of ['TF32', 'FP16', 'BF16'] as const) {
        const em = await c.emulate(numerics, 'nearest');
        const y = out(em);
        const change = Math.max(...y.map((v, i) => Math.abs(v - base[i]!)));
        assert.ok(change > 0 && change < 0.05, `${numerics}: change ${change}`);
        if (numerics !== 'TF32') y.forEach((v, i) => assert.equal(v, roundTo(numerics, v), `${numerics} output ${i} = ${v} is not stored in ${numerics}`));
        assert.equal(em.predict === c.predict, false);
        em.dispose();
      }
    } finally {
      x.dispose();
      c.dispose();
    }
  });

  await t.test('emulate TF32 rounds both product operands: equal to a hand-rounded forward pass', async () => {
    const e = expected('binary-mlp');
    const c = await load('binary-mlp');
    try {
      const em = await c.emulate('TF32', 'nearest');
      const r = (t: tf.Tensor) => tf.tensor(Float32Array.from(t.dataSync() as Float32Array, (v) => roundTo('TF32', v)), t.shape);
      const w = new Map(c.weights().map((n) => [n.name.split('/')[2] + '/' + n.name.split('/')[3], n.tensor]));
      const got = tf.tidy(() => em.predict(tf.tensor(e.inputs, e.inputShape)).dataSync() as Float32Array);
      const want = tf.tidy(() => {
        const h = tf.relu(tf.add(tf.matMul(r(tf.tensor(e.inputs, e.inputShape)), r(w.get('dense/MatMul')!)), w.get('dense/BiasAdd')!));
        const p = tf.sigmoid(tf.add(tf.matMul(r(h), r(w.get('dense_1/MatMul')!)), w.get('dense_1/BiasAdd')!));
        return tf.concat([tf.sub(1, p), p], 1).dataSync() as Float32Array;
      });
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-6, `[${i}] ${v} vs ${want[i]}`));
      em.dispose();
    } finally {
      c.dispose();
    }
  });

  await t.test('predict, gradients and copies do not leak tensors; dispose frees the weights', async () => {
    const e = expected('mobilenet-style');
    const before = tf.memory().numTensors;
    const c = await load('mobilenet-style');
    const loaded = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor(e.inputs, e.inputShape);
      c.predict(x);
      tf.grad((a: tf.Tensor) => tf.sum(c.predict(a)))(x);
    });
    const em = await c.emulate('FP16', 'nearest');
    em.dispose();
    assert.equal(tf.memory().numTensors, loaded);
    c.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
