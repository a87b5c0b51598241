/**
 * The Keras reader against Keras itself: every fixture (made by Keras 3, saved as .keras and as
 * legacy .h5) must compute Keras's outputs within 1e-4 relative, have input gradients that agree
 * with finite differences, and carry the weights digest of the same model saved as TF.js Layers.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { computeWeightsDigest, type Classifier } from '../../classifier.ts';
import { detectModelFormat, loadClassifierFromFiles } from '../index.ts';
import { saveModelToFiles } from '../tfjs-layers/save-layers.ts';
import { layersReader } from '../tfjs-layers/layers-reader.ts';
import { kerasReader as sut } from './keras-reader.ts';
import { editedLegacyConfig, expected, FIXTURE_NAMES, fixtureBytes, upload } from './keras-test-files.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const EXTENSIONS = ['keras', 'h5'] as const;
const REL_TOLERANCE = 1e-4;

async function load(name: string, ext: string): Promise<Classifier> {
  return sut.load(upload(`${name}.${ext}`, fixtureBytes(`${name}.${ext}`)), {});
}

function inputs(name: string): tf.Tensor {
  const e = expected(name);
  return tf.tensor(e.inputs.flat(), [e.inputs.length, ...e.inputShape]);
}

/** Largest |a - b| / |b| (|b| floored at 1e-6 so exact zeros compare absolutely). */
function worstRelative(actual: number[][], reference: number[][]): number {
  let worst = 0;
  actual.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - reference[i]![j]!) / Math.max(Math.abs(reference[i]![j]!), 1e-6)))));
  return worst;
}

for (const name of FIXTURE_NAMES) {
  for (const ext of EXTENSIONS) {
    test(`${name}.${ext}: outputs within ${REL_TOLERANCE} relative of Keras`, async () => {
      const e = expected(name);
      const classifier = await load(name, ext);
      try {
        assert.equal(classifier.format, 'KERAS');
        assert.deepEqual(classifier.inputShape, e.inputShape);
        const x = inputs(name);
        const raw = (classifier.model!.predict(x) as tf.Tensor).arraySync() as number[][];
        const worst = worstRelative(raw, e.outputs);
        assert.ok(worst <= REL_TOLERANCE, `worst relative difference ${worst}`);
        x.dispose();
      } finally {
        classifier.dispose();
      }
    });
  }
}

test('layout, classes and output kind are read from the model', async () => {
  const cases: Array<[string, string, number, string]> = [
    ['cnn', 'NHWC', 10, 'probabilities'],
    ['mobilenet', 'NHWC', 5, 'logits'],
    ['binary', 'FLAT', 2, 'probabilities'],
    ['nchw', 'NCHW', 3, 'probabilities'],
  ];
  for (const [name, layout, numClasses, outputKind] of cases) {
    const c = await load(name, 'keras');
    assert.deepEqual([c.layout, c.numClasses, c.outputKind], [layout, numClasses, outputKind], name);
    c.dispose();
  }
});

test('the binary classifier (one sigmoid output) scores two classes [1 - p, p]', async () => {
  const e = expected('binary');
  const c = await load('binary', 'h5');
  const x = inputs('binary');
  const two = c.predict(x).arraySync();
  const reference = e.outputs.map(([p]) => [1 - p!, p!]);
  assert.ok(worstRelative(two, reference) <= REL_TOLERANCE, JSON.stringify(two));
  tf.dispose(x);
  c.dispose();
});

test('the weights digest equals an independent computation and the digest of the model saved as TF.js Layers', async () => {
  for (const name of FIXTURE_NAMES) {
    const e = expected(name);
    for (const ext of EXTENSIONS) {
      const c = await load(name, ext);
      assert.deepEqual(
        c.weights().map((w) => w.name).sort(),
        e.weights.map((w) => w.name).sort(),
        `${name}.${ext} weight names`,
      );
      assert.equal(computeWeightsDigest(c), e.weightsDigest, `${name}.${ext} digest (Python)`);
      const asLayers = await layersReader.load(await saveModelToFiles(c.model!), {});
      assert.equal(asLayers.format, 'TFJS_LAYERS');
      assert.equal(computeWeightsDigest(asLayers), computeWeightsDigest(c), `${name}.${ext} digest (TF.js Layers)`);
      asLayers.dispose();
      c.dispose();
    }
  }
});

test('input gradients agree with central finite differences', async () => {
  for (const name of ['cnn', 'mobilenet', 'nchw']) {
    const c = await load(name, 'keras');
    const x0 = tf.tidy(() => inputs(name).slice(0, 1));
    const numClasses = c.numClasses;
    const weights = tf.tidy(() => tf.randomNormal([1, numClasses], 0, 1, 'float32', 7));
    // A scalar of every class score, so every output contributes to the gradient.
    const f = (x: tf.Tensor) => tf.sum(tf.mul(c.predict(x), weights));
    const grad = tf.tidy(() => tf.grad(f)(x0));
    const g = grad.dataSync();
    const base = x0.dataSync();
    const eps = 1e-2;
    let checked = 0;
    for (let k = 0; k < 12; k++) {
      const i = (k * 7919) % base.length;
      const at = (delta: number) =>
        tf.tidy(() => {
          const v = Float32Array.from(base);
          v[i] = v[i]! + delta;
          return f(tf.tensor(v, x0.shape)).dataSync()[0]!;
        });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(numeric - g[i]!) <= 2e-3 + 2e-2 * Math.abs(g[i]!), `${name} d/dx[${i}]: analytic ${g[i]} numeric ${numeric}`);
      checked++;
    }
    assert.equal(checked, 12);
    tf.dispose([x0, weights, grad]);
    c.dispose();
  }
});

test('uploads are detected as KERAS by name and magic bytes', () => {
  assert.equal(detectModelFormat(upload('cnn.keras', fixtureBytes('cnn.keras'))).format, 'KERAS');
  assert.equal(detectModelFormat(upload('cnn.h5', fixtureBytes('cnn.h5'))).format, 'KERAS');
  // A lone file without a Keras name, recognised by its magic bytes.
  assert.equal(detectModelFormat(upload('upload.bin', fixtureBytes('cnn.keras'))).format, 'KERAS');
  assert.equal(detectModelFormat(upload('upload.bin', fixtureBytes('cnn.h5'))).format, 'KERAS');
  assert.equal(sut.detect(upload('notes.zip', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]))), false);
  assert.equal(sut.detect(upload('model.json', new TextEncoder().encode('{}'))), false);
});

test('loadClassifierFromFiles reads a .keras upload with its limits', async () => {
  const c = await loadClassifierFromFiles(upload('m.keras', fixtureBytes('mobilenet.keras')), { maxParameters: expected('mobilenet').parameters });
  assert.equal(c.format, 'KERAS');
  c.dispose();
});

test('withWeights keeps the Keras format', async () => {
  const c = await load('cnn', 'keras');
  const changed = await c.withWeights((_name, w) => tf.mul(w, 1));
  assert.equal(changed.format, 'KERAS');
  assert.equal(computeWeightsDigest(changed), computeWeightsDigest(c));
  changed.dispose();
  c.dispose();
});

/** A Keras 3 config in the Keras 2 form (what tf.keras 2.x wrote into .h5 model_config). */
function asKeras2(config: any): void {
  delete config.module;
  delete config.registered_name;
  delete config.build_config;
  const triple = (h: any) => [h[0], h[1], h[2]];
  if (!Array.isArray(config.config.input_layers[0])) config.config.input_layers = [triple(config.config.input_layers)];
  if (!Array.isArray(config.config.output_layers[0])) config.config.output_layers = [triple(config.config.output_layers)];
  for (const l of config.config.layers) {
    delete l.module;
    delete l.registered_name;
    delete l.build_config;
    l.config.dtype = 'float32';
    if (l.class_name === 'InputLayer') {
      l.config.batch_input_shape = l.config.batch_shape;
      delete l.config.batch_shape;
      delete l.config.optional;
    }
    l.inbound_nodes = l.inbound_nodes.map((node: any) =>
      node.args.flatMap((arg: any) => (Array.isArray(arg) ? arg : [arg]).map((t: any) => [...t.config.keras_history, {}])),
    );
  }
}

test('a legacy .h5 with a Keras 2 config (string dtypes, batch_input_shape, list inbound_nodes) computes as Keras', async () => {
  const bytes = await editedLegacyConfig('mobilenet', asKeras2);
  const c = await sut.load(upload('mobilenet.h5', bytes), {});
  const x = inputs('mobilenet');
  const out = (c.model!.predict(x) as tf.Tensor).arraySync() as number[][];
  assert.ok(worstRelative(out, expected('mobilenet').outputs) <= REL_TOLERANCE);
  tf.dispose(x);
  c.dispose();
});
