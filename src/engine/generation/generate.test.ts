import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { generateKey } from '../key.ts';
import { computeWeightsDigest, predictLabels } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { decodeTriggerSet, encodeTriggerSet } from '../triggers/format.ts';
import { verifyClassifier } from '../verification/verify.ts';
import { generateTriggers, type GenerationProgress } from './generate.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const fast = { generator: { width: 4, latentDim: 16 }, count: 12, maxSteps: 300 } as const;

test('generates triggers that score 100% on the clean model, without touching its weights or leaking tensors', async () => {
  const model = buildTinyClassifier({ seed: 'gen-1' });
  const classifier = classifierFromModel(model);
  const digest = computeWeightsDigest(model);
  const progress: GenerationProgress[] = [];
  const tensorsBefore = tf.memory().numTensors;
  const sut = await generateTriggers(classifier, { ...fast, onProgress: (p) => progress.push(p) });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no leaked tensors');
  assert.equal(computeWeightsDigest(model), digest, 'classifier weights unchanged');
  assert.equal(sut.modelDigest, digest);
  assert.equal(sut.accTri, 1);
  assert.equal(sut.backend, 'wasm');
  assert.equal(sut.triggerSet.labels.length, 12);
  assert.deepEqual(sut.triggerSet.shape, [8, 8, 1]);
  assert.equal(progress.filter((p) => p.stage === 'WARM_START').length, sut.steps + 1);
  const announced = progress.findIndex((p) => p.stage === 'PLACEMENT');
  assert.deepEqual(
    progress.slice(announced - 1, announced + 1).map((p) => [p.stage, p.step, p.accTri, p.placed]),
    [['WARM_START', sut.steps, 1, undefined], ['PLACEMENT', sut.steps, 1, undefined]],
    'the last step reaches AccTri 100%, then the placement is announced',
  );
  // Then, after each junction iteration, how many triggers are in place, up to all of them.
  const placed = progress.slice(announced + 1);
  assert.ok(placed.length >= 1 && placed.every((p) => p.stage === 'PLACEMENT' && p.placed?.total === 12), JSON.stringify(placed));
  assert.equal(placed.at(-1)!.placed!.done, 12);
  assert.ok(progress.every((p) => Number.isFinite(p.loss)));
  // Stored (encoded, decoded) triggers verify as intact, from a fresh forward pass.
  const decoded = decodeTriggerSet(encodeTriggerSet(sut.triggerSet));
  assert.equal(verifyClassifier(classifier, decoded).verdict, 'intact');
  assert.equal(decoded.metadata.modelDigest, digest);
  // Not squashed to [0,1] or [-1,1]: values are whatever the generator produced.
  assert.ok(sut.triggerSet.data.some((v) => v < 0));
  model.dispose();
});

test('CE_ONLY works too and a given key fixes labels and latents', async () => {
  const model = buildTinyClassifier({ seed: 'gen-2', softmax: false });
  const classifier = classifierFromModel(model);
  const key = generateKey({ numClasses: 3, count: 9, latentDim: 8 });
  const sut = await generateTriggers(classifier, { ...fast, key, generator: { width: 4 }, loss: { kind: 'CE_ONLY' } });
  assert.deepEqual(sut.triggerSet.labels, key.labels);
  assert.equal(sut.triggerSet.metadata.parameters['latentSeed'], key.latentSeed);
  assert.deepEqual(sut.triggerSet.metadata.loss, { kind: 'CE_ONLY' });
  const x = tf.tensor4d(sut.triggerSet.data, [9, 8, 8, 1]);
  assert.deepEqual(predictLabels(classifier, x), key.labels);
  x.dispose();
  model.dispose();
});

test('fails with GENERATION_FAILED (and the final AccTri) when the step budget is too small', async () => {
  const model = buildTinyClassifier({ seed: 'gen-3' });
  const classifier = classifierFromModel(model);
  const before = tf.memory().numTensors;
  await assert.rejects(
    generateTriggers(classifier, { ...fast, count: 30, maxSteps: 0, optimizer: { learningRate: 1e-9 } }),
    (e) => isEngineError(e, 'GENERATION_FAILED') && typeof e.details['accTri'] === 'number' && (e.details['accTri'] as number) < 1,
  );
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('cancellation via AbortSignal throws CANCELLED without leaking tensors', async () => {
  const model = buildTinyClassifier({ seed: 'gen-4' });
  const classifier = classifierFromModel(model);
  const before = tf.memory().numTensors;
  const controller = new AbortController();
  await assert.rejects(
    generateTriggers(classifier, {
      ...fast,
      count: 30,
      optimizer: { learningRate: 1e-9 }, // never converges: only the abort can end it early
      onProgress: (p) => {
        if (p.step === 2) controller.abort();
      },
      signal: controller.signal,
    }),
    (e) => isEngineError(e, 'CANCELLED') && e.details['step'] === 3,
  );
  assert.equal(tf.memory().numTensors, before);
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(generateTriggers(classifier, { ...fast, signal: pre.signal }), (e) => isEngineError(e, 'CANCELLED'));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('works through a classifier with batch norm (inference mode, statistics untouched)', async () => {
  const model = buildTinyClassifier({ seed: 'gen-5', batchNorm: true });
  const classifier = classifierFromModel(model);
  const digest = computeWeightsDigest(model);
  const sut = await generateTriggers(classifier, fast);
  assert.equal(sut.accTri, 1);
  assert.equal(computeWeightsDigest(model), digest);
  model.dispose();
});

test('MARGIN drives every trigger margin to the target band (top-1 minus top-2 near 1e-3)', async () => {
  const model = buildTinyClassifier({ seed: 'gen-6', softmax: false });
  const classifier = classifierFromModel(model);
  const marginTarget = 1e-3;
  const sut = await generateTriggers(classifier, { ...fast, count: 6, loss: { kind: 'MARGIN', marginTarget } });
  assert.equal(sut.accTri, 1);
  for (const m of sut.margins) assert.ok(m >= marginTarget / 2 && m <= marginTarget * 2, `margin ${m}`);
  // Independent check from the stored triggers: logit margins computed outside the engine.
  const logits = tf.tidy(() => (model.predict(tf.tensor4d(sut.triggerSet.data, [6, 8, 8, 1])) as tf.Tensor).arraySync() as number[][]);
  logits.forEach((row, i) => {
    const label = sut.triggerSet.labels[i]!;
    const other = Math.max(...row.filter((_, j) => j !== label));
    const m = row[label]! - other;
    assert.ok(m > 0 && m < 4 * marginTarget, `stored trigger ${i} margin ${m}`);
  });
  model.dispose();
});

test('reference MNIST CNN: a small trigger set reaches 100% and the model digest is unchanged', async () => {
  const { loadClassifierFromDir } = await import('../model/formats/index.ts');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'mnist-cnn');
  const classifier = await loadClassifierFromDir(dir);
  const digest = computeWeightsDigest(classifier);
  const before = tf.memory().numTensors;
  const sut = await generateTriggers(classifier, { count: 20, generator: { width: 4 } });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(sut.accTri, 1);
  assert.equal(computeWeightsDigest(classifier), digest);
  assert.equal(verifyClassifier(classifier, sut.triggerSet).verdict, 'intact');
  classifier.dispose();
});
