/**
 * JUNCTION convergence on models other than the reference MNIST CNN: how many projection
 * iterations, and whether every trigger converges, on deterministic tiny CNNs with many classes
 * (src/engine/model/tiny.ts). Generation time here is dominated by the warm start.
 *
 *   npx tsx bench/junction-convergence.ts [--classes 100] [--shape 32,32,3] [--runs 8] [--competitors 9]
 *
 * With --keys N: N fresh random keys of 12 triggers on one 3-class tiny model (the serving tests'
 * `serving-3`), the whole default generation each time; counts the runs that end GENERATION_FAILED
 * (a trigger that never reached its band) and the projection's iterations.
 */
import { parseArgs } from 'node:util';
import { classifierFromModel, generateTriggers, initBackend } from '../src/engine/index.ts';
import { projectToJunction } from '../src/engine/generation/junction.ts';
import { buildTinyClassifier } from '../src/engine/model/tiny.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    classes: { type: 'string', default: '100' },
    shape: { type: 'string', default: '32,32,3' },
    runs: { type: 'string', default: '8' },
    competitors: { type: 'string', default: '9' },
    keys: { type: 'string' },
  },
});

async function keySweep(runs: number): Promise<void> {
  const model = buildTinyClassifier({ seed: 'serving-3' });
  const classifier = classifierFromModel(model);
  const iterations: number[] = [];
  let failures = 0;
  for (let run = 0; run < runs; run++) {
    try {
      const g = await generateTriggers(classifier, { generator: { width: 4, latentDim: 16 }, count: 12, maxSteps: 300 });
      iterations.push((g.triggerSet.metadata.parameters['refinement'] as { iterations: number }).iterations);
    } catch (e) {
      failures++;
      console.log(`key ${run}: FAILED ${(e as Error).message}`);
    }
  }
  iterations.sort((a, b) => a - b);
  const at = (q: number) => iterations[Math.min(iterations.length - 1, Math.floor(q * iterations.length))];
  console.log(`${failures} of ${runs} keys failed; iterations median ${at(0.5)}, p99 ${at(0.99)}, max ${iterations.at(-1)}`);
  model.dispose();
}

async function main(): Promise<void> {
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  if (values.keys !== undefined) return keySweep(Number(values.keys));
  const shape = values.shape.split(',').map(Number) as [number, number, number];
  const numClasses = Number(values.classes);
  let failures = 0;
  for (let run = 0; run < Number(values.runs); run++) {
    // Alternate softmax and logit outputs; each run has its own random model and key.
    const model = buildTinyClassifier({ inputShape: shape, numClasses, seed: `junction-bench/${run}`, softmax: run % 2 === 0 });
    const classifier = classifierFromModel(model);
    const warm = await generateTriggers(classifier, { count: 100, loss: { kind: 'CE_ONLY' } });
    const t0 = Date.now();
    try {
      const r = await projectToJunction(classifier, warm.triggerSet.data, warm.triggerSet.labels, { marginTarget: 1e-3, competitors: Number(values.competitors) });
      console.log(`run ${run}: converged in ${r.iterations} iterations, ${Date.now() - t0} ms`);
    } catch (e) {
      failures++;
      console.log(`run ${run}: FAILED ${(e as Error).message}`);
    } finally {
      model.dispose();
    }
  }
  console.log(`${failures} of ${values.runs} runs failed (${numClasses} classes, input ${shape.join('x')})`);
}

await main();
