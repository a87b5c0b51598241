/**
 * Fragility benchmark (issue 4): how often do fragile triggers detect real attacks, and how often
 * do benign changes raise false alarms? Reference MNIST CNN (fixtures/mnist-cnn), MNIST from the
 * engine's loader, wasm backend (cpu used for the cross-backend check).
 *
 *   npx tsx bench/fragility.ts [--seeds 5] [--out bench/out/fragility.json] [--kinds CLEAN,NOISE,CE_ONLY,CE_VARIANCE,SENSITIVE,JUNCTION]
 *
 * Per seed: one trigger set per kind (N = 100):
 *   CLEAN        100 correctly classified test images with their true labels (baseline)
 *   NOISE        100 uniform [0,1] noise images labelled by the clean model (baseline)
 *   CE_ONLY      the paper's G_cla ablation (generator, CE, early stop at AccTri 100%)
 *   CE_VARIANCE  the paper's method (lambda 150)
 *   SENSITIVE    ours (margin 1e-3 + simulated fine-tune on the defender's reference data = the
 *                first 10,000 training images)
 *   JUNCTION     ours, the engine default (key label tied with all 9 other classes, lead 1e-3;
 *                data-free)
 * then every attack at several strengths (the attacker fine-tunes on the full 60,000 training
 * images with its own seed, disjoint from the defender's simulation seed), and the benign changes.
 * Per (attack, kind): fraction of triggers flipped, strict detection (any flip), and the
 * detection rate of a random 10-trigger subset, computed exactly over all subsets
 * (1 - C(N - f, 10) / C(N, 10) for f flipped triggers). Results are appended to the JSON file
 * after every seed, so partial runs are kept; the summary table is printed at the end.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  classifierFromModel,
  computeWeightsDigest,
  generateTriggers,
  initBackend,
  loadClassifierFromDir,
  loadClassifierFromFiles,
  loadMnist,
  predictLabels,
  saveModelToFiles,
  type Classifier,
  type TriggerSet,
} from '../src/engine/index.ts';
import { fineTune, stampPatch } from '../src/engine/attacks/finetune.ts';
import { float16RoundTrip, gaussianNoise, magnitudePrune } from '../src/engine/attacks/weights.ts';
import { logProbabilities } from '../src/engine/model/classifier.ts';
import { asClassifier } from '../src/engine/model/formats/index.ts';
import { labelMargins } from '../src/engine/generation/loss.ts';
import { SeededStream } from '../src/engine/util/prng.ts';
import { layersModelOf } from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/out/fragility.json' },
    kinds: { type: 'string', default: 'CLEAN,NOISE,CE_ONLY,CE_VARIANCE,SENSITIVE,JUNCTION' },
    epoch: { type: 'string', default: '235' },
  },
});
const KINDS = values.kinds.split(',');
const SEEDS = Number(values.seeds);
const EPOCH = Number(values.epoch); // ceil(60000 / 256) = 235 steps
const SUBSET = 10;

function binom(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}
/** Probability that a uniformly random `q`-subset of `n` triggers contains at least one of `f` flipped. */
export function subsetDetection(n: number, f: number, q: number): number {
  return 1 - binom(n - f, q) / binom(n, q);
}

function accuracy(c: Classifier, xs: tf.Tensor, ys: Int32Array): number {
  const p = predictLabels(c, xs, 1000);
  let ok = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === ys[i]) ok++;
  return ok / p.length;
}

function margins(c: Classifier, set: TriggerSet): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(set.data, [set.labels.length, ...set.shape]);
    const oh = tf.oneHot(tf.tensor1d(set.labels, 'int32'), set.numClasses).toFloat() as tf.Tensor2D;
    return labelMargins(logProbabilities(c, x), oh).dataSync() as Float32Array;
  });
}

function flipped(c: Classifier, set: TriggerSet): number {
  const x = tf.tensor(set.data, [set.labels.length, ...set.shape]);
  const p = predictLabels(c, x);
  x.dispose();
  let f = 0;
  for (let i = 0; i < p.length; i++) if (p[i] !== set.labels[i]) f++;
  return f;
}

function quantiles(a: Float32Array): { min: number; median: number; max: number } {
  const s = Float32Array.from(a).sort();
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
}

interface Row {
  seed: number;
  attack: string;
  strength: string;
  benign: boolean;
  testAcc?: number;
  extra?: Record<string, number>;
  flips: Record<string, number>;
}

async function main(): Promise<void> {
  const started = Date.now();
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const clean = await loadClassifierFromDir(path.join(here, '..', 'fixtures', 'mnist-cnn'));
  const test = loadMnist('test');
  const testY = test.ys.dataSync() as Int32Array;
  const train = loadMnist('train');
  const reference = { xs: tf.slice(train.xs, 0, 10000), ys: tf.slice(train.ys, 0, 10000) as tf.Tensor1D };
  const digest0 = computeWeightsDigest(clean);
  const accBefore = accuracy(clean, test.xs, testY);
  const cleanPred = predictLabels(clean, test.xs, 1000);
  const out = {
    date: new Date().toISOString().slice(0, 10),
    machine: { cores: os.cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, cpu: os.cpus()[0]?.model },
    command: `npx tsx bench/fragility.ts --seeds ${SEEDS}`,
    model: { digest: digest0, testAccuracyBefore: accBefore, testAccuracyAfter: Number.NaN, digestAfter: '' },
    generation: [] as Array<Record<string, unknown>>,
    rows: [] as Row[],
    elapsedS: 0,
  };
  const save = () => {
    out.elapsedS = (Date.now() - started) / 1000;
    mkdirSync(path.dirname(values.out), { recursive: true });
    writeFileSync(values.out, JSON.stringify(out, null, 1));
  };
  for (let seed = 0; seed < SEEDS; seed++) {
    const rng = new SeededStream(`fragility/${seed}`, 'bench');
    const sets: Record<string, TriggerSet> = {};
    for (const kind of KINDS) {
      const t0 = Date.now();
      if (kind === 'CLEAN') {
        const idx: number[] = [];
        const perm = Int32Array.from({ length: testY.length }, (_, i) => i);
        rng.shuffle(perm);
        for (const i of perm) if (cleanPred[i] === testY[i] && idx.length < 100) idx.push(i);
        const x = tf.tidy(() => tf.gather(test.xs, tf.tensor1d(idx, 'int32')));
        sets[kind] = { shape: [28, 28, 1], numClasses: 10, labels: Int32Array.from(idx, (i) => testY[i]!), data: x.dataSync() as Float32Array, metadata: {} as TriggerSet['metadata'] };
        x.dispose();
      } else if (kind === 'NOISE') {
        const data = rng.uniforms(100 * 784, 0, 1);
        const x = tf.tensor(data, [100, 28, 28, 1]);
        const labels = predictLabels(clean, x);
        x.dispose();
        sets[kind] = { shape: [28, 28, 1], numClasses: 10, labels, data, metadata: {} as TriggerSet['metadata'] };
      } else {
        const r = await generateTriggers(clean, {
          loss: { kind: kind as 'CE_ONLY' },
          ...(kind === 'SENSITIVE' ? { sensitivity: { referenceData: reference } } : {}),
        });
        sets[kind] = r.triggerSet;
      }
      const m = quantiles(margins(clean, sets[kind]!));
      const acc = 1 - flipped(clean, sets[kind]!) / 100;
      out.generation.push({ seed, kind, seconds: (Date.now() - t0) / 1000, accTri: acc, margin: m });
      console.error(`seed ${seed} ${kind}: ${((Date.now() - t0) / 1000).toFixed(1)} s, AccTri ${acc}, margin median ${m.median.toExponential(2)} min ${m.min.toExponential(2)}`);
    }
    const record = (attack: string, strength: string, model: tf.LayersModel | Classifier, benign = false, extra?: Record<string, number>) => {
      const c = asClassifier(model);
      const flips: Record<string, number> = {};
      for (const kind of KINDS) flips[kind] = flipped(c, sets[kind]!);
      const row: Row = { seed, attack, strength, benign, flips, ...(extra ? { extra } : {}) };
      if (!benign || attack === 'save/load') row.testAcc = accuracy(c, test.xs, testY);
      out.rows.push(row);
      console.error(`  ${attack} ${strength}: ${KINDS.map((k) => `${k}=${flips[k]}`).join(' ')}${row.testAcc !== undefined ? ` acc ${row.testAcc.toFixed(4)}` : ''}`);
    };
    // Benign: save/load round trip, other backend.
    const files = await saveModelToFiles(layersModelOf(clean));
    const reloaded = await loadClassifierFromFiles(files);
    record('save/load', 'round trip', reloaded, true);
    reloaded.dispose();
    await initBackend({ ...loadEngineOptions(), backend: 'cpu', log: () => {} });
    record('backend', 'cpu (generated on wasm)', clean, true);
    await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
    // Fine-tuning attacks (the attacker's seed differs from the defender's simulation).
    const ftSteps = [1, 10, 50, EPOCH];
    const ft = await fineTune(layersModelOf(clean), { data: train, steps: EPOCH, seed: `attacker/${seed}`, snapshotAt: ftSteps });
    ft.model.dispose();
    ft.snapshots.forEach((m, i) => {
      record('fine-tune', `${ftSteps[i]} steps`, m);
      m.dispose();
    });
    const llSteps = [1, EPOCH];
    const ll = await fineTune(layersModelOf(clean), { data: train, steps: EPOCH, seed: `attacker-ll/${seed}`, lastLayerOnly: true, snapshotAt: llSteps });
    ll.model.dispose();
    ll.snapshots.forEach((m, i) => {
      record('last-layer fine-tune', `${llSteps[i]} steps`, m);
      m.dispose();
    });
    const target = seed % 10;
    const bdSteps = [10, EPOCH];
    const bd = await fineTune(layersModelOf(clean), { data: train, steps: EPOCH, seed: `attacker-bd/${seed}`, backdoor: { targetClass: target }, snapshotAt: bdSteps });
    bd.model.dispose();
    const patched = tf.tidy(() => stampPatch(tf.slice(test.xs, 0, 2000) as tf.Tensor4D));
    bd.snapshots.forEach((m, i) => {
      const c = classifierFromModel(m);
      const p = predictLabels(c, patched);
      let hit = 0;
      let total = 0;
      for (let j = 0; j < p.length; j++) if (testY[j] !== target) { total++; if (p[j] === target) hit++; }
      record('backdoor fine-tune (10% poisoned)', `${bdSteps[i]} steps`, m, false, { attackSuccess: hit / total });
      m.dispose();
    });
    patched.dispose();
    for (const p of [0.01, 0.1, 0.3]) {
      const m = await magnitudePrune(layersModelOf(clean), { fraction: p });
      record('magnitude pruning', `${p * 100}%`, m);
      m.dispose();
    }
    for (const std of [1e-5, 1e-4, 1e-3]) {
      const m = await gaussianNoise(layersModelOf(clean), { std, seed: `noise/${seed}` });
      record('Gaussian weight noise', `std ${std}`, m);
      m.dispose();
    }
    const h = await float16RoundTrip(layersModelOf(clean));
    record('float16 round trip', 'weights', h);
    h.dispose();
    save();
    console.error(`seed ${seed} done at ${((Date.now() - started) / 1000).toFixed(0)} s, tensors ${tf.memory().numTensors}`);
  }
  out.model.digestAfter = computeWeightsDigest(clean);
  out.model.testAccuracyAfter = accuracy(clean, test.xs, testY);
  save();
  console.log(summary(out.rows, out.generation));
  console.log(`\nbase test accuracy before ${accBefore}, after ${out.model.testAccuracyAfter}; digest unchanged: ${out.model.digestAfter === digest0}; ${out.elapsedS.toFixed(0)} s`);
}

export function summary(rows: Row[], generation: Array<Record<string, unknown>>): string {
  const keys = [...new Set(rows.map((r) => `${r.attack}|${r.strength}`))];
  const lines: string[] = [];
  lines.push(`| attack | strength | test acc | ${KINDS.map((k) => `${k} flipped / strict / 10-subset`).join(' | ')} |`);
  lines.push(`|---|---|---|${KINDS.map(() => '---').join('|')}|`);
  for (const key of keys) {
    const rs = rows.filter((r) => `${r.attack}|${r.strength}` === key);
    const [attack, strength] = key.split('|');
    const accs = rs.map((r) => r.testAcc).filter((a): a is number => a !== undefined);
    const acc = accs.length ? (accs.reduce((a, b) => a + b, 0) / accs.length).toFixed(4) : '-';
    const cells = KINDS.map((k) => {
      const f = rs.map((r) => r.flips[k]!);
      const frac = f.reduce((a, b) => a + b, 0) / (100 * f.length);
      const strict = f.filter((v) => v > 0).length;
      const sub = f.map((v) => subsetDetection(100, v, SUBSET)).reduce((a, b) => a + b, 0) / f.length;
      return `${frac.toFixed(3)} / ${strict}/${f.length} / ${(sub * 100).toFixed(1)}%`;
    });
    const extra = rs[0]?.extra ? ` (backdoor success ${(rs.reduce((a, r) => a + (r.extra?.['attackSuccess'] ?? 0), 0) / rs.length * 100).toFixed(1)}%)` : '';
    lines.push(`| ${attack} | ${strength}${extra} | ${acc} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('| kind | generation s (mean) | AccTri clean | margin median (mean over seeds) | margin min (min over seeds) |');
  lines.push('|---|---|---|---|---|');
  for (const k of KINDS) {
    const g = generation.filter((x) => x['kind'] === k);
    const mean = (f: (x: Record<string, unknown>) => number) => g.reduce((a, x) => a + f(x), 0) / g.length;
    const med = mean((x) => (x['margin'] as { median: number }).median);
    const min = Math.min(...g.map((x) => (x['margin'] as { min: number }).min));
    lines.push(`| ${k} | ${mean((x) => x['seconds'] as number).toFixed(1)} | ${g.every((x) => x['accTri'] === 1) ? '100%' : 'NOT 100%'} | ${med.toExponential(2)} | ${min.toExponential(2)} |`);
  }
  return lines.join('\n');
}

await main();
