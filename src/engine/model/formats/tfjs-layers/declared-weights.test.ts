import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { isEngineError } from '../../../errors.ts';
import { loadClassifierFromFiles, saveModelToFiles } from '../index.ts';
import { checkDeclaredWeights as sut } from './declared-weights.ts';
import { buildTinyClassifier } from '../../tiny.ts';
import { denseLayer, layersModelJson } from '../../../../../test/support/hostile-models.ts';

const FIXTURES = path.join(import.meta.dirname, '..', '..', '..', '..', '..', 'fixtures');

/** A Dense(`units`) classifier on a `width`-wide input, with a weightsManifest of our choosing. */
function denseModel(width: number, units: number, weights: Array<{ name: string; shape: number[] }>): Map<string, Uint8Array> {
  const bytes = 4 * weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  return new Map([
    ['model.json', layersModelJson([denseLayer(width, units)], weights)],
    ['weights.bin', new Uint8Array(bytes)],
  ]);
}

function modelJson(files: Map<string, Uint8Array>): { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> } {
  return JSON.parse(Buffer.from(files.get('model.json')!).toString('utf8'));
}

const invalidModel = (pattern: RegExp) => (e: unknown) => isEngineError(e, 'INVALID_MODEL') && pattern.test(e.message);

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

test('accepts the fixtures and a saved model: the topology declares exactly the manifest weights, nothing is allocated', async () => {
  const tiny = buildTinyClassifier({ seed: 'declared' });
  const saved = await saveModelToFiles(tiny);
  tiny.dispose();
  const jsons = [
    JSON.parse(readFileSync(path.join(FIXTURES, 'mnist-cnn', 'model.json'), 'utf8')),
    JSON.parse(readFileSync(path.join(FIXTURES, 'mnist-resnet', 'model.json'), 'utf8')),
    modelJson(saved),
  ];
  const before = tf.memory();
  for (const json of jsons) await sut(json.modelTopology, json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights));
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});

test('refuses Dense(16000) on a 16000-wide input with a one-weight manifest before building: no tensor, no byte allocated', async () => {
  const files = denseModel(16000, 16000, [{ name: 'big/kernel', shape: [1] }]);
  const json = modelJson(files);
  const before = tf.memory();
  await assert.rejects(sut(json.modelTopology, json.weightsManifest[0]!.weights), invalidModel(/declares 256,016,000 parameters .*layer "big" kernel \[16000, 16000\].*lists 1 in 1/));
  for (let i = 0; i < 3; i++) await assert.rejects(loadClassifierFromFiles(files), invalidModel(/declares 256,016,000 parameters/));
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});

test('refuses a topology over the parameter cap, naming its largest weight', async () => {
  const json = modelJson(denseModel(100, 100, [{ name: 'big/kernel', shape: [100, 100] }, { name: 'big/bias', shape: [100] }]));
  await sut(json.modelTopology, json.weightsManifest[0]!.weights, { maxParameters: 10_100 });
  await assert.rejects(sut(json.modelTopology, json.weightsManifest[0]!.weights, { maxParameters: 10_099 }), invalidModel(/declares 10,100 parameters, the largest layer "big" kernel \[100, 100\] \(10,000\); at most 10,099/));
});

test('refuses weights of the right total under the wrong names or shapes before building (TF.js would leak the built model)', async () => {
  const wrongName = denseModel(200, 200, [{ name: 'other/kernel', shape: [200, 200] }, { name: 'big/bias', shape: [200] }]);
  const wrongShape = denseModel(200, 200, [{ name: 'big/kernel', shape: [100, 400] }, { name: 'big/bias', shape: [200] }]);
  const before = tf.memory();
  await assert.rejects(loadClassifierFromFiles(wrongName), invalidModel(/does not fit the topology: Provided weight data has no target variable: other\/kernel/));
  await assert.rejects(loadClassifierFromFiles(wrongShape), invalidModel(/does not fit the topology: weight big\/kernel has shape \[200,200\] but the weightsManifest gives \[100,400\]/));
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});

test('refuses a topology TF.js cannot deserialise', async () => {
  await assert.rejects(sut({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'NoSuchLayer', config: {} }] } }, []), invalidModel(/cannot build the model topology: Unknown layer: NoSuchLayer/));
});
