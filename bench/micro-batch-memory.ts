/**
 * Bounded memory (issue 19 item 1): peak tensor memory of the engine's largest pass, the
 * Jacobian row of JUNCTION (forward + input gradient over every trigger), and of a forward pass,
 * on a ResNet-18-size model, with and without micro-batching.
 *
 * The model: ResNet-18 (He et al. 2016, Table 1: 7x7/2 conv, max pool, 4 stages of 2 basic blocks
 * of 64-128-256-512 channels, batch norm, global average pool, 1000 classes; 11.7M parameters),
 * built here as a TF.js Layers model with random weights, 224x224x3. "Without" runs the pass on
 * every trigger in one batch (a budget large enough for all); "with" uses the budget given.
 * Peaks are tensor bytes as TF.js counts them (model/micro-batch.ts, `peakTensorBytes`).
 *
 *   npx tsx bench/micro-batch-memory.ts [--count 8] [--budget 512] [--size 224]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { classifierFromModel, initBackend } from '../src/engine/index.ts';
import { microBatchSize, passCost, peakTensorBytes, selectedLogpGradients, logProbabilitiesInBatches } from '../src/engine/model/micro-batch.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '8' },
    budget: { type: 'string', default: '512' },
    size: { type: 'string', default: '224' },
  },
});

function resnet18(size: number): tf.LayersModel {
  let seed = 1;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const input = tf.input({ shape: [size, size, 3] });
  const convBn = (x: tf.SymbolicTensor, filters: number, kernel: number, strides: number, relu: boolean): tf.SymbolicTensor => {
    let y = tf.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
    return relu ? (tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor) : y;
  };
  let x = convBn(input, 64, 7, 2, true);
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  let channels = 64;
  for (const [stage, filters] of [64, 128, 256, 512].entries()) {
    for (let block = 0; block < 2; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      const y = convBn(convBn(x, filters, 3, strides, true), filters, 3, 1, false);
      const shortcut = strides !== 1 || channels !== filters ? convBn(x, filters, 1, strides, false) : x;
      x = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor) as tf.SymbolicTensor;
      channels = filters;
    }
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1000, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(0);

async function main(): Promise<void> {
  const backend = await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const size = Number(values.size);
  const n = Number(values.count);
  const budget = Number(values.budget);
  const model = resnet18(size);
  const classifier = classifierFromModel(model);
  console.log(`ResNet-18 ${size}x${size}x3, ${model.countParams()} parameters, ${n} triggers, backend ${backend.choice}, budget ${budget} MB`);
  let t0 = Date.now();
  const grad = passCost(classifier, 'gradient');
  const fwd = passCost(classifier, 'forward');
  console.log(`measured (${Date.now() - t0} ms): gradient pass ${mb(grad.fixedBytes)} MB + ${mb(grad.perExampleBytes)} MB/example; forward ${mb(fwd.fixedBytes)} MB + ${mb(fwd.perExampleBytes)} MB/example`);
  console.log(`micro-batch within ${budget} MB: gradient ${microBatchSize(classifier, 'gradient', budget)}, forward ${microBatchSize(classifier, 'forward', budget)}`);
  const data = Float32Array.from({ length: n * size * size * 3 }, (_, i) => Math.sin(i * 0.37));
  const classes = [Int32Array.from({ length: n }, (_, i) => (i * 97) % 1000)];
  const unbounded = 1e7;
  for (const [label, memoryBudgetMb] of [['without micro-batching', unbounded], [`micro-batched (${budget} MB)`, budget]] as const) {
    t0 = Date.now();
    let batches = 0;
    const peak = peakTensorBytes(() => void selectedLogpGradients(classifier, data, n, classes, { memoryBudgetMb, onMicroBatch: () => batches++ }));
    console.log(`Jacobian row (forward + input gradient), ${label}: peak ${mb(peak)} MB of tensors, ${batches} micro-batch(es), ${Date.now() - t0} ms`);
    t0 = Date.now();
    batches = 0;
    const fpeak = peakTensorBytes(() => void logProbabilitiesInBatches(classifier, data, n, { memoryBudgetMb, onMicroBatch: () => batches++ }));
    console.log(`forward, ${label}: peak ${mb(fpeak)} MB of tensors, ${batches} micro-batch(es), ${Date.now() - t0} ms`);
  }
  classifier.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
