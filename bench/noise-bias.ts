/**
 * Does weight noise move a trigger's key-label logit one way? For kept triggers (bench/scale.ts
 * --keep-triggers FILE) on a synthetic model, several seeded Gaussian weight-noise samples, and per
 * trigger: the key label's logit change and its 9 strongest competitors', each less the mean
 * change over all classes, against the spread (std) of all classes' changes. A junction trigger
 * keeps its label under an unrelated change about 1 time in k + 1; a key logit that rises on
 * average keeps it far more often (bench/RESULTS.md, "Weight noise at 224x224").
 *
 *   npx tsx bench/noise-bias.ts --model mobilenetv2-224 --triggers FILE [--std 1e-5] [--samples 3]
 *       [--weights all|kernels|no-moving|moving-variance]
 *
 * --weights: which weights get noise: every float weight (as the scale bench's change), kernels
 * only (rank >= 2), all but the batch norms' moving statistics, or only the moving variances.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { decodeTriggerSet, initBackend } from '../src/engine/index.ts';
import { rewriteWeights } from '../src/engine/attacks/clone.ts';
import { SeededStream } from '../src/engine/util/prng.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { buildSyntheticModel, SYNTHETIC_MODELS, type SyntheticModelName } from './synthetic-models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'mobilenetv2-224' },
    triggers: { type: 'string' },
    std: { type: 'string', default: '1e-5' },
    samples: { type: 'string', default: '3' },
    weights: { type: 'string', default: 'all' },
  },
});
if (values.triggers === undefined) throw new Error('--triggers FILE (from bench/scale.ts --keep-triggers FILE) is required');
if (!SYNTHETIC_MODELS.includes(values.model as SyntheticModelName)) throw new Error(`unknown model ${values.model}`);
const std = Number(values.std);
const samples = Number(values.samples);
const selections: Record<string, (name: string, shape: readonly number[]) => boolean> = {
  all: () => true,
  kernels: (_name, shape) => shape.length >= 2,
  'no-moving': (name) => !name.includes('moving_'),
  'moving-variance': (name) => name.includes('moving_variance'),
};
const selected = selections[values.weights!];
if (selected === undefined) throw new Error(`--weights must be one of ${Object.keys(selections).join(', ')}`);

await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
const model = buildSyntheticModel(values.model as SyntheticModelName);
const set = decodeTriggerSet(new Uint8Array(readFileSync(values.triggers)));
const n = set.labels.length;
const K = set.numClasses;
const x = tf.tensor(set.data, [n, ...set.shape]);

/** The synthetic models end in a linear dense layer: their outputs are the logits. */
function logitsOf(m: tf.LayersModel): Float32Array {
  const out = m.predict(x) as tf.Tensor;
  try {
    return Float32Array.from(out.dataSync() as Float32Array);
  } finally {
    out.dispose();
  }
}

const clean = logitsOf(model);
const competitors = Array.from(set.labels, (y, i) =>
  [...Array(K).keys()]
    .filter((c) => c !== y)
    .sort((a, b) => clean[i * K + b]! - clean[i * K + a]!)
    .slice(0, 9),
);
const keyShift = new Float64Array(n);
const competitorShift = new Float64Array(n);
const spread = new Float64Array(n);
const kept = new Int32Array(n);
for (let s = 0; s < samples; s++) {
  const noisy = await rewriteWeights(model, (name, v, shape) => {
    if (!selected(name, shape)) return v;
    const rng = new SeededStream(`noise-bias/${s}`, `attack/noise/${name}`);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! + std * rng.nextNormal();
    return v;
  });
  const z = logitsOf(noisy);
  noisy.dispose();
  for (let i = 0; i < n; i++) {
    const y = set.labels[i]!;
    const change = (c: number) => z[i * K + c]! - clean[i * K + c]!;
    let mean = 0;
    for (let c = 0; c < K; c++) mean += change(c) / K;
    let variance = 0;
    for (let c = 0; c < K; c++) variance += (change(c) - mean) ** 2 / K;
    keyShift[i]! += (change(y) - mean) / samples;
    for (const c of competitors[i]!) competitorShift[i]! += (change(c) - mean) / (samples * 9);
    spread[i]! += Math.sqrt(variance) / samples;
    if ([...Array(K).keys()].every((c) => c === y || z[i * K + y]! > z[i * K + c]!)) kept[i]!++;
  }
}
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((p, v) => p + v, 0) / a.length;
const result = {
  date: new Date().toISOString(),
  model: values.model,
  triggers: n,
  std,
  weights: values.weights,
  samples,
  keyShift: Number(mean(keyShift).toExponential(2)),
  competitorShift: Number(mean(competitorShift).toExponential(2)),
  spread: Number(mean(spread).toExponential(2)),
  keyShiftInSpreads: Number((mean(keyShift) / mean(spread)).toFixed(2)),
  keptFraction: Number((mean(kept) / samples).toFixed(2)),
};
console.log(JSON.stringify(result));
x.dispose();
model.dispose();
