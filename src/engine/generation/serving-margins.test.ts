import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { computeWeightsDigest } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { decodeTriggerSet, encodeTriggerSet } from '../triggers/format.ts';
import { emulateNumerics } from '../serving/emulated-model.ts';
import { firstOutsideDomain, toLevels } from '../serving/input-domain.ts';
import { checkServing, keyMargins } from '../serving/serving-check.ts';
import { verifyClassifier } from '../verification/verify.ts';
import { generateTriggers } from './generate.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const fast = { generator: { width: 4, latentDim: 16 }, count: 12, maxSteps: 300 } as const;

test('UINT8 domain: every trigger is a point of the 8-bit grid in range, and survives the FP16 profile', async () => {
  const model = buildTinyClassifier({ seed: 'serving-1', numClasses: 4 });
  const classifier = classifierFromModel(model);
  const digest = computeWeightsDigest(model);
  const domain = { min: 0, max: 1, encoding: 'UINT8' } as const;
  const tensorsBefore = tf.memory().numTensors;
  const sut = await generateTriggers(classifier, { ...fast, inputDomain: domain, servingProfile: 'FP16' });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no leaked tensors');
  assert.equal(computeWeightsDigest(model), digest);
  const set = decodeTriggerSet(encodeTriggerSet(sut.triggerSet));
  assert.equal(firstOutsideDomain(domain, set.data), -1, 'on the grid, in range');
  assert.equal(toLevels(domain, set.data).length, set.data.length);
  assert.deepEqual(set.metadata.inputDomain, { min: 0, max: 1, encoding: 'UINT8' });
  assert.equal(set.metadata.servingProfile, 'FP16');
  assert.equal(verifyClassifier(classifier, set).accTri, 1);
  // Independently of generation's own check: every tolerated numerics keeps every label.
  for (const numerics of ['TF32', 'FP16'] as const) {
    const emulated = await emulateNumerics(classifier, numerics);
    assert.equal(verifyClassifier(emulated, set).accTri, 1, numerics);
    emulated.dispose();
  }
  // Still on junctions: the key label leads by a small margin, not by a mile.
  const margins = keyMargins(classifier, set.data, set.labels);
  assert.ok(Math.max(...margins) < 0.5, `margins stay small (max ${Math.max(...margins)})`);
  model.dispose();
});

test('FLOAT32 [0, 1] with BF16: in range, margins raised until the BF16 check passes', async () => {
  const model = buildTinyClassifier({ seed: 'serving-2', numClasses: 3 });
  const classifier = classifierFromModel(model);
  const domain = { min: 0, max: 1, encoding: 'FLOAT32' } as const;
  const sut = await generateTriggers(classifier, { ...fast, inputDomain: domain, servingProfile: 'BF16' });
  const set = sut.triggerSet;
  assert.equal(firstOutsideDomain(domain, set.data), -1);
  assert.ok(set.data.some((v) => v > 0 && v < 1), 'not all at the limits');
  const check = await checkServing(classifier, set.data, set.labels, 'BF16');
  assert.deepEqual(check.failing, []);
  assert.deepEqual(check.variants.map((v) => v.name), ['batch 1', 'TF32', 'TF32 truncated', 'FP16', 'BF16', 'backend cpu']);
  const serving = (set.metadata.parameters as { serving: { marginTargets: { min: number; max: number } } }).serving;
  assert.ok(serving.marginTargets.max > 1e-2, 'targets raised where BF16 moves triggers by more than the FP32 target');
  // Each trigger's margin is at least the safety factor times what the tolerated numerics moved it.
  check.margins.forEach((m, i) => assert.ok(m >= check.safetyFactor * check.deviations[i]!, `trigger ${i}`));
  model.dispose();
});

test('the serving check fails triggers that a tolerated numerics flips, and legacy options keep the old metadata', async () => {
  const model = buildTinyClassifier({ seed: 'serving-3' });
  const classifier = classifierFromModel(model);
  const legacy = await generateTriggers(classifier, fast);
  assert.equal(legacy.servingProfile, 'FP32_EXACT');
  assert.deepEqual(legacy.triggerSet.metadata.inputDomain, { min: null, max: null, encoding: 'FLOAT32' });
  // Margins of 1e-3 are far below what BF16 moves them: the check must refuse most of them.
  const check = await checkServing(classifier, legacy.triggerSet.data, legacy.triggerSet.labels, 'BF16', { otherBackend: false });
  assert.ok(check.failing.length > 0, 'FP32_EXACT triggers do not pass the BF16 check');
  const strict = await checkServing(classifier, legacy.triggerSet.data, legacy.triggerSet.labels, 'FP32_EXACT');
  assert.deepEqual(strict.failing, []);
  for (const refused of [
    { loss: { kind: 'SENSITIVE' }, servingProfile: 'FP16' },
    { loss: { kind: 'MARGIN' }, servingProfile: 'TF32' },
    { loss: { kind: 'SENSITIVE' }, inputDomain: { min: 0, max: 1, encoding: 'UINT8' } },
  ] as const) {
    await assert.rejects(generateTriggers(classifier, { ...fast, ...refused }), (e) => isEngineError(e, 'INVALID_ARGUMENT'), JSON.stringify(refused));
  }
  await assert.rejects(generateTriggers(classifier, { ...fast, servingProfile: 'INT8' as never }), (e) => isEngineError(e, 'INVALID_ARGUMENT'));
  model.dispose();
});

test('reference inputs: triggers start from owner samples, stay in the domain, and report their PSNR to the nearest one', async () => {
  const model = buildTinyClassifier({ seed: 'serving-4', numClasses: 3 });
  const classifier = classifierFromModel(model);
  const domain = { min: 0, max: 1, encoding: 'FLOAT32' } as const;
  const references = Float32Array.from({ length: 20 * 64 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
  const sut = await generateTriggers(classifier, { ...fast, inputDomain: domain, servingProfile: 'TF32', referenceInputs: references });
  assert.equal(firstOutsideDomain(domain, sut.triggerSet.data), -1);
  assert.equal(verifyClassifier(classifier, sut.triggerSet).accTri, 1);
  assert.ok(Number.isFinite(sut.medianPsnr) && sut.medianPsnr! > 0, `median PSNR ${sut.medianPsnr}`);
  assert.equal((sut.triggerSet.metadata.parameters as { start: { kind: string } }).start.kind, 'references');
  assert.equal(sut.warmStart, 'NONE', 'the junction starts from the references, no warm start');
  await assert.rejects(
    generateTriggers(classifier, { ...fast, inputDomain: domain, referenceInputs: Float32Array.from([2, ...references.subarray(1, 64)]) }),
    (e) => isEngineError(e, 'INVALID_ARGUMENT'),
    'a reference outside the domain',
  );
  model.dispose();
});
