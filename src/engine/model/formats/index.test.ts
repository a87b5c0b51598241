import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { initBackend } from '../../backend/index.ts';
import { isEngineError } from '../../errors.ts';
import { buildTinyClassifier } from '../tiny.ts';
import { computeWeightsDigest } from '../classifier.ts';
import { detectModelFormat as sut, loadClassifierFromPath, saveModelToFiles } from './index.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const refusedWith = (pattern: RegExp) => (e: unknown) => isEngineError(e, 'INVALID_MODEL') && pattern.test(e.message);
const one = (name: string, bytes: number[] | string): Map<string, Uint8Array> =>
  new Map([[name, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes)]]);

test('a TF.js Layers folder is detected as TFJS_LAYERS', async () => {
  const files = await saveModelToFiles(buildTinyClassifier({ seed: 'detect' }));
  assert.equal(sut(files).format, 'TFJS_LAYERS');
});

test('known model formats the engine cannot run are named, with how to convert them', () => {
  const cases: Array<[Map<string, Uint8Array>, RegExp]> = [
    [one('resnet18.pt', [0x50, 0x4b, 0x03, 0x04, 0, 0]), /resnet18\.pt is a PyTorch checkpoint.*torch\.onnx\.export/],
    [one('model.pth', [0x80, 0x02]), /PyTorch checkpoint.*model\.onnx/],
    [one('saved_model.pb', [0x08, 0x01]), /TensorFlow SavedModel.*tensorflowjs_converter --input_format=tf_saved_model/],
    [one('m.bin', [0, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]), /TensorFlow Lite flatbuffer/],
    [one('model.safetensors', '{}'), /safetensors file \(weights only/],
    [one('model.engine', [1, 2, 3]), /TensorRT engine.*ONNX model the engine was built from/],
    [one('clf.joblib', [0x80]), /scikit-learn/],
  ];
  for (const [files, pattern] of cases) assert.throws(() => sut(files), refusedWith(pattern), [...files.keys()][0]);
});

test('anything else is refused listing what was uploaded and the supported formats', () => {
  assert.throws(() => sut(one('notes.txt', 'hello')), refusedWith(/no model found in the upload \(notes\.txt\); supported: an ONNX file/));
  assert.throws(() => sut(new Map()), refusedWith(/no model found in the upload \(no files\)/));
  assert.throws(() => sut(one('model.json', '{"format": "something-else", "modelTopology": {}}')), refusedWith(/model\.json has format "something-else"/));
});

test('a model file or folder on disk loads through the same detection', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'fragmark-formats-'));
  const model = buildTinyClassifier({ seed: 'disk' });
  for (const [name, bytes] of await saveModelToFiles(model)) await writeFile(path.join(dir, name), bytes);
  const loaded = await loadClassifierFromPath(dir);
  try {
    assert.equal(loaded.format, 'TFJS_LAYERS');
    assert.equal(loaded.layout, 'NHWC');
    assert.equal(computeWeightsDigest(loaded), computeWeightsDigest(model));
  } finally {
    loaded.dispose();
    model.dispose();
  }
  await writeFile(path.join(dir, 'model.pt'), Uint8Array.from([0x80, 2]));
  await assert.rejects(loadClassifierFromPath(path.join(dir, 'model.pt')), refusedWith(/model\.pt is a PyTorch checkpoint/));
  await assert.rejects(loadClassifierFromPath(path.join(dir, 'missing')), refusedWith(/cannot read .*missing/));
});
