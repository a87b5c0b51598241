/**
 * Benchmark: the steady-state generation step on wasm, per thread count, against PyTorch with the
 * same shapes (issue 3: "per-step time within 2x of PyTorch on the same CPU for the same shapes").
 *
 *   npx tsx bench/step.ts [--threads 1,2] [--steps 30] [--rounds 3] [--python /path/to/python]
 *
 * The step is generate.ts's (bench/generation-step.ts): the default generator on N = 100 fixed
 * latents, the reference MNIST CNN, CE_VARIANCE, Adam lr 1e-2, margins and loss read back. Each
 * configuration runs in its own process (the wasm thread count is fixed per process), `--steps`
 * timed steps after 3 warm-up steps. With `--python` (an interpreter with torch installed, see
 * bench/pytorch_generation.py), each round runs every wasm configuration and then PyTorch with
 * the same thread counts, back to back, so that both see the same load on a shared host.
 * Prints one JSON line per run and a table of medians; record results in bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    steps: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    python: { type: 'string' },
    child: { type: 'boolean', default: false },
  },
});

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  engine: 'wasm' | 'pytorch';
  threads: number;
  medianStepMs: number;
  minStepMs: number;
  meanStepMs: number;
}

/** The upper median (the middle element after sorting), as in bench/generation.ts. */
function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function stats(times: number[]): { medianStepMs: number; minStepMs: number; meanStepMs: number } {
  const round = (v: number) => Math.round(v * 100) / 100;
  return { medianStepMs: round(median(times)), minStepMs: round(Math.min(...times)), meanStepMs: round(times.reduce((a, b) => a + b, 0) / times.length) };
}

async function child(): Promise<void> {
  const { createGenerationStep } = await import('./generation-step.ts');
  const generation = await createGenerationStep();
  const step = () => generation.run();
  for (let i = 0; i < 3; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < Number(values.steps); i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  const run: Run = { engine: 'wasm', threads: generation.threads, ...stats(times) };
  console.log(JSON.stringify(run));
}

function runWasm(threads: number): Run | undefined {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--steps', values.steps!], {
    cwd: root,
    env: { ...process.env, FRAGMARK_WASM_THREADS: String(threads) },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) {
    console.error(`wasm with ${threads} threads failed: ${r.stderr.slice(-800)}`);
    return undefined;
  }
  return JSON.parse(line) as Run;
}

function runPyTorch(python: string, threads: number): Run | undefined {
  const r = spawnSync(python, [path.join(root, 'bench', 'pytorch_generation.py'), '--threads', String(threads), '--runs', '1', '--steps', values.steps!], { cwd: root, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) {
    console.error(`pytorch with ${threads} threads failed: ${r.stderr.slice(-800)}`);
    return undefined;
  }
  const p = JSON.parse(line) as { msPerStep: number; medianStepMs: number; minStepMs: number };
  return { engine: 'pytorch', threads, medianStepMs: p.medianStepMs, minStepMs: p.minStepMs, meanStepMs: p.msPerStep };
}

async function main(): Promise<void> {
  const threads = values.threads!.split(',').map(Number);
  console.log(`machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ${new Date().toISOString()}`);
  const runs: Run[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const t of threads) {
      const r = runWasm(t);
      if (r) (runs.push(r), console.log(JSON.stringify(r)));
    }
    if (values.python !== undefined) {
      for (const t of threads) {
        const r = runPyTorch(values.python, t);
        if (r) (runs.push(r), console.log(JSON.stringify(r)));
      }
    }
  }
  console.log('\n| engine | threads | median step ms (per round) | fastest step ms | vs PyTorch, same threads (median) |');
  console.log('|---|---|---|---|---|');
  for (const engine of ['wasm', 'pytorch'] as const) {
    for (const t of threads) {
      const rs = runs.filter((r) => r.engine === engine && r.threads === t);
      if (rs.length === 0) continue;
      const torch = runs.filter((r) => r.engine === 'pytorch' && r.threads === t);
      const ratio = engine === 'wasm' && torch.length > 0 ? (median(rs.map((r) => r.medianStepMs)) / median(torch.map((r) => r.medianStepMs))).toFixed(2) + 'x' : '';
      console.log(`| ${engine} | ${t} | ${rs.map((r) => r.medianStepMs.toFixed(1)).join(' / ')} | ${Math.min(...rs.map((r) => r.minStepMs)).toFixed(1)} | ${ratio} |`);
    }
  }
}

if (values.child) await child();
else await main();
