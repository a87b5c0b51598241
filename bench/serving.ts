/**
 * Serving-profile benchmark (issue 15): do triggers made for a serving profile stay silent under
 * the benign numerics the profile tolerates (no false alarms), and which changes do they still
 * detect? Two reference models (fixtures/mnist-cnn, no batch norm; fixtures/mnist-resnet, batch
 * norm and residual connections), wasm backend (cpu for the cross-backend check).
 *
 *   npx tsx bench/serving.ts [--seeds mnist-cnn=5,mnist-resnet=2 | --seeds 5] [--models mnist-cnn,mnist-resnet]
 *        [--profiles FP32_EXACT,TF32,FP16,BF16] [--encodings FLOAT32,UINT8] [--baseline true]
 *        [--out bench/out/serving.json] [--export <dir> --export-seeds 2] [--gen-timeout 120]
 *
 * Per model and seed: one deterministic key (100 balanced labels and a latent seed derived from
 * the model and seed), shared by every variant so that they differ only in profile and domain:
 *   JUNCTION <profile>/<encoding>  generateTriggers(classifier, { servingProfile, inputDomain [0, 1] })
 *   CE_VARIANCE/FLOAT32            the paper's objective, FP32_EXACT, inputDomain [0, 1] float32
 * Then, per trigger set:
 *   benign (false alarms): emulated TF32, FP16, BF16 (emulateNumerics), the cpu backend, batch
 *     sizes 1, 16 and N, a JSON round trip of the values, and for UINT8 the 8-bit encoding
 *     (toLevels -> levelValue). A profile must flip nothing it tolerates (profiles.ts); the others
 *     are reported as well.
 *   detection: fine-tuning 1/10/20/100 SGD steps at lr 1e-3 (the paper's attack settings), one step
 *     at lr 1e-4 and 1e-5, last-layer fine-tuning 1 step, a BadNets backdoor fine-tune (10% of each
 *     batch poisoned, 10 steps), Gaussian weight noise std 1e-6 .. 1e-2, 1% magnitude pruning.
 *   stealth: share of values at the range limits, median margin.
 * The detection floor of a variant is, per ladder (noise std, one-step learning rate, fine-tune
 * steps), the smallest strength every seed detected under `strict`, and over all changes the
 * smallest relative weight change ||dw|| / ||w|| every seed detected.
 *
 * --export <dir> writes, for the first --export-seeds seeds, every trigger set (float32 data,
 * labels, domain, profile, TF.js margins under FP32 and the emulated formats) and each model, for
 * the independent PyTorch / ONNX Runtime check `bench/serving_pytorch.py <dir>`.
 * A generation still running after --gen-timeout seconds (default 120; 0 = none) is cancelled and
 * counted as failed: on the ResNet the 8-bit grid search can take minutes before it fails.
 * Results are written to --out after every seed (partial runs are kept); the markdown summary is
 * printed at the end.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  computeWeightsDigest,
  DEFAULT_LATENT_DIM,
  emulateNumerics,
  fineTune,
  gaussianNoise,
  generateTriggers,
  initBackend,
  keyMargins,
  levelValue,
  loadClassifierFromDir,
  loadMnist,
  magnitudePrune,
  predictLabels,
  PROFILES,
  saveModelToFiles,
  shareAtLimits,
  stampPatch,
  toLevels,
  verifyLabels,
  type Classifier,
  type InputDomain,
  type InputEncoding,
  type Numerics,
  type SecretKey,
  type ServingProfile,
  type TriggerSet,
} from '../src/engine/index.ts';
import { asClassifier } from '../src/engine/model/formats/index.ts';
import { SeededStream } from '../src/engine/util/prng.ts';
import { layersModelOf } from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: 'mnist-cnn=5,mnist-resnet=2' },
    models: { type: 'string', default: 'mnist-cnn,mnist-resnet' },
    profiles: { type: 'string', default: 'FP32_EXACT,TF32,FP16,BF16' },
    encodings: { type: 'string', default: 'FLOAT32,UINT8' },
    baseline: { type: 'string', default: 'true' },
    count: { type: 'string', default: '100' },
    'acc-images': { type: 'string', default: '2000' },
    out: { type: 'string', default: 'bench/out/serving.json' },
    export: { type: 'string' },
    'export-seeds': { type: 'string', default: '2' },
    'gen-timeout': { type: 'string', default: '120' },
  },
});
const MODELS = values.models.split(',');
const PROFILE_LIST = values.profiles.split(',') as ServingProfile[];
const ENCODINGS = values.encodings.split(',') as InputEncoding[];
const COUNT = Number(values.count);
const ACC_IMAGES = Number(values['acc-images']);
const EXPORT_SEEDS = Number(values['export-seeds']);
/** A generation still running after this many seconds is cancelled and counted as failed (0: no limit). */
const GEN_TIMEOUT_S = Number(values['gen-timeout']);
const seedsFor = (model: string): number => {
  if (!values.seeds.includes('=')) return Number(values.seeds);
  const entry = values.seeds.split(',').find((s) => s.split('=')[0] === model);
  return entry === undefined ? 0 : Number(entry.split('=')[1]);
};

/** Emulated numerics, in the order of increasing rounding. */
const EMULATED: readonly Numerics[] = ['TF32', 'FP16', 'BF16'];
const FT_STEPS = [1, 10, 20, 100];
const NOISE_STDS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2];
const ONE_STEP_LRS = [1e-5, 1e-4];
const BACKDOOR_STEPS = 10;

interface Variant {
  readonly id: string;
  readonly loss: 'JUNCTION' | 'CE_VARIANCE';
  readonly profile: ServingProfile;
  readonly encoding: InputEncoding;
}
const VARIANTS: Variant[] = [
  ...PROFILE_LIST.flatMap((profile) => ENCODINGS.map((encoding) => ({ id: `${profile}/${encoding}`, loss: 'JUNCTION' as const, profile, encoding }))),
  ...(values.baseline === 'true' ? [{ id: 'CE_VARIANCE/FLOAT32', loss: 'CE_VARIANCE' as const, profile: 'FP32_EXACT' as ServingProfile, encoding: 'FLOAT32' as InputEncoding }] : []),
];
const domainOf = (v: Variant): InputDomain => ({ min: 0, max: 1, encoding: v.encoding });

/** Benign checks, with the numerics each stands for (all but the emulated formats are float32). */
const BENIGN: ReadonlyArray<{ check: string; numerics: Numerics }> = [
  { check: 'TF32', numerics: 'TF32' },
  { check: 'FP16', numerics: 'FP16' },
  { check: 'BF16', numerics: 'BF16' },
  { check: 'cpu backend', numerics: 'FP32' },
  { check: 'batch 1', numerics: 'FP32' },
  { check: 'batch 16', numerics: 'FP32' },
  { check: 'batch N', numerics: 'FP32' },
  { check: 'JSON round trip', numerics: 'FP32' },
  { check: '8-bit encoding', numerics: 'FP32' },
];
const tolerated = (v: Variant, numerics: Numerics): boolean => PROFILES[v.profile].tolerates.includes(numerics);

interface GenerationRow {
  model: string;
  seed: number;
  variant: string;
  seconds: number;
  ok: boolean;
  error?: string;
  steps?: number;
  servingRounds?: number;
  marginTargets?: { min: number; median: number; max: number };
  margin?: { min: number; median: number; max: number };
  shareAtLimits?: number;
}
interface BenignRow {
  model: string;
  seed: number;
  variant: string;
  check: string;
  tolerated: boolean;
  flips: number;
  n: number;
  tampered: boolean;
  changedValues?: number;
  maxMarginDeviation?: number;
}
interface AttackRow {
  model: string;
  seed: number;
  attack: string;
  strength: string;
  /** Ladder name and position for detection floors. */
  ladder?: string;
  level?: number;
  relChange: number;
  testAcc: number;
  extra?: Record<string, number>;
  /** Flipped triggers per variant (absent: that variant's generation failed). */
  flips: Record<string, number>;
}

function seededKey(tag: string, numClasses: number, count: number): SecretKey {
  const rng = new SeededStream(tag, 'bench/serving/key');
  const labels = Int32Array.from({ length: count }, (_, i) => i % numClasses);
  rng.shuffle(labels);
  return { labels, numClasses, latentSeed: createHash('sha256').update(`bench/serving/${tag}`).digest('hex'), latentDim: DEFAULT_LATENT_DIM };
}

function quantiles(a: ArrayLike<number>): { min: number; median: number; max: number } {
  const s = Float64Array.from(a).sort();
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
}

function labelsOf(c: Classifier, data: Float32Array, shape: readonly number[], batchSize?: number): Int32Array {
  const x = tf.tensor(data, [data.length / shape.reduce((a, b) => a * b, 1), ...shape]);
  try {
    return predictLabels(c, x, batchSize);
  } finally {
    x.dispose();
  }
}

function flipsOf(set: TriggerSet, predicted: Int32Array): { flips: number; tampered: boolean } {
  const r = verifyLabels(set, predicted);
  return { flips: r.queried - r.matched, tampered: r.verdict === 'tampered' };
}

function accuracy(c: Classifier, xs: tf.Tensor, ys: Int32Array): number {
  const p = predictLabels(c, xs, 500);
  let ok = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === ys[i]) ok++;
  return ok / p.length;
}

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}
function relativeChange(reference: Float32Array[], model: tf.LayersModel): number {
  const now = weightValues(model);
  let num = 0;
  let den = 0;
  reference.forEach((w, i) => {
    const v = now[i]!;
    for (let j = 0; j < w.length; j++) {
      num += (v[j]! - w[j]!) ** 2;
      den += w[j]! ** 2;
    }
  });
  return Math.sqrt(num / den);
}

async function main(): Promise<void> {
  const started = Date.now();
  await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const test = loadMnist('test');
  const testY = test.ys.dataSync() as Int32Array;
  const accXs = tf.slice(test.xs, 0, ACC_IMAGES);
  const accYs = testY.slice(0, ACC_IMAGES);
  const train = loadMnist('train');
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  const out = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: cpuModel, node: process.version, platform: `${process.platform} ${process.arch}`, loadAverageAtStart: os.loadavg() },
    command: `npx tsx bench/serving.ts ${process.argv.slice(2).join(' ')}`.trim(),
    settings: { seeds: Object.fromEntries(MODELS.map((m) => [m, seedsFor(m)])), variants: VARIANTS.map((v) => v.id), count: COUNT, ftSteps: FT_STEPS, noiseStds: NOISE_STDS, oneStepLrs: ONE_STEP_LRS, backdoorSteps: BACKDOOR_STEPS, accImages: ACC_IMAGES },
    models: {} as Record<string, Record<string, unknown>>,
    generation: [] as GenerationRow[],
    benign: [] as BenignRow[],
    attacks: [] as AttackRow[],
    elapsedS: 0,
  };
  const save = () => {
    out.elapsedS = (Date.now() - started) / 1000;
    mkdirSync(path.dirname(values.out), { recursive: true });
    writeFileSync(values.out, JSON.stringify(out, null, 1));
  };
  const manifest: Array<Record<string, unknown>> = [];
  if (values.export !== undefined) mkdirSync(values.export, { recursive: true });

  for (const modelName of MODELS) {
    const seeds = seedsFor(modelName);
    if (seeds <= 0) continue;
    const clean = await loadClassifierFromDir(path.join(here, '..', 'fixtures', modelName));
    const digest = computeWeightsDigest(clean);
    const reference = weightValues(layersModelOf(clean));
    const emulated = new Map<Numerics, Classifier>();
    for (const n of EMULATED) emulated.set(n, await emulateNumerics(clean, n));
    const info: Record<string, unknown> = { digest, parameters: layersModelOf(clean).countParams(), testAccuracy: accuracy(clean, test.xs, testY), accuracyFP32: accuracy(clean, accXs, accYs), seeds };
    for (const [n, c] of emulated) info[`accuracy${n}`] = accuracy(c, accXs, accYs);
    out.models[modelName] = info;
    console.error(`${modelName}: ${JSON.stringify(info)}`);
    if (values.export !== undefined) {
      const dir = path.join(values.export, modelName);
      mkdirSync(dir, { recursive: true });
      for (const [name, bytes] of await saveModelToFiles(layersModelOf(clean))) writeFileSync(path.join(dir, name), bytes);
    }
    const pruned = await magnitudePrune(layersModelOf(clean), { fraction: 0.01 });

    for (let seed = 0; seed < seeds; seed++) {
      const key = seededKey(`${modelName}/${seed}`, clean.numClasses, COUNT);
      const sets = new Map<string, TriggerSet>();
      for (const v of VARIANTS) {
        const t0 = Date.now();
        const row: GenerationRow = { model: modelName, seed, variant: v.id, seconds: 0, ok: false };
        try {
          const r = await generateTriggers(clean, {
            key,
            servingProfile: v.profile,
            inputDomain: domainOf(v),
            loss: { kind: v.loss },
            ...(GEN_TIMEOUT_S > 0 ? { signal: AbortSignal.timeout(GEN_TIMEOUT_S * 1000) } : {}),
          });
          row.seconds = (Date.now() - t0) / 1000;
          row.ok = true;
          row.steps = r.steps;
          const params = r.triggerSet.metadata.parameters as { refinement?: { servingRounds?: number }; serving?: { marginTargets?: { min: number; median: number; max: number } } };
          if (params.refinement?.servingRounds !== undefined) row.servingRounds = params.refinement.servingRounds;
          if (params.serving?.marginTargets !== undefined) row.marginTargets = params.serving.marginTargets;
          row.margin = quantiles(keyMargins(clean, r.triggerSet.data, r.triggerSet.labels));
          row.shareAtLimits = shareAtLimits(domainOf(v), r.triggerSet.data);
          sets.set(v.id, r.triggerSet);
        } catch (e) {
          row.seconds = (Date.now() - t0) / 1000;
          const err = e as Error & { code?: string };
          row.error = err.code === 'CANCELLED' ? `timed out (--gen-timeout ${GEN_TIMEOUT_S} s): ${err.message}` : err.message;
        }
        out.generation.push(row);
        console.error(
          `${modelName} seed ${seed} ${v.id}: ${row.ok ? `${row.seconds.toFixed(1)} s, rounds ${row.servingRounds ?? '-'}, margin median ${row.margin!.median.toExponential(2)}, at limits ${(row.shareAtLimits! * 100).toFixed(1)}%` : `FAILED after ${row.seconds.toFixed(1)} s: ${row.error}`}`,
        );
      }

      // Benign checks.
      const shape = clean.inputShape;
      const exportMargins = new Map<string, Record<string, number[]>>();
      for (const v of VARIANTS) {
        const set = sets.get(v.id);
        if (set === undefined) continue;
        const n = set.labels.length;
        const push = (check: string, numerics: Numerics, predicted: Int32Array, more: Partial<BenignRow> = {}) => {
          out.benign.push({ model: modelName, seed, variant: v.id, check, tolerated: tolerated(v, numerics), n, ...flipsOf(set, predicted), ...more });
        };
        const ref = keyMargins(clean, set.data, set.labels);
        const margins: Record<string, number[]> = { FP32: Array.from(ref) };
        for (const [numerics, c] of emulated) {
          const m = keyMargins(c, set.data, set.labels);
          let dev = 0;
          for (let i = 0; i < n; i++) dev = Math.max(dev, Number.isNaN(m[i]!) ? Number.POSITIVE_INFINITY : Math.abs(m[i]! - ref[i]!));
          margins[numerics] = Array.from(m);
          push(numerics, numerics, labelsOf(c, set.data, shape), { maxMarginDeviation: dev });
        }
        exportMargins.set(v.id, margins);
        for (const size of [1, 16, n]) push(size === n ? 'batch N' : `batch ${size}`, 'FP32', labelsOf(clean, set.data, shape, size));
        const json = Float32Array.from(JSON.parse(JSON.stringify(Array.from(set.data))) as number[]);
        push('JSON round trip', 'FP32', labelsOf(clean, json, shape), { changedValues: json.reduce((a, x, i) => a + (x === set.data[i] ? 0 : 1), 0) });
        if (v.encoding === 'UINT8') {
          const domain = domainOf(v);
          const decoded = Float32Array.from(toLevels(domain, set.data), (q) => levelValue(domain, q));
          push('8-bit encoding', 'FP32', labelsOf(clean, decoded, shape), { changedValues: decoded.reduce((a, x, i) => a + (x === set.data[i] ? 0 : 1), 0) });
        }
      }
      await initBackend({ ...loadEngineOptions(), backend: 'cpu', log: () => {} });
      const onCpu = new Map<string, Int32Array>();
      for (const [id, set] of sets) onCpu.set(id, labelsOf(clean, set.data, clean.inputShape));
      await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
      for (const [id, predicted] of onCpu) {
        const set = sets.get(id)!;
        out.benign.push({ model: modelName, seed, variant: id, check: 'cpu backend', tolerated: true, n: set.labels.length, ...flipsOf(set, predicted) });
      }
      const falseAlarms = out.benign.filter((b) => b.model === modelName && b.seed === seed && b.tolerated && b.flips > 0);
      console.error(`  benign: ${falseAlarms.length === 0 ? 'no false alarm on tolerated numerics' : falseAlarms.map((b) => `${b.variant} ${b.check} ${b.flips}`).join(', ')}`);

      // Export for the PyTorch / ONNX Runtime check.
      if (values.export !== undefined && seed < EXPORT_SEEDS) {
        for (const [id, set] of sets) {
          const v = VARIANTS.find((x) => x.id === id)!;
          const file = `${modelName}/seed${seed}-${id.replace('/', '-')}.f32`;
          writeFileSync(path.join(values.export, file), new Uint8Array(set.data.buffer, set.data.byteOffset, set.data.byteLength));
          const flipsEmulated = Object.fromEntries(
            out.benign.filter((b) => b.model === modelName && b.seed === seed && b.variant === id && EMULATED.includes(b.check as Numerics)).map((b) => [b.check, b.flips]),
          );
          manifest.push({
            model: modelName,
            modelDir: modelName,
            seed,
            variant: id,
            loss: v.loss,
            profile: v.profile,
            tolerates: PROFILES[v.profile].tolerates,
            domain: { min: 0, max: 1, encoding: v.encoding },
            shape: [set.labels.length, ...set.shape],
            dataFile: file,
            labels: Array.from(set.labels),
            tfjsMargins: exportMargins.get(id),
            tfjsEmulatedFlips: flipsEmulated,
          });
        }
        writeFileSync(path.join(values.export, 'manifest.json'), JSON.stringify({ createdBy: out.command, date: out.date, sets: manifest }));
      }

      // Changes to the model.
      const record = (attack: string, strength: string, model: tf.LayersModel, ladder?: { name: string; level: number }, extra?: Record<string, number>): AttackRow => {
        const c = asClassifier(model);
        const flips: Record<string, number> = {};
        for (const [id, set] of sets) flips[id] = flipsOf(set, labelsOf(c, set.data, c.inputShape)).flips;
        const row: AttackRow = { model: modelName, seed, attack, strength, relChange: relativeChange(reference, model), testAcc: accuracy(c, accXs, accYs), flips };
        if (ladder !== undefined) {
          row.ladder = ladder.name;
          row.level = ladder.level;
        }
        if (extra !== undefined) row.extra = extra;
        out.attacks.push(row);
        console.error(`  ${attack} ${strength}: rel ${row.relChange.toExponential(1)}, ${Object.entries(flips).map(([k, f]) => `${k}=${f}`).join(' ')}`);
        return row;
      };
      const ft = await fineTune(layersModelOf(clean), { data: train, steps: Math.max(...FT_STEPS), seed: `attacker/${seed}`, snapshotAt: FT_STEPS });
      ft.model.dispose();
      ft.snapshots.forEach((m, i) => {
        const row = record('fine-tune (lr 1e-3)', `${FT_STEPS[i]} steps`, m, { name: 'fine-tune steps', level: FT_STEPS[i]! });
        // One step at lr 1e-3 is the first fine-tune snapshot: the same model, listed on the lr ladder too.
        if (FT_STEPS[i] === 1) out.attacks.push({ ...row, attack: 'one SGD step', strength: 'lr 0.001', ladder: 'one-step lr', level: 1e-3 });
        m.dispose();
      });
      for (const lr of ONE_STEP_LRS) {
        const r = await fineTune(layersModelOf(clean), { data: train, steps: 1, learningRate: lr, seed: `attacker/${seed}` });
        record('one SGD step', `lr ${lr}`, r.model, { name: 'one-step lr', level: lr });
        r.model.dispose();
      }
      const ll = await fineTune(layersModelOf(clean), { data: train, steps: 1, seed: `attacker-ll/${seed}`, lastLayerOnly: true });
      record('last-layer fine-tune', '1 step', ll.model);
      ll.model.dispose();
      const target = seed % clean.numClasses;
      const bd = await fineTune(layersModelOf(clean), { data: train, steps: BACKDOOR_STEPS, seed: `attacker-bd/${seed}`, backdoor: { targetClass: target } });
      const patched = tf.tidy(() => stampPatch(accXs as tf.Tensor4D));
      const p = predictLabels(asClassifier(bd.model), patched);
      patched.dispose();
      let hit = 0;
      let total = 0;
      for (let j = 0; j < p.length; j++)
        if (accYs[j] !== target) {
          total++;
          if (p[j] === target) hit++;
        }
      record('backdoor fine-tune (10% poisoned)', `${BACKDOOR_STEPS} steps`, bd.model, undefined, { attackSuccess: hit / total });
      bd.model.dispose();
      record('magnitude pruning', '1%', pruned);
      for (const std of NOISE_STDS) {
        const m = await gaussianNoise(layersModelOf(clean), { std, seed: `noise/${seed}` });
        record('Gaussian weight noise', `std ${std}`, m, { name: 'noise std', level: std });
        m.dispose();
      }
      save();
      console.error(`${modelName} seed ${seed} done at ${((Date.now() - started) / 1000).toFixed(0)} s, tensors ${tf.memory().numTensors}`);
    }
    if (computeWeightsDigest(clean) !== digest) throw new Error(`${modelName}: weights changed during the benchmark`);
    pruned.dispose();
    for (const c of emulated.values()) c.dispose();
    clean.dispose();
  }
  accXs.dispose();
  save();
  console.log(summary(out));
  console.log(`\n${out.elapsedS.toFixed(0)} s`);
}

const fmt = (x: number, d = 3) => x.toFixed(d);
const mean = (a: number[]) => (a.length === 0 ? Number.NaN : a.reduce((s, x) => s + x, 0) / a.length);
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1));

export function summary(out: { models: Record<string, Record<string, unknown>>; generation: GenerationRow[]; benign: BenignRow[]; attacks: AttackRow[] }): string {
  const lines: string[] = [];
  const models = Object.keys(out.models);
  const variants = [...new Set(out.generation.map((g) => g.variant))];
  const checks = BENIGN.map((b) => b.check).filter((c) => out.benign.some((b) => b.check === c));

  lines.push('**Models**', '');
  lines.push(`| model | parameters | test accuracy (10,000) | accuracy FP32 / emulated TF32 / FP16 / BF16 (first ${ACC_IMAGES}) | seeds |`);
  lines.push('|---|---|---|---|---|');
  for (const m of models) {
    const i = out.models[m]!;
    lines.push(`| ${m} | ${String(i['parameters'])} | ${fmt(i['testAccuracy'] as number, 4)} | ${['FP32', ...EMULATED].map((n) => fmt(i[`accuracy${n}`] as number, 4)).join(' / ')} | ${String(i['seeds'])} |`);
  }

  lines.push('', '**False alarms** (benign numerics and transports on the untouched model). Cell: mean fraction of triggers flipped / runs TAMPERED under `strict`. `ok` = 0 flips in every run; **bold** = a false alarm on numerics the profile tolerates.', '');
  lines.push(`| model | triggers | ${checks.join(' | ')} | tolerated: false alarms |`);
  lines.push(`|---|---|${checks.map(() => '---').join('|')}|---|`);
  for (const m of models)
    for (const v of variants) {
      const rows = out.benign.filter((b) => b.model === m && b.variant === v);
      if (rows.length === 0) continue;
      const cells = checks.map((c) => {
        const rs = rows.filter((b) => b.check === c);
        if (rs.length === 0) return '-';
        const frac = mean(rs.map((b) => b.flips / b.n));
        const tampered = rs.filter((b) => b.tampered).length;
        const text = tampered === 0 ? 'ok' : `${fmt(frac)} / ${tampered}/${rs.length}`;
        return rs[0]!.tolerated && tampered > 0 ? `**${text}**` : rs[0]!.tolerated ? text : `${text} (n.t.)`;
      });
      const tol = rows.filter((b) => b.tolerated);
      const bad = tol.filter((b) => b.tampered).length;
      lines.push(`| ${m} | ${v} | ${cells.join(' | ')} | ${bad === 0 ? `0 of ${tol.length} checks` : `**${bad} of ${tol.length} checks**`} |`);
    }
  lines.push('', '(n.t.) = numerics the profile does not tolerate (reported, not required to pass).');

  lines.push('', '**Largest change of a key-label margin under the emulated formats** (max over triggers and seeds) against the median margin:', '');
  lines.push(`| model | triggers | median margin | ${EMULATED.join(' | ')} |`);
  lines.push(`|---|---|---|${EMULATED.map(() => '---').join('|')}|`);
  for (const m of models)
    for (const v of variants) {
      const g = out.generation.filter((x) => x.model === m && x.variant === v && x.ok);
      if (g.length === 0) continue;
      const devs = EMULATED.map((n) => Math.max(...out.benign.filter((b) => b.model === m && b.variant === v && b.check === n).map((b) => b.maxMarginDeviation ?? 0)));
      lines.push(`| ${m} | ${v} | ${sci(mean(g.map((x) => x.margin!.median)))} | ${devs.map(sci).join(' | ')} |`);
    }

  for (const m of models) {
    const rows = out.attacks.filter((a) => a.model === m);
    if (rows.length === 0) continue;
    const vs = variants.filter((v) => out.generation.some((g) => g.model === m && g.variant === v && g.ok));
    // One step at lr 1e-3 is the first fine-tune snapshot: listed once here, on both ladders in the floors.
    const keys = [...new Set(rows.map((r) => `${r.attack}|${r.strength}`))].filter((k) => k !== 'one SGD step|lr 0.001');
    lines.push('', `**Detection, ${m}** (${String(out.models[m]!['seeds'])} seeds). Cell: mean fraction of triggers flipped / runs detected under \`strict\`.`, '');
    lines.push(`| change | strength | rel. weight change | test acc | ${vs.join(' | ')} |`);
    lines.push(`|---|---|---|---|${vs.map(() => '---').join('|')}|`);
    for (const key of keys) {
      const rs = rows.filter((r) => `${r.attack}|${r.strength}` === key);
      const [attack, strength] = key.split('|');
      const extra = rs[0]?.extra?.['attackSuccess'] !== undefined ? ` (backdoor success ${(mean(rs.map((r) => r.extra!['attackSuccess']!)) * 100).toFixed(1)}%)` : '';
      const cells = vs.map((v) => {
        const f = rs.map((r) => r.flips[v]).filter((x): x is number => x !== undefined);
        if (f.length === 0) return '-';
        return `${fmt(mean(f) / 100)} / ${f.filter((x) => x > 0).length}/${f.length}`;
      });
      lines.push(`| ${attack} | ${strength}${extra} | ${sci(mean(rs.map((r) => r.relChange)))} | ${fmt(mean(rs.map((r) => r.testAcc)), 4)} | ${cells.join(' | ')} |`);
    }
  }

  lines.push('', '**Detection floors** (smallest strength detected under `strict` in every seed; `none` = not even the largest). Last column: smallest relative weight change ||dw||/||w|| of any change detected in every seed.', '');
  lines.push('| model | triggers | noise std | one SGD step, lr | fine-tune steps (lr 1e-3) | smallest rel. change detected |');
  lines.push('|---|---|---|---|---|---|');
  for (const m of models)
    for (const v of variants) {
      const rows = out.attacks.filter((a) => a.model === m && a.flips[v] !== undefined);
      if (rows.length === 0) continue;
      const seedsRun = new Set(rows.map((r) => r.seed)).size;
      const always = (rs: AttackRow[]) => rs.length === seedsRun && rs.every((r) => r.flips[v]! > 0);
      const floor = (ladder: string, show: (x: number) => string) => {
        const levels = [...new Set(rows.filter((r) => r.ladder === ladder).map((r) => r.level!))].sort((a, b) => a - b);
        const hit = levels.find((l) => always(rows.filter((r) => r.ladder === ladder && r.level === l)));
        return hit === undefined ? 'none' : show(hit);
      };
      const keys = [...new Set(rows.map((r) => `${r.attack}|${r.strength}`))];
      let best: { key: string; rel: number } | undefined;
      for (const key of keys) {
        const rs = rows.filter((r) => `${r.attack}|${r.strength}` === key);
        const rel = mean(rs.map((r) => r.relChange));
        if (always(rs) && (best === undefined || rel < best.rel)) best = { key, rel };
      }
      lines.push(
        `| ${m} | ${v} | ${floor('noise std', sci)} | ${floor('one-step lr', sci)} | ${floor('fine-tune steps', (x) => String(x))} | ${best === undefined ? 'none' : `${sci(best.rel)} (${best.key.replace('|', ' ')})`} |`,
      );
    }

  lines.push('', '**Generation and stealth** (per set of 100 triggers; mean over seeds, range in brackets).', '');
  lines.push('| model | triggers | generated | seconds | serving rounds | margin median | margin min | margin target max | values at 0 or 1 |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const m of models)
    for (const v of variants) {
      const g = out.generation.filter((x) => x.model === m && x.variant === v);
      if (g.length === 0) continue;
      const ok = g.filter((x) => x.ok);
      const secs = ok.map((x) => x.seconds);
      const rounds = ok.map((x) => x.servingRounds).filter((x): x is number => x !== undefined);
      const cell = (a: number[], f: (x: number) => string) => (a.length === 0 ? '-' : `${f(mean(a))} [${f(Math.min(...a))}-${f(Math.max(...a))}]`);
      lines.push(
        `| ${m} | ${v} | ${ok.length}/${g.length}${ok.length < g.length ? ` (failed after ${fmt(mean(g.filter((x) => !x.ok).map((x) => x.seconds)), 0)} s)` : ''} | ${cell(secs, (x) => x.toFixed(1))} | ${rounds.length ? fmt(mean(rounds), 1) : '-'} | ${cell(ok.map((x) => x.margin!.median), sci)} | ${ok.length ? sci(Math.min(...ok.map((x) => x.margin!.min))) : '-'} | ${ok.some((x) => x.marginTargets) ? sci(Math.max(...ok.map((x) => x.marginTargets?.max ?? 0))) : '-'} | ${cell(ok.map((x) => x.shareAtLimits! * 100), (x) => `${x.toFixed(1)}%`)} |`,
      );
    }
  const failures = out.generation.filter((g) => !g.ok);
  if (failures.length > 0) {
    lines.push('', 'Generation failures:');
    for (const f of failures) lines.push(`- ${f.model} seed ${f.seed} ${f.variant} (${f.seconds.toFixed(0)} s): ${f.error}`);
  }
  return lines.join('\n');
}

await main();
