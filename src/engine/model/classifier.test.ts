import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { computeWeightsDigest } from './classifier.ts';
import { classifierFromModel, loadClassifierFromDir, loadClassifierFromFiles, saveModelToFiles } from './formats/index.ts';
import { buildTinyClassifier } from './tiny.ts';
import { layersModelOf } from './classifier.ts';

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'mnist-cnn');
const invalidModel = (e: unknown) => isEngineError(e, 'INVALID_MODEL');

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

test('loads the reference MNIST CNN from its folder: shape, classes, output kind', async () => {
  const sut = await loadClassifierFromDir(fixtureDir);
  try {
    assert.deepEqual(sut.inputShape, [28, 28, 1]);
    assert.equal(sut.numClasses, 10);
    assert.equal(sut.outputKind, 'probabilities');
  } finally {
    sut.dispose();
  }
});

test('save -> load from memory round-trips predictions and the digest', async () => {
  const model = buildTinyClassifier({ seed: 'rt' });
  const files = await saveModelToFiles(model);
  assert.ok(files.has('model.json') && files.has('weights.bin'));
  const sut = await loadClassifierFromFiles(files);
  try {
    assert.equal(computeWeightsDigest(sut), computeWeightsDigest(model));
    const x = tf.randomNormal([5, 8, 8, 1], 0, 1, 'float32', 3);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (layersModelOf(sut).predict(x) as tf.Tensor).dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
    tf.dispose(x);
  } finally {
    sut.dispose();
    model.dispose();
  }
});

test('digest changes when one weight changes and ignores load order/renaming', async () => {
  const model = buildTinyClassifier({ seed: 'dg' });
  const d0 = computeWeightsDigest(model);
  const files = await saveModelToFiles(model);
  const twice = await loadClassifierFromFiles(files); // same names loaded again: TF.js uniquifies variable names
  assert.equal(computeWeightsDigest(twice), d0);
  const w = model.getWeights();
  const bumped = w.map((t, i) => (i === 0 ? tf.tidy(() => t.add(tf.scalar(1e-6).mul(tf.oneHot([0], t.size).reshape(t.shape)))) : t));
  model.setWeights(bumped);
  assert.notEqual(computeWeightsDigest(model), d0);
  assert.match(d0, /^[0-9a-f]{64}$/);
  tf.dispose(bumped[0]);
  twice.dispose();
  model.dispose();
});

test('rejects non-classifiers and broken artifacts with INVALID_MODEL', async () => {
  const good = await saveModelToFiles(buildTinyClassifier({ seed: 'bad' }));
  const json = JSON.parse(new TextDecoder().decode(good.get('model.json')!));
  const withJson = (j: unknown, weights = good.get('weights.bin')!) =>
    new Map([['model.json', new TextEncoder().encode(JSON.stringify(j))], ['weights.bin', weights]]);

  await assert.rejects(loadClassifierFromFiles(new Map()), invalidModel); // no model.json
  await assert.rejects(loadClassifierFromFiles(new Map([['model.json', new TextEncoder().encode('{nope')]])), invalidModel);
  await assert.rejects(loadClassifierFromFiles(withJson({ ...json, format: 'graph-model' })), invalidModel);
  await assert.rejects(loadClassifierFromFiles(new Map([['model.json', good.get('model.json')!]])), invalidModel); // missing shard
  await assert.rejects(loadClassifierFromFiles(withJson(json, good.get('weights.bin')!.subarray(0, 40))), invalidModel); // short shard

  // Output not rank 2: a conv-only model.
  const conv = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3 })] });
  await assert.rejects(async () => classifierFromModel(conv), invalidModel);
  await assert.rejects(loadClassifierFromFiles(await saveModelToFiles(conv)), invalidModel);
  // (One output is a binary classifier: binary.test.ts.)
  // Two inputs.
  const i1 = tf.input({ shape: [3] });
  const i2 = tf.input({ shape: [3] });
  const two = tf.model({ inputs: [i1, i2], outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.concatenate().apply([i1, i2])) as tf.SymbolicTensor });
  await assert.rejects(loadClassifierFromFiles(await saveModelToFiles(two)), invalidModel);
  conv.dispose();
  two.dispose();
});

test('logits models are detected as such', async () => {
  const model = buildTinyClassifier({ softmax: false });
  const sut = classifierFromModel(model);
  assert.equal(sut.outputKind, 'logits');
  model.dispose();
});

test('refuses NaN or infinite weights before building, and more classes than key labels can name', async () => {
  const model = buildTinyClassifier({ seed: 'finite' });
  const files = await saveModelToFiles(model);
  model.dispose();
  const manifest = JSON.parse(new TextDecoder().decode(files.get('model.json')!)) as { weightsManifest: Array<{ paths: string[] }> };
  const shard = manifest.weightsManifest[0]!.paths[0]!;
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const weights = new Uint8Array(files.get(shard)!);
    new DataView(weights.buffer).setFloat32(8, bad, true);
    const tensorsBefore = tf.memory().numTensors;
    await assert.rejects(loadClassifierFromFiles(new Map([...files, [shard, weights]])), (e) => invalidModel(e) && /NaN or infinite/.test((e as Error).message));
    assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing was built');
  }
  const wide = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 65536 })] });
  assert.throws(() => classifierFromModel(wide), (e) => invalidModel(e) && /65536 classes/.test((e as Error).message));
  wide.dispose();
});
