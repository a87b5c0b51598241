/**
 * Every refusal of the Keras reader, each with the message that names what was found. The
 * uploads are the committed fixtures with one thing changed (config, archive or HDF5 file).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../backend/index.ts';
import { isEngineError } from '../../../errors.ts';
import type { ModelLimits } from '../format-reader.ts';
import { kerasReader as sut } from './keras-reader.ts';
import { editedHdf5, editedKeras, editedLegacyConfig, fixtureBytes, upload, writeZip } from './keras-test-files.ts';
import { ZipArchive } from './zip.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

async function refused(file: string, bytes: Uint8Array, pattern: RegExp, limits: ModelLimits = {}): Promise<void> {
  await assert.rejects(sut.load(upload(file, bytes), limits), (e: unknown) => {
    assert.ok(isEngineError(e, 'INVALID_MODEL'), `not INVALID_MODEL: ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const layer = (config: any, name: string): any => config.config.layers.find((l: any) => l.config.name === name);
const text = (s: string) => new TextEncoder().encode(s);

test('garbage bytes are refused naming what the file starts with', async () => {
  await refused('model.keras', text('garbage, not a model'), /model\.keras is neither a Keras 3 \.keras archive \(ZIP\) nor a legacy Keras HDF5 file: it starts with 67 61 72 62 61 67 65 2c \("garbage,"\)/);
  await refused('model.h5', new Uint8Array(0), /model\.h5 is neither .*: it is empty/);
  const hdf5Magic = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, ...text('then nothing valid at all')]);
  await refused('model.h5', hdf5Magic, /model\.h5 cannot be opened as HDF5 \(HDF5 rejects its superblock\)/);
  await refused('model.keras', Uint8Array.from([0x50, 0x4b, 3, 4, ...text('truncated')]), /not a complete ZIP archive/);
});

test('a zip without config.json, or with sharded weights, is refused', async () => {
  await refused('model.keras', writeZip([{ name: 'notes.txt', data: text('hi') }]), /model\.keras is a ZIP archive without config\.json \(it holds notes\.txt\)/);
  const zip = ZipArchive.open(fixtureBytes('binary.keras'), { maxEntries: 10, maxEntryBytes: 1 << 24 });
  const sharded = writeZip([
    { name: 'config.json', data: zip.read('config.json') },
    { name: 'model.weights.json', data: text('{}') },
  ]);
  await refused('model.keras', sharded, /has no model\.weights\.h5 \(sharded weights are not supported/);
});

test('zip bombs: too many entries, an oversize declared entry, an entry that inflates past its declared size', async () => {
  const many = writeZip(Array.from({ length: 65 }, (_, i) => ({ name: `f${i}`, data: text('x') })));
  await refused('model.keras', many, /lists 65 entries; at most 64 are accepted/);
  // 32 MiB of zeros deflate to about 32 KiB; with 1,000 parameters allowed the weights file may hold about 16 MiB.
  const zeros = new Uint8Array(32 * 1024 * 1024);
  const zip = ZipArchive.open(fixtureBytes('binary.keras'), { maxEntries: 10, maxEntryBytes: 1 << 24 });
  const config = zip.read('config.json');
  const bomb = writeZip([
    { name: 'config.json', data: config },
    { name: 'model.weights.h5', data: zeros, deflate: true },
  ]);
  await refused('model.keras', bomb, /entry "model\.weights\.h5" declares 33,554,432 bytes uncompressed; at most 16,789,216 are accepted/, { maxParameters: 1000 });
  const liar = writeZip([
    { name: 'config.json', data: config },
    { name: 'model.weights.h5', data: zeros, deflate: true, declaredSize: 1000 },
  ]);
  await refused('model.keras', liar, /entry "model\.weights\.h5" does not inflate to its declared 1000 bytes/);
});

test('layers TF.js cannot run are listed, each with why', async () => {
  const bytes = editedKeras('cnn', (c) => {
    layer(c, 'conv2').class_name = 'Lambda';
    Object.assign(layer(c, 'dropout'), { class_name: 'NoisyDropout', module: 'my_pkg.layers', registered_name: 'my_pkg>NoisyDropout' });
    layer(c, 'fc1').class_name = 'LSTM';
  });
  await refused(
    'cnn.keras',
    bytes,
    /layers the engine cannot run: Lambda "conv2" \(TF\.js Layers has no such layer\), NoisyDropout "dropout" \(custom layer "my_pkg>NoisyDropout"\), LSTM "fc1" \(not supported by the Keras reader\); rebuild it from built-in Keras layers/,
  );
});

test('options TF.js would silently ignore are refused, naming layer and option', async () => {
  await refused('cnn.keras', editedKeras('cnn', (c) => (layer(c, 'conv1').config.groups = 2)), /Conv2D "conv1": groups=2 \(only 1 is supported\)/);
  await refused('m.keras', editedKeras('mobilenet', (c) => (layer(c, 'dw_relu6').config.threshold = 0.5)), /ReLU "dw_relu6": threshold=0\.5 \(only 0 is supported\)/);
  await refused('b.keras', editedKeras('binary', (c) => (layer(c, 'score').config.activation = 'hard_sigmoid')), /Dense "score": activation "hard_sigmoid" \(supported: linear, relu/);
  await refused('b.keras', editedKeras('binary', (c) => (layer(c, 'hidden').config.dtype.config.name = 'mixed_float16')), /Dense "hidden": dtype mixed_float16 \(TF\.js computes in float32/);
  await refused('b.keras', editedKeras('binary', (c) => (layer(c, 'hidden').config.future_option = 3)), /Dense "hidden": unknown option future_option=3/);
});

test('subclassed, nested and multi-output models are refused with how to convert', async () => {
  await refused('m.keras', editedKeras('binary', (c) => Object.assign(c, { class_name: 'MyModel', registered_name: 'app>MyModel' })), /holds a "MyModel" \(registered as "app>MyModel"\), not a Sequential or functional model: subclassed models carry no layer graph; rebuild it/);
  await refused('m.keras', editedKeras('binary', (c) => (layer(c, 'hidden').class_name = 'Sequential')), /Sequential "hidden" \(a nested model/);
  await refused('m.keras', editedKeras('mobilenet', (c) => (c.config.output_layers = [['logits', 0, 0], ['gap', 0, 0]])), /a classifier has exactly one output; the Keras model has 2 outputs \(logits, gap\)/);
});

test('a weight whose shape differs from the config is refused, in both layouts', async () => {
  const wider = (c: any) => (layer(c, 'fc1').config.units = 17);
  await refused('cnn.keras', editedKeras('cnn', wider), /weight fc1\/kernel has shape \[200, 16\] in the file \(layers\/dense\/vars\/0\) but the layer config needs \[200, 17\]/);
  await refused('cnn.h5', await editedLegacyConfig('cnn', wider), /weight fc1\/kernel has shape \[200, 16\] in the file \(model_weights\/fc1\/cnn\/fc1\/kernel\) but the layer config needs \[200, 17\]/);
});

test('missing and extra weights are refused', async () => {
  const extra = (c: any) => c.config.layers.push({ ...layer(c, 'score'), name: 'extra', config: { ...layer(c, 'score').config, name: 'extra', units: 1 } });
  await refused('b.keras', editedKeras('binary', extra), /has no weights for layer Dense "extra", which needs 2 \(kernel \[1, 1\], bias \[1\]\)/);
  await refused('b.h5', await editedLegacyConfig('binary', extra), /has no weights for layer Dense "extra", which needs 2/);
  await refused('m.keras', editedKeras('mobilenet', (c) => (layer(c, 'stem').config.use_bias = true)), /holds 1 weights for layer Conv2D "stem", but the layer needs 2 \(kernel, bias\)/);
  const zip = ZipArchive.open(fixtureBytes('binary.keras'), { maxEntries: 10, maxEntryBytes: 1 << 24 });
  const moreVars = await editedHdf5(zip.read('model.weights.h5'), (f) => {
    (f.get('layers/dense/vars') as any).create_dataset({ name: '2', data: new Float32Array(3) });
  });
  await refused('b.keras', writeZip([{ name: 'config.json', data: zip.read('config.json') }, { name: 'model.weights.h5', data: moreVars }]), /holds 3 weights for layer Dense "hidden", but the layer needs 2/);
});

test('non-float32 and non-finite weights are refused', async () => {
  const pointTo = (dataset: string, data: Float32Array | Float64Array) =>
    editedHdf5(fixtureBytes('binary.h5'), (f) => {
      const g = f.get('model_weights/score') as any;
      g.create_dataset({ name: dataset, data, shape: [1] });
      g.delete_attribute('weight_names');
      g.create_attribute('weight_names', ['binary/score/kernel', dataset]);
    });
  await refused('b.h5', await pointTo('bias64', Float64Array.of(0.5)), /weight score\/bias is stored as <d, not little-endian float32/);
  await refused('b.h5', await pointTo('bias_nan', Float32Array.of(NaN)), /weight score\/bias holds a NaN or infinite value/);
});

test('more declared parameters than allowed are refused before the weights are read', async () => {
  await refused('cnn.keras', fixtureBytes('cnn.keras'), /the Keras model declares 3,738 parameters; at most 1,000 are accepted/, { maxParameters: 1000 });
  await refused('cnn.h5', fixtureBytes('cnn.h5'), /declares 3,738 parameters; at most 1,000 are accepted/, { maxParameters: 1000 });
  // A config declaring 14 billion parameters (Dense 12 -> 10^9 -> 1): refused from the config alone, nothing allocated.
  const huge = editedKeras('binary', (c) => (layer(c, 'hidden').config.units = 1e9));
  await refused('b.keras', huge, /declares 14,000,000,001 parameters; at most 1,000,000 are accepted/, { maxParameters: 1e6 });
});

test('a weights-only file (save_weights) is refused with how to save the model', async () => {
  const zip = ZipArchive.open(fixtureBytes('binary.keras'), { maxEntries: 10, maxEntryBytes: 1 << 24 });
  await refused('binary.weights.h5', zip.read('model.weights.h5'), /binary\.weights\.h5 holds weights only \(model\.save_weights\), no model config: save the whole model with model\.save\("model\.keras"\)/);
});
