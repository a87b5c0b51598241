import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index.ts';
import { latentsFromSeed } from '../key.ts';
import { logProbabilities, type Classifier } from '../model/classifier.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { passCost } from '../model/micro-batch.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { generateTriggers } from './generate.ts';
import { ConvGenerator } from './generator.ts';
import { projectToJunction } from './junction.ts';
import { searchJunctionOnGrid } from './grid-search.ts';
import { isEngineError } from '../errors.ts';
import { labelMargins, type LossKind } from './loss.ts';
import { normaliseLoss, triggerLoss } from './objectives/index.ts';
import { microBatchedGeneratorStep } from './micro-batched-loss.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const MB = 1024 * 1024;
/** A budget (MB) that fits exactly `m` examples of a gradient pass. */
function budgetFor(c: Classifier, m: number): number {
  const cost = passCost(c, 'gradient');
  return (cost.fixedBytes + m * cost.perExampleBytes + 1) / MB;
}

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-5): void {
  assert.equal(actual.length, expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= rel * scale + 1e-9, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (scale ${scale})`);
  }
}

for (const kind of ['CE_ONLY', 'CE_VARIANCE', 'MARGIN'] as LossKind[]) {
  test(`${kind}: the micro-batched generator step equals the whole-batch one (batch-norm generator)`, () => {
    const classifier = classifierFromModel(buildTinyClassifier({ seed: 'mb-loss', numClasses: 4, softmax: kind !== 'MARGIN' }));
    const n = 11;
    const generator = new ConvGenerator(classifier.inputShape, { latentDim: 8, width: 4, batchNorm: true }, 'mb-loss');
    const z = tf.tensor2d(latentsFromSeed('mb-loss', n, 8), [n, 8]);
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 3) % 4);
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat()) as tf.Tensor2D;
    const loss = normaliseLoss({ kind }, 4);
    let wholeMargins: tf.Tensor | undefined;
    const whole = tf.variableGrads(() => {
      const logp = logProbabilities(classifier, generator.apply(z));
      wholeMargins = tf.keep(labelMargins(logp, oneHot));
      return triggerLoss(loss, logp, oneHot);
    }, generator.variables);
    const batches: number[] = [];
    const sut = microBatchedGeneratorStep(classifier, () => generator.apply(z), generator.variables, loss, labels, {
      memoryBudgetMb: budgetFor(classifier, 3),
      onMicroBatch: (p) => (p.total === 4 ? batches.push(p.done) : undefined),
    });
    // (CE_VARIANCE first runs a forward pass for the softmax mean, in its own, larger micro-batches.)
    assert.deepEqual(batches, [1, 2, 3, 4], 'the gradient pass: 11 triggers in micro-batches of 3');
    closeTo(sut.value.dataSync(), whole.value.dataSync(), 'loss');
    closeTo(sut.margins.dataSync(), wholeMargins!.dataSync(), 'margins');
    const names = Object.keys(whole.grads);
    assert.deepEqual(Object.keys(sut.grads).sort(), [...names].sort());
    for (const name of names) closeTo(sut.grads[name]!.dataSync(), whole.grads[name]!.dataSync(), `grad ${name}`, 1e-4);
    tf.dispose([whole.value, wholeMargins!, sut.value, sut.x, sut.margins, z, oneHot]);
    tf.dispose(whole.grads);
    tf.dispose(sut.grads);
    generator.dispose();
    classifier.dispose();
  });
}

test('JUNCTION: generation with a budget for 4 triggers per pass gives the triggers of the whole-batch run', async () => {
  const classifier = classifierFromModel(buildTinyClassifier({ seed: 'mb-junction', numClasses: 3, softmax: false }));
  const key = { labels: Int32Array.from({ length: 12 }, (_, i) => i % 3), numClasses: 3, latentSeed: 'mb-junction', latentDim: 16 };
  const common = { key, generator: { width: 4, latentDim: 16 }, now: () => new Date(0) } as const;
  const whole = await generateTriggers(classifier, common);
  let microBatches = 0;
  const sut = await generateTriggers(classifier, { ...common, memoryBudgetMb: budgetFor(classifier, 4), onMicroBatch: () => microBatches++ });
  assert.ok(microBatches >= 3, `the generator step and the junction ran in micro-batches (${microBatches} reported)`);
  assert.equal(sut.steps, whole.steps);
  closeTo(sut.triggerSet.data, whole.triggerSet.data, 'triggers', 1e-4);
  closeTo(sut.margins, whole.margins, 'margins', 1e-1);
  // The junction step itself, from the same start, micro-batched against whole.
  const start = whole.triggerSet.data.map((v, i) => v + 0.01 * Math.sin(i));
  const a = await projectToJunction(classifier, start, key.labels, { marginTarget: 1e-3, competitors: 2 });
  const b = await projectToJunction(classifier, start, key.labels, { marginTarget: 1e-3, competitors: 2, memoryBudgetMb: budgetFor(classifier, 5) });
  assert.equal(b.iterations, a.iterations);
  closeTo(b.data, a.data, 'junction triggers', 1e-5);
  classifier.dispose();
});

test('UINT8 grid search: micro-batched Jacobians give the whole-batch grid points', async () => {
  const classifier = classifierFromModel(buildTinyClassifier({ seed: 'mb-grid', numClasses: 4 }));
  const domain = { min: 0, max: 1, encoding: 'UINT8' } as const;
  const n = 10;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const start = Float32Array.from({ length: n * 64 }, (_, i) => 0.5 + 0.4 * Math.sin(i * 1.3));
  const options = { domain, marginTargets: new Float64Array(n).fill(0.05), competitors: 3, keepUnconverged: true } as const;
  const whole = await searchJunctionOnGrid(classifier, start, labels, options);
  const sut = await searchJunctionOnGrid(classifier, start, labels, { ...options, memoryBudgetMb: budgetFor(classifier, 3), signal: new AbortController().signal });
  assert.ok(whole.iterations >= 2, `the search moved (${whole.iterations} iterations)`);
  assert.equal(sut.iterations, whole.iterations);
  assert.deepEqual(sut.data, whole.data);
  assert.deepEqual(sut.unconverged, whole.unconverged);
  const cancel = new AbortController();
  cancel.abort();
  await assert.rejects(searchJunctionOnGrid(classifier, start, labels, { ...options, signal: cancel.signal }), (e) => isEngineError(e, 'CANCELLED'));
  classifier.dispose();
});
