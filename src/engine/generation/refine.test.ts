import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../backend/index.ts';
import { gaussianNoise } from '../attacks/weights.ts';
import { classifierFromModel } from '../model/formats/index.ts';
import { passCost } from '../model/micro-batch.ts';
import { buildTinyClassifier } from '../model/tiny.ts';
import { SeededStream } from '../util/prng.ts';
import { refineSensitive as sut } from './refine.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const MB = 1024 * 1024;

test('SENSITIVE refinement over micro-batches of triggers gives the whole-batch triggers, margins and flips', async () => {
  const model = buildTinyClassifier({ seed: 'refine-mb', numClasses: 4, softmax: false });
  const classifier = classifierFromModel(model);
  const sims = [await gaussianNoise(model, { std: 3e-2, seed: 'sim-a' }), await gaussianNoise(model, { std: 3e-2, seed: 'sim-b' })];
  const n = 10;
  const rng = new SeededStream('refine-mb', 'inputs');
  const x0 = Float32Array.from({ length: n * 64 }, () => rng.nextUint32() / 2 ** 32);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const options = { steps: 12, noiseStd: [], bounds: { min: 0, max: 1 } };

  const whole = await sut(classifier, x0, labels, sims, 1e-3, 1, options);
  // A budget for 6 examples of one gradient pass: 2 triggers per pass through the clean and 2 simulated models.
  const cost = passCost(classifier, 'gradient');
  const progress: number[] = [];
  const batched = await sut(classifier, x0, labels, sims, 1e-3, 1, {
    ...options,
    memoryBudgetMb: (cost.fixedBytes + 6 * cost.perExampleBytes + 1) / MB,
    onMicroBatch: (p) => progress.push(p.total),
  });
  assert.ok(progress.length > 0 && progress.every((total) => total === 5), `10 triggers in micro-batches of 2: ${[...new Set(progress)]}`);
  assert.equal(batched.steps, whole.steps);
  assert.equal(batched.projectionIterations, whole.projectionIterations);
  assert.equal(batched.simulatedFlipFraction, whole.simulatedFlipFraction);
  for (let i = 0; i < whole.data.length; i++) assert.ok(Math.abs(batched.data[i]! - whole.data[i]!) <= 1e-4, `x[${i}]: ${batched.data[i]} vs ${whole.data[i]}`);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(batched.margins[i]! - whole.margins[i]!) <= 1e-5, `margin ${i}: ${batched.margins[i]} vs ${whole.margins[i]}`);
  for (const sim of sims) sim.dispose();
  classifier.dispose();
});
