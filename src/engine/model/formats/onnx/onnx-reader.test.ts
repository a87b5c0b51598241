/**
 * The ONNX reader against PyTorch: every fixture (scripts/fixtures/make-onnx-fixtures.py) loads,
 * its outputs match PyTorch's within 1e-4 relative, its input gradient matches PyTorch's and
 * finite differences, any batch size runs, and the weights digest identifies the weights.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { computeWeightsDigest, type Classifier } from '../../classifier.ts';
import { loadClassifierFromFiles } from '../index.ts';
import { onnxReader as sut } from './onnx-reader.ts';

const DIR = path.join(import.meta.dirname, '../../../../../test/fixtures/onnx');

interface Reference {
  opset: number;
  inputShape: number[];
  numClasses: number;
  inputs: number[][];
  outputs: number[][];
  gradient: { input: number; output: number; values: number[] };
}

const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();
const files = (name: string): Map<string, Uint8Array> => new Map([[`${name}.onnx`, new Uint8Array(readFileSync(path.join(DIR, `${name}.onnx`)))]]);
const reference = (name: string): Reference => JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Reference;
const inputsOf = (ref: Reference): tf.Tensor => tf.tensor(ref.inputs.flat(), [ref.inputs.length, ...ref.inputShape]);

/** Max of |a - b| / max(|b|, floor) over all entries. */
function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return m;
}

/** The engine's score for one class: the model's own output, [1-p, p] / [0, z] for binary ones. */
function scoreOf(c: Classifier, x: tf.Tensor, cls: number): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.slice(c.predict(x), [0, cls], [1, 1])) as tf.Scalar);
}

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

test('every fixture has a reference and there are CNN, ResNet, MobileNet, ViT and binary ones at several opsets', () => {
  for (const kind of ['cnn', 'resnet', 'mobilenet', 'vit', 'binary-sigmoid', 'binary-logit']) assert.ok(FIXTURES.some((f) => f.startsWith(kind)), kind);
  assert.deepEqual(new Set(FIXTURES.map((f) => reference(f).opset)), new Set([13, 17, 18, 21]));
});

for (const name of FIXTURES) {
  test(`${name}: outputs, input gradient and any batch size match PyTorch`, async () => {
    const ref = reference(name);
    const c = await sut.load(files(name), {});
    try {
      assert.equal(c.format, 'ONNX');
      assert.deepEqual(c.inputShape, ref.inputShape);
      assert.equal(c.layout, ref.inputShape.length === 3 ? 'NCHW' : 'FLAT');
      assert.equal(c.numClasses, ref.numClasses);
      const binary = ref.outputs[0]!.length === 1;
      assert.equal(c.outputKind, name.startsWith('binary-sigmoid') ? 'probabilities' : 'logits');

      const x = inputsOf(ref);
      const y = tf.tidy(() => c.predict(x));
      const got = y.arraySync() as number[][];
      const want = binary ? ref.outputs.map(([v]) => (name.startsWith('binary-sigmoid') ? [1 - v!, v!] : [0, v!])) : ref.outputs;
      const rel = maxRelative(got.flat(), want.flat(), 1e-3);
      assert.ok(rel < 1e-4, `outputs within 1e-4 relative of PyTorch (got ${rel.toExponential(2)})`);

      // Dynamic batch: each row alone gives the batched row.
      for (let i = 0; i < ref.inputs.length; i++) {
        const row = tf.tidy(() => c.predict(tf.slice(x, i, 1)).dataSync());
        assert.ok(maxRelative(row, got[i]!, 1e-3) < 1e-5, `row ${i} alone`);
      }

      // Input gradient of one output for one input, against PyTorch's (binary: d p / d x or d z / d x).
      const cls = binary ? 1 : ref.gradient.output;
      const x0 = tf.slice(x, ref.gradient.input, 1);
      const g = tf.grad((xi: tf.Tensor) => scoreOf(c, xi, cls))(x0);
      const gv = g.dataSync();
      const scale = Math.max(...ref.gradient.values.map(Math.abs));
      const gradErr = Math.max(...ref.gradient.values.map((v, i) => Math.abs(gv[i]! - v))) / scale;
      assert.ok(gradErr < 1e-4, `gradient within 1e-4 of PyTorch's (relative to its max, got ${gradErr.toExponential(2)})`);

      // ... and against central finite differences on the 4 coordinates with the largest gradient
      // (one coordinate moved by h = 1e-3 rarely crosses a ReLU or max-pool kink; a random
      // direction through every pixel does), all 8 perturbed inputs in one batch.
      const h = 1e-3;
      const top = [...gv.keys()].sort((i, j) => Math.abs(gv[j]!) - Math.abs(gv[i]!)).slice(0, 4);
      const base = x0.dataSync();
      const rows = top.flatMap((i) => [1, -1].map((sgn) => Float32Array.from(base, (b, k) => (k === i ? b + sgn * h : b))));
      const scores = tf.tidy(() => tf.slice(c.predict(tf.tensor(rows.flatMap((r) => Array.from(r)), [rows.length, ...ref.inputShape])), [0, cls], [rows.length, 1]).dataSync());
      top.forEach((i, k) => {
        const fd = (scores[2 * k]! - scores[2 * k + 1]!) / (2 * h);
        assert.ok(Math.abs(fd - gv[i]!) <= 2e-2 * Math.abs(gv[i]!) + 1e-5, `coordinate ${i}: finite differences ${fd} vs gradient ${gv[i]}`);
      });
      tf.dispose([x, y, x0, g]);
    } finally {
      c.dispose();
    }
  });
}

test('the weights digest is stable across loads, names the initializers, and changes with withWeights', async () => {
  const a = await loadClassifierFromFiles(files('cnn-opset13'));
  const b = await loadClassifierFromFiles(files('cnn-opset13'));
  try {
    assert.equal(a.format, 'ONNX');
    assert.equal(computeWeightsDigest(a), computeWeightsDigest(b));
    assert.ok(a.weights().some((w) => w.name === 'c1.weight'), a.weights().map((w) => w.name).join(', '));
    const changed = await a.withWeights((name, w) => (name === 'fc.bias' ? tf.add(w, 1e-3) : w));
    const same = await a.withWeights((_name, w) => w);
    try {
      assert.notEqual(computeWeightsDigest(changed), computeWeightsDigest(a));
      assert.equal(computeWeightsDigest(same), computeWeightsDigest(a));
      const x = tf.ones([1, 1, 28, 28]);
      const diff = tf.tidy(() => tf.sub(changed.predict(x), a.predict(x)).dataSync());
      assert.ok(Array.from(diff).every((d) => Math.abs(d - 1e-3) < 1e-6), 'the bias moved every logit by 1e-3');
      x.dispose();
    } finally {
      changed.dispose();
      same.dispose();
    }
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('emulate: FP32 is exact, TF32 and FP16 move outputs by about their rounding, gradients flow', async () => {
  const c = await sut.load(files('resnet-opset17'), {});
  const ref = reference('resnet-opset17');
  const x = inputsOf(ref);
  try {
    const base = tf.tidy(() => c.predict(x).dataSync());
    for (const [numerics, lo, hi] of [['FP32', 0, 0], ['TF32', 1e-6, 1e-2], ['FP16', 1e-6, 1e-2], ['BF16', 1e-4, 1e-1]] as const) {
      const e = await c.emulate(numerics, 'nearest');
      try {
        const out = tf.tidy(() => e.predict(x).dataSync());
        const rel = maxRelative(out, base, 1e-1);
        assert.ok(rel >= lo && rel <= hi, `${numerics}: relative change ${rel.toExponential(2)} in [${lo}, ${hi}]`);
        const g = tf.grad((xi: tf.Tensor) => scoreOf(e, xi, 0))(tf.slice(x, 0, 1));
        assert.ok(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!) > 0, `${numerics}: gradient flows`);
        g.dispose();
      } finally {
        e.dispose();
      }
    }
  } finally {
    x.dispose();
    c.dispose();
  }
});

test('predict leaks no tensors', async () => {
  const c = await sut.load(files('vit-opset17'), {});
  const x = tf.zeros([2, 3, 16, 16]);
  c.predict(x).dispose(); // warm-up
  const before = tf.memory().numTensors;
  c.predict(x).dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  c.dispose();
});
