import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { isEngineError } from '../errors.ts';
import { currentBackend, initBackend, type BackendChoice } from './index.ts';

test('the backend option (FRAGMARK_TF_BACKEND) forces a backend, logs it and reports it', async () => {
  const logs: string[] = [];
  const sut = await initBackend({ backend: 'cpu', log: (m) => logs.push(m) });
  assert.equal(sut.choice, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.ok(logs.some((l) => l.includes('cpu')));
  const wasm = await initBackend({ backend: 'wasm', log: (m) => logs.push(m) });
  assert.equal(wasm.choice, 'wasm');
  assert.equal(currentBackend().tfBackend, 'wasm');
});

test('without a forced choice, the first loadable backend wins (native packages are absent here: wasm)', async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
  const sut = await initBackend({ log: () => {}, reselect: true });
  // tfjs-node(-gpu) are optional and not installed in CI; if they were, they would come first.
  assert.ok(['node-gpu', 'node', 'wasm'].includes(sut.choice));
});

test('a forced backend that cannot load is an error, not a silent fallback; bad values are rejected', async () => {
  const nodeInstalled = await import('@tensorflow/tfjs-node' as string).then(() => true, () => false);
  if (!nodeInstalled) {
    await assert.rejects(initBackend({ backend: 'node', log: () => {} }), (e) => isEngineError(e, 'BACKEND_UNAVAILABLE'));
  }
  // Callers outside TypeScript (command-line flags) can pass anything.
  await assert.rejects(initBackend({ backend: 'tpu' as BackendChoice, log: () => {} }), (e) => isEngineError(e, 'BACKEND_UNAVAILABLE') && /must be one of node-gpu, node, wasm, cpu/.test(e.message));
  for (const wasmThreads of [0, 9, 2.5]) {
    await assert.rejects(initBackend({ backend: 'wasm', wasmThreads, log: () => {} }), (e) => isEngineError(e, 'BACKEND_UNAVAILABLE') && /wasmThreads must be an integer from 1 to 8/.test(e.message), String(wasmThreads));
  }
});

test('the engine reads no environment variable: FRAGMARK_TF_BACKEND in process.env changes nothing', async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
  process.env['FRAGMARK_TF_BACKEND'] = 'cpu';
  try {
    const sut = await initBackend({ log: () => {}, reselect: true });
    assert.notEqual(sut.choice, 'cpu');
  } finally {
    delete process.env['FRAGMARK_TF_BACKEND'];
  }
});
