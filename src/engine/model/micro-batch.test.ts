import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { isEngineError } from '../errors.ts';
import { logProbabilities, predictLabels, predictLabelsYielding, type Classifier } from './classifier.ts';
import { readFileSync } from 'node:fs';
import { classifierFromModel, loadClassifierFromFiles } from './formats/index.ts';
import { buildTinyClassifier } from './tiny.ts';
import { forEachExampleLogpGradients, logProbabilitiesInBatches, microBatchSize, passCost, peakTensorBytes, selectedLogpGradients, type LogpRow, type PassKind } from './micro-batch.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const MB = 1024 * 1024;
const classifier = () => classifierFromModel(buildTinyClassifier({ seed: 'micro-batch', inputShape: [12, 12, 2], numClasses: 5, softmax: false }));

/** A budget (MB) that fits exactly `m` examples of a `kind` pass. */
function budgetFor(c: Classifier, kind: PassKind, m: number): number {
  const cost = passCost(c, kind);
  return (cost.fixedBytes + m * cost.perExampleBytes + 1) / MB;
}

function inputs(n: number, per: number): Float32Array {
  return Float32Array.from({ length: n * per }, (_, i) => Math.sin(i * 0.7) * 2);
}

function closeTo(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-6 * scale + 1e-7, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('peakTensorBytes reads the same peak as tf.profile', async () => {
  const c = classifier();
  const x = tf.zeros([4, ...c.inputShape]);
  const pass = () => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(logProbabilities(c, v)))(x));
  const before = tf.memory().numBytes;
  const profiled = await tf.profile(() => tf.dispose(pass()));
  const sut = peakTensorBytes(() => tf.dispose(pass()));
  assert.ok(sut > 0);
  assert.equal(sut, profiled.peakBytes - before);
  x.dispose();
  c.dispose();
});

test('passCost: a gradient pass costs more per example than a forward pass, and grows with the input', () => {
  const c = classifier();
  const forward = passCost(c, 'forward');
  const gradient = passCost(c, 'gradient');
  assert.ok(forward.perExampleBytes >= 12 * 12 * 2 * 4, `forward ${forward.perExampleBytes} B per example`);
  assert.ok(gradient.perExampleBytes > forward.perExampleBytes, `gradient ${gradient.perExampleBytes} B vs forward ${forward.perExampleBytes} B`);
  const big = classifierFromModel(buildTinyClassifier({ seed: 'micro-batch', inputShape: [24, 24, 2], numClasses: 5 }));
  assert.ok(passCost(big, 'gradient').perExampleBytes > 3 * gradient.perExampleBytes, '4x the pixels, over 3x the bytes');
  big.dispose();
  c.dispose();
});

test('microBatchSize shrinks with the budget, and a budget too small for one example is a clear error', () => {
  const c = classifier();
  const sut = (mb: number) => microBatchSize(c, 'gradient', mb);
  assert.equal(sut(budgetFor(c, 'gradient', 7)), 7);
  assert.equal(sut(budgetFor(c, 'gradient', 3)), 3);
  assert.equal(sut(budgetFor(c, 'gradient', 1)), 1);
  assert.ok(sut(2048) > sut(1));
  const cost = passCost(c, 'gradient');
  const tooSmall = (cost.fixedBytes + cost.perExampleBytes - 1) / MB;
  assert.throws(
    () => sut(tooSmall),
    (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /too small for one example/.test(e.message) && /needs [\d.]+ MB/.test(e.message),
  );
  assert.throws(() => sut(0), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /positive number of MB/.test(e.message));
  c.dispose();
});

test('micro-batched forward and labels equal the whole batch', () => {
  const c = classifier();
  const n = 10;
  const per = 12 * 12 * 2;
  const data = inputs(n, per);
  const whole = tf.tidy(() => logProbabilities(c, tf.tensor(data, [n, ...c.inputShape])).dataSync() as Float32Array);
  const progress: number[] = [];
  const sut = logProbabilitiesInBatches(c, data, n, { memoryBudgetMb: budgetFor(c, 'forward', 3), onMicroBatch: (p) => progress.push(p.done / p.total) });
  assert.deepEqual(progress, [0.25, 0.5, 0.75, 1], '4 micro-batches of at most 3');
  closeTo(sut, whole, 'logp');
  const x = tf.tensor(data, [n, ...c.inputShape]);
  assert.deepEqual(predictLabels(c, x, undefined, { memoryBudgetMb: budgetFor(c, 'forward', 2) }), predictLabels(c, x, n));
  x.dispose();
  c.dispose();
});

test('yielding labels: the same labels, and the event loop runs between micro-batches (a cancellation lands)', async () => {
  const c = classifier();
  const n = 10;
  const x = tf.tensor(inputs(n, 12 * 12 * 2), [n, ...c.inputShape]);
  const budget = { memoryBudgetMb: budgetFor(c, 'forward', 2) };
  const progress: number[] = [];
  assert.deepEqual(await predictLabelsYielding(c, x, { ...budget, onMicroBatch: (p) => progress.push(p.done) }), predictLabels(c, x, n));
  assert.deepEqual(progress, [1, 2, 3, 4, 5], '5 micro-batches of 2');
  // Aborted from a callback queued after the call: it can only run if the call hands the loop back.
  const controller = new AbortController();
  const done: number[] = [];
  const run = predictLabelsYielding(c, x, { ...budget, signal: controller.signal, onMicroBatch: (p) => done.push(p.done) });
  setImmediate(() => controller.abort());
  await assert.rejects(run, (e: unknown) => isEngineError(e, 'CANCELLED') && /before micro-batch 2 of 5/.test(e.message));
  assert.deepEqual(done, [1]);
  x.dispose();
  c.dispose();
});

test('micro-batched input gradients (Jacobian rows) equal the whole batch; cancellation between micro-batches', () => {
  const c = classifier();
  const n = 9;
  const per = 12 * 12 * 2;
  const data = inputs(n, per);
  const classes = [Int32Array.from({ length: n }, (_, i) => i % 5), Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : (i + 2) % 5))];
  const whole = classes.map((cls) =>
    tf.tidy(() => {
      const selector = tf.oneHot(tf.tensor1d(cls, 'int32'), 5).toFloat();
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(logProbabilities(c, v), selector)))(tf.tensor(data, [n, ...c.inputShape])).dataSync() as Float32Array;
    }),
  );
  const tensors = tf.memory().numTensors;
  const sut = selectedLogpGradients(c, data, n, classes, { memoryBudgetMb: budgetFor(c, 'gradient', 2) });
  assert.equal(tf.memory().numTensors, tensors, 'no leaked tensors');
  sut.forEach((g, j) => closeTo(g, whole[j]!, `gradient ${j}`));
  assert.ok(sut[1]!.subarray(0, per).every((v) => v === 0), 'selector -1 gives a zero row');
  const controller = new AbortController();
  let calls = 0;
  assert.throws(
    () =>
      selectedLogpGradients(c, data, n, classes, {
        memoryBudgetMb: budgetFor(c, 'gradient', 2),
        signal: controller.signal,
        onMicroBatch: () => (++calls === 2 ? controller.abort() : undefined),
      }),
    // The rows of one example share its forward pass: micro-batches of 2 of the 9 examples.
    (e: unknown) => isEngineError(e, 'CANCELLED') && /before micro-batch 3 of 5/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, tensors, 'no leaked tensors after cancellation');
  c.dispose();
});

test('a gap row [a, b] is the gradient of log p[a] - log p[b] in one backward pass, beside single-class rows', () => {
  const c = classifier();
  const per = 12 * 12 * 2;
  const n = 4;
  const data = inputs(n, per);
  const rowsOf = new Map<number, LogpRow[]>([
    [0, [[1, 3], 2]],
    [2, [4, [0, 4], [2, 1]]],
  ]);
  const single = (e: number, cls: number): Float32Array =>
    tf.tidy(() => {
      const selector = tf.oneHot(tf.tensor1d([cls], 'int32'), 5).toFloat();
      const x = tf.tensor(data.subarray(e * per, (e + 1) * per), [1, ...c.inputShape]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(logProbabilities(c, v), selector)))(x).dataSync() as Float32Array;
    });
  const seen: number[] = [];
  forEachExampleLogpGradients(c, data, n, rowsOf, { memoryBudgetMb: budgetFor(c, 'gradient', 1) }, (e, rows) => {
    seen.push(e);
    rowsOf.get(e)!.forEach((row, j) => {
      const expected =
        typeof row === 'number' ? single(e, row) : (() => {
          const [a, b] = [single(e, row[0]), single(e, row[1])];
          return a.map((v, d) => v - b[d]!);
        })();
      closeTo(rows.subarray(j * per, (j + 1) * per), Float32Array.from(expected), `example ${e} row ${j}`);
    });
  });
  assert.deepEqual(seen, [0, 2], 'every example once, in order');
  c.dispose();
});

test('an ONNX classifier (NCHW MobileNet fixture): measured, and micro-batched gradients equal the whole batch', async () => {
  const name = 'mobilenet-opset13.onnx';
  const c = await loadClassifierFromFiles(new Map([[name, new Uint8Array(readFileSync(new URL(`../../../test/fixtures/onnx/${name}`, import.meta.url)))]]));
  const n = 5;
  const data = inputs(n, 3 * 32 * 32);
  const classes = [Int32Array.from({ length: n }, (_, i) => i)];
  const whole = selectedLogpGradients(c, data, n, classes, { memoryBudgetMb: 1e6 })[0]!;
  let batches = 0;
  const sut = selectedLogpGradients(c, data, n, classes, { memoryBudgetMb: budgetFor(c, 'gradient', 2), onMicroBatch: () => batches++ })[0]!;
  assert.equal(batches, 3);
  closeTo(sut, whole, 'ONNX gradient');
  c.dispose();
});
