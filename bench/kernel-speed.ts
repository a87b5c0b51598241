/**
 * Kernel speed at real model sizes (issue 19 item 4): forward + input gradient of 100 inputs on
 * the CIFAR ResNet-18 and MobileNetV2 (224x224), per format, side by side with PyTorch CPU, and
 * where the engine's time goes kernel by kernel.
 *
 *   KERAS_BACKEND=torch python bench/make-speed-models.py bench/out/speed-models      # once, 45 s
 *   npx tsx bench/kernel-speed.ts --models bench/out/speed-models [--only resnet18,mobilenetv2]
 *       [--formats ONNX,KERAS] [--batch 100] [--rounds 2] [--python /path/to/python-with-torch | none]
 *   npx tsx bench/kernel-speed.ts --models bench/out/speed-models --profile [--profile-batch 10] [--top 25]
 *
 * Timed (the engine's wasm backend, default threads): "forward+grad" = `selectedLogpGradients`
 * (model/micro-batch.ts) of log p(class 0) for `batch` inputs uniform in [0, 1], in the
 * micro-batches the default budget gives: what the junction's Jacobian rows and the
 * generator's loss do per pass; "forward" = `predictLabels`. One untimed warm-up of each pass
 * (which also measures the micro-batch size) after loading. PyTorch (bench/formats_pytorch.py, a
 * subprocess, 2 threads, the same shapes, in the micro-batch size fastest for it: one batch of
 * 100 at 224x224 is page-fault bound there; median of 3 passes) runs right after the engine in each round:
 * ratio = engine / PyTorch of the same round, because this host is shared and its speed drifts.
 *
 * `--profile`: one forward + input-gradient pass of `--profile-batch` inputs under `tf.profile`,
 * kernel time summed per kernel name and per kernel with input shapes. Our composed kernels run
 * kernels inside themselves (a Conv2DBackpropInput's inner Conv2D is listed too), so the column
 * adds up to more than the pass.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend/index.ts';
import { logProbabilities, predictLabels, type Classifier } from '../src/engine/model/classifier.ts';
import { loadClassifierFromFiles, readModelFiles } from '../src/engine/model/formats/index.ts';
import { selectedLogpGradients } from '../src/engine/model/micro-batch.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { mulberry32 } from '../scripts/fixtures/graphdef-json.ts';
import { addKernelTimes, byKernelName, type KernelTimes } from './kernel-times.ts';
import { PYTORCH_ENV } from './pytorch-env.ts';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'bench/out/speed-models' },
    only: { type: 'string', default: 'resnet18,mobilenetv2' },
    formats: { type: 'string', default: 'ONNX,KERAS' },
    batch: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    python: { type: 'string', default: 'python3' },
    profile: { type: 'boolean', default: false },
    'profile-batch': { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const modelsDir = path.resolve(values.models!);
const batch = Number(values.batch);
const FILE_OF: Record<string, string> = { ONNX: 'onnx', KERAS: 'keras' };

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (v: number) => Math.round(v * 100) / 100;

function inputs(c: Classifier, n: number): Float32Array {
  const rand = mulberry32(19);
  return Float32Array.from({ length: n * c.inputShape.reduce((a, b) => a * b, 1) }, () => rand());
}

function forwardGradMs(c: Classifier, data: Float32Array, n: number): number {
  const t0 = performance.now();
  selectedLogpGradients(c, data, n, [new Int32Array(n)]);
  return performance.now() - t0;
}

function forwardMs(c: Classifier, data: Float32Array, n: number): number {
  const x = tf.tensor(data, [n, ...c.inputShape]);
  const t0 = performance.now();
  predictLabels(c, x);
  const ms = performance.now() - t0;
  x.dispose();
  return ms;
}

function torchMs(model: string): { forwardMs: number; gradMs: number; forwardMicroBatch: number; gradMicroBatch: number; torch: string } | undefined {
  if (values.python === 'none') return undefined; // engine only: A/B between two checkouts
  const r = spawnSync(values.python!, [path.join(root, 'bench', 'formats_pytorch.py'), modelsDir, model, '--batch', String(batch), '--threads', '2', '--reps', '3'], { cwd: root, encoding: 'utf8', env: PYTORCH_ENV });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) {
    console.error(`PyTorch failed for ${model}: ${r.stderr?.slice(-500)}`);
    return undefined;
  }
  const j = JSON.parse(line) as { forwardMs: number[]; gradMs: number[]; forwardMicroBatch: number; gradMicroBatch: number; torch: string };
  return { forwardMs: median(j.forwardMs), gradMs: median(j.gradMs), forwardMicroBatch: j.forwardMicroBatch, gradMicroBatch: j.gradMicroBatch, torch: j.torch };
}

async function load(model: string, format: string): Promise<Classifier> {
  return loadClassifierFromFiles(await readModelFiles(path.join(modelsDir, `${model}.${FILE_OF[format]}`)));
}

async function profile(model: string, format: string): Promise<void> {
  const c = await load(model, format);
  const n = Number(values['profile-batch']);
  const x = tf.tensor(inputs(c, n), [n, ...c.inputShape]);
  // The gradient leaves the tidy as a tensor: a tidy walks a returned typed array element by element.
  const pass = () => {
    const g = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.slice(logProbabilities(c, v), [0, 0], [-1, 1])))(x));
    g.dataSync();
    g.dispose();
  };
  pass();
  const t0 = performance.now();
  pass();
  const wall = performance.now() - t0;
  const p = await tf.profile(pass);
  const byShape: KernelTimes = new Map();
  await addKernelTimes(byShape, p);
  const byName = byKernelName(byShape);
  console.log(`\n${model} ${format}: forward + input gradient of ${n} inputs, ${r2(wall)} ms unprofiled, ${p.kernels.length} kernel calls, peak ${(p.peakBytes / 2 ** 20).toFixed(0)} MB`);
  console.log('ms by kernel (calls):');
  for (const [name, v] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`${v.ms.toFixed(1).padStart(9)}  ${name} (${v.calls})`);
  console.log('ms by kernel and input shapes (calls):');
  for (const [key, v] of [...byShape].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top))) console.log(`${v.ms.toFixed(1).padStart(9)}  x${v.calls}  ${key}`);
  x.dispose();
  c.dispose();
}

async function main(): Promise<void> {
  const backend = await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  const models = values.only!.split(',');
  const formats = values.formats!.split(',');
  console.log(`wasm, ${backend.threads} thread(s), SIMD ${backend.simd}; ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}; ${new Date().toISOString()}; load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  if (values.profile) {
    for (const m of models) for (const f of formats) await profile(m, f);
    return;
  }
  const rows = new Map<string, { grad: number[]; fwd: number[]; gradRatio: number[]; fwdRatio: number[] }>();
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const m of models) {
      const engine: { key: string; grad: number; fwd: number }[] = [];
      for (const f of formats) {
        const c = await load(m, f);
        const data = inputs(c, batch);
        forwardGradMs(c, data, batch);
        forwardMs(c, data, batch);
        engine.push({ key: `${m} ${f}`, grad: forwardGradMs(c, data, batch), fwd: forwardMs(c, data, batch) });
        c.dispose();
      }
      const t = torchMs(m);
      for (const e of engine) {
        const row = rows.get(e.key) ?? { grad: [], fwd: [], gradRatio: [], fwdRatio: [] };
        row.grad.push(e.grad);
        row.fwd.push(e.fwd);
        if (t !== undefined) {
          row.gradRatio.push(e.grad / t.gradMs);
          row.fwdRatio.push(e.fwd / t.forwardMs);
        }
        rows.set(e.key, row);
        const vs = (ms: number | undefined, microBatch: number | undefined, own: number) => (t === undefined ? '' : ` (PyTorch ${ms!.toFixed(0)} ms in micro-batches of ${microBatch}, ratio ${r2(own / ms!)})`);
        console.log(`round ${round} ${e.key}: forward+grad ${e.grad.toFixed(0)} ms${vs(t?.gradMs, t?.gradMicroBatch, e.grad)}, forward ${e.fwd.toFixed(0)} ms${vs(t?.forwardMs, t?.forwardMicroBatch, e.fwd)}; load ${os.loadavg()[0]!.toFixed(1)}`);
      }
    }
  }
  console.log('\n| model, format | forward+grad ms | forward+grad / PyTorch | forward ms | forward / PyTorch |\n|---|---|---|---|---|');
  for (const [key, r] of rows) {
    console.log(`| ${key} | ${median(r.grad).toFixed(0)} | ${r.gradRatio.length ? `${r2(median(r.gradRatio))} [${r.gradRatio.map(r2).join(', ')}]` : '-'} | ${median(r.fwd).toFixed(0)} | ${r.fwdRatio.length ? `${r2(median(r.fwdRatio))} [${r.fwdRatio.map(r2).join(', ')}]` : '-'} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
