import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { computeWeightsDigest } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { emulateNumerics } from './emulated-model.ts';
import { roundTo } from './number-formats.ts';
import { layersModelOf } from '../model/classifier.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/** One dense layer, 3 inputs -> 2 logits, with values that every format rounds differently. */
function denseModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: 2, activation: 'linear' }));
  m.layers[0]!.setWeights([tf.tensor2d([[1 + 2 ** -9 + 2 ** -12, -0.3], [Math.PI, 1e-3], [-2.71828, 7.00390625]]), tf.tensor1d([0.1, -0.2])]);
  return m;
}

test('TF32 rounds both product operands, FP16 and BF16 also the bias and the stored output', async () => {
  const model = denseModel();
  const digest = computeWeightsDigest(model);
  const x = [0.333333, 1 + 2 ** -10 + 2 ** -13, -5.5];
  const w = model.layers[0]!.getWeights()[0]!.arraySync() as number[][];
  const b = [0.1, -0.2];
  for (const format of ['TF32', 'FP16', 'BF16'] as const) {
    const sut = await emulateNumerics(classifierFromModel(model), format);
    const out = layersModelOf(sut).predict(tf.tensor2d([x])) as tf.Tensor;
    const got = Array.from(out.dataSync());
    out.dispose();
    const expected = [0, 1].map((j) => {
      let acc = 0;
      for (let i = 0; i < 3; i++) acc = Math.fround(acc + Math.fround(roundTo(format, x[i]!) * roundTo(format, Math.fround(w[i]![j]!))));
      const bias = format === 'TF32' ? Math.fround(b[j]!) : roundTo(format, b[j]!);
      const sum = Math.fround(acc + bias);
      return format === 'TF32' ? sum : roundTo(format, sum);
    });
    got.forEach((g, j) => assert.ok(Math.abs(g - expected[j]!) <= 1e-6 * Math.max(1, Math.abs(expected[j]!)), `${format}[${j}]: ${g} vs ${expected[j]}`));
    if (format !== 'TF32') got.forEach((g) => assert.equal(roundTo(format, g), g, `${format} output is stored in the format`));
    sut.dispose();
  }
  // The original is untouched and still computes in float32.
  assert.equal(computeWeightsDigest(model), digest);
  const exact = model.predict(tf.tensor2d([x])) as tf.Tensor;
  const e0 = exact.dataSync()[0]!;
  exact.dispose();
  assert.notEqual(e0, roundTo('BF16', e0));
  model.dispose();
});

test('FP16: a layer\'s softmax runs on logits already stored in half precision, as .half() does (ties stay ties)', async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [2], units: 3, activation: 'softmax', useBias: false }));
  // Half-precision operands whose float32 sums, -4.7949... and -4.7978..., differ but both round
  // to -4.796875 in float16.
  m.layers[0]!.setWeights([tf.tensor2d([[-4.5, -4.5, -6], [-0.295, -0.298, 0]])]);
  const sut = await emulateNumerics(classifierFromModel(m), 'FP16');
  const out = layersModelOf(sut).predict(tf.tensor2d([[1, 1]])) as tf.Tensor;
  const p = Array.from(out.dataSync());
  out.dispose();
  assert.equal(p[0], p[1], 'the two classes tie, as in PyTorch');
  p.forEach((v) => assert.equal(roundTo('FP16', v), v));
  sut.dispose();
  m.dispose();
});
