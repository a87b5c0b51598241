/**
 * Benchmark helper: where the time of one generation step goes, kernel by kernel (wasm).
 *
 *   FRAGMARK_WASM_THREADS=1 npx tsx bench/step-profile.ts [--steps 10] [--top 40]
 *
 * Runs bench/step.ts's step (bench/generation-step.ts) under `tf.profile` after 3 warm-up steps
 * and prints, per kernel name and per kernel with its input shapes, the mean time per step.
 * Kernels our composed kernels run inside themselves are listed too (a Conv2DBackpropInput's
 * inner Conv2D appears under both), so the column does not add up to the step. Profiling adds
 * overhead: time the step with bench/step.ts. Record figures in bench/RESULTS.md.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { createGenerationStep } from './generation-step.ts';
import { addKernelTimes, byKernelName, type KernelTimes } from './kernel-times.ts';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '10' }, top: { type: 'string', default: '40' } } });
const steps = Number(values.steps);
const generation = await createGenerationStep();
const step = () => generation.run();

for (let i = 0; i < 3; i++) await step();
const byShape: KernelTimes = new Map();
let wall = 0;
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  const profile = await tf.profile(step);
  wall += performance.now() - t0;
  await addKernelTimes(byShape, profile);
}
const byName = new Map([...byKernelName(byShape)].map(([name, v]) => [name, v.ms]));
const calls = [...byShape.values()].reduce((s, v) => s + v.calls, 0) / steps;
console.log(`wasm, ${generation.threads} thread(s): profiled step ${(wall / steps).toFixed(1)} ms, ${calls} kernel calls per step`);
console.log('\nms/step by kernel:');
for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(ms / steps).toFixed(2).padStart(7)}  ${name}`);
console.log('\nms/step by kernel and input shapes (calls per step):');
for (const [key, v] of [...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top))) {
  console.log(`${(v.ms / steps).toFixed(2).padStart(7)}  x${v.calls / steps}  ${key}`);
}
