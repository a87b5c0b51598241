import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { computeWeightsDigest } from '../model/classifier.ts';
import { classifierFromModel, loadClassifierFromFiles, saveModelToFiles } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { generateTriggers } from '../generation/generate.ts';
import { balancedLabels } from '../key.ts';
import { verifyClassifier } from '../verification/verify.ts';
import { fineTune, meanCrossEntropy, stampPatch } from './finetune.ts';
import { float16RoundTrip, gaussianNoise, magnitudePrune, roundToHalf } from './weights.ts';
import { cloneModel } from './clone.ts';

await initBackend({ log: () => {} });

function weightsOf(m: tf.LayersModel): Float32Array[] {
  return m.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

/** Tiny labelled data set: labels from the model itself on random inputs, then shuffled labels for half. */
function tinyData(n: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor1D } {
  return tf.tidy(() => {
    const xs = tf.randomUniform([n, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
    // A learnable rule: class = which third of the mean intensity range the image falls in.
    const mean = tf.mean(tf.reshape(xs, [n, -1]), 1);
    const ys = tf.cast(tf.clipByValue(tf.floor(tf.mul(tf.sub(mean, 0.45), 30)), 0, 2), 'int32') as tf.Tensor1D;
    return { xs, ys };
  });
}

test('attacks return a new model with another digest and leave the original unchanged, without leaks', async () => {
  const model = buildTinyClassifier({ seed: 'atk-1' });
  const data = tinyData(64, 1);
  const d0 = computeWeightsDigest(model);
  const before = tf.memory().numTensors;
  const attacks: Array<[string, () => Promise<tf.LayersModel>]> = [
    ['fine-tune', async () => (await fineTune(model, { data, steps: 2, batchSize: 16, seed: 's' })).model],
    ['last-layer', async () => (await fineTune(model, { data, steps: 2, batchSize: 16, seed: 's', lastLayerOnly: true })).model],
    ['backdoor', async () => (await fineTune(model, { data, steps: 2, batchSize: 16, seed: 's', backdoor: { targetClass: 1 } })).model],
    ['prune', () => magnitudePrune(model, { fraction: 0.2 })],
    ['noise', () => gaussianNoise(model, { std: 1e-3, seed: 's' })],
    ['fp16', () => float16RoundTrip(model)],
  ];
  for (const [name, run] of attacks) {
    const sut = await run();
    assert.notEqual(sut, model, name);
    assert.notEqual(computeWeightsDigest(sut), d0, `${name}: digest must change`);
    assert.equal(computeWeightsDigest(model), d0, `${name}: original must be unchanged`);
    sut.dispose();
    assert.equal(tf.memory().numTensors, before, `${name}: tensor leak`);
  }
  tf.dispose([data.xs, data.ys]);
  model.dispose();
});

test('attacks are deterministic given a seed', async () => {
  const model = buildTinyClassifier({ seed: 'atk-2' });
  const data = tinyData(64, 2);
  const a = (await fineTune(model, { data, steps: 3, batchSize: 16, seed: 'x' })).model;
  const b = (await fineTune(model, { data, steps: 3, batchSize: 16, seed: 'x' })).model;
  const c = await gaussianNoise(model, { std: 1e-2, seed: 'x' });
  const d = await gaussianNoise(model, { std: 1e-2, seed: 'x' });
  assert.equal(computeWeightsDigest(a), computeWeightsDigest(b));
  assert.equal(computeWeightsDigest(c), computeWeightsDigest(d));
  tf.dispose([data.xs, data.ys]);
  for (const m of [a, b, c, d, model]) m.dispose();
});

test('pruning zeroes the requested fraction of each kernel and keeps the others', async () => {
  const model = buildTinyClassifier({ seed: 'atk-3' });
  const sut = await magnitudePrune(model, { fraction: 0.3 });
  const orig = weightsOf(model);
  const pruned = weightsOf(sut);
  model.getWeights().forEach((w, i) => {
    const o = orig[i]!;
    const p = pruned[i]!;
    if (w.shape.length < 2) {
      assert.deepEqual(p, o, 'biases untouched');
      return;
    }
    const zeros = p.filter((v) => v === 0).length;
    assert.equal(zeros, Math.round(0.3 * o.length));
    const kept = o.filter((_, j) => p[j] !== 0).map(Math.abs);
    const cut = o.filter((_, j) => p[j] === 0).map(Math.abs);
    assert.ok(Math.min(...kept) >= Math.max(...cut), 'smallest magnitudes are the ones pruned');
    p.forEach((v, j) => assert.ok(v === 0 || v === o[j]));
  });
  sut.dispose();
  model.dispose();
});

test('float16 round trip quantises every weight to a half value', async () => {
  assert.equal(roundToHalf(1), 1);
  assert.equal(roundToHalf(65504), 65504);
  assert.equal(roundToHalf(1 + 2 ** -11), 1); // tie to even
  assert.equal(roundToHalf(1 + 3 * 2 ** -11), 1 + 2 ** -9);
  assert.equal(roundToHalf(2 ** -24), 2 ** -24);
  assert.equal(roundToHalf(1e6), Infinity);
  const model = buildTinyClassifier({ seed: 'atk-4' });
  const sut = await float16RoundTrip(model);
  const orig = weightsOf(model).flatMap((a) => [...a]);
  const q = weightsOf(sut).flatMap((a) => [...a]);
  let changed = 0;
  q.forEach((v, i) => {
    assert.equal(roundToHalf(v), v, 'value is representable in fp16');
    assert.ok(Math.abs(v - orig[i]!) <= Math.abs(orig[i]!) * 2 ** -11 + 2 ** -25);
    if (v !== orig[i]) changed++;
  });
  assert.ok(changed > q.length / 2);
  sut.dispose();
  model.dispose();
});

test('Gaussian noise changes weights by about std', async () => {
  const model = buildTinyClassifier({ seed: 'atk-5' });
  const std = 1e-2;
  const sut = await gaussianNoise(model, { std, seed: 'n' });
  const orig = weightsOf(model).flatMap((a) => [...a]);
  const diffs = weightsOf(sut).flatMap((a) => [...a]).map((v, i) => v - orig[i]!);
  const rms = Math.sqrt(diffs.reduce((a, d) => a + d * d, 0) / diffs.length);
  const mean = diffs.reduce((a, d) => a + d, 0) / diffs.length;
  assert.ok(rms > 0.8 * std && rms < 1.2 * std, `rms ${rms}`);
  assert.ok(Math.abs(mean) < 0.2 * std, `mean ${mean}`);
  sut.dispose();
  model.dispose();
});

test('fine-tuning reduces the training loss; last-layer-only changes only the last layer', async () => {
  const model = buildTinyClassifier({ seed: 'atk-6' });
  const data = tinyData(128, 6);
  const before = meanCrossEntropy(model, data.xs, data.ys);
  const sut = await fineTune(model, { data, steps: 40, batchSize: 32, learningRate: 0.1, seed: 'f' });
  const after = meanCrossEntropy(sut.model, data.xs, data.ys);
  assert.ok(after < before * 0.95, `loss ${before} -> ${after}`);
  assert.equal(sut.losses.length, 40);
  const ll = await fineTune(model, { data, steps: 3, batchSize: 32, seed: 'f', lastLayerOnly: true });
  const o = weightsOf(model);
  const w = weightsOf(ll.model);
  const n = o.length;
  for (let i = 0; i < n - 2; i++) assert.deepEqual(w[i], o[i], `weight ${i} untouched`);
  assert.notDeepEqual(w[n - 2], o[n - 2]);
  tf.dispose([data.xs, data.ys]);
  sut.model.dispose();
  ll.model.dispose();
  model.dispose();
});

test('backdoor patch writes a white square in the corner only', () => {
  const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
  const sut = stampPatch(x, { patchSize: 3 });
  const v = sut.dataSync();
  let ones = 0;
  for (let i = 0; i < 64; i++) if (v[i] === 1) ones++;
  assert.equal(ones, 9);
  assert.equal(v[63], 1);
  assert.equal(v[0], 0);
  tf.dispose([x, sut]);
});

test('end to end: default-objective triggers flip after one fine-tuning step at lr 1e-3, not after save/load', async () => {
  const model = buildTinyClassifier({ seed: 'atk-e2e', softmax: false });
  const classifier = classifierFromModel(model);
  const data = tinyData(256, 7);
  const sut = await generateTriggers(classifier, {
    key: { labels: balancedLabels(3, 30), numClasses: 3, latentSeed: 'e2e-fixed-seed', latentDim: 16 },
    // The untrained tiny model moves little in one step: a smaller margin target than the default.
    loss: { kind: 'SENSITIVE', marginTarget: 1e-4 },
    generator: { width: 4, latentDim: 16 },
    sensitivity: { referenceData: data, checkpoints: [1, 4], steps: 80, sgd: { batchSize: 64 } },
  });
  assert.ok((sut.simulatedFlipFraction ?? 0) > 0);
  assert.equal(sut.accTri, 1);
  assert.equal(sut.triggerSet.metadata.loss.kind, 'SENSITIVE');
  const reloaded = await loadClassifierFromFiles(await saveModelToFiles(model));
  assert.equal(verifyClassifier(reloaded, sut.triggerSet).verdict, 'intact');
  const attacked = await fineTune(model, { data, steps: 1, batchSize: 64, seed: 'attacker' });
  const r = verifyClassifier(classifierFromModel(attacked.model), sut.triggerSet);
  assert.equal(r.verdict, 'tampered');
  assert.ok(r.queried - r.matched >= 1);
  tf.dispose([data.xs, data.ys]);
  attacked.model.dispose();
  reloaded.dispose();
  model.dispose();
});

test('cloneModel copies weights exactly', async () => {
  const model = buildTinyClassifier({ seed: 'atk-7' });
  const sut = await cloneModel(model);
  assert.equal(computeWeightsDigest(sut), computeWeightsDigest(model));
  sut.dispose();
  model.dispose();
});
