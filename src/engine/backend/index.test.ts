import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { isEngineError } from '../errors.ts';
import { currentBackend, initBackend } from './index.ts';

test('FRAGMARK_TF_BACKEND forces a backend, logs it and reports it', async () => {
  const logs: string[] = [];
  const sut = await initBackend({ env: { FRAGMARK_TF_BACKEND: 'cpu' }, log: (m) => logs.push(m) });
  assert.equal(sut.choice, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.ok(logs.some((l) => l.includes('cpu')));
  const wasm = await initBackend({ env: { FRAGMARK_TF_BACKEND: 'wasm' }, log: (m) => logs.push(m) });
  assert.equal(wasm.choice, 'wasm');
  assert.equal(currentBackend().tfBackend, 'wasm');
});

test('without a forced choice, the first loadable backend wins (native packages are absent here: wasm)', async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
  const sut = await initBackend({ env: {}, log: () => {}, reselect: true });
  // tfjs-node(-gpu) are optional and not installed in CI; if they were, they would come first.
  assert.ok(['node-gpu', 'node', 'wasm'].includes(sut.choice));
});

test('a forced backend that cannot load is an error, not a silent fallback; bad values are rejected', async () => {
  const nodeInstalled = await import('@tensorflow/tfjs-node' as string).then(() => true, () => false);
  if (!nodeInstalled) {
    await assert.rejects(initBackend({ env: { FRAGMARK_TF_BACKEND: 'node' }, log: () => {} }), (e) => isEngineError(e, 'BACKEND_UNAVAILABLE'));
  }
  await assert.rejects(initBackend({ env: { FRAGMARK_TF_BACKEND: 'tpu' }, log: () => {} }), (e) => isEngineError(e, 'BACKEND_UNAVAILABLE'));
});
