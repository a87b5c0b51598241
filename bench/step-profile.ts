/**
 * Benchmark helper: where the time of one generation step goes, kernel by kernel (wasm).
 *
 *   FRAGMARK_WASM_THREADS=1 npx tsx bench/step-profile.ts [--steps 10] [--top 40]
 *
 * Runs bench/step.ts's step (default generator, N = 100, reference MNIST CNN, CE_VARIANCE, Adam)
 * under `tf.profile` after 3 warm-up steps and prints, per kernel name and per kernel with its input
 * shapes, the mean time per step. Kernels our composed kernels run inside themselves are listed
 * too (a Conv2DBackpropInput's inner Conv2D appears under both), so the column does not add up to
 * the step. Profiling adds overhead: time the step with bench/step.ts. Record figures in
 * bench/RESULTS.md.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend/index.ts';
import { loadClassifierFromDir, logProbabilities } from '../src/engine/model/classifier.ts';
import { ConvGenerator, DEFAULT_GENERATOR } from '../src/engine/generation/generator.ts';
import { labelMargins, triggerLoss, PAPER_LOSS } from '../src/engine/generation/loss.ts';
import { createAdam } from '../src/engine/generation/adam.ts';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '10' }, top: { type: 'string', default: '40' } } });
const steps = Number(values.steps);
const root = fileURLToPath(new URL('..', import.meta.url));

const info = await initBackend({ backend: 'wasm', log: () => {} });
const classifier = await loadClassifierFromDir(path.join(root, 'fixtures', 'mnist-cnn'));
const generator = new ConvGenerator(classifier.inputShape, DEFAULT_GENERATOR, 'bench-step');
const n = 100;
const z = tf.randomNormal([n, DEFAULT_GENERATOR.latentDim], 0, 1, 'float32', 1) as tf.Tensor2D;
const oneHot = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % classifier.numClasses), 'int32'), classifier.numClasses).toFloat() as tf.Tensor2D;
const optimizer = createAdam(1e-2, 0.5, 0.999);

async function step(): Promise<void> {
  let margins: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const logp = logProbabilities(classifier, generator.apply(z));
    margins = tf.keep(labelMargins(logp, oneHot));
    return triggerLoss(PAPER_LOSS, logp, oneHot);
  }, generator.variables);
  await margins!.data();
  await value.data();
  optimizer.applyGradients(grads as never);
  value.dispose();
  margins!.dispose();
  tf.dispose(grads);
}

for (let i = 0; i < 3; i++) await step();
const byShape = new Map<string, { ms: number; calls: number }>();
let wall = 0;
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  const profile = await tf.profile(step);
  wall += performance.now() - t0;
  for (const k of profile.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const entry = byShape.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += (await k.kernelTimeMs) as number;
    entry.calls++;
    byShape.set(key, entry);
  }
}
const byName = new Map<string, number>();
for (const [key, v] of byShape) byName.set(key.split(' ')[0]!, (byName.get(key.split(' ')[0]!) ?? 0) + v.ms);
const calls = [...byShape.values()].reduce((s, v) => s + v.calls, 0) / steps;
console.log(`wasm, ${info.threads} thread(s): profiled step ${(wall / steps).toFixed(1)} ms, ${calls} kernel calls per step`);
console.log('\nms/step by kernel:');
for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(ms / steps).toFixed(2).padStart(7)}  ${name}`);
console.log('\nms/step by kernel and input shapes (calls per step):');
for (const [key, v] of [...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top))) {
  console.log(`${(v.ms / steps).toFixed(2).padStart(7)}  x${v.calls / steps}  ${key}`);
}
