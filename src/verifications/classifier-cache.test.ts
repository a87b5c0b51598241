import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { classifierFromModel, initBackend, type Classifier } from '../engine/index.ts';
import { buildTinyClassifier } from '../engine/model/tiny.ts';
import { ClassifierCache } from './classifier-cache.ts';
import { layersModelOf } from '../engine/index.ts';

test('loads each artifact once, evicts the least recently used idle entry, never one in use', async () => {
  await initBackend({ log: () => {} });
  const before = tf.memory().numTensors;
  const sut = new ClassifierCache(2);
  const loads: string[] = [];
  const load = (key: string) => async (): Promise<Classifier> => {
    loads.push(key);
    return classifierFromModel(buildTinyClassifier());
  };
  await sut.use('a', load('a'), () => undefined);
  await sut.use('a', load('a'), () => undefined);
  assert.deepEqual(loads, ['a']);

  // While 'a' is in use, filling the cache past capacity must not dispose it.
  await sut.use('a', load('a'), async (inUse) => {
    await sut.use('b', load('b'), () => undefined);
    await sut.use('c', load('c'), () => undefined);
    assert.ok(!layersModelOf(inUse).layers[0]!.getWeights()[0]!.isDisposed, 'the model in use stays alive');
  });
  assert.equal(sut.size, 2);
  await sut.use('b', load('b'), () => undefined);
  assert.deepEqual(loads, ['a', 'b', 'c', 'b'], "'b' was the least recently used idle entry");

  const failing = sut.use('broken', async () => Promise.reject(new Error('bad artifact')), () => undefined);
  await assert.rejects(failing, /bad artifact/);
  await sut.use('broken', load('broken'), () => undefined);
  // Exactly the two cached models' weights are left: every evicted model was disposed.
  const probe = buildTinyClassifier();
  const perModel = probe.weights.length;
  probe.dispose();
  assert.equal(sut.size, 2);
  assert.equal(tf.memory().numTensors, before + 2 * perModel);
});
