import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { classifierFromModel, initBackend, loadClassifierFromFiles, predictLabels, type TriggerSet } from '../../engine/index.ts';
import { buildTinyClassifier } from '../../engine/model/tiny.ts';
import { crossCheckRuntime as sut } from './cross-runtime-check.ts';

const ONNX = new Uint8Array(readFileSync(new URL('../../../test/fixtures/onnx/mnist/cnn.onnx', import.meta.url)));

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function triggerSet(shape: number[], labels: Int32Array, data: Float32Array): TriggerSet {
  return {
    shape,
    numClasses: 10,
    labels,
    data,
    metadata: { method: 'm', loss: { kind: 'CE_ONLY' }, parameters: {}, backend: 'wasm', modelDigest: '0'.repeat(64), createdAt: '2026-12-02T00:00:00Z' },
  };
}

test('ONNX: triggers onnxruntime labels like the interpreter are kept; one whose key label it does not give is dropped and counted', async () => {
  const files = new Map([['cnn.onnx', ONNX]]);
  const classifier = await loadClassifierFromFiles(files);
  try {
    const x = tf.randomUniform([12, 1, 28, 28], 0, 1, 'float32', 7);
    const labels = predictLabels(classifier, x);
    const data = x.dataSync() as Float32Array;
    x.dispose();
    const agreeing = await sut(classifier, files, triggerSet([1, 28, 28], labels, data));
    assert.deepEqual(agreeing.check, { runtime: 'onnxruntime-node 1.30.0 (CPU)', checked: 12, disagreed: 0 });
    assert.equal(agreeing.set.labels.length, 12);

    const wrong = Int32Array.from(labels);
    wrong[4] = (wrong[4]! + 1) % 10; // a key label neither runtime gives that input
    const dropped = await sut(classifier, files, triggerSet([1, 28, 28], wrong, data));
    assert.deepEqual(dropped.check, { runtime: 'onnxruntime-node 1.30.0 (CPU)', checked: 12, disagreed: 1 });
    assert.deepEqual(Array.from(dropped.set.labels), [...labels.slice(0, 4), ...labels.slice(5)]);
    assert.equal(dropped.set.data.length, 11 * 28 * 28);
    await assert.rejects(sut(classifier, files, triggerSet([1, 28, 28], labels.map((l) => (l + 1) % 10), data)), /labels 12 of the 12 triggers differently from Fragmark's interpreter \(at most 10% may differ\)/);
  } finally {
    classifier.dispose();
  }
});

test('other formats are not cross-checked', async () => {
  const classifier = classifierFromModel(buildTinyClassifier({ seed: 'cross' }));
  const set = triggerSet([8, 8, 1], Int32Array.from([0]), new Float32Array(64));
  const result = await sut(classifier, new Map(), set);
  assert.equal(result.check, null);
  assert.equal(result.set, set);
  classifier.dispose();
});
