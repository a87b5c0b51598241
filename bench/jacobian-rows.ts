/**
 * JUNCTION's Jacobian rows with one forward pass per trigger (issue 19 item 3): the k + 1 rows
 * d log p[c] / dx of each trigger from `logpGradientRows` (one forward pass, k + 1 backward passes,
 * backend/input-vjps.ts) against the previous way, one `tf.grad` (forward + backward) per row in
 * micro-batches of rows, alternating in one process so both see the same load.
 *
 *   npx tsx bench/jacobian-rows.ts [--model resnet18-cifar] [--triggers 100] [--rows 10] [--rounds 3]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { classifierFromModel, initBackend } from '../src/engine/index.ts';
import { logProbabilities } from '../src/engine/model/classifier.ts';
import type { Classifier } from '../src/engine/index.ts';
import { forEachMicroBatch, logpGradientRows } from '../src/engine/model/micro-batch.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { buildSyntheticModel, calibrationBatch, type SyntheticModelName } from './synthetic-models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet18-cifar' },
    triggers: { type: 'string', default: '100' },
    rows: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});

/** The previous logpGradientRows: every row its own forward and backward pass, rows in micro-batches. */
function rowsOnePassEach(classifier: Classifier, data: Float32Array, n: number, examples: Int32Array, classes: Int32Array): Float32Array {
  const D = data.length / n;
  const K = classifier.numClasses;
  const out = new Float32Array(examples.length * D);
  forEachMicroBatch(classifier, 'gradient', examples.length, {}, (start, count) => {
    const batch = new Float32Array(count * D);
    for (let r = 0; r < count; r++) batch.set(data.subarray(examples[start + r]! * D, (examples[start + r]! + 1) * D), r * D);
    const g = tf.tidy(() => {
      const xs = tf.tensor(batch, [count, ...classifier.inputShape]);
      const selector = tf.oneHot(tf.tensor1d(classes.subarray(start, start + count), 'int32'), K).toFloat();
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(logProbabilities(classifier, v), selector)))(xs);
    });
    out.set(g.dataSync() as Float32Array, start * D);
    g.dispose();
  });
  return out;
}

async function main(): Promise<void> {
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const classifier = classifierFromModel(buildSyntheticModel(values.model as SyntheticModelName));
  const n = Number(values.triggers);
  const k1 = Number(values.rows);
  const xs = calibrationBatch(classifier.inputShape, n, 5);
  const data = xs.dataSync() as Float32Array;
  xs.dispose();
  const examples = Int32Array.from({ length: n * k1 }, (_, r) => Math.floor(r / k1));
  const classes = Int32Array.from({ length: n * k1 }, (_, r) => (r * 37 + Math.floor(r / k1)) % classifier.numClasses);
  console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`${values.model}: ${n} triggers x ${k1} rows`);
  let maxDifference = 0;
  for (let round = 0; round < Number(values.rounds); round++) {
    let t = Date.now();
    const before = rowsOnePassEach(classifier, data, n, examples, classes);
    const beforeMs = Date.now() - t;
    t = Date.now();
    const after = logpGradientRows(classifier, data, n, examples, classes);
    const afterMs = Date.now() - t;
    for (let i = 0; i < after.length; i++) maxDifference = Math.max(maxDifference, Math.abs(after[i]! - before[i]!));
    console.log(`round ${round}: one pass per row ${(beforeMs / 1000).toFixed(1)} s, one forward per trigger ${(afterMs / 1000).toFixed(1)} s, ratio ${(beforeMs / afterMs).toFixed(2)}x, load ${os.loadavg()[0]!.toFixed(1)}`);
  }
  console.log(`max |difference| between the two: ${maxDifference.toExponential(2)}`);
  classifier.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
