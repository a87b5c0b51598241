/**
 * An artifact check as a worker runs it, against how it ran before (issue 19, item 1): the
 * worker checks on its main thread, where a job's heartbeats (every 3 s, lost after
 * FRAGMARK_JOB_HEARTBEAT_SECONDS, default 10) and every other job on the worker also run.
 *
 * - TF.js artifacts (Layers, Graph, Keras), the synthetic models of bench/synthetic-models.ts read
 *   as uploads are: `verifyClassifier` (one synchronous pass in micro-batches, as the worker ran
 *   it) against `verifyClassifierYielding` (the event loop runs between micro-batches, as it runs
 *   now). Reported: the time and the longest event-loop stall during the check
 *   (the longest gap between the ticks of a 5 ms interval).
 * - ONNX artifacts, on onnxruntime: every input in one run (as before, up to 256 per run)
 *   against one example per run (`onnxRuntimeLabels` now). Each in a child process of its own,
 *   for its peak resident memory (`process.resourceUsage().maxRSS`); the time includes the
 *   session's creation, as a check's does.
 * Random inputs in [0, 1]: the time and memory of a pass do not depend on the values.
 *
 *   KERAS_BACKEND=torch python bench/make-speed-models.py bench/out/speed-models   # the .onnx files
 *   npx tsx bench/worker-check.ts [--count 100] [--rounds 2] [--engine resnet18-cifar,mobilenetv2-224,resnet50-224]
 *                                 [--onnx bench/out/speed-models] [--onnx-models resnet18,mobilenetv2,resnet50]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, onnxRuntimeLabels, verifyClassifier, verifyClassifierYielding, type TriggerSet } from '../src/engine/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { asUploaded, buildSyntheticModel, type SyntheticModelName } from './synthetic-models.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    engine: { type: 'string', default: 'resnet18-cifar,mobilenetv2-224,resnet50-224' },
    onnx: { type: 'string', default: 'bench/out/speed-models' },
    'onnx-models': { type: 'string', default: 'resnet18,mobilenetv2,resnet50' },
    child: { type: 'string' },
    file: { type: 'string' },
  },
});

const n = Number(values.count);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const here = path.dirname(fileURLToPath(import.meta.url));

function randomInputs(count: number, shape: readonly number[]): Float32Array {
  const data = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random();
  return data;
}

/**
 * Runs `f`, returning its time and the longest event-loop stall while it ran (ms): the longest
 * gap between the ticks of a 5 ms interval, the gap that ends after `f` included.
 */
async function timed(f: () => unknown): Promise<{ ms: number; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  last = t0;
  await f();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(tick);
  return { ms, stallMs };
}

/** The previous onnxruntime path: up to 256 inputs per run (the reference; one-example runs are `onnxRuntimeLabels`). */
async function ortInOneRun(bytes: Uint8Array, inputs: Float32Array, shape: readonly number[]): Promise<void> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  const per = shape.reduce((a, b) => a * b, 1);
  const count = inputs.length / per;
  for (let start = 0; start < count; start += 256) {
    const size = Math.min(256, count - start);
    const feed = new ort.Tensor('float32', inputs.subarray(start * per, (start + size) * per), [size, ...shape]);
    const out = await session.run({ [session.inputNames[0]!]: feed });
    out[session.outputNames[0]!]!.dispose();
    feed.dispose();
  }
  await session.release();
}

async function child(mode: string, file: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  const shape = /mobilenet|resnet50/.test(path.basename(file)) ? [3, 224, 224] : [3, 32, 32];
  const inputs = randomInputs(n, shape);
  const result = await timed(() => (mode === 'ort-one-run' ? ortInOneRun(bytes, inputs, shape) : onnxRuntimeLabels(bytes, inputs, shape)));
  console.log(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(mode: string, file: string): { ms: number; stallMs: number; maxRssMb: number } {
  const out = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'worker-check.ts'), '--child', mode, '--file', file, '--count', String(n)], { encoding: 'utf8' });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  if (out.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} ${file}: ${out.stderr.slice(-2000)}`);
  return JSON.parse(line) as { ms: number; stallMs: number; maxRssMb: number };
}

async function main(): Promise<void> {
  if (values.child) return child(values.child, values.file!);
  const rounds = Number(values.rounds);
  const backend = await initBackend({ ...loadEngineOptions(), backend: 'wasm', log: () => {} });
  console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}, Node ${process.version}, backend ${backend.choice}, ${n} triggers, ${rounds} rounds`);

  console.log(`\nTF.js artifacts (medians; per round in brackets)\n| model | one pass: s | one pass: longest stall s | yielding: s | yielding: longest stall s |\n|---|---|---|---|---|`);
  for (const name of values.engine!.split(',').filter(Boolean) as SyntheticModelName[]) {
    const classifier = asUploaded(buildSyntheticModel(name));
    const set: TriggerSet = {
      shape: [...classifier.inputShape],
      numClasses: classifier.numClasses,
      labels: new Int32Array(n),
      data: randomInputs(n, classifier.inputShape),
      metadata: { method: 'bench', loss: { kind: 'CE_ONLY' }, parameters: {}, backend: backend.choice, modelDigest: '0'.repeat(64), createdAt: new Date().toISOString() },
    };
    verifyClassifier(classifier, { ...set, labels: new Int32Array(2), data: set.data.subarray(0, 2 * (set.data.length / n)) }); // warm-up, sizes measured
    const before: { ms: number; stallMs: number }[] = [];
    const now: { ms: number; stallMs: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      before.push(await timed(() => verifyClassifier(classifier, set)));
      now.push(await timed(() => verifyClassifierYielding(classifier, set)));
    }
    const cell = (xs: { ms: number; stallMs: number }[], k: 'ms' | 'stallMs') => `${(median(xs.map((x) => x[k])) / 1000).toFixed(2)} [${xs.map((x) => (x[k] / 1000).toFixed(2)).join(', ')}]`;
    console.log(`| ${name} | ${cell(before, 'ms')} | ${cell(before, 'stallMs')} | ${cell(now, 'ms')} | ${cell(now, 'stallMs')} |`);
    classifier.dispose();
  }

  console.log(
    `\nONNX artifacts on onnxruntime, a child process each (medians; per round in brackets)\n| model | one run: s | one run: peak RSS MB | one example per run: s | one example per run: peak RSS MB | one example per run: longest stall s |\n|---|---|---|---|---|---|`,
  );
  for (const name of values['onnx-models']!.split(',').filter(Boolean)) {
    const file = path.join(values.onnx!, `${name}.onnx`);
    const before: { ms: number; stallMs: number; maxRssMb: number }[] = [];
    const now: { ms: number; stallMs: number; maxRssMb: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      before.push(runChild('ort-one-run', file));
      now.push(runChild('ort-per-example', file));
    }
    const s = (xs: { ms: number }[]) => `${(median(xs.map((x) => x.ms)) / 1000).toFixed(2)} [${xs.map((x) => (x.ms / 1000).toFixed(2)).join(', ')}]`;
    const mb = (xs: { maxRssMb: number }[]) => `${median(xs.map((x) => x.maxRssMb)).toFixed(0)}`;
    console.log(`| ${name} | ${s(before)} | ${mb(before)} | ${s(now)} | ${mb(now)} | ${(median(now.map((x) => x.stallMs)) / 1000).toFixed(2)} |`);
  }
}

await main();
