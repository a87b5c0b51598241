/**
 * A 100-trigger watermark at the model sizes companies ship (issue 19's targets): time, peak RSS,
 * the warm start's share, detection of a 1-step fine-tune and of weight noise, false alarms on
 * benign changes, and the time to verify the 100 triggers.
 *
 *   npx tsx bench/scale.ts --model resnet18-cifar|mobilenetv2-224|resnet50-224|mnist
 *       [--warm-start GENERATOR|DIRECT] [--count 100] [--lr 0.01] [--max-steps 300]
 *       [--profile FP32_EXACT] [--other-backend] [--budget 2048] [--seed 1] [--keep-triggers FILE]
 *       [--competitors K] [--references N]   (JUNCTION's k; start the junction from N noise inputs given as references)
 *   npx tsx bench/scale.ts --model M --changes-of FILE   (the changes alone, on a kept trigger set)
 *   npx tsx bench/scale.ts --model M --warm-start W --warm-start-only   (stops once AccTri is 100%: steps and time of the warm start alone)
 *   npx tsx bench/scale.ts --all [--models a,b] [--warm-starts GENERATOR,DIRECT]   (one process each: RSS per run)
 *
 * The key (labels, latent seed) is fixed by --seed, so two checkouts run the same generation.
 * Models: bench/synthetic-models.ts (synthetic weights, calibrated batch norms), or the reference
 * MNIST CNN (fixtures/mnist-cnn, trained). Triggers in the platform's default domain [0, 1] with
 * the default objective (JUNCTION, 9 competitors). The serving check on the other TF.js backend
 * (pure-JS cpu) is off unless --other-backend: at 224x224 it is the slowest pass (reported apart).
 *
 * Changes (each on a copy; fraction of the 100 triggers whose label flips):
 * - fine-tune, 1 step: SGD (the paper's lr 1e-3, momentum 0.9, weight decay 1e-3) on one batch of
 *   16 noise inputs (4 at 224x224) labelled by the clean model (MNIST: 256 training images, the
 *   paper's batch);
 * - weight noise N(0, 1e-5) and N(0, 1e-4) on every weight;
 * - benign: a save/load round trip; verification one trigger at a time instead of micro-batches.
 * RSS: the process's peak resident set (`process.resourceUsage().maxRSS`), so one run per process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import {
  decodeTriggerSet,
  encodeTriggerSet,
  fineTune,
  gaussianNoise,
  generateTriggers,
  initBackend,
  layersModelOf,
  loadClassifierFromDir,
  loadClassifierFromFiles,
  loadMnist,
  predictLabels,
  saveModelToFiles,
  verifyClassifier,
} from '../src/engine/index.ts';
import type { Classifier, SecretKey, TriggerSet } from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { asUploaded, buildSyntheticModel, calibrationBatch, SYNTHETIC_MODELS, type SyntheticModelName } from './synthetic-models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet18-cifar' },
    'warm-start': { type: 'string' },
    count: { type: 'string', default: '100' },
    lr: { type: 'string' },
    'max-steps': { type: 'string', default: '300' },
    profile: { type: 'string', default: 'FP32_EXACT' },
    'other-backend': { type: 'boolean', default: false },
    budget: { type: 'string' },
    all: { type: 'boolean', default: false },
    models: { type: 'string', default: SYNTHETIC_MODELS.join(',') },
    'warm-starts': { type: 'string', default: 'GENERATOR,DIRECT' },
    seed: { type: 'string', default: '1' },
    'warm-start-only': { type: 'boolean', default: false },
    'changes-of': { type: 'string' },
    'keep-triggers': { type: 'string' },
    references: { type: 'string' },
    competitors: { type: 'string' },
  },
});

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rssMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

function flipped(c: Classifier, set: TriggerSet, batchSize?: number): number {
  const x = tf.tensor(set.data, [set.labels.length, ...set.shape]);
  try {
    const p = predictLabels(c, x, batchSize);
    return p.filter((v, i) => v !== set.labels[i]).length / p.length;
  } finally {
    x.dispose();
  }
}

async function loadModel(name: string): Promise<{ classifier: Classifier; fineTuneData: () => { xs: tf.Tensor; ys: tf.Tensor1D } }> {
  if (name === 'mnist') {
    const classifier = await loadClassifierFromDir(path.join(here, '..', 'fixtures', 'mnist-cnn'));
    return { classifier, fineTuneData: () => loadMnist('train', 256) };
  }
  if (!SYNTHETIC_MODELS.includes(name as SyntheticModelName)) throw new Error(`unknown model ${name}`);
  const classifier = asUploaded(buildSyntheticModel(name as SyntheticModelName));
  return {
    classifier,
    fineTuneData: () => {
      // A training step keeps every activation for the weight gradients: 16 inputs at 224x224 take
      // wasm's heap to its 4 GB limit (minutes in malloc), 4 do not.
      const xs = calibrationBatch(classifier.inputShape, classifier.inputShape[0]! > 64 ? 4 : 16, 99);
      const ys = tf.tensor1d(predictLabels(classifier, xs), 'int32');
      return { xs, ys };
    },
  };
}

/** `n` uniform-noise inputs in [0, 1] (seed 123, not the fine-tune's): the junction starts from them, no warm start. */
function noiseReferences(shape: readonly number[], n: number): Float32Array {
  const xs = calibrationBatch(shape, n, 123);
  try {
    return Float32Array.from(xs.dataSync() as Float32Array);
  } finally {
    xs.dispose();
  }
}

/** Fraction of the triggers each change flips (a process of its own: see runOne). */
async function runChanges(file: string): Promise<void> {
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const { classifier, fineTuneData } = await loadModel(values.model!);
  const set = decodeTriggerSet(new Uint8Array(readFileSync(file)));
  let t = Date.now();
  const changes: Record<string, () => Promise<Classifier>> = {
    'fine-tune, 1 step': async () => {
      const data = fineTuneData();
      try {
        return asUploaded((await fineTune(layersModelOf(classifier), { data, steps: 1, seed: 'scale/attacker', batchSize: data.xs.shape[0]! })).model);
      } finally {
        tf.dispose([data.xs, data.ys]);
      }
    },
    'weight noise 1e-5': async () => asUploaded(await gaussianNoise(layersModelOf(classifier), { std: 1e-5, seed: 'scale/noise' })),
    'weight noise 1e-4': async () => asUploaded(await gaussianNoise(layersModelOf(classifier), { std: 1e-4, seed: 'scale/noise' })),
    'save/load (benign)': async () => loadClassifierFromFiles(await saveModelToFiles(layersModelOf(classifier))),
  };
  const flips: Record<string, number> = {};
  for (const [name, make] of Object.entries(changes)) {
    t = Date.now();
    const changed = await make();
    try {
      flips[name] = flipped(changed, set);
    } finally {
      changed.dispose();
    }
    console.error(`  ${name}: ${flips[name]!.toFixed(2)} flipped (${seconds(Date.now() - t)} s)`);
  }
  console.log(JSON.stringify(flips));
  classifier.dispose();
}

async function runOne(): Promise<void> {
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const t0 = Date.now();
  const { classifier } = await loadModel(values.model!);
  const params = layersModelOf(classifier).countParams();
  console.error(`${values.model}: ${params} parameters, input [${classifier.inputShape.join(',')}], ${classifier.numClasses} classes, built in ${seconds(Date.now() - t0)} s`);
  let warmStartMs = 0;
  let lastProgress = { step: 0, accTri: 0 };
  const started = Date.now();
  const count = Number(values.count);
  const key: SecretKey = {
    labels: Int32Array.from({ length: count }, (_, i) => (i * 7919 + Number(values.seed) * 104729) % classifier.numClasses),
    numClasses: classifier.numClasses,
    latentSeed: `bench/scale/${values.seed}`,
    latentDim: 100,
  };
  const stopAfterWarmStart = new AbortController();
  const generation = generateTriggers(classifier, {
    key,
    maxSteps: Number(values['max-steps']),
    inputDomain: { min: 0, max: 1, encoding: 'FLOAT32' },
    servingProfile: values.profile as 'FP32_EXACT',
    checkOtherBackend: values['other-backend'],
    ...(values['warm-start'] !== undefined ? { warmStart: values['warm-start'] as 'DIRECT' } : {}),
    ...(values.lr !== undefined ? { optimizer: { learningRate: Number(values.lr) } } : {}),
    ...(values.budget !== undefined ? { memoryBudgetMb: Number(values.budget) } : {}),
    ...(values.competitors !== undefined ? { loss: { kind: 'JUNCTION' as const, competitors: Number(values.competitors) } } : {}),
    ...(values.references !== undefined ? { referenceInputs: noiseReferences(classifier.inputShape, Number(values.references)) } : {}),
    onMicroBatch: (m) => console.error(`    micro-batch ${m.done}/${m.total} (${m.examples} examples), ${seconds(Date.now() - started)} s`),
    ...(values['warm-start-only'] ? { signal: stopAfterWarmStart.signal } : {}),
    onProgress: (p) => {
      if (p.stage !== 'WARM_START') return;
      warmStartMs = Date.now() - started;
      lastProgress = p;
      if (p.accTri === 1) stopAfterWarmStart.abort();
      console.error(`  step ${p.step}: AccTri ${(p.accTri * 100).toFixed(0)}%, loss ${p.loss.toFixed(3)}, ${seconds(warmStartMs)} s`);
    },
  });
  if (values['warm-start-only']) {
    await generation.catch(() => undefined);
    const line = { date: new Date().toISOString(), load: os.loadavg()[0]!.toFixed(1), model: values.model, warmStart: values['warm-start'] ?? 'default', lr: values.lr ?? 'default', triggers: count, warmStartSteps: lastProgress.step, accTri: lastProgress.accTri, warmStartS: seconds(warmStartMs), peakRssMb: rssMb() };
    console.log(JSON.stringify(line));
    classifier.dispose();
    return;
  }
  const result = await generation;
  const generationMs = Date.now() - started;
  console.error(`  generated in ${seconds(generationMs)} s, peak RSS ${rssMb()} MB`);
  const set = result.triggerSet;
  const refinement = (set.metadata.parameters as { refinement?: { iterations?: number; competitors?: number } }).refinement;
  const margins = Array.from(result.margins).map(Math.abs).sort((a, b) => a - b);
  const t = Date.now();
  const verification = verifyClassifier(classifier, set);
  const verifyMs = Date.now() - t;
  const peakRss = rssMb();
  // The changes run in a fresh process: a fine-tune's weight gradients in a wasm heap that
  // generation grew near 4 GB spent minutes in malloc.
  const file = values['keep-triggers'] ?? path.join(os.tmpdir(), `fragmark-scale-${process.pid}.triggers`);
  writeFileSync(file, encodeTriggerSet(set));
  const child = spawnSync('npx', ['tsx', path.join(here, 'scale.ts'), '--model', values.model!, '--changes-of', file], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (values['keep-triggers'] === undefined) rmSync(file, { force: true });
  if (child.status !== 0) throw new Error(`the changes' process failed (${child.status})`);
  const flips = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  flips['one at a time (benign)'] = flipped(classifier, set, 1);
  const line = {
    date: new Date().toISOString(),
    load: os.loadavg()[0]!.toFixed(1),
    model: values.model,
    parameters: params,
    warmStart: result.warmStart,
    lr: values.lr ?? 'default',
    triggers: set.labels.length,
    warmStartSteps: lastProgress.step,
    warmStartS: seconds(warmStartMs),
    generationS: seconds(generationMs),
    junctionIterations: refinement?.iterations,
    competitors: refinement?.competitors,
    medianMargin: margins[Math.floor(margins.length / 2)]!.toExponential(1),
    verifyS: seconds(verifyMs),
    verifyAccTri: verification.accTri,
    peakRssMb: peakRss,
    flips,
  };
  console.log(JSON.stringify(line));
  classifier.dispose();
}

function runAll(): void {
  console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}, Node ${process.version}`);
  const passOn = (['count', 'lr', 'max-steps', 'profile', 'budget', 'seed'] as const).flatMap((k) => (values[k] !== undefined ? [`--${k}`, String(values[k])] : []));
  for (const model of values.models!.split(',')) {
    for (const warmStart of values['warm-starts']!.split(',')) {
      const args = ['tsx', path.join(here, 'scale.ts'), '--model', model, '--warm-start', warmStart, ...passOn, ...(values['other-backend'] ? ['--other-backend'] : [])];
      const run = spawnSync('npx', args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
      process.stdout.write(run.stdout || `${model} ${warmStart}: exit ${run.status}\n`);
    }
  }
}

if (values.all) runAll();
else
  (values['changes-of'] !== undefined ? runChanges(values['changes-of']) : runOne()).catch((e) => {
    console.error(e);
    process.exit(1);
  });
