/**
 * The backend selection order with stand-ins for the native packages, which cannot be installed
 * on these machines (their install scripts download libtensorflow): a stand-in registers TF.js's
 * "tensorflow" backend as `@tensorflow/tfjs-node(-gpu)` does when imported (here backed by the
 * cpu kernels), so the order node-gpu > node > wasm > cpu and the refusals can be checked.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { isEngineError } from '../errors.ts';
import { initBackend as sut, type PackageImporter } from './index.ts';

/** Imports succeed for `installed` only; each registers a "tensorflow" backend, as tfjs-node does. */
function installed(...packages: string[]): { importer: PackageImporter; imported: string[] } {
  const imported: string[] = [];
  const importer: PackageImporter = async (specifier) => {
    imported.push(specifier);
    if (!packages.includes(specifier)) throw new Error(`Cannot find package '${specifier}'`);
    if (tf.findBackendFactory('tensorflow') === null) {
      const cpu = tf.findBackendFactory('cpu')!;
      tf.registerBackend('tensorflow', cpu);
    }
    return {};
  };
  return { importer, imported };
}

const quiet = { log: () => {}, reselect: true } as const;

after(() => {
  if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow');
});

test('a GPU host: tfjs-node-gpu installed wins over everything', async () => {
  const { importer, imported } = installed('@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node');
  const info = await sut({ ...quiet, importPackage: importer });
  assert.equal(info.choice, 'node-gpu');
  assert.equal(info.tfBackend, 'tensorflow');
  assert.equal(info.composedGradients, false, 'native TensorFlow has its own gradient kernels');
  assert.deepEqual(imported, ['@tensorflow/tfjs-node-gpu']);
});

test('a CPU host with tfjs-node: node, after trying node-gpu', async () => {
  const { importer, imported } = installed('@tensorflow/tfjs-node');
  const info = await sut({ ...quiet, importPackage: importer });
  assert.equal(info.choice, 'node');
  assert.deepEqual(imported, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
});

test('no native package: wasm (what these machines and CI run)', async () => {
  if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow');
  const { importer, imported } = installed();
  const info = await sut({ ...quiet, importPackage: importer });
  assert.equal(info.choice, 'wasm');
  assert.equal(info.composedGradients, true);
  assert.deepEqual(imported, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
});

test('FRAGMARK_TF_BACKEND=node-gpu on a host without it is an error, never a silent fallback to a slower backend', async () => {
  const { importer } = installed('@tensorflow/tfjs-node');
  await assert.rejects(
    sut({ ...quiet, backend: 'node-gpu', importPackage: importer }),
    (e: unknown) => isEngineError(e, 'BACKEND_UNAVAILABLE') && /FRAGMARK_TF_BACKEND=node-gpu was requested but that backend could not be loaded/.test(e.message),
  );
});
