/**
 * Benchmark: time, steps and peak RSS to generate fragile triggers for the reference MNIST CNN.
 *
 *   npx tsx bench/generation.ts [--backends wasm,cpu] [--preset default|paper] [--loss CE_VARIANCE|CE_ONLY|MARGIN|JUNCTION|SENSITIVE]
 *                               [--lr 1e-2] [--steps 300] [--count 100] [--width 16] [--latent 100] [--runs 1]
 *
 * Env FRAGMARK_BENCH_BACKENDS works like --backends. Each backend runs in its own child process
 * so that peak RSS (process.resourceUsage().maxRSS) belongs to that backend alone. Prints one JSON
 * line per run and a summary table; results are recorded by hand in bench/RESULTS.md.
 * ms/step covers the generator loop only (up to its last progress report); for JUNCTION and
 * SENSITIVE the time after it (junction projection, refinement) is reported as refinement s.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadEngineOptions } from '../src/config/config.ts';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: process.env['FRAGMARK_BENCH_BACKENDS'] ?? 'wasm,cpu' },
    preset: { type: 'string', default: 'default' },
    loss: { type: 'string' },
    lr: { type: 'string' },
    steps: { type: 'string' },
    count: { type: 'string', default: '100' },
    width: { type: 'string' },
    latent: { type: 'string' },
    runs: { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
    backend: { type: 'string' },
  },
});

interface RunResult {
  backend: string;
  ok: boolean;
  error?: string;
  steps?: number;
  totalMs: number;
  generationMs?: number;
  msPerStep?: number;
  /** Median time between successive steps, the first (warm-up) step excluded: the steady-state cost. */
  medianStepMs?: number;
  refinementMs?: number;
  peakRssMb: number;
  accTri?: number;
  marginMedian?: number;
  marginMin?: number;
  generatorParameters?: number;
  settings: Record<string, unknown>;
}

async function child(): Promise<void> {
  const t0 = Date.now();
  const path = await import('node:path');
  const { initBackend } = await import('../src/engine/backend/index.ts');
  const { loadClassifierFromDir } = await import('../src/engine/model/formats/index.ts');
  const { generateTriggers, PAPER_OPTIMIZER, DEFAULT_OPTIMIZER, PAPER_MAX_STEPS } = await import('../src/engine/generation/generate.ts');
  const { DEFAULT_GENERATOR } = await import('../src/engine/generation/generator.ts');
  const backend = values.backend as 'wasm' | 'cpu' | 'node' | 'node-gpu';
  await initBackend({ ...loadEngineOptions(), backend, log: () => {} });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const classifier = await loadClassifierFromDir(path.join(here, '..', 'fixtures', 'mnist-cnn'));
  const paper = values.preset === 'paper';
  const optimizer = { ...(paper ? PAPER_OPTIMIZER : DEFAULT_OPTIMIZER), ...(values.lr ? { learningRate: Number(values.lr) } : {}) };
  const generator = {
    ...DEFAULT_GENERATOR,
    ...(paper ? { latentDim: 512 } : {}),
    ...(values.width ? { width: Number(values.width) } : {}),
    ...(values.latent ? { latentDim: Number(values.latent) } : {}),
  };
  const loss = { kind: (values.loss ?? 'CE_VARIANCE') as 'CE_VARIANCE' }; // JUNCTION/SENSITIVE: their defaults
  const maxSteps = values.steps ? Number(values.steps) : PAPER_MAX_STEPS;
  const settings = { preset: values.preset, loss: loss.kind, optimizer, generator, maxSteps, count: Number(values.count) };
  const g0 = Date.now();
  let result: RunResult;
  try {
    let loopEnd = g0;
    const stepTimes: number[] = [];
    let last = performance.now();
    const r = await generateTriggers(classifier, {
      loss,
      optimizer,
      generator,
      maxSteps,
      count: Number(values.count),
      onProgress: (p) => {
        if (p.stage !== 'WARM_START') return;
        const now = performance.now();
        stepTimes.push(now - last);
        last = now;
        loopEnd = Date.now();
      },
    });
    const ms = Date.now() - g0;
    const sorted = Float32Array.from(r.margins).sort();
    result = {
      backend,
      ok: true,
      steps: r.steps,
      totalMs: Date.now() - t0,
      generationMs: ms,
      msPerStep: (loopEnd - g0) / (r.steps + 1),
      medianStepMs: median(stepTimes.slice(1)),
      refinementMs: Date.now() - loopEnd,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      accTri: r.accTri,
      marginMedian: sorted[Math.floor(sorted.length / 2)]!,
      marginMin: sorted[0]!,
      generatorParameters: r.generatorParameters,
      settings,
    };
  } catch (e) {
    const ms = Date.now() - g0;
    const err = e as { message?: string; details?: { accTri?: number } };
    result = {
      backend,
      ok: false,
      error: err.message ?? String(e),
      totalMs: Date.now() - t0,
      generationMs: ms,
      msPerStep: ms / (maxSteps + 1),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      ...(err.details?.accTri !== undefined ? { accTri: err.details.accTri } : {}),
      settings,
    };
  }
  console.log('RESULT ' + JSON.stringify(result));
}

function parent(): void {
  const backends = values.backends!.split(',').map((s) => s.trim()).filter(Boolean);
  const runs = Number(values.runs);
  const passThrough = process.argv.slice(2).filter((a, i, arr) => !a.startsWith('--backends') && arr[i - 1] !== '--backends');
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ${os.platform()} ${os.arch()}`);
  const results: RunResult[] = [];
  for (const b of backends) {
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--backend', b, ...passThrough], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line === undefined) {
        console.error(`backend ${b}: child failed\n${r.stderr}`);
        continue;
      }
      const res = JSON.parse(line.slice(7)) as RunResult;
      results.push(res);
      console.log(JSON.stringify(res));
    }
  }
  console.log('\n| backend | ok | steps | generation s | ms/step | median step ms | refinement s | total s | peak RSS MB | AccTri | median margin |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.backend} | ${r.ok ? 'yes' : 'no'} | ${r.steps ?? '-'} | ${((r.generationMs ?? 0) / 1000).toFixed(2)} | ${r.msPerStep?.toFixed(1) ?? '-'} | ${r.medianStepMs?.toFixed(1) ?? '-'} | ${r.refinementMs !== undefined ? (r.refinementMs / 1000).toFixed(2) : '-'} | ${(r.totalMs / 1000).toFixed(2)} | ${r.peakRssMb.toFixed(0)} | ${r.accTri ?? '-'} | ${r.marginMedian?.toPrecision(3) ?? '-'} |`,
    );
  }
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (values.child) await child();
else parent();
