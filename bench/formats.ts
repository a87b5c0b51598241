/**
 * Benchmark of issue 18 ("Watermark the models companies ship"): every model format the engine
 * reads, for the reference CNN and a CIFAR ResNet-18, next to PyTorch CPU and onnxruntime-node on
 * the same shapes in the same run.
 *
 *   KERAS_BACKEND=torch python bench/make-format-models.py /tmp/format-models   # once (not committed)
 *   npx tsx bench/make-graph-models.ts --models /tmp/format-models               # TF.js Graph folders
 *   npx tsx bench/formats.ts --models /tmp/format-models [--rounds 3] [--python /path/to/python]
 *       [--max-minutes 15] [--only mnist-cnn,resnet18] [--no-watermark] [--reps-small 10] [--out bench/out/formats.json]
 *
 * Per model and format (on the engine's wasm backend, `initBackend`, unless FRAGMARK_TF_BACKEND
 * names another, e.g. node-gpu on a GPU host: docs/operations.md):
 * - load: `loadClassifierFromFiles` on files already read into memory (detection, checks, parse,
 *   weights into tensors), timed in every round on a fresh load;
 * - forward: `predictLabels` of 100 inputs (one batch), after one untimed warm-up of each pass;
 *   the reference CNN's passes are repeated `--reps-small` times (default 10) in each round and
 *   the round keeps their median (PyTorch and onnxruntime likewise), ResNet-18's run once;
 * - forward + input gradient: `tf.grad` of the sum over the batch of log p(class 0) through
 *   `classifier.predict` (`logProbabilities`, as generation and the junction projection use it),
 *   gradient read back.
 * Inputs: 100 uniform values in [0, 1] in the model's own layout. Rounds alternate: in each round
 * every engine format, then PyTorch CPU (bench/formats_pytorch.py in a subprocess,
 * torch.set_num_threads(2), forward and forward+backward of the same shapes), then
 * onnxruntime-node on the model's .onnx (session creation, forward only: it has no gradient;
 * 2 intra-op threads). The wasm backend runs with its default threads (`nproc`, at most 8).
 * Ratios are per round (engine time / PyTorch or onnxruntime time of the same round): on a shared
 * host, times move with the load, same-round ratios much less.
 *
 * Then one full watermark per format of the reference CNN: `generateTriggers` with the platform
 * defaults (100 triggers, JUNCTION, serving profile FP16, input domain [0, 1] float32, at most
 * 300 generator steps), and one of the ResNet-18 ONNX model capped at `--max-minutes` (aborted
 * through its signal; what was reached is reported: generator steps and their time, the junction
 * placement's time and iterations if it got there).
 *
 * TF.js Graph: a `<model>-tfjs-graph/` folder in the models folder is benchmarked when present;
 * TensorFlow, hence tensorflowjs_converter, is not installable here, so bench/make-graph-models.ts
 * writes them from the Keras models in the converter's layout (batch norm folded, fused ops) and
 * checks they compute the Keras model's outputs. Without the folder the format is listed as not
 * measured.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend/index.ts';
import { logProbabilities, predictLabels, type Classifier } from '../src/engine/model/classifier.ts';
import { loadClassifierFromFiles, readModelFiles, saveModelToFiles } from '../src/engine/model/formats/index.ts';
import { generateTriggers } from '../src/engine/generation/generate.ts';
import { DEFAULT_LOSS } from '../src/engine/generation/loss.ts';
import { DEFAULT_SERVING_PROFILE } from '../src/engine/serving/profiles.ts';
import { DEFAULT_INPUT_DOMAIN } from '../src/engine/serving/input-domain.ts';
import { DEFAULT_TRIGGER_COUNT } from '../src/engine/key.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { DEFAULT_MAX_STEPS } from '../src/watermarks/watermark-settings.ts';
import { mulberry32 } from '../scripts/fixtures/graphdef-json.ts';
import { PYTORCH_ENV } from './pytorch-env.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '100' },
    python: { type: 'string', default: 'python3' },
    'max-minutes': { type: 'string', default: '15' },
    only: { type: 'string', default: 'mnist-cnn,resnet18' },
    watermark: { type: 'boolean', default: true },
    'no-watermark': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/out/formats.json' },
    'reps-small': { type: 'string', default: '10' },
  },
});
if (values.models === undefined) throw new Error('--models <dir> is required (made by bench/make-format-models.py)');
const modelsDir = path.resolve(values.models);
const rounds = Number(values.rounds);
const batch = Number(values.batch);
const maxMinutes = Number(values['max-minutes']);
/** Timed repetitions inside a round (median taken): the CNN's passes take milliseconds, ResNet-18's seconds. */
const repsOf = (name: ModelName) => (name === 'mnist-cnn' ? Number(values['reps-small']) : 1);
const medianOf = (reps: number, f: () => number) => median(Array.from({ length: reps }, f));
const root = fileURLToPath(new URL('..', import.meta.url));
const pythonScript = path.join(root, 'bench', 'formats_pytorch.py');

type ModelName = 'mnist-cnn' | 'resnet18';
const MODELS: Record<ModelName, { nhwc: number[]; nchw: number[] }> = {
  'mnist-cnn': { nhwc: [28, 28, 1], nchw: [1, 28, 28] },
  resnet18: { nhwc: [32, 32, 3], nchw: [3, 32, 32] },
};

interface Variant {
  /** Row label: format and container. */
  readonly label: string;
  readonly path: string;
  files?: Map<string, Uint8Array>;
}

/** The upper median (the middle element after sorting), as the other benchmarks. */
function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
const r1 = (v: number) => Math.round(v * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;

function uniformInputs(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand());
}

function loadAverage(): string {
  return os.loadavg().map((v) => v.toFixed(2)).join(' ');
}

/** The TF.js Layers folder of a model that has no committed one: the .keras file through the engine's Keras reader, saved by the engine's Layers saver. */
async function ensureLayersFolder(name: ModelName): Promise<string> {
  if (name === 'mnist-cnn') return path.join(root, 'fixtures', 'mnist-cnn');
  const dir = path.join(modelsDir, `${name}-tfjs-layers`);
  if (existsSync(path.join(dir, 'model.json'))) return dir;
  const keras = await loadClassifierFromFiles(await readModelFiles(path.join(modelsDir, `${name}.keras`)));
  const files = await saveModelToFiles(keras.model!);
  keras.dispose();
  await mkdir(dir, { recursive: true });
  for (const [file, bytes] of files) await writeFile(path.join(dir, file), bytes);
  console.error(`wrote ${dir} (from ${name}.keras through the Keras reader and saveModelToFiles)`);
  return dir;
}

async function variantsOf(name: ModelName): Promise<{ variants: Variant[]; missing: string[] }> {
  const variants: Variant[] = [{ label: 'TFJS_LAYERS', path: await ensureLayersFolder(name) }];
  const missing: string[] = [];
  const graph = path.join(modelsDir, `${name}-tfjs-graph`);
  if (existsSync(path.join(graph, 'model.json'))) variants.push({ label: 'TFJS_GRAPH', path: graph });
  else missing.push(`TFJS_GRAPH (no ${graph})`);
  variants.push({ label: 'ONNX', path: path.join(modelsDir, `${name}.onnx`) });
  variants.push({ label: 'KERAS .keras', path: path.join(modelsDir, `${name}.keras`) });
  variants.push({ label: 'KERAS .h5', path: path.join(modelsDir, `${name}.h5`) });
  return { variants, missing };
}

function inputTensor(c: Classifier, name: ModelName): tf.Tensor {
  const shape = [...c.inputShape];
  const m = MODELS[name];
  const expected = c.layout === 'NCHW' ? m.nchw : m.nhwc;
  if (shape.join(',') !== expected.join(',')) throw new Error(`${name} ${c.format}: input shape [${shape}] is not [${expected}]`);
  const per = shape.reduce((a, b) => a * b, 1);
  // The same values for every format, in each one's own layout.
  const nhwc = tf.tensor(uniformInputs(batch * per, 18), [batch, ...m.nhwc]);
  if (c.layout !== 'NCHW') return nhwc;
  const nchw = tf.transpose(nhwc, [0, 3, 1, 2]);
  nhwc.dispose();
  return nchw;
}

function forward(c: Classifier, x: tf.Tensor): number {
  const t0 = performance.now();
  predictLabels(c, x);
  return performance.now() - t0;
}

function forwardGrad(c: Classifier, x: tf.Tensor): number {
  const t0 = performance.now();
  const g = tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(logProbabilities(c, xx), [0, 0], [-1, 1])))(x));
  g.dataSync();
  g.dispose();
  return performance.now() - t0;
}

interface EngineRound {
  loadMs: number;
  forwardMs: number;
  gradMs: number;
}

async function engineRound(name: ModelName, v: Variant): Promise<EngineRound> {
  v.files ??= await readModelFiles(v.path);
  const t0 = performance.now();
  const c = await loadClassifierFromFiles(v.files);
  const loadMs = performance.now() - t0;
  const x = inputTensor(c, name);
  try {
    forward(c, x);
    forwardGrad(c, x);
    const reps = repsOf(name);
    return { loadMs, forwardMs: medianOf(reps, () => forward(c, x)), gradMs: medianOf(reps, () => forwardGrad(c, x)) };
  } finally {
    x.dispose();
    c.dispose();
  }
}

interface TorchRound {
  forwardMs: number;
  gradMs: number;
  torch: string;
  threads: number;
}

function torchRound(name: ModelName): TorchRound | undefined {
  const r = spawnSync(values.python!, [pythonScript, modelsDir, name, '--batch', String(batch), '--threads', '2', '--reps', String(repsOf(name))], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: PYTORCH_ENV });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) {
    console.error(`PyTorch (${values.python}) failed for ${name}: ${(r.stderr ?? String(r.error)).slice(-800)}`);
    return undefined;
  }
  const j = JSON.parse(line) as { forwardMs: number[]; gradMs: number[]; torch: string; threads: number };
  return { forwardMs: median(j.forwardMs), gradMs: median(j.gradMs), torch: j.torch, threads: j.threads };
}

type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | undefined;

async function ortRound(name: ModelName): Promise<{ sessionMs: number; forwardMs: number } | undefined> {
  try {
    ortModule ??= await import('onnxruntime-node');
  } catch (e) {
    console.error(`onnxruntime-node unavailable: ${(e as Error).message}`);
    return undefined;
  }
  const ort = ortModule;
  const bytes = new Uint8Array(readFileSync(path.join(modelsDir, `${name}.onnx`)));
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1 });
  const sessionMs = performance.now() - t0;
  try {
    const shape = MODELS[name].nchw;
    const per = shape.reduce((a, b) => a * b, 1);
    const nhwc = tf.tensor(uniformInputs(batch * per, 18), [batch, ...MODELS[name].nhwc]);
    const data = tf.tidy(() => tf.transpose(nhwc, [0, 3, 1, 2])).dataSync() as Float32Array;
    nhwc.dispose();
    const feed = { [session.inputNames[0]!]: new ort.Tensor('float32', data, [batch, ...shape]) };
    const run = async () => {
      const t = performance.now();
      const out = await session.run(feed);
      const y = out[session.outputNames[0]!]!.data as Float32Array;
      // argmax, as predictLabels does.
      const k = y.length / batch;
      for (let i = 0; i < batch; i++) {
        let best = 0;
        for (let j = 1; j < k; j++) if (y[i * k + j]! > y[i * k + best]!) best = j;
      }
      return performance.now() - t;
    };
    await run();
    const times: number[] = [];
    for (let i = 0; i < repsOf(name); i++) times.push(await run());
    return { sessionMs, forwardMs: median(times) };
  } finally {
    await session.release();
  }
}

interface WatermarkRun {
  model: ModelName;
  format: string;
  outcome: string;
  totalS: number;
  generatorSteps: number;
  generatorS: number;
  msPerGeneratorStep: number;
  placementS?: number;
  junctionIterations?: number;
  servingRounds?: number;
  msPerJunctionIteration?: number;
  accTri?: number;
}

async function watermark(name: ModelName, v: Variant, capMinutes?: number): Promise<WatermarkRun> {
  v.files ??= await readModelFiles(v.path);
  const c = await loadClassifierFromFiles(v.files);
  const controller = new AbortController();
  const timer = capMinutes === undefined ? undefined : setTimeout(() => controller.abort(), capMinutes * 60_000);
  const progress: { step: number; t: number; accTri: number }[] = [];
  const t0 = performance.now();
  try {
    const result = await generateTriggers(c, {
      count: DEFAULT_TRIGGER_COUNT,
      loss: DEFAULT_LOSS,
      servingProfile: DEFAULT_SERVING_PROFILE,
      inputDomain: DEFAULT_INPUT_DOMAIN,
      maxSteps: DEFAULT_MAX_STEPS,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage !== 'WARM_START') return;
        progress.push({ step: p.step, t: performance.now() - t0, accTri: p.accTri });
        if (p.step % 10 === 0) console.error(`  ${name} ${v.label} step ${p.step} accTri ${p.accTri} ${r1((performance.now() - t0) / 1000)} s`);
      },
    });
    const total = performance.now() - t0;
    const genEnd = progress.at(-1)?.t ?? 0;
    const refinement = result.triggerSet.metadata.parameters['refinement'] as { iterations?: number; servingRounds?: number } | undefined;
    const iterations = refinement?.iterations;
    return {
      model: name,
      format: v.label,
      outcome: `AccTri ${result.accTri * 100}% (${result.triggerSet.labels.length} triggers)`,
      totalS: r2(total / 1000),
      generatorSteps: result.steps,
      generatorS: r2(genEnd / 1000),
      msPerGeneratorStep: r1(genEnd / Math.max(1, progress.length)),
      placementS: r2((total - genEnd) / 1000),
      ...(iterations !== undefined ? { junctionIterations: iterations, msPerJunctionIteration: r1((total - genEnd) / Math.max(1, iterations)) } : {}),
      ...(refinement?.servingRounds !== undefined ? { servingRounds: refinement.servingRounds } : {}),
      accTri: result.accTri,
    };
  } catch (e) {
    const total = performance.now() - t0;
    const last = progress.at(-1);
    return {
      model: name,
      format: v.label,
      outcome: controller.signal.aborted ? `stopped at the ${capMinutes}-minute cap: ${(e as Error).message}` : `failed: ${(e as Error).message}`,
      totalS: r2(total / 1000),
      generatorSteps: last?.step ?? 0,
      generatorS: r2((last?.t ?? 0) / 1000),
      msPerGeneratorStep: r1((last?.t ?? 0) / Math.max(1, progress.length)),
      ...(last !== undefined ? { accTri: last.accTri } : {}),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    c.dispose();
  }
}

async function main(): Promise<void> {
  const engine = loadEngineOptions();
  const info = await initBackend({ ...engine, backend: engine.backend ?? 'wasm' });
  const started = new Date();
  const loads: string[] = [loadAverage()];
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const machine = { nproc: os.availableParallelism(), cpu, node: process.version, backend: info.choice, wasmThreads: info.threads, simd: info.simd };
  console.error(`machine: ${JSON.stringify(machine)}; load ${loads[0]}`);
  const names = values.only!.split(',') as ModelName[];
  const report: Record<string, unknown> = { started: started.toISOString(), machine, command: process.argv.slice(2).join(' '), rounds, batch, models: {} };
  const rowsOut: string[] = [];

  for (const name of names) {
    const { variants, missing } = await variantsOf(name);
    const engine = new Map<string, EngineRound[]>(variants.map((v) => [v.label, []]));
    const torch: TorchRound[] = [];
    const ortRuns: { sessionMs: number; forwardMs: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const e = await engineRound(name, v);
        engine.get(v.label)!.push(e);
        console.error(`${name} round ${round + 1} ${v.label}: load ${r1(e.loadMs)} ms, forward ${r1(e.forwardMs)} ms, forward+grad ${r1(e.gradMs)} ms (load avg ${loadAverage()})`);
      }
      const t = torchRound(name);
      if (t !== undefined) torch.push(t);
      const o = await ortRound(name);
      if (o !== undefined) ortRuns.push(o);
      console.error(`${name} round ${round + 1} PyTorch: ${t ? `${r1(t.forwardMs)} / ${r1(t.gradMs)} ms` : 'n/a'}; onnxruntime: ${o ? `session ${r1(o.sessionMs)} ms, forward ${r1(o.forwardMs)} ms` : 'n/a'}`);
      loads.push(loadAverage());
    }
    const rows = variants.map((v) => {
      const rs = engine.get(v.label)!;
      const fwdVsTorch = torch.length === rs.length ? rs.map((e, i) => e.forwardMs / torch[i]!.forwardMs) : [];
      const gradVsTorch = torch.length === rs.length ? rs.map((e, i) => e.gradMs / torch[i]!.gradMs) : [];
      const fwdVsOrt = ortRuns.length === rs.length ? rs.map((e, i) => e.forwardMs / ortRuns[i]!.forwardMs) : [];
      return {
        format: v.label,
        loadMs: r1(median(rs.map((e) => e.loadMs))),
        forwardMs: r1(median(rs.map((e) => e.forwardMs))),
        gradMs: r1(median(rs.map((e) => e.gradMs))),
        forwardVsTorch: fwdVsTorch.map(r2),
        gradVsTorch: gradVsTorch.map(r2),
        forwardVsOrt: fwdVsOrt.map(r2),
        rounds: rs,
      };
    });
    const torchMed = torch.length ? { forwardMs: r1(median(torch.map((t) => t.forwardMs))), gradMs: r1(median(torch.map((t) => t.gradMs))), version: torch[0]!.torch, threads: torch[0]!.threads } : undefined;
    const ortMed = ortRuns.length ? { sessionMs: r1(median(ortRuns.map((o) => o.sessionMs))), forwardMs: r1(median(ortRuns.map((o) => o.forwardMs))) } : undefined;
    (report['models'] as Record<string, unknown>)[name] = { rows, torch: torchMed, torchRounds: torch, ort: ortMed, ortRounds: ortRuns, missing };

    const first = rowsOut.length;
    rowsOut.push(`\n${name} (${batch} inputs; medians of ${rounds} rounds; ratios = engine / reference in the same round, median [per round])`);
    rowsOut.push('| format | load ms | forward ms | forward+grad ms | forward / PyTorch | forward+grad / PyTorch | forward / onnxruntime |');
    rowsOut.push('|---|---|---|---|---|---|---|');
    const ratio = (xs: number[]) => (xs.length ? `${r2(median(xs))} [${xs.join(', ')}]` : 'n/a');
    for (const r of rows) rowsOut.push(`| ${r.format} | ${r.loadMs} | ${r.forwardMs} | ${r.gradMs} | ${ratio(r.forwardVsTorch)} | ${ratio(r.gradVsTorch)} | ${ratio(r.forwardVsOrt)} |`);
    if (torchMed) rowsOut.push(`| PyTorch ${torchMed.version} CPU (${torchMed.threads} threads) | - | ${torchMed.forwardMs} | ${torchMed.gradMs} | 1 | 1 | - |`);
    if (ortMed) rowsOut.push(`| onnxruntime-node (2 threads; load = session creation) | ${ortMed.sessionMs} | ${ortMed.forwardMs} | no gradient | - | - | 1 |`);
    for (const m of missing) rowsOut.push(`(not measured: ${m})`);
    console.log(rowsOut.slice(first).join('\n'));
  }

  const watermarks: WatermarkRun[] = [];
  if (values.watermark && !values['no-watermark']) {
    if (names.includes('mnist-cnn')) {
      for (const v of (await variantsOf('mnist-cnn')).variants) {
        const w = await watermark('mnist-cnn', v);
        watermarks.push(w);
        console.error(JSON.stringify(w));
        loads.push(loadAverage());
      }
    }
    if (names.includes('resnet18') && maxMinutes > 0) {
      const onnx = (await variantsOf('resnet18')).variants.find((v) => v.label === 'ONNX')!;
      const w = await watermark('resnet18', onnx, maxMinutes);
      watermarks.push(w);
      console.error(JSON.stringify(w));
      loads.push(loadAverage());
    }
    rowsOut.push('\nwatermark (generateTriggers: 100 triggers, JUNCTION, FP16 profile, [0, 1] domain)');
    rowsOut.push('| model | format | outcome | total s | generator steps | generator s | ms / generator step | placement s | junction iterations (serving rounds) | ms / iteration |');
    rowsOut.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const w of watermarks) {
      rowsOut.push(`| ${w.model} | ${w.format} | ${w.outcome} | ${w.totalS} | ${w.generatorSteps} | ${w.generatorS} | ${w.msPerGeneratorStep} | ${w.placementS ?? '-'} | ${w.junctionIterations ?? '-'}${w.servingRounds !== undefined ? ` (${w.servingRounds})` : ''} | ${w.msPerJunctionIteration ?? '-'} |`);
    }
    console.log(rowsOut.slice(-watermarks.length - 3).join('\n'));
  }
  report['watermarks'] = watermarks;
  report['loadAverages'] = loads;
  report['finished'] = new Date().toISOString();
  report['table'] = rowsOut.join('\n');
  await mkdir(path.dirname(path.resolve(values.out!)), { recursive: true });
  await writeFile(path.resolve(values.out!), JSON.stringify(report, null, 2));
  console.log(`\nload averages (1/5/15 min) at start and after each round / watermark: ${loads.join(' | ')}`);
  console.log(`wrote ${values.out}`);
}

await main();
