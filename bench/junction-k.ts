/**
 * JUNCTION against k, the number of competitors tied with the key label (issue 19 item 3):
 * detection of a 1-step fine-tune and of weight noise, false alarms on benign changes, and cost
 * (time, junction iterations, examples run through the classifier), per k.
 *
 *   npx tsx bench/junction-k.ts [--ks 1,2,3,5,9] [--seeds 3] [--many-ks 3,9,19] [--many-runs 2]
 *
 * - Reference MNIST CNN (fixtures/mnist-cnn, 10 classes), 100 triggers (`generateTriggers` with
 *   loss JUNCTION, margin 1e-3, `competitors` k; exact float32, unbounded: the engine's defaults),
 *   per seed: the attacker's 1-step fine-tune on MNIST (bench/fragility.ts's attack, its own seed),
 *   Gaussian weight noise std 1e-5 and 1e-4; benign: a save/load round trip, the cpu backend.
 * - A 100-class tiny CNN (model/tiny.ts, 32x32x3, random weights: no data to fine-tune on) with
 *   k in --many-ks: weight noise std 1e-4 and the same benign changes.
 * Cell: mean fraction of triggers flipped, and (strict) runs detected (any flip) of all runs.
 * "examples" counts every example the classifier ran on, generation included (a forward pass of m
 * inputs counts m, a gradient row one): the cost the junction's skipping of converged triggers
 * and its rows of one stream of micro-batches bring down.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { classifierFromModel, generateTriggers, initBackend, layersModelOf, loadClassifierFromDir, loadClassifierFromFiles, loadMnist, predictLabels, saveModelToFiles } from '../src/engine/index.ts';
import type { Classifier, TriggerSet } from '../src/engine/index.ts';
import { fineTune } from '../src/engine/attacks/finetune.ts';
import { gaussianNoise } from '../src/engine/attacks/weights.ts';
import { buildTinyClassifier } from '../src/engine/model/tiny.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    ks: { type: 'string', default: '1,2,3,5,9' },
    seeds: { type: 'string', default: '3' },
    'many-ks': { type: 'string', default: '3,9,19' },
    'many-runs': { type: 'string', default: '2' },
  },
});

function flippedFraction(c: Classifier, set: TriggerSet): number {
  const x = tf.tensor(set.data, [set.labels.length, ...set.shape]);
  const p = predictLabels(c, x);
  x.dispose();
  return p.filter((v, i) => v !== set.labels[i]).length / p.length;
}

/** The classifier with every example it runs counted. */
function counted(c: Classifier): { classifier: Classifier; examples: () => number } {
  let examples = 0;
  return { classifier: { ...c, predict: (x) => ((examples += x.shape[0]!), c.predict(x)) }, examples: () => examples };
}

type Changes = Record<string, (seed: number) => Promise<Classifier>>;

interface Cell {
  flipped: number[];
}

async function measure(label: string, models: (run: number) => Promise<Classifier>, runs: number, ks: number[], changes: Changes): Promise<void> {
  const cells = new Map<string, Cell>();
  const costs = new Map<number, { seconds: number[]; iterations: number[]; examples: number[] }>();
  for (let run = 0; run < runs; run++) {
    const clean = await models(run);
    const changed: Record<string, Classifier> = {};
    for (const [name, make] of Object.entries(changes)) changed[name] = await make(run);
    for (const k of ks) {
      const { classifier, examples } = counted(clean);
      const t0 = Date.now();
      const r = await generateTriggers(classifier, { loss: { kind: 'JUNCTION', marginTarget: 1e-3, competitors: k }});
      const seconds = (Date.now() - t0) / 1000;
      const cost = costs.get(k) ?? { seconds: [], iterations: [], examples: [] };
      cost.seconds.push(seconds);
      cost.iterations.push((r.triggerSet.metadata as { parameters?: { refinement?: { iterations?: number } } }).parameters?.refinement?.iterations ?? Number.NaN);
      cost.examples.push(examples());
      costs.set(k, cost);
      for (const [name, c] of Object.entries(changed)) {
        const cell = cells.get(`${name}|${k}`) ?? { flipped: [] };
        cell.flipped.push(flippedFraction(c, r.triggerSet));
        cells.set(`${name}|${k}`, cell);
      }
      console.error(`${label} run ${run} k=${k}: ${seconds.toFixed(1)} s, ${examples()} examples, ${Object.keys(changed).map((n) => `${n} ${cells.get(`${n}|${k}`)!.flipped.at(-1)!.toFixed(2)}`).join(', ')}`);
    }
    for (const c of Object.values(changed)) c.dispose();
    clean.dispose();
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\n${label}, ${runs} runs\n\n| change | ${ks.map((k) => `k = ${k}`).join(' | ')} |\n|---|${ks.map(() => '---').join('|')}|`);
  for (const name of Object.keys(changes)) {
    console.log(`| ${name} | ${ks.map((k) => { const f = cells.get(`${name}|${k}`)!.flipped; return `${mean(f).toFixed(3)} / ${f.filter((v) => v > 0).length}/${f.length}`; }).join(' | ')} |`);
  }
  console.log(`| generation s (mean) | ${ks.map((k) => mean(costs.get(k)!.seconds).toFixed(1)).join(' | ')} |`);
  console.log(`| junction iterations (mean) | ${ks.map((k) => mean(costs.get(k)!.iterations).toFixed(1)).join(' | ')} |`);
  console.log(`| examples through the classifier (mean) | ${ks.map((k) => mean(costs.get(k)!.examples).toFixed(0)).join(' | ')} |`);
}

async function main(): Promise<void> {
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}, load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const mnist = await loadClassifierFromDir(path.join(here, '..', 'fixtures', 'mnist-cnn'));
  const train = loadMnist('train');
  const benign = (clean: () => Classifier): Changes => ({
    'save/load (benign)': async () => loadClassifierFromFiles(await saveModelToFiles(layersModelOf(clean()))),
  });
  await measure('MNIST CNN (10 classes)', async () => (await loadClassifierFromFiles(await saveModelToFiles(layersModelOf(mnist)))), Number(values.seeds), values.ks!.split(',').map(Number), {
    ...benign(() => mnist),
    'fine-tune, 1 step': async (seed) => classifierFromModel((await fineTune(layersModelOf(mnist), { data: train, steps: 1, seed: `attacker/${seed}` })).model),
    'weight noise std 1e-5': async (seed) => classifierFromModel(await gaussianNoise(layersModelOf(mnist), { std: 1e-5, seed: `noise/${seed}` })),
    'weight noise std 1e-4': async (seed) => classifierFromModel(await gaussianNoise(layersModelOf(mnist), { std: 1e-4, seed: `noise/${seed}` })),
  });
  let tiny: Classifier | undefined;
  const tinyModel = async (run: number) => {
    tiny = classifierFromModel(buildTinyClassifier({ inputShape: [32, 32, 3], numClasses: 100, seed: `junction-k/${run}`, softmax: false }));
    return tiny;
  };
  await measure('tiny CNN, 100 classes (32x32x3)', tinyModel, Number(values['many-runs']), values['many-ks']!.split(',').map(Number), {
    ...benign(() => tiny!),
    'weight noise std 1e-4': async (seed) => classifierFromModel(await gaussianNoise(layersModelOf(tiny!), { std: 1e-4, seed: `noise/${seed}` })),
  });
  mnist.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
