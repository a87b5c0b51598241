import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { generateKey } from '../key.ts';
import { computeWeightsDigest } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { verifyClassifier } from '../verification/verify.ts';
import { generateTriggers } from './generate.ts';
import { defaultWarmStart, directSource } from './warm-start.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const domain = { min: 0, max: 1, encoding: 'FLOAT32' } as const;

test('DIRECT optimises the inputs themselves to AccTri 100%, inside the domain, reproducibly from the key, without leaking tensors', async () => {
  const model = buildTinyClassifier({ seed: 'warm-direct', softmax: false });
  const classifier = classifierFromModel(model);
  const digest = computeWeightsDigest(model);
  const key = generateKey({ numClasses: 3, count: 12, latentDim: 16 });
  const tensorsBefore = tf.memory().numTensors;
  const sut = await generateTriggers(classifier, { key, warmStart: 'DIRECT', inputDomain: domain, loss: { kind: 'CE_ONLY' }, checkOtherBackend: false });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no leaked tensors');
  assert.equal(sut.warmStart, 'DIRECT');
  assert.equal(sut.accTri, 1);
  assert.ok(sut.steps > 0, 'noise alone is not the key labels: the inputs were optimised');
  assert.equal(computeWeightsDigest(model), digest, 'classifier weights unchanged');
  assert.equal(sut.generatorParameters, 12 * 8 * 8 * 1, 'the variables are the inputs');
  assert.deepEqual(sut.triggerSet.metadata.parameters['start'], { kind: 'direct', initStd: 1, parameters: 12 * 64 });
  assert.equal(sut.triggerSet.metadata.parameters['generator'], undefined);
  assert.ok(sut.triggerSet.data.every((v) => v >= 0 && v <= 1));
  assert.equal(verifyClassifier(classifier, sut.triggerSet).verdict, 'intact');
  const again = await generateTriggers(classifier, { key, warmStart: 'DIRECT', inputDomain: domain, loss: { kind: 'CE_ONLY' }, checkOtherBackend: false });
  assert.deepEqual(again.triggerSet.data, sut.triggerSet.data, 'the key fixes the starting noise');
  model.dispose();
});

test('DIRECT with the default objective (JUNCTION) places the triggers at the junction like the generator does', async () => {
  const model = buildTinyClassifier({ seed: 'warm-junction', softmax: false });
  const classifier = classifierFromModel(model);
  // A fixed latent seed: with fresh random keys, 6 of 300 runs on this model stopped at AccTri 90%
  // within the 300 warm-start steps (a retryable GENERATION_FAILED in a job); CI met one.
  const key = { ...generateKey({ numClasses: 3, count: 10, latentDim: 16 }), latentSeed: 'warm-junction-key' };
  const sut = await generateTriggers(classifier, { key, warmStart: 'DIRECT', inputDomain: domain, checkOtherBackend: false });
  assert.equal(sut.accTri, 1);
  for (const m of sut.margins) assert.ok(m > 0 && m < 1e-2, `margin ${m} near the junction`);
  model.dispose();
});

test('NONE starts the junction straight from seeded noise: no warm-start steps, key labels reached, inside the domain, reproducible from the key', async () => {
  const model = buildTinyClassifier({ seed: 'warm-none', softmax: false });
  const classifier = classifierFromModel(model);
  const digest = computeWeightsDigest(model);
  const key = generateKey({ numClasses: 3, count: 10, latentDim: 16 });
  const tensorsBefore = tf.memory().numTensors;
  const placed: number[] = [];
  const sut = await generateTriggers(classifier, {
    key,
    warmStart: 'NONE',
    inputDomain: domain,
    checkOtherBackend: false,
    onProgress: (p) => {
      if (p.placed !== undefined) placed.push(p.placed.done / p.placed.total);
    },
  });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no leaked tensors');
  assert.equal(placed.at(-1), 1, 'the job can show the triggers in place, here the whole of the run');
  assert.equal(sut.warmStart, 'NONE');
  assert.equal(sut.steps, 0);
  assert.equal(sut.generatorParameters, 0, 'nothing was optimised before the junction');
  assert.equal(sut.accTri, 1);
  for (const m of sut.margins) assert.ok(m > 0 && m < 1e-2, `margin ${m} near the junction`);
  assert.deepEqual(sut.triggerSet.metadata.parameters['start'], { kind: 'noise', initStd: 1 });
  assert.equal(sut.medianPsnr, undefined, 'PSNR is a figure of reference starts only');
  assert.ok(sut.triggerSet.data.every((v) => v >= 0 && v <= 1));
  assert.equal(computeWeightsDigest(model), digest, 'classifier weights unchanged');
  assert.equal(verifyClassifier(classifier, sut.triggerSet).verdict, 'intact');
  const again = await generateTriggers(classifier, { key, warmStart: 'NONE', inputDomain: domain, checkOtherBackend: false });
  assert.deepEqual(again.triggerSet.data, sut.triggerSet.data, 'the key fixes the starting noise');
  model.dispose();
});

test('NONE is refused with an objective that needs a warm start, before anything runs', async () => {
  const model = buildTinyClassifier({ seed: 'warm-none-ce' });
  await assert.rejects(
    generateTriggers(classifierFromModel(model), { count: 4, warmStart: 'NONE', loss: { kind: 'CE_VARIANCE' } }),
    (e: unknown) => isEngineError(e) && e.code === 'INVALID_ARGUMENT' && /NONE needs the JUNCTION objective/.test(e.message),
  );
  model.dispose();
});

test('the warm start is chosen by input size and objective: the generator up to CIFAR size; above it and for flat inputs NONE with JUNCTION, DIRECT otherwise', () => {
  assert.equal(defaultWarmStart([28, 28, 1]), 'GENERATOR');
  assert.equal(defaultWarmStart([32, 32, 3]), 'GENERATOR');
  assert.equal(defaultWarmStart([3, 32, 32], 'CE_VARIANCE'), 'GENERATOR');
  assert.equal(defaultWarmStart([64, 64, 3]), 'NONE');
  assert.equal(defaultWarmStart([224, 224, 3], 'JUNCTION'), 'NONE');
  assert.equal(defaultWarmStart([224, 224, 3], 'CE_VARIANCE'), 'DIRECT');
  assert.equal(defaultWarmStart([224, 224, 3], 'MARGIN'), 'DIRECT');
  assert.equal(defaultWarmStart([784]), 'NONE');
  assert.equal(defaultWarmStart([784], 'CE_ONLY'), 'DIRECT');
});

test('a direct source starts from seeded noise of the inputs shape and moves under the optimiser', () => {
  const a = directSource([4, 4, 1], 'seed-a', 3);
  const b = directSource([4, 4, 1], 'seed-a', 3);
  const c = directSource([4, 4, 1], 'seed-b', 3);
  try {
    const [xa, xb, xc] = [a.produce(), b.produce(), c.produce()];
    assert.deepEqual(xa.shape, [3, 4, 4, 1]);
    assert.deepEqual(xa.dataSync(), xb.dataSync());
    assert.notDeepEqual(xa.dataSync(), xc.dataSync());
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(a.produce())) as tf.Scalar, a.variables);
    assert.equal(Object.keys(grads).length, 1, 'the gradient reaches the inputs');
    const g = Object.values(grads)[0]!.dataSync();
    const x = xa.dataSync();
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(g[i]! - 2 * x[i]!) < 1e-5);
    tf.dispose([xa, xb, xc, ...Object.values(grads)]);
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test('an unknown warm start is refused before anything runs', async () => {
  const model = buildTinyClassifier({ seed: 'warm-unknown' });
  await assert.rejects(
    generateTriggers(classifierFromModel(model), { count: 4, warmStart: 'GAN' as never }),
    (e: unknown) => isEngineError(e) && e.code === 'INVALID_ARGUMENT' && /unknown warm start GAN/.test(e.message),
  );
  model.dispose();
});
